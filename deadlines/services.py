"""Use cases that write deadlines: schedule them for cases and inscritos, settle them when their
duty is done, and sweep the due ones.

The sweep claims due rows with SELECT ... FOR UPDATE SKIP LOCKED in small batches and gives each
claimed row a lease (next_attempt_at moves into the future), so concurrent sweepers never take
the same row. Each action then runs in its own transaction with the row locked and re-checked: a
second run of the same deadline (a re-delivered message, a second sweeper) finds it no longer
pending and does nothing. A worker killed mid-action rolls back, and the row is claimed again
when its lease runs out. Nothing depends on messages in the broker surviving.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines import rules
from deadlines.actions import Reschedule, SkipDeadline, action_for
from deadlines.models import Deadline, Rule
from procedures.models import Case, CaseType, Decision
from registry.models import Registrant
from rut_portal.bulk import insert_many
from rut_portal.errors import DomainError

logger = logging.getLogger(__name__)

BATCH_SIZE = 50
# Claims of one deadline before it is given up (a poison action that kills its worker each time).
MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(hours=1)
_DONE_FIELDS = ["state", "result", "done_at", "next_attempt_at", "last_error"]


def _lease() -> timedelta:
    return timedelta(seconds=settings.DEADLINE_LEASE_SECONDS)


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _queue_if_due(deadline: Deadline) -> None:
    """Run a deadline that is already due right after commit instead of at the next sweep."""
    from deadlines.tasks import run_due_deadline

    due_at = deadline.due_at
    if deadline.state == Deadline.State.PENDING and due_at is not None and due_at <= timezone.now():
        run_due_deadline.delay_on_commit(deadline.pk)


def _fields(
    *,
    action: str,
    due_at: datetime,
    due_on: date | None = None,
    starts_on: date | None = None,
    case: Case | None = None,
    registrant: Registrant | None = None,
    priority: int = 0,
    term: str = "",
    legal_basis: str = "",
    payload: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The columns of a new pending deadline besides its rule and key."""
    return {
        "action": action,
        "due_at": due_at,
        "next_attempt_at": due_at,
        "due_on": due_on or timezone.localdate(due_at),
        "starts_on": starts_on,
        "case": case,
        "registrant": registrant,
        "priority": priority,
        "term": term,
        "legal_basis": legal_basis,
        "payload": payload or {},
    }


def _plan_fields(
    plan: rules.Plan, *, case: Case | None = None, registrant: Registrant | None = None
) -> dict[str, Any]:
    return _fields(
        action=plan.action,
        due_at=plan.due_at,
        due_on=plan.due_on,
        starts_on=plan.starts_on,
        case=case,
        registrant=registrant,
        priority=plan.priority,
        term=plan.term.describe(),
        legal_basis=plan.term.basis,
    )


def _create(*, rule: str, key: str, **fields: Any) -> Deadline:
    """Create the deadline unless one exists for the same rule and key (idempotent)."""
    deadline, created = Deadline.objects.get_or_create(rule=rule, key=key, defaults=fields)
    if created:
        _queue_if_due(deadline)
    return deadline


def _create_from_plan(
    plan: rules.Plan, *, case: Case | None = None, registrant: Registrant | None = None
) -> Deadline:
    return _create(
        rule=plan.rule, key=plan.key, **_plan_fields(plan, case=case, registrant=registrant)
    )


def _record_invalid(
    error: rules.Unplannable, *, case: Case | None = None, registrant: Registrant | None = None
) -> Deadline:
    """A term that cannot be computed is kept, skipped, with the reason, for officials to see."""
    logger.warning("Deadline %s %s not computable: %s", error.rule, error.key, error.reason)
    deadline, _created = Deadline.objects.get_or_create(
        rule=error.rule,
        key=error.key,
        defaults={
            "action": rules.ACTION_OF[error.rule],
            "case": case,
            "registrant": registrant,
            "state": Deadline.State.SKIPPED,
            "result": error.reason,
            "done_at": timezone.now(),
        },
    )
    return deadline


# --- Cases and inscritos ----------------------------------------------------------------------


@transaction.atomic
def schedule_case_deadlines(case: Case) -> list[Deadline]:
    """Create the deadlines the case is under and does not have yet; a second call adds nothing.

    Call it inside the service that received or decided the case, so the rows commit with it.
    Terms whose duty is already fulfilled (a case decided before this call) are not created.
    """
    deadlines: list[Deadline] = []
    for plan in rules.case_plans(case):
        if isinstance(plan, rules.Unplannable):
            deadlines.append(_record_invalid(plan, case=case, registrant=case.registrant))
        elif plan.action == rules.ESCALATE and rules.is_met(plan.rule, case):
            continue
        else:
            deadlines.append(_create_from_plan(plan, case=case, registrant=case.registrant))
    return deadlines


@transaction.atomic
def schedule_alike_cases_deadlines(prototype: Case, cases: Sequence[tuple[int, int]]) -> int:
    """schedule_case_deadlines for many new cases that differ only in whom and what they are
    about; returns how many deadlines it wrote.

    Each term is computed once, from `prototype`: an unsaved case with what the terms depend on
    (type, requester, priority, the moment received, the seccionales). `cases` are the
    (case id, registrant id) pairs. Each term's rows are written with one INSERT. For the death
    feed's bulk intake, in its transaction: the cases are new, so none has deadlines yet, and
    none is due before the day it was received ends (nothing to run at once).
    """
    keys = [rules.case_key(case_id) for case_id, _registrant in cases]
    varying: dict[str, list[Any]] = {
        "key": keys,
        "case_id": [case_id for case_id, _registrant in cases],
        "registrant_id": [registrant_id for _case, registrant_id in cases],
    }
    written = 0
    for plan in rules.case_plans(prototype):
        if isinstance(plan, rules.Unplannable):
            for key, (case_id, registrant_id) in zip(keys, cases, strict=True):
                invalid = rules.Unplannable(plan.rule, key, plan.reason)
                _record_invalid(
                    invalid, case=Case(pk=case_id), registrant=Registrant(pk=registrant_id)
                )
            continue
        if plan.action == rules.ESCALATE and rules.is_met(plan.rule, prototype):
            continue
        ids = insert_many(
            Deadline, template={"rule": plan.rule, **_plan_fields(plan)}, varying=varying
        )
        written += len(ids)
    return written


@transaction.atomic
def settle_case_deadlines(case: Case) -> int:
    """Cancel the case's pending terms whose duty is now fulfilled or moot; returns how many."""
    case = Case.objects.get(pk=case.pk)  # the state this transaction sees, not the caller's copy
    now = timezone.now()
    settled = 0
    # SKIP LOCKED: a row the sweeper holds is being acted on; it re-checks the case itself.
    pending = Deadline.objects.select_for_update(skip_locked=True).filter(
        case=case, state=Deadline.State.PENDING, rule__in=rules.CASE_RULES
    )
    for deadline in pending:
        if deadline.rule == Rule.FORWARDING and rules.is_met(deadline.rule, case):
            # Fulfilled by the remission itself: the row says so (Cumplido), not "Cancelado".
            deadline.complete(
                result=_("Cumplido: el trámite %(number)s fue remitido a la seccional %(to)s.")
                % {"number": case.number, "to": case.seccional.name},
                at=now,
            )
        elif rules.is_met(deadline.rule, case):
            deadline.cancel(
                reason=_("Cumplido: el trámite %(number)s pasó a «%(state)s».")
                % {"number": case.number, "state": case.get_state_display()},
                at=now,
            )
        else:
            continue
        deadline.save(update_fields=_DONE_FIELDS)
        settled += 1
    return settled


@transaction.atomic
def sync_case_deadlines(case: Case) -> list[Deadline]:
    """Both at once: create the case's missing deadlines and settle the fulfilled ones."""
    deadlines = schedule_case_deadlines(case)
    settle_case_deadlines(case)
    return deadlines


@transaction.atomic
def schedule_provisional_nit(registrant: Registrant) -> Deadline | None:
    """The lapse of a provisional NIT 15 days after its issue (art. 10 lit. a); idempotent."""
    if registrant.state != Registrant.State.PROVISIONAL:
        return None
    plan = rules.provisional_nit_plan(registrant)
    if isinstance(plan, rules.Unplannable):
        return _record_invalid(plan, registrant=registrant)
    return _create_from_plan(plan, registrant=registrant)


@transaction.atomic
def settle_registrant_deadlines(registrant: Registrant) -> int:
    """Cancel an inscrito's pending terms that no longer apply (NIT activated, lifted)."""
    registrant = Registrant.objects.get(pk=registrant.pk)
    no_longer: dict[str, bool] = {
        Rule.PROVISIONAL_NIT: registrant.state != Registrant.State.PROVISIONAL,
        Rule.FICTITIOUS_SUSPENSION: registrant.state != Registrant.State.SUSPENDED,
    }
    now = timezone.now()
    settled = 0
    pending = Deadline.objects.select_for_update(skip_locked=True).filter(
        registrant=registrant, state=Deadline.State.PENDING, rule__in=list(no_longer)
    )
    for deadline in pending:
        if no_longer[deadline.rule]:
            deadline.cancel(
                reason=_("Ya no aplica: el inscrito está en estado «%(state)s».")
                % {"state": registrant.get_state_display()},
                at=now,
            )
            deadline.save(update_fields=_DONE_FIELDS)
            settled += 1
    return settled


# --- Generic hooks (notices, reminders, other apps' timers) ------------------------------------


@transaction.atomic
def schedule_deadline(
    *,
    rule: str,
    key: str,
    action: str,
    due_at: datetime,
    case: Case | None = None,
    registrant: Registrant | None = None,
    payload: dict[str, Any] | None = None,
    priority: int = 0,
) -> Deadline:
    """Schedule `action` at `due_at` under (rule, key); a pending one with the same key moves.

    For other apps' timers, e.g. the portal's code expiry with an action it registered through
    deadlines.actions.deadline_action. A deadline already done or cancelled is returned as is.
    """
    if action_for(action) is None:
        raise ValueError(f"unknown deadline action {action!r}")
    existing = Deadline.objects.select_for_update().filter(rule=rule, key=key).first()
    if existing is None:
        return _create(
            rule=rule,
            key=key,
            **_fields(
                action=action,
                due_at=due_at,
                case=case,
                registrant=registrant,
                payload=payload,
                priority=priority,
            ),
        )
    if existing.state == Deadline.State.PENDING and (
        existing.due_at != due_at or existing.payload != (payload or {})
    ):
        existing.due_at = existing.next_attempt_at = due_at
        existing.due_on = timezone.localdate(due_at)
        existing.payload = payload or {}
        existing.save(update_fields=["due_at", "next_attempt_at", "due_on", "payload"])
        _queue_if_due(existing)
    return existing


def schedule_notice(
    *,
    key: str,
    to: str,
    subject: str,
    body: str,
    case: Case | None = None,
    registrant: Registrant | None = None,
) -> Deadline:
    """An email to send now, kept as a deadline so a lost message or a crash does not lose it."""
    return _create(
        rule=Rule.NOTICE,
        key=key,
        **_fields(
            action=rules.SEND_EMAIL,
            due_at=timezone.now(),
            case=case,
            registrant=registrant,
            payload={"to": to, "subject": subject, "body": body},
        ),
    )


def schedule_reminder(
    *,
    key: str,
    appointment_at: datetime,
    to: str,
    subject: str,
    body: str,
    registrant: Registrant | None = None,
) -> Deadline:
    """An appointment reminder emailed one hour before; rescheduling the same key moves it."""
    return schedule_deadline(
        rule=Rule.APPOINTMENT_REMINDER,
        key=key,
        action=rules.SEND_EMAIL,
        due_at=appointment_at - rules.APPOINTMENT_REMINDER_BEFORE,
        registrant=registrant,
        payload={"to": to, "subject": subject, "body": body},
    )


@transaction.atomic
def cancel_deadline(*, rule: str, key: str, reason: str) -> bool:
    """Withdraw a pending deadline (an appointment cancelled); False when none was pending."""
    deadline = (
        Deadline.objects.select_for_update()
        .filter(rule=rule, key=key, state=Deadline.State.PENDING)
        .first()
    )
    if deadline is None:
        return False
    deadline.cancel(reason=reason, at=timezone.now())
    deadline.save(update_fields=_DONE_FIELDS)
    return True


# --- Backfill ---------------------------------------------------------------------------------


def backfill_deadlines() -> Counter[str]:
    """Create the deadlines missing for provisional NITs and open cases (idempotent).

    A safety net for rows that predate the deadlines app or a call site that was missed.
    """
    created: Counter[str] = Counter()
    provisional = Registrant.objects.filter(state=Registrant.State.PROVISIONAL).exclude(
        deadlines__rule=Rule.PROVISIONAL_NIT
    )
    for registrant in provisional.order_by("pk").iterator():
        if schedule_provisional_nit(registrant) is not None:
            created[Rule.PROVISIONAL_NIT] += 1
    open_cases = (
        Case.objects.filter(
            decided_at__isnull=True,
            case_type__in=[
                CaseType.CANCELLATION_EX_OFFICIO,
                CaseType.CANCELLATION_ON_REQUEST,
                CaseType.SUSPENSION,
                CaseType.REACTIVATION,
            ],
        )
        .exclude(state__in=[Case.State.COMMUNICATED, Case.State.CLOSED])
        .exclude(
            Q(case_type=CaseType.CANCELLATION_ON_REQUEST)
            & Q(registrant__seccional_id=F("received_at_seccional_id"))
        )
        .filter(deadlines__isnull=True)
    )
    fictitious = Case.objects.filter(
        case_type=CaseType.SUSPENSION,
        cause__in=rules.FICTITIOUS_CAUSES,
        decision=Decision.GRANTED,
        decided_at__isnull=False,
    ).exclude(deadlines__rule=Rule.FICTITIOUS_SUSPENSION)
    for queryset in (open_cases, fictitious):
        for case in queryset.select_related("registrant").order_by("pk").iterator():
            for deadline in schedule_case_deadlines(case):
                created[deadline.rule] += 1
    return created


# --- The sweep --------------------------------------------------------------------------------


def claim_due_deadlines(*, now: datetime, limit: int = BATCH_SIZE) -> list[int]:
    """Take up to `limit` due deadlines, most urgent first, and lease them to this sweeper.

    Rows another sweeper holds are skipped, not waited for. The lease (next_attempt_at in the
    future) keeps them from being claimed again until it runs out. Call it inside a transaction
    to queue work on its commit.
    """
    with transaction.atomic():
        ids = list(
            Deadline.objects.filter(state=Deadline.State.PENDING, next_attempt_at__lte=now)
            .order_by("-priority", "next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Deadline.objects.filter(pk__in=ids).update(
                next_attempt_at=now + _lease(), attempts=F("attempts") + 1
            )
    return ids


_RUN_FIELDS = ["state", "result", "done_at", "next_attempt_at", "last_error", "due_at", "due_on"]


class _ActionFailed(Exception):
    """The action raised; its transaction is rolled back before the outcome is recorded."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def _lock_due(deadline_id: int, now: datetime) -> Deadline | None:
    # Waits for another run of the same deadline (a duplicate message) to finish, then sees it
    # is no longer pending.
    deadline = Deadline.objects.select_for_update().filter(pk=deadline_id).first()
    if deadline is None or deadline.state != Deadline.State.PENDING:
        return None
    if deadline.due_at is None or deadline.due_at > now:
        return None
    return deadline


def run_deadline(deadline_id: int, *, now: datetime | None = None) -> str:
    """Run one due deadline's action in its own transaction; a second run does nothing.

    The row is locked and re-checked first, so two runs of the same deadline (a re-delivered
    message, two sweepers) commit the action once. When the action raises, everything it wrote
    is rolled back and the outcome (skipped, rescheduled, retry) is recorded in a second
    transaction. Returns done, skipped, rescheduled, retry, or idle (not pending or not due).
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            deadline = _lock_due(deadline_id, now)
            if deadline is None:
                return "idle"
            outcome = _run_action(deadline, now)
            deadline.save(update_fields=_RUN_FIELDS)
    except _ActionFailed as failed:
        with transaction.atomic():
            deadline = _lock_due(deadline_id, now)
            if deadline is None:
                return "idle"  # another run finished it meanwhile
            outcome = _record_failure(deadline, failed.error, now)
            deadline.save(update_fields=_RUN_FIELDS)
    logger.info("Deadline %s (%s %s): %s", deadline.pk, deadline.rule, deadline.key, outcome)
    return outcome


def _run_action(deadline: Deadline, now: datetime) -> str:
    """Call the action and complete the (locked) row; the caller saves it."""
    if deadline.attempts > MAX_ATTEMPTS:
        deadline.skip(
            reason=_("Se abandonó después de %(n)s intentos. Último error: %(error)s")
            % {"n": deadline.attempts - 1, "error": deadline.last_error or "-"},
            at=now,
        )
        return "skipped"
    action = action_for(deadline.action)
    if action is None:
        deadline.skip(reason=_("Acción desconocida: «%(a)s».") % {"a": deadline.action}, at=now)
        return "skipped"
    try:
        result = action(deadline, now)
    except Exception as error:  # recorded by run_deadline once this transaction is rolled back
        raise _ActionFailed(error) from error
    deadline.complete(result=result, at=now)
    return "done"


def _record_failure(deadline: Deadline, error: Exception, now: datetime) -> str:
    """Move the row to what the action's exception means; the caller saves it."""
    if isinstance(error, Reschedule):
        deadline.due_at = deadline.next_attempt_at = error.due_at
        deadline.due_on = timezone.localdate(error.due_at - timedelta(microseconds=1))
        deadline.result = error.reason
        return "rescheduled"
    if isinstance(error, SkipDeadline):
        deadline.skip(reason=error.reason, at=now)
        return "skipped"
    if isinstance(error, DomainError):
        deadline.skip(reason=error.message, at=now)
        return "skipped"
    # Anything else: the sweep goes on; the error is kept on the row and retried with back-off.
    logger.error("Deadline %s action %s failed", deadline.pk, deadline.action, exc_info=error)
    deadline.last_error = f"{type(error).__name__}: {error}"[:2000]
    if deadline.attempts >= MAX_ATTEMPTS:
        deadline.skip(
            reason=_("Falló %(n)s veces. Último error: %(error)s")
            % {"n": deadline.attempts, "error": deadline.last_error},
            at=now,
        )
        return "skipped"
    deadline.next_attempt_at = now + _backoff(deadline.attempts)
    return "retry"


@dataclass
class SweepReport:
    claimed: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)


def sweep_due_deadlines(
    *, now: datetime | None = None, batch_size: int = BATCH_SIZE, dispatch: bool = False
) -> SweepReport:
    """Claim every due deadline, batch by batch, and run each action in its own transaction.

    dispatch=False runs the actions here (the management command, the embedded default);
    dispatch=True queues one Celery task per claimed deadline on the claim's commit (beat).
    """
    from deadlines.tasks import run_due_deadline

    report = SweepReport()
    while True:
        # Without a fixed `now`, each batch also sees what became due meanwhile (notices queued
        # by the actions of the batch before).
        current = now or timezone.now()
        with transaction.atomic():
            ids = claim_due_deadlines(now=current, limit=batch_size)
            if dispatch:
                for pk in ids:
                    run_due_deadline.delay_on_commit(pk)
        if not ids:
            return report
        report.claimed += len(ids)
        if dispatch:
            report.outcomes["queued"] += len(ids)
            continue
        for pk in ids:
            try:
                report.outcomes[run_deadline(pk, now=current)] += 1
            except Exception:  # e.g. the database went away: the lease brings it back later
                logger.exception("Deadline %s could not be run", pk)
                report.outcomes["error"] += 1
