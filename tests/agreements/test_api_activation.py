"""POST /api/v1/inscriptions/<id>/activation/: the chamber brings the bank certificate that makes
the provisional NIT of its inscription definitive (Decreto 2460 de 2013, art. 10 lit. a)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from agreements.services import register_by_agreement
from procedures.services.requirements import DeclaredDocument
from registry.models import AuditEntry, FormVersion, Registrant
from tests.clock import TODAY
from tests.factories import legal_data

pytestmark = pytest.mark.django_db

BODY = {
    "bank": "Banco de Occidente",
    "account_number": "987654321",
    "certificate_date": "2026-11-17",
}


def _url(inscription_id: object) -> str:
    return f"/api/v1/inscriptions/{inscription_id}/activation/"


@pytest.fixture
def inscription(chamber):
    inscription = register_by_agreement(
        chamber,
        data=legal_data(),
        bank_certificate_date=None,
        documents=[
            DeclaredDocument("legal_rep_id"),
            DeclaredDocument("existence_certificate", document_date=TODAY),
        ],
    )
    assert inscription.registrant.state == Registrant.State.PROVISIONAL
    return inscription


def test_art_10_lit_a_the_chamber_activates_the_provisional_nit(
    chamber, chamber_client, inscription
) -> None:
    response = chamber_client.post(_url(inscription.pk), BODY)

    assert response.status_code == 200, response.json()
    body = response.json()
    registrant = Registrant.objects.get(pk=inscription.registrant_id)
    assert body["state"] == "active" and body["provisional_nit_expires_on"] is None
    assert body["nit"] == registrant.nit
    latest = registrant.form_versions.latest("version")
    assert latest.concept == FormVersion.Concept.REGISTRATION
    assert body["latest_form_number"] == latest.form_number != body["form_number"]
    entry = AuditEntry.objects.get(registrant=registrant, action="activate_provisional_nit")
    assert entry.actor == chamber.user
    assert entry.changes["bank_certificate"]["account"] == "****4321"
    assert entry.changes["bank_certificate"]["channel"] == "convenio: Cámara de Comercio de Bogotá"


def test_a_second_activation_is_a_409_with_the_reason(chamber_client, inscription) -> None:
    assert chamber_client.post(_url(inscription.pk), BODY).status_code == 200
    response = chamber_client.post(_url(inscription.pk), BODY)
    assert response.status_code == 409
    assert "Solo un NIT provisional se activa" in response.json()["non_field_errors"][0]


def test_after_the_term_it_is_a_409(chamber_client, inscription) -> None:
    Registrant.objects.filter(pk=inscription.registrant_id).update(
        provisional_nit_issued_at=timezone.make_aware(datetime(2026, 10, 1, 9, 0))
    )
    response = chamber_client.post(_url(inscription.pk), BODY)
    assert response.status_code == 409
    assert "El NIT provisional venció el" in response.json()["non_field_errors"][0]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"certificate_date": "2026-11-30"}, "certificate_date"),
        ({"certificate_date": "ayer"}, "certificate_date"),
        ({"account_number": "cuenta"}, "account_number"),
        ({"bank": ""}, "bank"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(chamber_client, inscription, change, field) -> None:
    response = chamber_client.post(_url(inscription.pk), {**BODY, **change})
    assert response.status_code == 400
    assert field in response.json()
    assert Registrant.objects.get(pk=inscription.registrant_id).state == "provisional"


def test_another_entitys_or_a_missing_inscription_is_a_404(
    court_client, chamber_client, inscription
) -> None:
    assert court_client.post(_url(inscription.pk), BODY).status_code in (403, 404)
    assert chamber_client.post(_url(999999), BODY).status_code == 404
    assert chamber_client.post(_url("abc"), BODY).status_code == 404
    assert Registrant.objects.get(pk=inscription.registrant_id).state == "provisional"


def test_the_activation_is_in_the_openapi_schema(chamber_client) -> None:
    schema = chamber_client.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/inscriptions/{inscription_id}/activation/"]["post"]
    assert operation["operationId"] == "inscriptions_activation_create"
    assert {"200", "400", "404", "409"} <= set(operation["responses"])
