import pytest

from agreements.models import IdempotencyKey
from registry.models import Registrant
from tests.agreements.test_api_inscriptions import natural_payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/inscriptions/"


def test_a_post_without_an_idempotency_key_is_refused(chamber_client):
    response = chamber_client.post(URL, natural_payload(), idempotency_key=None)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Registrant.objects.exists()


@pytest.mark.parametrize("key", ["con espacio", "x" * 256])
def test_a_malformed_key_is_refused(chamber_client, key):
    response = chamber_client.post(URL, natural_payload(), idempotency_key=key)

    assert response.status_code == 400


def test_a_retry_with_the_same_key_gets_the_first_answer_and_changes_nothing(chamber_client):
    first = chamber_client.post(URL, natural_payload(), idempotency_key="alta-52123456")

    retry = chamber_client.post(URL, natural_payload(), idempotency_key="alta-52123456")

    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Registrant.objects.count() == 1


def test_the_same_key_with_another_request_is_refused(chamber_client):
    chamber_client.post(URL, natural_payload(), idempotency_key="k1")

    response = chamber_client.post(
        URL, natural_payload(document_number="52999999"), idempotency_key="k1"
    )

    assert response.status_code == 422
    assert "ya se usó con otra solicitud" in response.json()["Idempotency-Key"][0]
    assert Registrant.objects.count() == 1


def test_a_refused_request_keeps_no_key_so_the_corrected_retry_goes_through(chamber_client):
    refused = chamber_client.post(URL, natural_payload(kind="XX"), idempotency_key="k2")
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()

    corrected = chamber_client.post(URL, natural_payload(), idempotency_key="k2")

    assert corrected.status_code == 201


def test_keys_belong_to_each_entity(chamber_client, db):
    from agreements.models import EntityKind, Scope
    from agreements.services import create_agreement_entity
    from tests.agreements.conftest import _client_for

    other = _client_for(
        create_agreement_entity(
            name="Cámara de Comercio de Cali",
            kind=EntityKind.CHAMBER_OF_COMMERCE,
            scopes=[Scope.REGISTRATIONS],
        )
    )
    chamber_client.post(URL, natural_payload(), idempotency_key="same")

    response = other.post(URL, natural_payload(document_number="52999999"), idempotency_key="same")

    assert response.status_code == 201
    assert Registrant.objects.count() == 2


def test_a_replayed_multipart_post_is_recognised_by_its_content(court_client):
    from tests.factories import make_natural, pdf_upload

    registrant = make_natural()
    data = {
        "order_type": "suspension",
        "nit": registrant.nit,
        "act_number": "Auto 1",
        "act_date": "2026-01-05",
        "act_issuer": "Juzgado",
        "act_is_final": "true",
    }
    first = court_client.post(
        "/api/v1/orders/",
        {**data, "document": pdf_upload()},
        format="multipart",
        idempotency_key="o1",
    )
    retry = court_client.post(
        "/api/v1/orders/",
        {**data, "document": pdf_upload()},
        format="multipart",
        idempotency_key="o1",
    )

    assert first.status_code == retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json()["number"] == first.json()["number"]
