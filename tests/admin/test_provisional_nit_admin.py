"""The inscrito's admin page: "Activar NIT (certificado bancario)" (art. 10 lit. a) and the
Formulario 001 PDFs of each version, both within the official's scope."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import AuditEntry, DataAccessLog, FormVersion, Registrant
from tests.admin.conftest import client_for
from tests.factories import make_legal

pytestmark = pytest.mark.django_db


@pytest.fixture
def provisional() -> Registrant:
    company = make_legal(bank_certificate_date=None)  # Medellín: seccional 11
    assert (company.state, company.seccional_id) == (Registrant.State.PROVISIONAL, "11")
    return company


def _activation(registrant: Registrant) -> str:
    return reverse("admin:registry_registrant_activate_nit", args=[registrant.pk])


def _pdf(registrant: Registrant, version: int, kind: str = "certificado") -> str:
    return reverse("admin:registry_registrant_form_pdf", args=[registrant.pk, version, kind])


FORM = {"bank": "Bancolombia", "account_number": "123-456789-01", "certificate_date": "2026-11-17"}


def test_an_official_of_the_seccional_activates_the_provisional_nit_from_the_page(
    provisional, official_of_other_seccional
) -> None:
    client = client_for(official_of_other_seccional)
    page = client.get(reverse("admin:registry_registrant_change", args=[provisional.pk]))
    assert "Activar NIT (certificado bancario)" in page.content.decode()
    assert client.get(_activation(provisional)).status_code == 200

    response = client.post(_activation(provisional), FORM)

    assert response.status_code == 302
    provisional.refresh_from_db()
    assert provisional.state == Registrant.State.ACTIVE
    latest = provisional.form_versions.latest("version")
    assert latest.concept == FormVersion.Concept.REGISTRATION
    entry = AuditEntry.objects.get(registrant=provisional, action="activate_provisional_nit")
    assert entry.actor == official_of_other_seccional
    assert entry.legal_basis == "Decreto 2460 de 2013, art. 10 lit. a"
    assert entry.changes["bank_certificate"]["account"] == "****8901"
    shown = client.get(response["Location"]).content.decode()
    assert "quedó definitivo" in shown
    assert "Activar NIT (certificado bancario)" not in shown  # no longer provisional


def test_an_official_of_another_seccional_is_refused_and_nothing_changes(
    provisional, official
) -> None:
    client = client_for(official)  # Bogotá
    response = client.post(_activation(provisional), FORM)
    assert response.status_code == 403
    assert "solo un funcionario de esa seccional puede activar su NIT" in response.content.decode()
    provisional.refresh_from_db()
    assert provisional.state == Registrant.State.PROVISIONAL


def test_after_the_term_the_page_gives_the_reason_and_activates_nothing(
    provisional, official_of_other_seccional
) -> None:
    Registrant.objects.filter(pk=provisional.pk).update(
        provisional_nit_issued_at=timezone.make_aware(datetime(2026, 10, 1, 9, 0))
    )
    client = client_for(official_of_other_seccional)
    response = client.post(_activation(provisional), FORM)
    assert response.status_code == 409
    assert "El NIT provisional venció el" in response.content.decode()
    provisional.refresh_from_db()
    assert provisional.state == Registrant.State.PROVISIONAL


def test_bad_input_is_shown_on_its_field(provisional, official_of_other_seccional) -> None:
    client = client_for(official_of_other_seccional)
    response = client.post(
        _activation(provisional), {**FORM, "certificate_date": "2026-11-30", "account_number": "x"}
    )
    assert response.status_code == 200
    assert "Escriba el número de cuenta solo con dígitos." in response.content.decode()
    response = client.post(_activation(provisional), {**FORM, "certificate_date": "2026-11-30"})
    assert "La certificación bancaria no puede tener fecha futura." in response.content.decode()
    provisional.refresh_from_db()
    assert provisional.state == Registrant.State.PROVISIONAL


def test_an_active_registrant_is_refused_with_the_reason(official_of_other_seccional) -> None:
    company = make_legal()
    response = client_for(official_of_other_seccional).get(_activation(company))
    assert "Solo un NIT provisional se activa" in response.content.decode()


def test_the_formulario_001_pdfs_are_linked_and_served_within_scope(
    provisional, official_of_other_seccional, official
) -> None:
    client = client_for(official_of_other_seccional)
    page = client.get(reverse("admin:registry_registrant_change", args=[provisional.pk]))
    assert _pdf(provisional, 1) in page.content.decode()
    assert _pdf(provisional, 1, "copia") in page.content.decode()

    response = client.get(_pdf(provisional, 1))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert DataAccessLog.objects.filter(
        registrant=provisional, what__contains="Formulario 001"
    ).exists()

    assert client_for(official).get(_pdf(provisional, 1)).status_code == 403
    assert client.get(_pdf(provisional, 9)).status_code == 404
    assert client.get(_pdf(provisional, 1, "otro")).status_code == 404
