"""A case gets the legal terms its type, requester and seccional put it under."""

from datetime import date

import pytest
from django.utils import timezone

from deadlines.models import Deadline, Rule
from deadlines.rules import end_of_day
from deadlines.services import (
    schedule_alike_cases_deadlines,
    schedule_case_deadlines,
    settle_case_deadlines,
    sync_case_deadlines,
)
from procedures.models import CaseDocument, CaseType, Cause, Channel, RequesterKind
from procedures.services.intake import attach_document, check_requirements, decide_jurisdiction
from procedures.services.processing import grant_case
from rut_portal.business_days import add_business_days, add_months, next_business_day
from tests.deadlines.helpers import receive, received_on
from tests.factories import judicial_cancellation_request, make_legal, make_natural, pdf_upload

pytestmark = pytest.mark.django_db


def _only(case, rule):
    return Deadline.objects.get(case=case, rule=rule)


def test_a_judicial_cancellation_is_due_the_day_it_arrives_and_goes_first(official):
    registrant = make_natural(by=official)
    case = receive(official, **vars(judicial_cancellation_request(registrant)))

    deadline = _only(case, Rule.EX_OFFICIO_CANCELLATION)
    assert deadline.due_on == received_on(case)
    assert deadline.due_at == end_of_day(received_on(case))
    assert deadline.priority == 10
    assert (deadline.action, deadline.state) == ("escalate", Deadline.State.PENDING)
    assert deadline.term == "0 días hábiles"
    assert "3.2 (orden judicial)" in deadline.legal_basis
    assert deadline.registrant == registrant


def test_an_authority_cancellation_gets_three_business_days_or_the_acts_own_term(official):
    registrant = make_natural(by=official)
    plain = receive(official, registrant=registrant)
    with_term = receive(official, registrant=make_natural(by=official), act_term_days=10)

    deadline = _only(plain, Rule.EX_OFFICIO_CANCELLATION)
    assert deadline.due_on == add_business_days(received_on(plain), 3)
    assert (deadline.priority, deadline.term) == (plain.priority, "3 días hábiles")
    act = _only(with_term, Rule.EX_OFFICIO_CANCELLATION)
    assert act.due_on == add_business_days(received_on(with_term), 10)
    assert act.legal_basis.endswith("3.2 (término fijado en el acto)")
    assert with_term.due_on == act.due_on  # the case page reads the same day


def test_a_judicial_order_that_states_its_own_term_is_due_when_that_term_ends(official):
    # Procedure 3.2: a judicial order is carried out "según los términos prescritos por la
    # misma"; only when it prescribes none is it immediate ("vence hoy").
    registrant = make_natural(by=official)
    case = receive(official, **vars(judicial_cancellation_request(registrant, act_term_days=5)))

    deadline = _only(case, Rule.EX_OFFICIO_CANCELLATION)
    assert case.act_term_days == 5
    assert deadline.due_on == add_business_days(received_on(case), 5) == case.due_on
    assert deadline.term == "5 días hábiles"
    assert deadline.priority == 10  # still preferente
    assert "3.2 (término fijado en el acto)" in deadline.legal_basis


def test_a_dian_area_order_that_states_a_term_is_due_when_that_term_ends(official):
    case = receive(
        official,
        registrant=make_natural(by=official),
        channel=Channel.INTERNAL,
        requester_kind=RequesterKind.DIAN_AREA,
        requester_name="Fiscalización",
        cause=Cause.DECEASED,
        act_term_days=2,
    )
    assert _only(case, Rule.EX_OFFICIO_CANCELLATION).due_on == add_business_days(
        received_on(case), 2
    )


def test_a_reactivation_is_immediate_even_when_the_order_states_a_term(official):
    # Procedure 3.2: "La reactivación se realizará de manera inmediata".
    person = make_natural(by=official)
    case = receive(
        official,
        registrant=person,
        case_type=CaseType.REACTIVATION,
        cause=Cause.AUTHORITY_ORDER,
        act_term_days=10,
    )
    assert case.due_on == received_on(case) == _only(case, Rule.REACTIVATION).due_on


def test_an_order_of_a_dian_area_without_a_term_is_immediate(official):
    case = receive(
        official,
        registrant=make_natural(by=official),
        channel=Channel.INTERNAL,
        requester_kind=RequesterKind.DIAN_AREA,
        requester_name="Fiscalización",
        cause=Cause.DECEASED,
    )
    assert _only(case, Rule.EX_OFFICIO_CANCELLATION).due_on == received_on(case)


def test_a_cancellation_for_another_seccional_must_be_forwarded_the_next_business_day(official):
    company = make_legal(by=official)  # domiciled in Medellín
    assert company.seccional_id != "32"
    case = receive(official, registrant=company)

    forwarding = _only(case, Rule.FORWARDING)
    assert forwarding.due_on == next_business_day(received_on(case))
    assert "actividad 4" in forwarding.legal_basis

    attach_document(case, kind=CaseDocument.Kind.ACT, file=pdf_upload(), by=official)
    case = decide_jurisdiction(check_requirements(case, by=official, met=True), by=official)
    assert settle_case_deadlines(case) == 0  # decide_jurisdiction already settled it
    forwarding.refresh_from_db()
    assert forwarding.state == Deadline.State.DONE  # fulfilled, and its row says so
    assert forwarding.result.startswith("Cumplido: el trámite")
    assert _only(case, Rule.EX_OFFICIO_CANCELLATION).state == Deadline.State.PENDING


def test_a_suspension_received_at_another_seccional_gets_its_forwarding_term(official):
    # Decreto 2460 de 2013, art. 16: the suspension order goes to the seccional of the inscrito's
    # domicile; procedure 3.1 and activity 4: forwarded there at the latest the next day.
    company = make_legal(by=official)  # domiciled in Medellín, received in Bogotá
    case = receive(
        official, registrant=company, case_type=CaseType.SUSPENSION, channel=Channel.OFFICIAL_MAIL
    )

    forwarding = _only(case, Rule.FORWARDING)
    assert forwarding.due_on == next_business_day(received_on(case))
    assert "actividad 4" in forwarding.legal_basis

    attach_document(case, kind=CaseDocument.Kind.ACT, file=pdf_upload(), by=official)
    case = decide_jurisdiction(check_requirements(case, by=official, met=True), by=official)
    assert case.seccional_id == company.seccional_id  # intake forwarded it under the same rule
    forwarding.refresh_from_db()
    assert forwarding.state == Deadline.State.DONE


def test_a_reactivation_stays_where_it_was_received_and_has_no_forwarding_term(official):
    # Procedure, activity 3: a reactivation is handled where it is received.
    company = make_legal(by=official)
    case = receive(
        official, registrant=company, case_type=CaseType.REACTIVATION, cause=Cause.AUTHORITY_ORDER
    )
    assert not Deadline.objects.filter(case=case, rule=Rule.FORWARDING).exists()


def test_a_cancellation_received_where_the_inscrito_belongs_needs_no_forwarding(official):
    case = receive(official, registrant=make_natural(by=official))
    assert not Deadline.objects.filter(case=case, rule=Rule.FORWARDING).exists()


def test_a_suspension_order_is_due_the_next_business_day(official):
    case = receive(
        official,
        registrant=make_natural(by=official),
        case_type=CaseType.SUSPENSION,
        channel=Channel.OFFICIAL_MAIL,
    )
    deadline = _only(case, Rule.SUSPENSION)
    assert deadline.due_on == next_business_day(received_on(case))
    assert deadline.legal_basis == "Decreto 2460 de 2013, art. 16"
    assert deadline.term == "1 día hábil"


def test_scheduling_twice_creates_nothing_new(official):
    case = receive(official, registrant=make_legal(by=official))
    first = {d.pk for d in schedule_case_deadlines(case)}
    again = {d.pk for d in sync_case_deadlines(case)}
    assert first == again
    assert Deadline.objects.filter(case=case).count() == 2


def test_a_case_already_decided_gets_no_escalation_term(official):
    person = make_natural(by=official)
    case = receive(
        official, registrant=person, case_type=CaseType.SUSPENSION, channel=Channel.OFFICIAL_MAIL
    )
    Deadline.objects.filter(case=case).delete()
    case = grant_case(
        decide_jurisdiction(check_requirements(case, by=official, met=True), by=official),
        by=official,
    )
    assert schedule_case_deadlines(case) == []


def test_a_fictitious_supplier_suspension_can_be_lifted_five_years_after_it_was_granted(official):
    person = make_natural(by=official)
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

    eligible = _only(case, Rule.FICTITIOUS_SUSPENSION)
    decided_on = received_on(case)
    assert eligible.due_on == add_months(decided_on, 60)
    assert (eligible.action, eligible.registrant) == ("notify_lift_eligible", person)
    assert eligible.term == "5 años"
    assert _only(case, Rule.SUSPENSION).state == Deadline.State.CANCELLED


def test_an_impossible_term_is_kept_as_skipped_with_the_reason(official):
    case = receive(official, registrant=make_natural(by=official))
    Deadline.objects.filter(case=case).delete()
    case.received_at = case.received_at.replace(year=9999, month=12, day=30)

    [deadline] = schedule_case_deadlines(case)

    assert deadline.state == Deadline.State.SKIPPED
    assert deadline.due_at is None
    assert deadline.result.startswith("No se puede calcular el término (3 días hábiles desde")
    assert date(9999, 12, 30).isoformat() in deadline.result


def _terms(case):
    skip = {"id", "key", "case", "registrant", "created_at"}
    names = [f.attname for f in Deadline._meta.concrete_fields if f.name not in skip]
    return [{n: getattr(d, n) for n in names} for d in case.deadlines.order_by("rule")]


def test_alike_cases_get_in_bulk_the_terms_each_would_get_alone(official):
    alone = receive(official, registrant=make_natural(by=official))
    bulk = [receive(official, registrant=make_natural(by=official)) for _ in range(3)]
    Deadline.objects.filter(case__in=bulk).delete()

    written = schedule_alike_cases_deadlines(alone, [(c.pk, c.registrant_id) for c in bulk])

    assert written == 3
    for case in bulk:
        assert _terms(case) == _terms(alone)
        assert case.deadlines.get().registrant_id == case.registrant_id
        assert case.deadlines.get().key == f"case:{case.pk}"


def test_alike_cases_keep_an_impossible_term_as_skipped_for_each(official):
    prototype = receive(official, registrant=make_natural(by=official))
    prototype.received_at = prototype.received_at.replace(year=9999, month=12, day=30)
    cases = [receive(official, registrant=make_natural(by=official)) for _ in range(2)]
    Deadline.objects.filter(case__in=cases).delete()

    assert schedule_alike_cases_deadlines(prototype, [(c.pk, c.registrant_id) for c in cases]) == 0

    for case in cases:
        deadline = case.deadlines.get()
        assert (deadline.state, deadline.registrant_id) == (
            Deadline.State.SKIPPED,
            case.registrant_id,
        )
        assert deadline.result.startswith("No se puede calcular el término")


def test_the_backfill_gives_open_cases_their_missing_terms_once(official):
    from deadlines.services import backfill_deadlines

    case = receive(official, registrant=make_legal(by=official))
    Deadline.objects.filter(case=case).delete()

    assert backfill_deadlines() == {Rule.EX_OFFICIO_CANCELLATION: 1, Rule.FORWARDING: 1}
    assert backfill_deadlines() == {}
    assert Deadline.objects.filter(case=case).count() == 2
