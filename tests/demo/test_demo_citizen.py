"""The demo citizen signs in to Mi RUT with the credentials load_demo_data prints."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from demo.portal import DOCUMENT_NUMBER, DOCUMENT_TYPE
from demo.registry import DEMO_PASSWORD
from portal.models import CitizenAccount
from registry.models import Registrant

pytestmark = pytest.mark.django_db


def _load() -> str:
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def test_the_demo_citizen_signs_in_to_mi_rut_and_sees_their_rut(client) -> None:
    output = _load()

    assert "En /mi-rut/ (ciudadano), con su tipo y número de documento:" in output
    assert f"Cédula de ciudadanía {DOCUMENT_NUMBER}: LUIS EDUARDO HERNÁNDEZ BARRERA" in output
    response = client.post(
        reverse("portal:login"),
        {
            "document_type": DOCUMENT_TYPE,
            "document_number": DOCUMENT_NUMBER,
            "password": DEMO_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    home = client.get(reverse("portal:home")).content.decode()
    registrant = Registrant.objects.get(
        document_type=DOCUMENT_TYPE, document_number=DOCUMENT_NUMBER
    )
    assert registrant.state == Registrant.State.ACTIVE
    assert registrant.is_natural
    assert registrant.formatted_nit in home
    assert CitizenAccount.objects.get(registrant=registrant).is_activated


def test_a_second_load_keeps_the_one_demo_account_and_its_password() -> None:
    _load()

    output = _load()

    assert CitizenAccount.objects.count() == 1
    assert f"{DOCUMENT_NUMBER}: LUIS EDUARDO HERNÁNDEZ BARRERA  (ya existía" in output
    assert "ya estaban cargados; no se cambió nada" in output
