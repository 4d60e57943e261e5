"""Procedure of cancelación de oficio y reactivación, 3.2: a reactivation records the
obligations that motivated it; once they are met, the user asks for the cancellation again,
and not before."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from portal.models import PendingFiling
from procedures.models import CaseDocument, CaseType, Cause, Channel, RequesterKind
from procedures.services.intake import (
    CaseRequest,
    attach_document,
    check_requirements,
    decide_jurisdiction,
    receive_case,
)
from procedures.services.processing import grant_case, record_obligation, resolve_obligation
from registry.services.states import change_state
from tests.factories import make_natural, pdf_upload
from tests.portal.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def reactivated(account, official):
    """Cancelled, then reactivated at the request of the DIAN's collection area."""
    registrant = make_natural(document_number=account.document_number, email=account.email)
    change_state(registrant, transition_name="cancel", by=None)
    case = receive_case(
        CaseRequest(
            case_type=CaseType.REACTIVATION,
            channel=Channel.INTERNAL,
            cause=Cause.DIAN_AREA_REQUEST,
            requester_kind=RequesterKind.DIAN_AREA,
            requester_name="División de Gestión de Cobranzas",
            registrant=registrant,
        ),
        by=official,
    )
    attach_document(case, kind=CaseDocument.Kind.MOTIVATED_REQUEST, file=pdf_upload(), by=official)
    case = decide_jurisdiction(check_requirements(case, by=official, met=True), by=official)
    obligation = record_obligation(
        registrant,
        by=official,
        description="Declaración de renta sin presentar",
        period="2025",
        case=case,
    )
    case = grant_case(case, by=official)
    return case, obligation


def _ask_cancellation(client):
    return client.post(
        reverse("portal:cancellation"),
        {
            "cause": "foreign_investment_ended",
            "facts": "Cancelé definitivamente mi inversión extranjera.",
            "fact_date": "2026-01-15",
            "support_kind": "other",
            "support": pdf_upload("soporte.pdf"),
        },
    )


def test_the_reactivation_keeps_the_obligations_that_motivated_it(reactivated):
    case, obligation = reactivated

    assert list(case.obligations.all()) == [obligation]


def test_a_new_cancellation_waits_for_the_obligations_of_the_reactivation(
    client, account, reactivated, official, django_capture_on_commit_callbacks
):
    case, obligation = reactivated
    client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": account.document_number, "password": PASSWORD},
    )
    mail.outbox.clear()

    refused = _ask_cancellation(client).content.decode()

    assert (
        f"El RUT fue reactivado en el trámite {case.number} por obligaciones que siguen "
        "pendientes: Declaración de renta sin presentar (2025)." in refused
    )
    assert not PendingFiling.objects.exists()
    assert mail.outbox == []

    resolve_obligation(obligation, by=official)
    with django_capture_on_commit_callbacks(execute=True):
        accepted = _ask_cancellation(client)

    assert accepted.status_code == 302
    assert PendingFiling.objects.get().kind == PendingFiling.Kind.CANCELLATION
