"""Who signs a seccional's letters: its director sets it in the admin, for their seccional only."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from registry.models import Seccional
from tests.admin.conftest import client_for

pytestmark = pytest.mark.django_db


def _url(code: str) -> str:
    return reverse("admin:registry_seccional_change", args=[code])


def _post(client, code: str):
    return client.post(
        _url(code),
        {"signer_name": "  Marta Lucía   Gómez Ardila ", "signer_position": "Directora Seccional"},
    )


def test_a_director_sets_the_signer_of_their_seccional_and_the_change_is_logged(director) -> None:
    response = _post(client_for(director), "32")

    assert response.status_code == 302
    bogota = Seccional.objects.get(pk="32")
    assert (bogota.signer_name, bogota.signer_position) == (
        "Marta Lucía Gómez Ardila",
        "Directora Seccional",
    )
    assert bogota.name == "Dirección Seccional de Impuestos de Bogotá"  # reference data kept
    assert LogEntry.objects.filter(user=director, object_id="32").exists()


def test_a_director_cannot_change_another_seccional_nor_an_official_any(director, official) -> None:
    assert _post(client_for(director), "11").status_code == 403
    assert _post(client_for(official), "32").status_code == 403

    assert Seccional.objects.get(pk="11").signer_name == ""
    assert Seccional.objects.get(pk="32").signer_name == ""
