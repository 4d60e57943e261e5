"""What officials see: each case's terms with business days left and overdue flags, what falls
due today in their seccional, and late updates."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from deadlines.models import Deadline, Rule
from deadlines.rules import end_of_day
from deadlines.selectors import (
    DueDay,
    case_deadlines,
    deadlines_due_today,
    is_update_late,
    overdue_deadlines,
)
from deadlines.services import schedule_provisional_nit, sweep_due_deadlines
from procedures.models import CaseType, Cause, Channel, RequesterKind
from procedures.services.intake import check_requirements, decide_jurisdiction
from procedures.services.processing import grant_case
from registry.validation import data_from_registrant
from rut_portal.business_days import add_business_days, business_days_between
from tests.clock import morning
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
    # The day after the last day, a business day or not (a holiday reads 0 business days).
    assert overdue[1].due is not None and overdue[1].due.label() == "vencido hace 1 día"


# The decision term of a cancelación de oficio is 3 business days (procedure 3.2), counted from
# the day after receipt, skipping weekends and holidays (Ley 51 de 1983, Ley 4 de 1913 art. 62).
CHOSEN_DAYS = [
    # (received, last day of the decision term, why this day)
    (date(2026, 12, 2), date(2026, 12, 7), "the next day after the term is a holiday (8 Dec)"),
    (date(2026, 12, 7), date(2026, 12, 11), "the day before a holiday (Inmaculada Concepción)"),
    (date(2026, 11, 13), date(2026, 11, 19), "a Friday before a Ley Emiliani Monday"),
    (date(2026, 12, 24), date(2026, 12, 30), "Nochebuena, before Christmas"),
    (date(2026, 12, 31), date(2027, 1, 6), "the last day of the year"),
    (date(2027, 3, 23), date(2027, 3, 30), "Holy Week (Jueves and Viernes Santo)"),
    (date(2028, 2, 28), date(2028, 3, 2), "28 February of a leap year"),
    (date(2026, 7, 10), date(2026, 7, 16), "before the new Chiquinquirá holiday (Ley 2578)"),
]


@pytest.mark.parametrize(
    ("received", "last_day"), [(r, d) for r, d, _ in CHOSEN_DAYS], ids=[w for *_, w in CHOSEN_DAYS]
)
def test_a_term_counts_business_days_and_reads_overdue_on_any_day_after_its_last(
    official, clock, received, last_day
):
    clock.move_to(morning(received))
    case = receive(official, registrant=make_legal(by=official))
    forwarding, decision = case_deadlines(case)
    assert decision.due_on == last_day
    assert forwarding.due_on == add_business_days(received, 1)
    assert decision.due is not None and decision.due.label() == "quedan 3 días hábiles"

    on_last_day = case_deadlines(case, now=_noon(last_day))[1]
    assert not on_last_day.is_overdue and on_last_day.due is not None
    assert on_last_day.due.label() == "vence hoy"

    # Every calendar day after the last one, business day or not, the term reads overdue in
    # calendar days: never "vence hoy" for a term that already ran out.
    for days in range(1, 5):
        day = last_day + timedelta(days=days)
        status = case_deadlines(case, now=_noon(day))[1]
        assert status.is_overdue and status.due is not None
        assert status.due.days_overdue == days
        assert status.due.label() == (
            "vencido hace 1 día" if days == 1 else f"vencido hace {days} días"
        )


def test_a_last_day_reads_left_today_and_overdue_from_the_next_calendar_day():
    monday = date(2026, 12, 7)  # Tuesday the 8th is a holiday
    assert DueDay(monday, date(2026, 12, 3)).label() == "quedan 2 días hábiles"
    assert DueDay(monday, date(2026, 12, 4)).label() == "queda 1 día hábil"
    assert DueDay(monday, date(2026, 12, 5)).label() == "queda 1 día hábil"  # a Saturday
    assert DueDay(monday, monday).label() == "vence hoy"
    holiday = DueDay(monday, date(2026, 12, 8))
    assert holiday.is_overdue and holiday.business_days_left == 0
    assert holiday.label() == "vencido hace 1 día"
    assert DueDay(monday, date(2026, 12, 9)).label() == "vencido hace 2 días"


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
