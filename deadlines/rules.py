"""The legal terms, each with its unit and basis, and when a case or an inscrito is under one.

Pure functions of a row's own fields (plus the calendar): no clock reads, no queries. The
services turn a Plan into a Deadline row; the selectors and the sweeper ask `is_met` whether the
duty a case deadline protects has been fulfilled, from the case row alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines.models import Rule
from procedures.deadlines import Term, Unit, add_months, due_date, provisional_nit_term
from procedures.models import CANCELLATION_TYPES, Case, CaseType, Cause, Decision, RequesterKind
from registry.models import Registrant

PROCEDURE = "Procedimiento de cancelación de oficio y reactivación del RUT"

# Procedure 3.2: resolved within the act's term or at most three days after receipt; Ley 4 de
# 1913, art. 62 makes "days" business days.
EX_OFFICIO_CANCELLATION = Term(3, Unit.BUSINESS_DAYS, f"{PROCEDURE}, 3.2")
# Procedure 3.2: an order of a judicial authority is carried out at once and first.
JUDICIAL_ORDER = Term(0, Unit.BUSINESS_DAYS, f"{PROCEDURE}, 3.2 (orden judicial)")
# Procedure 3.2: an order of a DIAN area is carried out at once, unless the order sets a term.
DIAN_AREA_ORDER = Term(0, Unit.BUSINESS_DAYS, f"{PROCEDURE}, 3.2 (área de la DIAN)")
# Procedure, activity 4: forwarded to the competent seccional at the latest the day after receipt.
FORWARDING = Term(1, Unit.BUSINESS_DAYS, f"{PROCEDURE}, actividad 4")
# Decreto 2460 de 2013, art. 16: effective at the latest the business day after receipt.
SUSPENSION = Term(1, Unit.BUSINESS_DAYS, "Decreto 2460 de 2013, art. 16")
# Procedure 3.2: a reactivation is immediate.
REACTIVATION = Term(0, Unit.BUSINESS_DAYS, f"{PROCEDURE}, 3.2")
# Decreto 2460 de 2013, art. 15 par. 1 (Estatuto Tributario, art. 671): five years of suspension,
# then lifted on request. An eligibility date, not a term that ends, so it does not roll over.
FICTITIOUS_SUSPENSION = Term(5, Unit.YEARS, "Decreto 2460 de 2013, art. 15 par. 1")
# Decreto 2460 de 2013, art. 13 (Estatuto Tributario, art. 658-3): update within the month after
# the fact that requires it.
UPDATE_DUTY = Term(1, Unit.MONTHS, "Decreto 2460 de 2013, art. 13")
# Citizen portal: reminders go out one hour before the appointment.
APPOINTMENT_REMINDER_BEFORE = timedelta(hours=1)

JUDICIAL_PRIORITY = 10
FICTITIOUS_CAUSES = frozenset({Cause.FICTITIOUS_SUPPLIER, Cause.FICTITIOUS_EXPORTER})

# What the sweeper does when each rule falls due (names registered in deadlines.actions).
ESCALATE = "escalate"
LAPSE_PROVISIONAL_NIT = "lapse_provisional_nit"
NOTIFY_LIFT_ELIGIBLE = "notify_lift_eligible"
SEND_EMAIL = "send_email"

ACTION_OF: dict[str, str] = {
    Rule.EX_OFFICIO_CANCELLATION: ESCALATE,
    Rule.FORWARDING: ESCALATE,
    Rule.SUSPENSION: ESCALATE,
    Rule.REACTIVATION: ESCALATE,
    Rule.PROVISIONAL_NIT: LAPSE_PROVISIONAL_NIT,
    Rule.FICTITIOUS_SUSPENSION: NOTIFY_LIFT_ELIGIBLE,
}
CASE_RULES = frozenset(
    {Rule.EX_OFFICIO_CANCELLATION, Rule.FORWARDING, Rule.SUSPENSION, Rule.REACTIVATION}
)


@dataclass(frozen=True)
class Unplannable:
    """A term that cannot be computed from the data (a missing or impossible date), and why."""

    rule: str
    key: str
    reason: str


@dataclass(frozen=True)
class Plan:
    """A deadline to create: which rule, from when, until when, and the term that says so."""

    rule: str
    key: str
    starts_on: date
    due_on: date
    due_at: datetime
    term: Term
    priority: int = 0

    @property
    def action(self) -> str:
        return ACTION_OF[self.rule]


def end_of_day(day: date) -> datetime:
    """The instant a term that ends on `day` has run out: the next midnight in Bogotá."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def case_key(case_id: int | None) -> str:
    return f"case:{case_id}"


def registrant_key(registrant: Registrant) -> str:
    return f"registrant:{registrant.pk}"


def _plan(rule: str, key: str, start: date, term: Term, *, priority: int = 0) -> Plan | Unplannable:
    try:
        due = due_date(start, term)
        return Plan(rule, key, start, due, end_of_day(due), term, priority)
    except (ValueError, OverflowError) as exc:
        return Unplannable(
            rule,
            key,
            _("No se puede calcular el término (%(term)s desde el %(start)s): %(error)s")
            % {"term": term.describe(), "start": start.isoformat(), "error": exc},
        )


def decision_term(case: Case) -> Term:
    """The term to decide a cancelación de oficio, by who ordered it (procedure 3.2)."""
    if case.requester_kind == RequesterKind.JUDICIAL_AUTHORITY:
        return JUDICIAL_ORDER
    if case.act_term_days:
        return Term(case.act_term_days, Unit.BUSINESS_DAYS, _("Término fijado en el acto"))
    if case.requester_kind == RequesterKind.DIAN_AREA:
        return DIAN_AREA_ORDER
    return EX_OFFICIO_CANCELLATION


def needs_forwarding(case: Case) -> bool:
    """A cancellation received at a seccional other than the inscrito's (activity 3)."""
    return (
        case.case_type in CANCELLATION_TYPES
        and case.registrant is not None
        and case.registrant.seccional_id != case.received_at_seccional_id
    )


def case_plans(case: Case) -> list[Plan | Unplannable]:
    """The deadlines a case is under, given its current row."""
    received_on = timezone.localdate(case.received_at)
    key = case_key(case.pk)
    plans: list[Plan | Unplannable] = []
    if case.case_type == CaseType.CANCELLATION_EX_OFFICIO:
        priority = (
            JUDICIAL_PRIORITY if case.requester_kind == RequesterKind.JUDICIAL_AUTHORITY else 0
        )
        plans.append(
            _plan(
                Rule.EX_OFFICIO_CANCELLATION,
                key,
                received_on,
                decision_term(case),
                priority=max(priority, case.priority),
            )
        )
    if needs_forwarding(case):
        plans.append(_plan(Rule.FORWARDING, key, received_on, FORWARDING, priority=case.priority))
    if case.case_type == CaseType.SUSPENSION:
        plans.append(_plan(Rule.SUSPENSION, key, received_on, SUSPENSION, priority=case.priority))
    if case.case_type == CaseType.REACTIVATION:
        plans.append(
            _plan(Rule.REACTIVATION, key, received_on, REACTIVATION, priority=case.priority)
        )
    if (
        case.case_type == CaseType.SUSPENSION
        and case.cause in FICTITIOUS_CAUSES
        and case.decision == Decision.GRANTED
        and case.decided_at is not None
    ):
        plans.append(_eligibility_plan(case))
    return plans


def _eligibility_plan(case: Case) -> Plan | Unplannable:
    """Lifting is possible from the same date five years on (the lift check in processing.py)."""
    assert case.decided_at is not None
    # Art. 15 par. 1: the five years run from the act's publication (older records: decision).
    suspended_on = case.act_published_on or timezone.localdate(case.decided_at)
    try:
        eligible_on = add_months(suspended_on, 12 * FICTITIOUS_SUSPENSION.amount)
    except (ValueError, OverflowError) as exc:
        return Unplannable(Rule.FICTITIOUS_SUSPENSION, case_key(case.pk), str(exc))
    starts = timezone.make_aware(datetime.combine(eligible_on, time.min))
    return Plan(
        Rule.FICTITIOUS_SUSPENSION,
        case_key(case.pk),
        suspended_on,
        eligible_on,
        starts,
        FICTITIOUS_SUSPENSION,
    )


def provisional_nit_plan(registrant: Registrant) -> Plan | Unplannable:
    """Lapse at the first moment after the 15 days (lapse_provisional_nit wants today > expiry)."""
    key = registrant_key(registrant)
    if registrant.provisional_nit_issued_at is None:
        return Unplannable(
            Rule.PROVISIONAL_NIT, key, _("El NIT provisional no tiene fecha de expedición.")
        )
    issued_on = timezone.localdate(registrant.provisional_nit_issued_at)
    return _plan(Rule.PROVISIONAL_NIT, key, issued_on, provisional_nit_term())


def is_met(rule: str, case: Case) -> bool:
    """Whether the duty a case deadline protects is fulfilled or moot, from the case row alone."""
    if case.decided_at is not None or case.state in (Case.State.CLOSED, Case.State.COMMUNICATED):
        return True  # decided, or rejected for requirements: nothing left to do in time
    if rule == Rule.FORWARDING:
        return case.seccional_id != case.received_at_seccional_id
    return False


def update_due_on(fact_date: date) -> date:
    """The last day to update the RUT after the fact that requires it (art. 13)."""
    return due_date(fact_date, UPDATE_DUTY)
