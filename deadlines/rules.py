"""Every legal term, priority and forwarding condition, each with its unit and basis, once.

Intake (a case's due date and priority), the deadline rows, the lift and late-update checks and
the documents all read them from here. Pure functions of a row's own fields (plus the calendar
in rut_portal.business_days): no clock reads, no queries. The services turn a Plan into a
Deadline row; the selectors and the sweeper ask `is_met` whether the duty a case deadline
protects has been fulfilled, from the case row alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines.models import Rule
from procedures.models import (
    AUTHORITY_KINDS,
    Case,
    CaseType,
    Cause,
    Decision,
    RequesterKind,
)
from registry.models import Registrant
from rut_portal.business_days import Term, Unit, add_months, due_date

PROCEDURE = "Procedimiento de cancelación de oficio y reactivación del RUT"

# Procedure 3.2: resolved within the term the act states or at most three days after receipt;
# Ley 4 de 1913, art. 62 makes "days" business days.
EX_OFFICIO_CANCELLATION = Term(3, Unit.BUSINESS_DAYS, f"{PROCEDURE}, 3.2")
# Procedure 3.2: an order of a judicial authority is carried out at once and first, within the
# terms the order itself prescribes when it prescribes one.
JUDICIAL_ORDER = Term(0, Unit.BUSINESS_DAYS, f"{PROCEDURE}, 3.2 (orden judicial)")
# Procedure 3.2: an order of a DIAN area is carried out at once, unless the order sets a term.
DIAN_AREA_ORDER = Term(0, Unit.BUSINESS_DAYS, f"{PROCEDURE}, 3.2 (área de la DIAN)")
# Procedure, activity 4: forwarded to the competent seccional at the latest the day after receipt.
FORWARDING = Term(1, Unit.BUSINESS_DAYS, f"{PROCEDURE}, actividad 4")
# Decreto 2460 de 2013, art. 16: effective at the latest the business day after receipt.
SUSPENSION = Term(1, Unit.BUSINESS_DAYS, "Decreto 2460 de 2013, art. 16")
# Procedure 3.2: a reactivation is immediate, from the receipt of the request or the order.
REACTIVATION = Term(0, Unit.BUSINESS_DAYS, f"{PROCEDURE}, 3.2")
# Decreto 2460 de 2013, art. 15 par. 1 (Estatuto Tributario, art. 671): five years of suspension,
# then lifted on request. An eligibility date, not a term that ends, so it does not roll over.
FICTITIOUS_SUSPENSION = Term(5, Unit.YEARS, "Decreto 2460 de 2013, art. 15 par. 1")
# Decreto 2460 de 2013, art. 13 (Estatuto Tributario, art. 658-3): update within the month after
# the fact that requires it.
UPDATE_DUTY = Term(1, Unit.MONTHS, "Decreto 2460 de 2013, art. 13")
# Ley 1437 de 2011, art. 74 and 76: the recurso de reposición against a resolution is filed
# within the ten business days after its notification.
APPEAL = Term(10, Unit.BUSINESS_DAYS, "Ley 1437 de 2011, art. 74 y 76")
# Citizen portal: reminders go out one hour before the appointment.
APPOINTMENT_REMINDER_BEFORE = timedelta(hours=1)

# Procedure 3.2: a judicial order is carried out "de manera inmediata y preferente", so it goes
# first in every inbox; other authorities' orders come next, then requests.
JUDICIAL_PRIORITY = 10
AUTHORITY_PRIORITY = 5
FICTITIOUS_CAUSES = frozenset({Cause.FICTITIOUS_SUPPLIER, Cause.FICTITIOUS_EXPORTER})

# The case types a term to decide applies to, and the deadline rule that stands for it.
DECISION_RULE: dict[str, str] = {
    CaseType.CANCELLATION_EX_OFFICIO: Rule.EX_OFFICIO_CANCELLATION,
    CaseType.SUSPENSION: Rule.SUSPENSION,
    CaseType.REACTIVATION: Rule.REACTIVATION,
}

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


def provisional_nit_term() -> Term:
    """Decreto 2460 de 2013, art. 10 lit. a: a provisional NIT is activated within 15 days."""
    return Term(
        settings.PROVISIONAL_NIT_DAYS, Unit.BUSINESS_DAYS, "Decreto 2460 de 2013, art. 10 lit. a"
    )


def provisional_nit_expires_on(issued_on: date) -> date:
    """The last day a provisional NIT issued on `issued_on` can be activated (art. 10 lit. a)."""
    return due_date(issued_on, provisional_nit_term())


def priority_of(requester_kind: str) -> int:
    """The place of a case in the inboxes, by who asks (procedure 3.2: judicial orders first)."""
    if requester_kind == RequesterKind.JUDICIAL_AUTHORITY:
        return JUDICIAL_PRIORITY
    if requester_kind in AUTHORITY_KINDS:
        return AUTHORITY_PRIORITY
    return 0


def act_term(case: Case) -> Term | None:
    """The term the ordering act states for itself, recorded on the case when it states one."""
    if case.act_term_days is None:
        return None
    return Term(
        case.act_term_days, Unit.BUSINESS_DAYS, f"{PROCEDURE}, 3.2 (término fijado en el acto)"
    )


def decision_term(case: Case) -> Term | None:
    """The term to decide or carry out a case, or None when no rule sets one.

    A cancelación de oficio (procedure 3.2) takes the term its act states when it states one;
    otherwise an order of a judge or of a DIAN area is immediate and any other within three
    business days. A suspension is effective at the latest the next business day (art. 16) and a
    reactivation immediate (procedure 3.2), whatever the order says.
    """
    if case.case_type == CaseType.CANCELLATION_EX_OFFICIO:
        stated = act_term(case)
        if stated is not None:
            return stated
        if case.requester_kind == RequesterKind.JUDICIAL_AUTHORITY:
            return JUDICIAL_ORDER
        if case.requester_kind == RequesterKind.DIAN_AREA:
            return DIAN_AREA_ORDER
        return EX_OFFICIO_CANCELLATION
    if case.case_type == CaseType.SUSPENSION:
        return SUSPENSION
    if case.case_type == CaseType.REACTIVATION:
        return REACTIVATION
    return None


def decision_due_on(case: Case, received_on: date) -> date | None:
    """The last day to decide a case received on `received_on` (the case's due date)."""
    term = decision_term(case)
    return None if term is None else due_date(received_on, term)


def stays_where_received(case: Case) -> bool:
    """Procedure, activity 3: a reactivation is handled where it is received; an inscription has
    no seccional of its own yet. Every other case of an inscrito belongs to the seccional of the
    inscrito's domicile (procedure 3.1; Decreto 2460 de 2013, art. 16 for suspensions)."""
    return case.case_type in (CaseType.REACTIVATION, CaseType.REGISTRATION) or (
        case.registrant is None
    )


def competent_seccional(case: Case) -> str:
    """The seccional that must resolve the case (procedure 3.1 and activity 3)."""
    if stays_where_received(case):
        return case.seccional_id
    assert case.registrant is not None
    return case.registrant.seccional_id


def needs_forwarding(case: Case) -> bool:
    """Received at a seccional other than the competent one: forwarded with its supports."""
    return not stays_where_received(case) and (
        case.registrant is not None
        and case.registrant.seccional_id != case.received_at_seccional_id
    )


def case_plans(case: Case) -> list[Plan | Unplannable]:
    """The deadlines a case is under, given its current row."""
    received_on = timezone.localdate(case.received_at)
    key = case_key(case.pk)
    priority = max(priority_of(case.requester_kind), case.priority)
    plans: list[Plan | Unplannable] = []
    term = decision_term(case)
    if term is not None:
        plans.append(
            _plan(DECISION_RULE[case.case_type], key, received_on, term, priority=priority)
        )
    if needs_forwarding(case):
        plans.append(_plan(Rule.FORWARDING, key, received_on, FORWARDING, priority=priority))
    if (
        case.case_type == CaseType.SUSPENSION
        and case.cause in FICTITIOUS_CAUSES
        and case.decision == Decision.GRANTED
        and case.decided_at is not None
    ):
        plans.append(_eligibility_plan(case))
    return plans


def lift_eligible_on(suspended_on: date) -> date:
    """The first day a suspension for a fictitious supplier or exporter may be lifted on request
    (art. 15 par. 1): the same date five years on."""
    return add_months(suspended_on, 12 * FICTITIOUS_SUSPENSION.amount)


def fictitious_suspension_counts_from(case: Case) -> date:
    """Art. 15 par. 1: the five years run from the publication of the act that declared the
    fictitious supplier or exporter; records from before the publication date was kept run from
    the decision."""
    if case.act_published_on is not None:
        return case.act_published_on
    assert case.decided_at is not None
    return timezone.localdate(case.decided_at)


def fictitious_suspension_ends(case: Case) -> date:
    """The first day the suspension of this case may be lifted on request (art. 15 par. 1)."""
    return lift_eligible_on(fictitious_suspension_counts_from(case))


def _eligibility_plan(case: Case) -> Plan | Unplannable:
    """Lifting is possible from the same date five years on (the lift check in processing.py)."""
    suspended_on = fictitious_suspension_counts_from(case)
    try:
        eligible_on = lift_eligible_on(suspended_on)
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
