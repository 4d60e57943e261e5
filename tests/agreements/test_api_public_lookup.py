import pytest

from registry.services.registration import pre_register
from tests.factories import legal_data, make_legal, make_natural

pytestmark = pytest.mark.django_db

BASIC_FIELDS = {
    "identification_number",
    "nit",
    "check_digit",
    "formatted_nit",
    "name",
    "first_surname",
    "second_surname",
    "first_name",
    "other_names",
    "business_name",
    "address",
    "municipality",
    "department",
    "state",
    "state_display",
}


def test_anyone_gets_only_the_basic_data_and_the_state(anonymous_client):
    registrant = make_natural(email="privado@example.co", phone_1="3000000000")

    response = anonymous_client.get(f"/api/v1/rut/{registrant.nit}/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == BASIC_FIELDS  # art. 4 par. 2: no email, phones or activities
    assert body["formatted_nit"] == registrant.formatted_nit
    assert body["name"] == registrant.display_name
    assert body["municipality"] == {"code": "11001", "name": registrant.municipality.name}
    assert body["department"]["code"] == "11"
    assert (body["state"], body["state_display"]) == ("active", "Activo")


def test_a_company_is_found_by_its_nit_with_dv(anonymous_client):
    company = make_legal()

    response = anonymous_client.get(f"/api/v1/rut/{company.formatted_nit}/")

    assert response.status_code == 200
    assert response.json()["business_name"] == company.business_name


def test_a_wrong_check_digit_is_a_400_naming_it(anonymous_client):
    company = make_legal()
    wrong = f"{company.nit}-{(company.check_digit + 1) % 10}"

    response = anonymous_client.get(f"/api/v1/rut/{wrong}/")

    assert response.status_code == 400
    assert "dígito de verificación" in response.json()["nit"][0]


def test_an_unknown_nit_or_a_pre_registration_is_not_found(anonymous_client):
    pre_register(legal_data(), by=None)

    assert anonymous_client.get("/api/v1/rut/800197268/").status_code == 404
    assert anonymous_client.get("/api/v1/rut/abc/").status_code == 400


def test_the_lookup_is_rate_limited_per_client(anonymous_client, settings):
    settings.PUBLIC_LOOKUP_RATE = "3/minute"
    registrant = make_natural()

    statuses = [
        anonymous_client.get(f"/api/v1/rut/{registrant.nit}/").status_code for _ in range(4)
    ]

    assert statuses == [200, 200, 200, 429]
    last = anonymous_client.get(f"/api/v1/rut/{registrant.nit}/")
    assert "Retry-After" in last
    assert last.json()["detail"]
