"""Shared steps of the deadline tests: cases received through the real services, and times."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from deadlines.models import Deadline
from deadlines.services import schedule_case_deadlines
from procedures.models import Case, CaseType, Cause, Channel, RequesterKind
from procedures.services.intake import CaseRequest, receive_case


def receive(by: Any, **values: Any) -> Case:
    """Receive a case through intake, then schedule its deadlines as intake will."""
    defaults: dict[str, Any] = dict(
        case_type=CaseType.CANCELLATION_EX_OFFICIO,
        channel=Channel.OFFICIAL_MAIL,
        cause=Cause.AUTHORITY_ORDER,
        requester_kind=RequesterKind.ADMINISTRATIVE_AUTHORITY,
        requester_name="Superintendencia de Sociedades",
        act_number="Resolución 100-0042",
        act_date=timezone.localdate() - timedelta(days=30),
        act_issuer="Superintendencia de Sociedades",
        act_is_final=True,
    )
    defaults.update(values)
    case = receive_case(CaseRequest(**defaults), by=by)
    schedule_case_deadlines(case)
    return case


def after(deadline: Deadline, minutes: int = 1) -> datetime:
    """A moment just after the deadline falls due."""
    assert deadline.due_at is not None
    return deadline.due_at + timedelta(minutes=minutes)


def received_on(case: Case) -> date:
    return timezone.localdate(case.received_at)
