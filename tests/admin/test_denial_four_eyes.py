"""Four eyes both ways: a cancellation or an authority's order is refused ("no procede") only
with the director's approval, as it is granted, and never by the one who prepared it (procedure
of cancelación de oficio y reactivación, 3.2 and activities 8-12; Decreto 2460 de 2013, art. 17).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from procedures.models import Case, CaseStep
from procedures.services.processing import FourEyesViolation, approve_denial, propose_denial
from registry.models import Registrant
from tests.admin.conftest import OWN, cancellation, case_snapshot, client_for, registrant_in

pytestmark = pytest.mark.django_db

NEEDS_DIRECTOR = "la decisión de que no procede la aprueba el director"


def _action(case: Case, key: str) -> str:
    return reverse("admin:procedures_case_action", args=[case.pk, key])


def test_one_official_alone_cannot_decide_that_a_judicial_order_does_not_proceed(official):
    case = cancellation(registrant_in(OWN), "in_process")
    before = case_snapshot(case)

    page = client_for(official).get(reverse("admin:procedures_case_change", args=[case.pk]))
    response = client_for(official).post(_action(case, "negar"), {"reason": "No procede."})

    offered = [a.key for a in page.context["actions"]]
    assert "negar" not in offered and "proponer-negacion" in offered
    assert response.status_code == 403
    assert NEEDS_DIRECTOR in response.content.decode()
    assert case_snapshot(case) == before


def test_the_preparer_cannot_deny_a_cancellation_awaiting_the_director(official):
    case = cancellation(registrant_in(OWN), "awaiting_approval", preparer=official)
    before = case_snapshot(case)

    response = client_for(official).post(_action(case, "negar"), {"reason": "Me arrepentí."})

    assert response.status_code == 403
    assert case_snapshot(case) == before
    case.refresh_from_db()
    assert case.state == Case.State.AWAITING_APPROVAL


def test_a_proposed_denial_takes_effect_when_another_director_approves_it(official, director):
    registrant = registrant_in(OWN)
    case = cancellation(registrant, "in_process")

    client_for(official).post(
        _action(case, "proponer-negacion"), {"reason": "La orden no está ejecutoriada."}
    )
    case.refresh_from_db()
    assert (case.state, case.prepared_by, case.decision) == (
        Case.State.AWAITING_APPROVAL,
        official,
        "",
    )
    queue = client_for(director).get(reverse("admin:procedures_case_approvals")).content.decode()
    assert case.number in queue
    assert "Propuestas pendientes de aprobación" in queue  # not only cancellations wait there

    client_for(director).post(_action(case, "aprobar-negacion"), {"password": "x", "reason": ""})

    case.refresh_from_db()
    registrant.refresh_from_db()
    assert (case.state, case.decision, case.decided_by) == (
        Case.State.DECIDED,
        "denied",
        director,
    )
    assert registrant.state == Registrant.State.ACTIVE
    denied = case.steps.get(kind=CaseStep.Kind.DENIED)
    assert (denied.actor, denied.reason) == (director, "La orden no está ejecutoriada.")


def test_the_director_who_proposed_the_denial_cannot_approve_it(director):
    case = propose_denial(
        cancellation(registrant_in(OWN), "in_process"), by=director, reason="Sin ejecutoria."
    )

    with pytest.raises(FourEyesViolation):
        approve_denial(case, by=director)

    case.refresh_from_db()
    assert case.state == Case.State.AWAITING_APPROVAL
    assert not case.steps.filter(kind=CaseStep.Kind.DENIED).exists()
