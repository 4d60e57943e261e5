"""Decreto 2460 de 2013 rules the agreements API obeys like every other channel."""

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
