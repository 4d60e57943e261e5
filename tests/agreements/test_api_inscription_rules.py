"""Decreto 2460 de 2013 rules the agreements API obeys like every other channel."""

from datetime import date, timedelta

import pytest

from agreements.models import AgreementInscription
from registry.models import Registrant
from tests.agreements.test_api_inscriptions import URL, legal_payload, natural_payload

pytestmark = pytest.mark.django_db


def test_art_4_par_1_a_legal_entity_without_email_is_refused(chamber_client):
    response = chamber_client.post(URL, legal_payload(email=""))

    assert response.status_code == 400
    assert "art. 4 par. 1" in response.json()["email"][0]
    assert not Registrant.objects.exists()
    assert not AgreementInscription.objects.exists()


def test_art_4_par_1_a_natural_person_of_the_simplified_regime_may_omit_the_email(
    chamber_client,
):
    response = chamber_client.post(URL, natural_payload(email="", responsibilities=["49"]))

    assert response.status_code == 201, response.data


def test_art_4_par_1_a_natural_person_responsible_for_vat_needs_an_email(chamber_client):
    response = chamber_client.post(URL, natural_payload(email="", responsibilities=["05", "48"]))

    assert response.status_code == 400
    assert list(response.json()) == ["email"]


def test_art_10_a_bank_certificate_three_months_old_is_refused(chamber_client):
    old = (date.today() - timedelta(days=92)).isoformat()

    response = chamber_client.post(URL, legal_payload(bank_certificate_date=old))

    assert response.status_code == 400
    assert "más de un mes" in response.json()["bank_certificate_date"][0]
    assert not Registrant.objects.exists()


@pytest.mark.parametrize("kind", ["CONS", "UT", "SH"])
def test_art_10_consortia_unions_and_de_facto_partnerships_need_the_bank_certificate(
    chamber_client, kind
):
    documents = {
        "CONS": ["legal_rep_id", "consortium_constitution", "award_act"],
        "UT": ["legal_rep_id", "consortium_constitution", "award_act"],
        "SH": ["legal_rep_id"],
    }[kind]
    payload = legal_payload(
        kind=kind, documents=[{"code": code} for code in documents], responsibilities=["05"]
    )

    response = chamber_client.post(URL, payload)

    assert response.status_code == 400, response.data
    assert "constancia de titularidad" in response.json()["bank_certificate_date"][0]
    assert not Registrant.objects.exists()


def test_art_10_lit_b_a_natural_person_responsible_for_vat_needs_the_bank_certificate(
    chamber_client,
):
    response = chamber_client.post(URL, natural_payload(responsibilities=["05", "48"]))

    assert response.status_code == 400
    assert list(response.json()) == ["bank_certificate_date"]


def test_art_10_par_3_the_simplified_regime_is_exempt_from_the_bank_certificate(chamber_client):
    response = chamber_client.post(URL, natural_payload(responsibilities=["05", "49"]))

    assert response.status_code == 201, response.data


def test_art_10_the_kinds_checklist_applies_to_the_api(chamber_client):
    stale = (date.today() - timedelta(days=45)).isoformat()
    payload = legal_payload(documents=[{"code": "existence_certificate", "document_date": stale}])

    response = chamber_client.post(URL, payload)

    assert response.status_code == 400, (payload, response.data)
    errors = response.json()["documents"]
    assert any("representante legal" in e for e in errors)  # legal_rep_id missing
    assert any("supera el mes" in e for e in errors)
    assert not Registrant.objects.exists()


def test_art_10_a_general_power_older_than_six_months_needs_the_notarys_certificate(
    chamber_client,
):
    power = {
        "code": "power_of_attorney",
        "power_kind": "general",
        "document_date": (date.today() - timedelta(days=200)).isoformat(),
    }
    payload = natural_payload(via_attorney=True, documents=[{"code": "applicant_id"}, power])

    refused = chamber_client.post(URL, payload)
    power["notary_certificate"] = True
    accepted = chamber_client.post(URL, payload)

    assert refused.status_code == 400
    assert "certificado de vigencia" in refused.json()["documents"][0]
    assert accepted.status_code == 201, accepted.data


def test_art_15_par_1_an_order_records_the_publication_date_of_its_act(court_client):
    from procedures.models import Case
    from tests.agreements.test_api_orders import URL as ORDERS
    from tests.agreements.test_api_orders import order, send
    from tests.factories import make_natural

    person = make_natural(responsibilities=[])
    published = (date.today() - timedelta(days=2)).isoformat()

    response = send(
        court_client,
        order(person, cause="fictitious_supplier", act_published_on=published),
    )

    assert response.status_code == 201, response.data
    assert response.json()["act_published_on"] == published
    assert Case.objects.get(number=response.json()["number"]).act_published_on.isoformat() == (
        published
    )
    assert ORDERS
