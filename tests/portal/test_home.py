"""The citizen's home page once signed in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_natural
from tests.portal.conftest import PASSWORD

pytestmark = pytest.mark.django_db

VAT = reverse("portal:withdrawal", args=["iva"])
CONSUMPTION = reverse("portal:withdrawal", args=["consumo"])


def _home(client, account, responsibilities):
    make_natural(
        document_number=account.document_number,
        email=account.email,
        responsibilities=responsibilities,
    )
    client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": account.document_number, "password": PASSWORD},
    )
    return client.get(reverse("portal:home")).content.decode()


def test_it_offers_no_withdrawal_to_whoever_holds_neither_responsibility(client, account):
    page = _home(client, account, ["05"])

    assert "Actualizar el RUT" in page
    assert VAT not in page and "Retiro de IVA" not in page
    assert CONSUMPTION not in page and "Retiro de impuesto al consumo" not in page


def test_it_offers_the_vat_withdrawal_to_a_vat_payer(client, account):
    page = _home(client, account, ["05", "48"])

    assert VAT in page
    assert CONSUMPTION not in page


def test_it_offers_the_consumption_withdrawal_to_a_consumption_payer(client, account):
    page = _home(client, account, ["05", "33"])

    assert CONSUMPTION in page
    assert VAT not in page
