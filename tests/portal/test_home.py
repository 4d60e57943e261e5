"""The citizen's home page once signed in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.models import CitizenAccount
from portal.selectors import cases_of
from procedures.models import Case, CaseType, Cause, Channel, RequesterKind
from procedures.services.intake import CaseRequest, receive_case
from registry.validation import data_from_registrant
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


def _update_case(registrant, official):
    request = CaseRequest(
        case_type=CaseType.UPDATE,
        channel=Channel.INTERNAL,
        cause=Cause.DIAN_AREA_REQUEST,
        requester_kind=RequesterKind.DIAN_AREA,
        requester_name="Fiscalización",
        registrant=registrant,
        data=data_from_registrant(registrant),
    )
    return receive_case(request, by=official)


def test_it_lists_the_five_newest_cases_filed_by_the_citizen_or_about_their_rut(
    client, account, official
):
    assert "Trámites recientes" not in _home(client, account, ["05"])
    linked = CitizenAccount.objects.select_related("registrant").get(pk=account.pk)
    about_own = [_update_case(linked.registrant, official) for _ in range(4)]
    someone_else = make_natural(document_number="7007007007")
    filed = [_update_case(someone_else, official) for _ in range(3)]
    Case.objects.filter(pk__in=[c.pk for c in filed]).update(requester_user=account.user)
    now = timezone.now()
    for position, case in enumerate([*about_own, *filed]):  # interleaved, some at the same time
        Case.objects.filter(pk=case.pk).update(received_at=now - timedelta(hours=position % 4))
    newest = [case.number for case in cases_of(linked)[:5]]

    page = client.get(reverse("portal:home")).content.decode()

    assert re.findall(r'href="/mi-rut/tramites/([^/"]+)/"', page) == newest
    assert {*newest} & {c.number for c in filed} and {*newest} & {c.number for c in about_own}


def test_the_menus_sign_out_form_carries_this_responses_csrf_token(account):
    client = Client(enforce_csrf_checks=True)
    make_natural(document_number=account.document_number, email=account.email)
    login_page = client.get(reverse("portal:login")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
    client.post(
        reverse("portal:login"),
        {
            "csrfmiddlewaretoken": token,
            "document_type": "13",
            "document_number": account.document_number,
            "password": PASSWORD,
        },
    )
    page = client.get(reverse("portal:home")).content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)

    response = client.post(reverse("portal:logout"), {"csrfmiddlewaretoken": tokens[0]})

    assert len(tokens) == 2 and tokens[0] == tokens[1]  # the menu, wide and narrow
    assert response.status_code == 302
    assert "Hola," not in client.get(reverse("portal:home")).content.decode()  # signed out


def test_two_citizens_each_see_their_own_name(client, account, make_account):
    other = make_account("5060708090", "luis@example.co")
    CitizenAccount.objects.filter(pk=other.pk).update(first_name="Luis")
    make_natural(document_number=other.document_number, email=other.email)
    second = Client()
    second.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": other.document_number, "password": PASSWORD},
    )

    first_page = _home(client, account, ["05"])
    second_page = second.get(reverse("portal:home")).content.decode()

    assert "Hola, Ana María" in first_page and "Luis" not in first_page
    assert "Hola, Luis" in second_page and "Ana María" not in second_page


def test_a_signed_in_citizens_page_reverses_no_sign_in_address(client, account, monkeypatch):
    from portal.views import common

    _home(client, account, ["05"])
    reversed_ = []
    monkeypatch.setattr(common, "reverse", lambda *a, **k: reversed_.append(a) or "/")

    response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    assert reversed_ == []
