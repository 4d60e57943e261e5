"""Named reads of deadlines for officials: a case's terms with the business days left, what falls
due today in a seccional, what is overdue, and whether an update was filed late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deadlines import rules
from deadlines.models import Deadline, Rule
from procedures.models import Case, CaseType
from rut_portal.business_days import business_days_between


@dataclass(frozen=True)
class DueDay:
    """Where a term's last day stands on a given day, as an official reads it.

    A term runs out at the end of its last day (`due_on`); from the next calendar day on it is
    overdue, counted in calendar days, whether that day is a business day or not. Counting
    business days back instead would read 0, "vence hoy", on a holiday or a weekend right after
    the last day (Monday the 7th, then Tuesday the 8th of December, a holiday).
    """

    due_on: date
    today: date

    @property
    def is_overdue(self) -> bool:
        return self.today > self.due_on

    @property
    def is_due_today(self) -> bool:
        return self.today == self.due_on

    @property
    def days_overdue(self) -> int:
        """Calendar days since the last day; 0 while the term still runs."""
        return max((self.today - self.due_on).days, 0)

    @property
    def business_days_left(self) -> int:
        """Business days after today up to the last day; 0 once it is due or overdue."""
        return 0 if self.today >= self.due_on else business_days_between(self.today, self.due_on)

    def label(self) -> str:
        if self.is_overdue:
            n = self.days_overdue
            return ngettext("vencido hace %(n)s día", "vencido hace %(n)s días", n) % {"n": n}
        if self.is_due_today:
            return _("vence hoy")
        n = self.business_days_left
        return ngettext("queda %(n)s día hábil", "quedan %(n)s días hábiles", n) % {"n": n}


def due_day(due_on: date | None, *, today: date | None = None) -> DueDay | None:
    return None if due_on is None else DueDay(due_on, today or timezone.localdate())


@dataclass(frozen=True)
class DeadlineStatus:
    """A term as an official sees it."""

    label: str
    due_on: date | None
    term: str
    legal_basis: str
    business_days_left: int | None  # negative when overdue; None without a due date
    due: DueDay | None  # its last day as read on the day of `now`; None without a due date
    is_open: bool  # its duty is still to be done
    is_overdue: bool  # open, and its time has run out
    state_label: str
    result: str
    deadline: Deadline | None = None  # None for terms computed on the fly (the update duty)


def _is_open(deadline: Deadline) -> bool:
    if deadline.state == Deadline.State.PENDING:
        return True
    # An escalated case term stays open until the case does what it had to.
    return (
        deadline.state == Deadline.State.DONE
        and deadline.action == rules.ESCALATE
        and deadline.case is not None
        and not rules.is_met(deadline.rule, deadline.case)
    )


def deadline_status(deadline: Deadline, *, now: datetime) -> DeadlineStatus:
    """How a deadline stands at `now` (load it with its case to avoid a query)."""
    is_open = _is_open(deadline)
    today = timezone.localdate(now)
    due_on = deadline.due_on
    return DeadlineStatus(
        label=deadline.get_rule_display(),
        due_on=due_on,
        term=deadline.term,
        legal_basis=deadline.legal_basis,
        business_days_left=business_days_between(today, due_on) if due_on else None,
        due=due_day(due_on, today=today),
        is_open=is_open,
        is_overdue=is_open and deadline.due_at is not None and deadline.due_at <= now,
        state_label=deadline.get_state_display(),
        result=deadline.result,
        deadline=deadline,
    )


def update_status(case: Case, *, now: datetime) -> DeadlineStatus | None:
    """The update duty of an actualización (art. 13): filed within the month after the fact?"""
    if case.case_type != CaseType.UPDATE or case.fact_date is None:
        return None
    due_on = rules.update_due_on(case.fact_date)
    filed_on = timezone.localdate(case.received_at)
    late = filed_on > due_on
    return DeadlineStatus(
        label=_("Actualizar el RUT dentro del mes siguiente al hecho"),
        due_on=due_on,
        term=rules.UPDATE_DUTY.describe(),
        legal_basis=rules.UPDATE_DUTY.basis,
        business_days_left=business_days_between(filed_on, due_on),
        due=DueDay(due_on, filed_on),
        is_open=False,
        is_overdue=late,
        state_label=_("Presentada fuera de término") if late else _("Presentada a tiempo"),
        result=_("Hecho del %(fact)s; solicitud del %(filed)s.")
        % {"fact": case.fact_date.strftime("%d/%m/%Y"), "filed": filed_on.strftime("%d/%m/%Y")},
    )


def is_update_late(case: Case) -> bool:
    """Whether an actualización was filed after the month following its fact (art. 13)."""
    if case.case_type != CaseType.UPDATE or case.fact_date is None:
        return False
    return timezone.localdate(case.received_at) > rules.update_due_on(case.fact_date)


def case_deadlines(case: Case, *, now: datetime | None = None) -> list[DeadlineStatus]:
    """Every term of a case, soonest first, with business days left and the overdue flag."""
    now = now or timezone.now()
    rows = (
        Deadline.objects.filter(case=case)
        .exclude(rule=Rule.NOTICE)
        .select_related("case")
        .order_by(F("due_at").asc(nulls_last=True), "pk")
    )
    statuses = [deadline_status(deadline, now=now) for deadline in rows]
    update = update_status(case, now=now)
    if update is not None:
        statuses.append(update)
    return statuses


def _in_seccional(seccional_code: str) -> Q:
    return Q(case__seccional_id=seccional_code) | Q(
        case__isnull=True, registrant__seccional_id=seccional_code
    )


def deadlines_due_on(*, seccional_code: str, day: date) -> QuerySet[Deadline]:
    """The terms of a seccional whose last day is `day` (notices and withdrawn ones left out)."""
    return (
        Deadline.objects.filter(_in_seccional(seccional_code), due_on=day)
        .exclude(rule=Rule.NOTICE)
        .exclude(state=Deadline.State.CANCELLED)
        .select_related("case", "registrant")
        .order_by("-priority", "due_at", "pk")
    )


def deadlines_due_today(
    *, seccional_code: str, now: datetime | None = None
) -> list[DeadlineStatus]:
    """Everything due today in a seccional, preferential (judicial) first."""
    now = now or timezone.now()
    rows = deadlines_due_on(seccional_code=seccional_code, day=timezone.localdate(now))
    return [deadline_status(deadline, now=now) for deadline in rows]


def overdue_deadlines(*, seccional_code: str, now: datetime | None = None) -> list[DeadlineStatus]:
    """Open terms of a seccional whose time has run out, oldest first."""
    now = now or timezone.now()
    rows = (
        Deadline.objects.filter(_in_seccional(seccional_code), due_at__lte=now)
        .filter(
            Q(state=Deadline.State.PENDING)
            | Q(state=Deadline.State.DONE, action=rules.ESCALATE, case__decided_at__isnull=True)
        )
        .exclude(rule=Rule.NOTICE)
        .select_related("case", "registrant")
        .order_by("-priority", "due_at", "pk")
    )
    statuses = (deadline_status(deadline, now=now) for deadline in rows)
    return [status for status in statuses if status.is_overdue]
