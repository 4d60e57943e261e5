"""Five years after a suspension for being a fictitious supplier, its holder may ask for lifting."""

import pytest
from django.core import mail
from django.utils import timezone

from deadlines.models import Deadline, Rule
from deadlines.services import sweep_due_deadlines, sync_case_deadlines
from procedures.models import CaseType, Cause, Channel, RequesterKind
from procedures.services.intake import check_requirements, decide_jurisdiction
from procedures.services.processing import grant_case
from registry.services.states import change_state
from tests.deadlines.helpers import after, receive
from tests.factories import make_natural

pytestmark = pytest.mark.django_db


@pytest.fixture
def eligibility(official):
    person = make_natural(by=official, email="proveedor@example.co")
    case = receive(
        official,
        registrant=person,
        case_type=CaseType.SUSPENSION,
        channel=Channel.INTERNAL,
        cause=Cause.FICTITIOUS_SUPPLIER,
        requester_kind=RequesterKind.DIAN_AREA,
        requester_name="Fiscalización",
        act_published_on=timezone.localdate(),
    )
    case = grant_case(
        decide_jurisdiction(check_requirements(case, by=official, met=True), by=official),
        by=official,
    )
    sync_case_deadlines(case)
    return Deadline.objects.get(case=case, rule=Rule.FICTITIOUS_SUSPENSION)


def test_after_five_years_the_holder_is_told_the_suspension_can_be_lifted(eligibility):
    sweep_due_deadlines(now=after(eligibility, minutes=-2))
    assert mail.outbox == []

    sweep_due_deadlines(now=after(eligibility))

    eligibility.refresh_from_db()
    assert eligibility.state == Deadline.State.DONE
    assert (
        eligibility.result == "Ya puede levantarse la suspensión; se avisó a proveedor@example.co."
    )
    [email] = mail.outbox
    assert email.subject == "Ya puede solicitar el levantamiento de la suspensión del RUT"
    assert "proveedor ficticio" in email.body
    assert eligibility.due_on.strftime("%d/%m/%Y") in email.body


def test_a_suspension_lifted_earlier_by_a_judge_needs_no_notice(eligibility):
    change_state(eligibility.registrant, transition_name="lift_suspension", by=None)

    sweep_due_deadlines(now=after(eligibility))

    eligibility.refresh_from_db()
    assert eligibility.state == Deadline.State.CANCELLED  # settled by the lifting itself
    assert eligibility.result == "Ya no aplica: el inscrito está en estado «Activo»."
    assert mail.outbox == []
