"""A provisional NIT lapses by itself 15 business days after its issue, and its holder is told."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from deadlines.models import Deadline, Rule
from deadlines.rules import end_of_day
from deadlines.services import (
    schedule_provisional_nit,
    settle_registrant_deadlines,
    sweep_due_deadlines,
)
from procedures.selectors import sanction_indicators
from registry.models import AuditEntry, Registrant
from registry.services.provisional_nit import activate_provisional_nit, provisional_nit_expires_on
from registry.validation import ActivityData
from rut_portal.business_days import add_business_days
from tests.deadlines.helpers import after
from tests.factories import make_legal, make_natural

pytestmark = pytest.mark.django_db


@pytest.fixture
def provisional(official):
    company = make_legal(
        by=official, bank_certificate_date=None, email="gerencia@andina.example.co"
    )
    assert company.state == Registrant.State.PROVISIONAL
    return company


def test_a_provisional_nit_lapses_after_fifteen_business_days_and_its_holder_is_told(
    provisional,
):
    deadline = schedule_provisional_nit(provisional)
    issued_on = timezone.localdate(provisional.provisional_nit_issued_at)
    assert deadline.due_on == add_business_days(issued_on, 15)
    assert deadline.due_at == end_of_day(provisional_nit_expires_on(provisional))
    assert (deadline.action, deadline.term) == ("lapse_provisional_nit", "15 días hábiles")

    sweep_due_deadlines(now=deadline.due_at - timedelta(minutes=1))
    provisional.refresh_from_db()
    assert provisional.state == Registrant.State.PROVISIONAL

    sweep_due_deadlines(now=after(deadline))
    sweep_due_deadlines(now=after(deadline, minutes=5))

    provisional.refresh_from_db()
    deadline.refresh_from_db()
    assert provisional.state == Registrant.State.LAPSED
    assert deadline.state == Deadline.State.DONE
    assert deadline.result == "NIT provisional sin validez; se avisó a gerencia@andina.example.co."
    assert (
        AuditEntry.objects.filter(registrant=provisional, action="lapse_provisional_nit").count()
        == 1
    )
    [email] = mail.outbox
    assert email.to == ["gerencia@andina.example.co"]
    assert email.subject == f"Su NIT provisional {provisional.nit} perdió validez"
    assert provisional.formatted_nit in email.body and "15 días hábiles" in email.body


def test_an_activated_provisional_nit_is_not_lapsed(provisional, official):
    deadline = schedule_provisional_nit(provisional)
    activate_provisional_nit(provisional, by=official, certificate_date=timezone.localdate())

    sweep_due_deadlines(now=after(deadline))

    deadline.refresh_from_db()
    provisional.refresh_from_db()
    assert provisional.state == Registrant.State.ACTIVE
    assert deadline.state == Deadline.State.CANCELLED
    assert mail.outbox == []


def test_activation_settles_the_lapse_at_once(provisional, official):
    deadline = schedule_provisional_nit(provisional)
    activate_provisional_nit(provisional, by=official, certificate_date=timezone.localdate())

    assert settle_registrant_deadlines(provisional) == 0  # the activation already did
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.CANCELLED
    assert deadline.result == "Ya no aplica: el inscrito está en estado «Activo»."


def test_a_lapse_due_too_early_for_the_configured_term_waits_for_the_new_date(
    provisional, settings
):
    deadline = schedule_provisional_nit(provisional)
    settings.PROVISIONAL_NIT_DAYS = 20  # the term grew after the deadline was written

    sweep_due_deadlines(now=after(deadline))

    deadline.refresh_from_db()
    provisional.refresh_from_db()
    assert provisional.state == Registrant.State.PROVISIONAL
    assert deadline.state == Deadline.State.PENDING
    assert deadline.due_at == end_of_day(provisional_nit_expires_on(provisional))
    assert deadline.due_on == provisional_nit_expires_on(provisional)
    sweep_due_deadlines(now=after(deadline))
    provisional.refresh_from_db()
    assert provisional.state == Registrant.State.LAPSED


def test_only_provisional_registrants_get_a_lapse(official):
    assert schedule_provisional_nit(make_natural(by=official)) is None


def test_the_sweep_command_backfills_missing_lapses_once(provisional, official):
    make_legal(by=official)  # definitive NIT: nothing to lapse

    call_command("sweep_deadlines", "--backfill")
    call_command("sweep_deadlines", "--backfill")

    [deadline] = Deadline.objects.filter(rule=Rule.PROVISIONAL_NIT)
    assert deadline.registrant == provisional
    assert deadline.state == Deadline.State.PENDING


def test_art_10_lit_a_the_inscription_counts_from_the_provisional_nit_not_its_activation(
    official, clock
):
    # Decreto 2460 de 2013, art. 10 lit. a: the company is formalised with a provisional NIT on
    # the day it starts its activity (art. 7: in time); the bank certificate two days later only
    # makes that NIT definitive, so the inscription is not late.
    started = timezone.localdate()
    company = make_legal(
        by=official,
        bank_certificate_date=None,
        activities=[ActivityData(code="4659", started_on=started)],
    )
    clock.move_to(timezone.now() + timedelta(days=2))
    activate_provisional_nit(company, by=official, certificate_date=timezone.localdate())

    company.refresh_from_db()
    assert timezone.localdate(company.formalized_at) == started + timedelta(days=2)
    assert timezone.localdate(company.inscribed_at) == started
    assert "late_registration" not in [i.code for i in sanction_indicators(company)]


def test_a_provisional_nit_issued_after_the_activity_started_is_a_late_inscription(official):
    company = make_legal(
        by=official,
        bank_certificate_date=None,
        activities=[ActivityData(code="4659", started_on=timezone.localdate() - timedelta(days=3))],
    )

    late = [i for i in sanction_indicators(company) if i.code == "late_registration"]
    assert [i.days for i in late] == [3]
