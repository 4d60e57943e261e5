"""PQSRD petitions are answered and referrals closed from the admin, within the seccional."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from procedures.models import Petition, Referral
from procedures.services.intake import CaseRequest
from procedures.services.petitions import receive_request
from procedures.services.visits import refer
from tests.admin.conftest import OWN, cancellation, client_for, registrant_in

pytestmark = pytest.mark.django_db


def _petition(registrant) -> Petition:
    petition = receive_request(
        CaseRequest(
            case_type="reactivation",
            channel="email",
            cause="inscrito_request",
            requester_kind="user",
            requester_name=registrant.display_name,
            requester_email="peticionario@example.co",
            registrant=registrant,
        ),
        by=None,
        seccional=registrant.seccional_id,
    )
    assert isinstance(petition, Petition)
    return petition


def test_an_official_answers_a_petition_and_the_requester_gets_it(
    official, django_capture_on_commit_callbacks
) -> None:
    petition = _petition(registrant_in(OWN))
    client = client_for(official)
    page = client.get(reverse("admin:procedures_petition_change", args=[petition.pk]))
    url = reverse("admin:procedures_petition_answer", args=[petition.pk])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"answer": "Acérquese a un punto de atención con su documento."})

    petition.refresh_from_db()
    assert "Responder" in page.content.decode()
    assert (petition.state, petition.answered_by) == (Petition.State.ANSWERED, official)
    assert mail.outbox[-1].body == "Acérquese a un punto de atención con su documento."


def test_a_petition_of_another_seccional_is_neither_listed_nor_answerable(
    official_of_other_seccional,
) -> None:
    petition = _petition(registrant_in(OWN))
    client = client_for(official_of_other_seccional)

    listed = client.get(reverse("admin:procedures_petition_changelist")).context["cl"]
    response = client.post(
        reverse("admin:procedures_petition_answer", args=[petition.pk]), {"answer": "x"}
    )

    assert list(listed.result_list) == []
    assert response.status_code == 403
    petition.refresh_from_db()
    assert petition.state == Petition.State.RECEIVED


def test_an_answered_petition_cannot_be_answered_twice(official) -> None:
    petition = _petition(registrant_in(OWN))
    url = reverse("admin:procedures_petition_answer", args=[petition.pk])
    client = client_for(official)
    client.post(url, {"answer": "Primera respuesta."}, follow=True)

    response = client.post(url, {"answer": "Segunda."}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        f"La petición {petition.number} ya fue respondida."
    ]
    petition.refresh_from_db()
    assert petition.answer == "Primera respuesta."


def test_a_referral_is_listed_and_closed_with_its_resolution(official) -> None:
    registrant = registrant_in(OWN)
    case = cancellation(registrant)
    referral = refer(
        registrant, kind=Referral.Kind.AUDIT, by=official, reason="Datos inexactos.", case=case
    )
    client = client_for(official)

    listed = (
        client.get(reverse("admin:procedures_referral_changelist"), {"situacion": "abiertas"})
        .context["cl"]
        .result_list
    )
    client.post(
        reverse("admin:procedures_referral_close", args=[referral.pk]),
        {"resolution": "Fiscalización abrió el expediente 123."},
    )

    referral.refresh_from_db()
    assert list(listed) == [referral]
    assert (referral.closed_by, referral.resolution) == (
        official,
        "Fiscalización abrió el expediente 123.",
    )
