from datetime import date

import pytest

from agreements.models import AgreementInscription
from registry.models import AuditEntry, FormVersion, Registrant

pytestmark = pytest.mark.django_db

URL = "/api/v1/inscriptions/"


def natural_payload(**overrides):
    payload = {
        "kind": "PN",
        "document_type": "13",
        "document_number": "52123456",
        "document_issue_date": "2001-03-10",
        "first_surname": "RODRÍGUEZ",
        "second_surname": "PARDO",
        "first_name": "ANA",
        "other_names": "LUCÍA",
        "birth_date": "1983-02-01",
        "country": "CO",
        "department": "11",
        "municipality": "11001",
        "address": "CL 72 10 34",
        "email": "ana.rodriguez@example.co",
        "phone_1": "3105550000",
        "activities": [{"code": "4711", "role": "principal", "started_on": "2026-01-10"}],
        "responsibilities": ["05"],
        "documents": [{"code": "applicant_id"}],
    }
    payload.update(overrides)
    return payload


def legal_payload(**overrides):
    payload = {
        "kind": "PJ",
        "business_name": "TOSTADORA DEL MACIZO S.A.S.",
        "country": "CO",
        "department": "05",
        "municipality": "05001",
        "address": "CR 43A 1 50",
        "email": "contacto@tostadora.example.co",
        "activities": [{"code": "1061"}],
        "responsibilities": ["05", "48"],
        "representatives": [
            {
                "role": "legal_rep",
                "document_type": "13",
                "document_number": "43123456",
                "name": "LUZ MARINA ROJAS",
            }
        ],
        "documents": [
            {"code": "legal_rep_id"},
            {"code": "existence_certificate", "document_date": date.today().isoformat()},
        ],
    }
    payload.update(overrides)
    return payload


def test_a_chamber_registers_a_natural_person_and_gets_the_nit_and_form_at_once(chamber_client):
    response = chamber_client.post(URL, natural_payload())

    assert response.status_code == 201, response.data
    body = response.json()
    registrant = Registrant.objects.get(document_number="52123456")
    assert body["nit"] == "52123456" == registrant.nit
    assert body["formatted_nit"] == registrant.formatted_nit
    assert body["state"] == "active"
    form = FormVersion.objects.get(registrant=registrant, concept=FormVersion.Concept.REGISTRATION)
    assert body["form_number"] == body["latest_form_number"] == form.form_number
    assert body["provisional_nit_expires_on"] is None
    # The entity's service user is the actor on the audit trail and the form.
    entry = AuditEntry.objects.get(registrant=registrant, action="formalize")
    assert entry.actor == chamber_client.entity.user
    assert form.created_by == chamber_client.entity.user
    assert AgreementInscription.objects.get(registrant=registrant).entity == chamber_client.entity


def test_a_company_without_bank_certificate_gets_a_provisional_nit(chamber_client):
    response = chamber_client.post(URL, legal_payload())

    assert response.status_code == 201, response.data
    body = response.json()
    assert body["state"] == "provisional"
    assert body["provisional_nit_expires_on"] is not None
    assert body["name"] == "TOSTADORA DEL MACIZO S.A.S."


def test_a_company_with_bank_certificate_is_active(chamber_client):
    payload = legal_payload(bank_certificate_date=date.today().isoformat())

    response = chamber_client.post(URL, payload)

    assert response.status_code == 201, response.data
    assert response.json()["state"] == "active"


def test_the_result_can_be_read_later_with_its_current_state(chamber_client):
    created = chamber_client.post(URL, natural_payload()).json()

    response = chamber_client.get(f"{URL}{created['id']}/")

    assert response.status_code == 200
    assert response.json()["nit"] == created["nit"]
    assert response.json()["form_number"] == created["form_number"]


def test_the_list_is_paginated_and_shows_only_the_entitys_inscriptions(
    chamber_client, django_assert_max_num_queries
):
    for n in range(3):
        chamber_client.post(URL, natural_payload(document_number=f"5212345{n}"))

    with django_assert_max_num_queries(6):
        response = chamber_client.get(URL, {"page_size": 2})

    body = response.json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"] is not None


def test_unknown_codes_are_refused_with_field_errors_and_nothing_is_written(chamber_client):
    payload = natural_payload(
        activities=[{"code": "9999"}], responsibilities=["77"], municipality="99999"
    )

    response = chamber_client.post(URL, payload)

    assert response.status_code == 400
    body = response.json()
    assert body["activities"] == ["La actividad CIIU «9999» no existe."]
    assert "responsibilities" in body and "municipality" in body
    assert not Registrant.objects.exists()
    assert not AgreementInscription.objects.exists()


def test_wrong_types_are_refused_by_field(chamber_client):
    payload = natural_payload(birth_date="ayer", activities="4711", kind="XX")

    response = chamber_client.post(URL, payload)

    assert response.status_code == 400
    assert set(response.json()) == {"birth_date", "activities", "kind"}


def test_errors_in_a_nested_item_keep_its_position(chamber_client):
    payload = legal_payload(
        representatives=[
            {"role": "legal_rep", "document_type": "13", "document_number": "1", "name": "A"},
            {"role": "jefe", "document_type": "13", "document_number": "2", "name": "B"},
        ]
    )

    response = chamber_client.post(URL, payload)

    assert response.status_code == 400
    errors = response.json()["representatives"]
    assert list(errors) == ["1"]  # only the second item is wrong
    assert "role" in errors["1"]


def test_malformed_json_is_a_400_with_the_reason(chamber_client):
    response = chamber_client.post(URL, data='{"kind": "PN",', content_type="application/json")

    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_a_body_that_is_not_an_object_is_refused(chamber_client):
    response = chamber_client.post(URL, [1, 2, 3])

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_a_form_body_is_refused_as_unsupported(chamber_client):
    response = chamber_client.post(URL, {"kind": "PN"}, format="multipart")

    assert response.status_code == 415


def test_a_huge_body_is_refused_before_it_is_read(chamber_client):
    payload = natural_payload(address="x" * (1024 * 1024 + 10))

    response = chamber_client.post(URL, payload)

    assert response.status_code == 413
    assert not Registrant.objects.exists()


def test_registering_the_same_person_twice_is_a_conflict_naming_the_nit(chamber_client):
    chamber_client.post(URL, natural_payload())

    response = chamber_client.post(URL, natural_payload())

    assert response.status_code == 409
    assert "52.123.456" in response.json()["document_number"][0]
    assert Registrant.objects.count() == 1


def test_an_entity_cannot_read_another_entitys_inscription(chamber_client, db):
    from agreements.models import EntityKind, Scope
    from agreements.services import create_agreement_entity
    from tests.agreements.conftest import _client_for

    created = chamber_client.post(URL, natural_payload()).json()
    other = _client_for(
        create_agreement_entity(
            name="Cámara de Comercio de Cali",
            kind=EntityKind.CHAMBER_OF_COMMERCE,
            scopes=[Scope.REGISTRATIONS],
        )
    )

    assert other.get(f"{URL}{created['id']}/").status_code == 404
    assert other.get(URL).json()["count"] == 0


def test_malformed_ids_are_json_404s(chamber_client):
    for path in (f"{URL}abc/", f"{URL}-1/", f"{URL}99999999999999999999999/"):
        response = chamber_client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
