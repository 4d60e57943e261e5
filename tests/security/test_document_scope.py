"""Stored PDFs follow the case page's seccional scope (ASVS 4.2.1, object-level access)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from documents.services import (
    cancellation_resolution_pdf,
    communication_pdf,
    formulario_001_pdf,
)
from tests.documents.conftest import judicial_cancellation  # noqa: F401

pytestmark = pytest.mark.django_db


def _download(client, document) -> int:
    return client.get(reverse("documents:download", args=[document.code])).status_code


def test_an_official_of_medellin_cannot_download_a_bogota_resolution(
    client,
    judicial_cancellation,  # noqa: F811
    official_of_other_seccional,
):
    resolution = cancellation_resolution_pdf(judicial_cancellation)
    client.force_login(official_of_other_seccional)

    case_page = client.get(reverse("admin:procedures_case_change", args=[judicial_cancellation.pk]))

    assert case_page.status_code == 403
    assert _download(client, resolution) == 403
    communication = communication_pdf(judicial_cancellation.communications.first())
    assert _download(client, communication) == 403
    formulario = formulario_001_pdf(
        judicial_cancellation.registrant.form_versions.latest("version"), copy=False
    )
    assert _download(client, formulario) == 403


def test_officials_in_scope_still_download(
    client,
    judicial_cancellation,  # noqa: F811
    official,
    central,
):
    resolution = cancellation_resolution_pdf(judicial_cancellation)

    client.force_login(official)
    assert _download(client, resolution) == 200
    client.force_login(central)
    assert _download(client, resolution) == 200
