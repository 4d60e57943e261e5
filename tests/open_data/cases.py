"""Many cases at once, written set-based (rut_portal.bulk.insert_many), for statistics tests.

Only the columns statistics read vary; the rest come from one template. Times are spread over
the months before the test clock's "today", in Bogotá, with some cases on the evening of a
month's last day (already the next month in UTC) and some decided late on their due day.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from procedures.models import Case, CaseType
from registry.models import Seccional
from rut_portal.bulk import insert_many
from tests.clock import BOGOTA, TODAY

TEMPLATE: dict[str, Any] = {
    "mode": "assisted",
    "channel": "official_mail",
    "cause": "authority_order",
    "requester_kind": "judicial_authority",
    "requester_name": "Juzgado Civil del Circuito",
}


@dataclass(frozen=True)
class PlannedCase:
    case_type: str
    seccional_id: str
    received_at: datetime
    decided_at: datetime | None
    due_on: date | None


def _bogota(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BOGOTA)


def plan_cases(
    count: int, *, days: int = 420, seccionales: int = 6, seed: int = 2460
) -> list[PlannedCase]:
    """`count` cases received over the `days` before today; about 70% already decided."""
    rng = random.Random(seed)
    codes = list(Seccional.objects.order_by("code").values_list("code", flat=True)[:seccionales])
    now = timezone.now()
    planned = []
    for index in range(count):
        received_on = TODAY - timedelta(days=rng.randrange(days))
        if index % 10 == 0:  # the evening of a month's last day: next month in UTC
            received_on = received_on.replace(day=1) - timedelta(days=1)
            received_at = _bogota(received_on, 21, 30)
        else:
            received_at = _bogota(received_on, rng.randrange(7, 18), rng.randrange(60))
        due_on = received_on + timedelta(days=rng.randrange(0, 15)) if rng.random() < 0.6 else None
        decided_at = None
        if rng.random() < 0.7:
            if due_on is not None and index % 7 == 0:  # late on the due day: still on time
                decided_at = _bogota(due_on, 23, 15)
            else:
                decided_at = received_at + timedelta(
                    days=rng.randrange(0, 40), hours=rng.randrange(0, 10)
                )
            if decided_at >= now:
                decided_at = None
        planned.append(
            PlannedCase(
                case_type=rng.choice(CaseType.values),
                seccional_id=rng.choice(codes),
                received_at=received_at,
                decided_at=decided_at,
                due_on=due_on,
            )
        )
    return planned


def insert_cases(planned: list[PlannedCase], *, prefix: str = "EST") -> list[int]:
    """Write the planned cases in one statement on PostgreSQL (bulk_create elsewhere)."""
    ids = insert_many(
        Case,
        template=TEMPLATE,
        varying={
            "number": [f"{prefix}-{index:07d}" for index in range(len(planned))],
            "case_type": [case.case_type for case in planned],
            "seccional_id": [case.seccional_id for case in planned],
            "received_at_seccional_id": [case.seccional_id for case in planned],
            "received_at": [case.received_at for case in planned],
            "decided_at": [case.decided_at for case in planned],
            "decision": ["granted" if case.decided_at else "" for case in planned],
            "state": ["decided" if case.decided_at else "received" for case in planned],
            "due_on": [case.due_on for case in planned],
        },
    )
    if connection.vendor != "postgresql":
        # bulk_create stamps auto_now_add fields with the current time; put the planned one back.
        for pk, case in zip(ids, planned, strict=True):
            Case.objects.filter(pk=pk).update(received_at=case.received_at)
    return ids
