import pytest

from agreements.models import QueryLog
from tests.factories import make_natural

pytestmark = pytest.mark.django_db


@pytest.fixture
def registrant():
    return make_natural(email="persona@example.co", phone_1="3001112233", responsibilities=["49"])


def query(client, nit, **params):
    return client.get(f"/api/v1/registry/{nit}/", params)


def test_a_public_entity_gets_the_fields_its_agreement_allows_and_the_query_is_logged(
    public_entity_client, registrant
):
    response = query(
        public_entity_client,
        registrant.nit,
        purpose="Verificación de pensión de sobrevivientes, radicado 4455",
        fields="email,responsibilities",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["email"] == "persona@example.co"
    assert body["responsibilities"] == ["49"]
    assert "phone_1" not in body and "birth_date" not in body
    assert body["fields_returned"] == ["email", "responsibilities"]
    log = QueryLog.objects.get(pk=body["query_id"])
    assert log.entity == public_entity_client.entity
    assert log.registrant == registrant
    assert log.purpose.startswith("Verificación de pensión")
    assert log.fields_returned == ["email", "responsibilities"]


def test_without_fields_it_returns_everything_the_agreement_allows(
    public_entity_client, registrant
):
    body = query(public_entity_client, registrant.formatted_nit, purpose="Control").json()

    assert body["fields_returned"] == ["activities", "email", "phone_1", "responsibilities"]
    assert body["activities"] == [{"code": "6201", "role": "principal", "started_on": "2020-01-01"}]


def test_a_field_outside_the_agreement_is_refused_and_nothing_is_handed_over(
    public_entity_client, registrant
):
    response = query(public_entity_client, registrant.nit, purpose="Control", fields="birth_date")

    assert response.status_code == 403
    assert "birth_date" in response.json()["fields"][0]
    assert not QueryLog.objects.exists()


def test_an_unknown_field_or_a_missing_purpose_is_a_400(public_entity_client, registrant):
    unknown = query(public_entity_client, registrant.nit, purpose="Control", fields="salario")
    no_purpose = query(public_entity_client, registrant.nit)

    assert unknown.status_code == 400
    assert "salario" in unknown.json()["fields"][0]
    assert no_purpose.status_code == 400
    assert "purpose" in no_purpose.json()


def test_a_query_for_an_unknown_nit_is_logged_too(public_entity_client):
    response = query(public_entity_client, "800197268", purpose="Control")

    assert response.status_code == 404
    log = QueryLog.objects.get()
    assert (log.nit, log.registrant, log.fields_returned) == ("800197268", None, [])
