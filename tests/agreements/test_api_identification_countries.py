"""The agreements API takes the country of issue and of birth as the wizard does, checked by
the same registry validation (registry.validation._check_place via validate_registrant_data)."""

import pytest

from agreements.models import AgreementInscription
from registry.models import Registrant
from tests.agreements.test_api_inscriptions import URL, natural_payload

pytestmark = pytest.mark.django_db


def test_a_person_born_and_documented_abroad_is_registered_with_both_countries(chamber_client):
    payload = natural_payload(document_issue_country="us", birth_country="VE")

    response = chamber_client.post(URL, payload)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["document_issue_country"], body["birth_country"]) == ("US", "VE")
    registrant = Registrant.objects.get()
    assert (registrant.document_issue_country, registrant.birth_country) == ("US", "VE")


def test_an_unknown_country_or_a_municipio_abroad_is_a_400_by_field(chamber_client):
    payload = natural_payload(
        birth_country="XX", document_issue_place="11001", document_issue_country="US"
    )

    response = chamber_client.post(URL, payload)

    assert response.status_code == 400
    assert response.json() == {
        "birth_country": ["El país «XX» no existe."],
        "document_issue_place": [
            "Un lugar en el exterior se indica solo con el país, sin municipio."
        ],
    }
    assert not Registrant.objects.exists() and not AgreementInscription.objects.exists()
