"""What officials see: each case's terms with business days left and overdue flags, what falls
due today in their seccional, and late updates."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from deadlines.models import Deadline, Rule
from deadlines.rules import end_of_day
from deadlines.selectors import (
    case_deadlines,
    deadlines_due_today,
    is_update_late,
    overdue_deadlines,
)
from deadlines.services import schedule_provisional_nit, sweep_due_deadlines
from procedures.deadlines import business_days_between
from procedures.models import CaseType, Cause, Channel, RequesterKind
from procedures.services.intake import check_requirements, decide_jurisdiction
from procedures.services.processing import grant_case
from registry.validation import data_from_registrant
from tests.deadlines.helpers import after, receive, received_on
from tests.factories import judicial_cancellation_request, make_legal, make_natural

pytestmark = pytest.mark.django_db


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def test_a_cases_terms_show_business_days_left_and_turn_overdue(official):
    case = receive(official, registrant=make_legal(by=official))
    today = received_on(case)

    terms = case_deadlines(case, now=_noon(today))

    assert [t.label for t in terms] == [
        "Remitir a la seccional competente",
        "Resolver la cancelación de oficio",
    ]
    forwarding, decision = terms
    assert forwarding.business_days_left == 1
    assert decision.business_days_left == 3
    assert decision.term == "3 días hábiles"
    assert not decision.is_overdue and decision.is_open

    later = after(decision.deadline, minutes=60)
    overdue = case_deadlines(case, now=later)
    assert [t.is_overdue for t in overdue] == [True, True]
    assert overdue[1].business_days_left == business_days_between(
        timezone.localdate(later), decision.due_on
    )
    assert overdue[1].business_days_left < 0


def test_an_escalated_term_stays_overdue_until_the_case_is_decided(official):
    case = receive(
        official,
        registrant=make_natural(by=official),
        case_type=CaseType.SUSPENSION,
        channel=Channel.OFFICIAL_MAIL,
    )
    deadline = Deadline.objects.get(case=case)
    later = after(deadline)
    sweep_due_deadlines(now=later)
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.DONE

    [status] = case_deadlines(case, now=later)
    assert status.is_overdue and status.state_label == "Ejecutado"
    assert [s.deadline for s in overdue_deadlines(seccional_code="32", now=later)] == [deadline]

    case = grant_case(
        decide_jurisdiction(check_requirements(case, by=official, met=True), by=official),
        by=official,
    )
    [status] = case_deadlines(case, now=later)
    assert not status.is_overdue and not status.is_open
    assert overdue_deadlines(seccional_code="32", now=later) == []


def test_the_seccional_list_shows_its_own_terms_that_fall_due_that_day(
    official, official_of_other_seccional
):
    judicial = receive(official, **vars(judicial_cancellation_request(make_natural(by=official))))
    ordinary = receive(
        official,
        registrant=make_natural(by=official),
        case_type=CaseType.SUSPENSION,
        channel=Channel.OFFICIAL_MAIL,
    )
    receive(official_of_other_seccional, registrant=make_legal(by=official))
    today = received_on(judicial)

    due_today = deadlines_due_today(seccional_code="32", now=_noon(today))

    assert [s.deadline.case for s in due_today] == [judicial]
    due_next = deadlines_due_today(
        seccional_code="32",
        now=_noon(Deadline.objects.get(case=ordinary).due_on),
    )
    assert ordinary in [s.deadline.case for s in due_next]
    assert all(s.deadline.case.seccional_id == "32" for s in due_next)


def test_a_provisional_nit_is_listed_in_the_seccional_of_its_holder(official):
    company = make_legal(by=official, bank_certificate_date=None)
    deadline = schedule_provisional_nit(company)

    listed = deadlines_due_today(seccional_code=company.seccional_id, now=_noon(deadline.due_on))

    assert [s.deadline for s in listed] == [deadline]
    assert listed[0].business_days_left == 0
    assert deadlines_due_today(seccional_code="32", now=_noon(deadline.due_on)) == []


def _update_case(official, fact_date):
    person = make_natural(by=official)
    data = data_from_registrant(person)
    data.address = "CL 80 10 10"
    return receive(
        official,
        registrant=person,
        case_type=CaseType.UPDATE,
        channel=Channel.IN_PERSON,
        cause=Cause.INSCRITO_REQUEST,
        requester_kind=RequesterKind.USER,
        requester_name="El inscrito",
        act_number="",
        act_date=None,
        act_issuer="",
        act_is_final=False,
        data=data,
        fact_date=fact_date,
    )


def test_an_update_filed_more_than_a_month_after_the_fact_is_late(official):
    today = timezone.localdate()
    late = _update_case(official, today - timedelta(days=70))
    on_time = _update_case(official, today - timedelta(days=3))

    assert is_update_late(late)
    assert not is_update_late(on_time)
    [status] = case_deadlines(late)
    assert status.label == "Actualizar el RUT dentro del mes siguiente al hecho"
    assert status.is_overdue and status.state_label == "Presentada fuera de término"
    assert status.legal_basis == "Decreto 2460 de 2013, art. 13"
    [status] = case_deadlines(on_time)
    assert not status.is_overdue and status.state_label == "Presentada a tiempo"
    assert not Deadline.objects.filter(case__in=[late, on_time]).exists()


def test_an_update_without_a_fact_date_says_nothing_about_lateness(official):
    case = _update_case(official, None)
    assert not is_update_late(case)
    assert case_deadlines(case) == []


def test_a_case_list_needs_one_query(official, django_assert_num_queries):
    case = receive(official, registrant=make_legal(by=official))
    with django_assert_num_queries(1):
        case_deadlines(case, now=end_of_day(received_on(case)))
    assert Rule.FORWARDING in {s.deadline.rule for s in case_deadlines(case)}
