"""Compute and publish the open statistics (Decreto 2460 de 2013 cases and inscritos), set-based.

Every figure is a grouped aggregate over procedures_case or registry_registrant: one query per
level of detail, never a loop over cases. Medians and 90th percentiles are the continuous
percentile (linear interpolation between the closest ranks, PostgreSQL's percentile_cont):
computed in SQL on PostgreSQL, and on other databases in Python from the grouped durations,
with the same formula.
"""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
)
from django.db.models.functions import ExtractDay, TruncDate, TruncMonth
from django.utils import timezone

from open_data.models import CaseFigure, Level, RegistrantFigure, Snapshot
from procedures.models import Case
from registry.models import Registrant

logger = logging.getLogger(__name__)

# The dimensions of each level, as names of the annotated case queryset below.
LEVEL_FIELDS: dict[str, tuple[str, ...]] = {
    Level.DETAIL: ("month", "case_type", "seccional_id"),
    Level.MONTH: ("month",),
    Level.CASE_TYPE: ("case_type",),
    Level.SECCIONAL: ("seccional_id",),
    Level.TOTAL: (),
}

Key = tuple[date | None, str, str | None]  # month, case type, seccional code


class PercentileCont(Aggregate):
    """PostgreSQL's percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, *, fraction: float) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError(f"a percentile fraction is between 0 and 1, got {fraction}")
        # A float from our own code, never user input, so it is safe to write into the SQL.
        super().__init__(expression, fraction=float(fraction))


def percentile_cont(values: Sequence[float], fraction: float) -> float | None:
    """The continuous percentile of `values` (sorted), as PostgreSQL's percentile_cont does it."""
    if not values:
        return None
    position = fraction * (len(values) - 1)
    first = math.floor(position)
    if first + 1 >= len(values):
        return float(values[first])
    low, high = float(values[first]), float(values[first + 1])
    return low + (high - low) * (position - first)


@dataclass
class _Cell:
    received: int = 0
    decided: int = 0
    decided_with_term: int = 0
    decided_within_term: int = 0
    median_days: float | None = None
    p90_days: float | None = None


@dataclass
class Publication:
    snapshot: Snapshot
    case_figures: int
    registrant_figures: int
    levels: dict[str, int] = field(default_factory=dict)


def _month(value: datetime | date | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):  # TruncMonth of an aware datetime: local midnight
        return timezone.localtime(value).date()
    return value


def _key(row: dict[str, Any]) -> Key:
    return (_month(row.get("month")), row.get("case_type", ""), row.get("seccional_id"))


def _grouped(queryset: QuerySet[Any], fields: Iterable[str], **aggregates: Any) -> list[dict]:
    fields = tuple(fields)
    if not fields:  # values().annotate() with no field would group by every column
        return [queryset.aggregate(**aggregates)]
    return list(queryset.values(*fields).annotate(**aggregates).order_by())


def _received_cases() -> QuerySet[Any]:
    return Case.objects.annotate(month=TruncMonth("received_at"))


def _decided_cases() -> QuerySet[Any]:
    """Cases with a decision, with their decision month and Bogotá dates of reception and
    decision. Rejections for requirements are decisions too (the case ends there)."""
    return Case.objects.filter(decided_at__isnull=False).annotate(
        month=TruncMonth("decided_at"),
        received_on=TruncDate("received_at"),
        decided_on=TruncDate("decided_at"),
    )


def _decision_counts() -> dict[str, Any]:
    return {
        "decided": Count("pk"),
        "decided_with_term": Count("pk", filter=Q(due_on__isnull=False)),
        # A term runs to the end of its due day (deadlines.rules), so deciding on it is on time.
        "decided_within_term": Count("pk", filter=Q(due_on__gte=F("decided_on"))),
    }


def _percentiles_in_sql() -> dict[str, Any]:
    days = ExtractDay(
        ExpressionWrapper(F("decided_on") - F("received_on"), output_field=DurationField())
    )
    return {
        "median_days": PercentileCont(days, fraction=0.5),
        "p90_days": PercentileCont(days, fraction=0.9),
    }


def _percentiles_in_python() -> dict[str, dict[Key, tuple[float | None, float | None]]]:
    """Durations of every decided case fetched once, grouped here for every level."""
    rows = _decided_cases().values_list(
        "month", "case_type", "seccional_id", "received_on", "decided_on"
    )
    days_by_level: dict[str, dict[Key, list[int]]] = {
        level: defaultdict(list) for level in LEVEL_FIELDS
    }
    for month, case_type, seccional_id, received_on, decided_on in rows.iterator(chunk_size=5000):
        row = {"month": month, "case_type": case_type, "seccional_id": seccional_id}
        days = (decided_on - received_on).days
        for level, fields in LEVEL_FIELDS.items():
            days_by_level[level][_key({name: row[name] for name in fields})].append(days)
    result: dict[str, dict[Key, tuple[float | None, float | None]]] = {}
    for level, groups in days_by_level.items():
        result[level] = {}
        for key, values in groups.items():
            values.sort()
            result[level][key] = (percentile_cont(values, 0.5), percentile_cont(values, 0.9))
    return result


def compute_case_figures() -> dict[str, dict[Key, _Cell]]:
    """Every level's cells: two grouped queries per level (received; decided with durations)."""
    in_sql = connection.vendor == "postgresql"
    python_percentiles = {} if in_sql else _percentiles_in_python()
    levels: dict[str, dict[Key, _Cell]] = {}
    for level, fields in LEVEL_FIELDS.items():
        cells: dict[Key, _Cell] = defaultdict(_Cell)
        for row in _grouped(_received_cases(), fields, n=Count("pk")):
            cells[_key(row)].received = row["n"]
        decided_aggregates = _decision_counts() | (_percentiles_in_sql() if in_sql else {})
        for row in _grouped(_decided_cases(), fields, **decided_aggregates):
            if not row["decided"]:
                continue  # the TOTAL aggregate of a registry with no decision yet
            cell = cells[_key(row)]
            cell.decided = row["decided"]
            cell.decided_with_term = row["decided_with_term"]
            cell.decided_within_term = row["decided_within_term"]
            if in_sql:
                cell.median_days, cell.p90_days = row["median_days"], row["p90_days"]
            else:
                cell.median_days, cell.p90_days = python_percentiles[level][_key(row)]
        if level == Level.TOTAL:
            cells[(None, "", None)]  # noqa: B018 - the total row exists even with no case
        levels[level] = dict(cells)
    return levels


def compute_registrant_figures() -> list[tuple[str, str, int]]:
    """Inscritos by state and kind: (state, kind, count), one grouped query."""
    rows = Registrant.objects.values("state", "kind").annotate(n=Count("pk")).order_by()
    return sorted((row["state"], row["kind"], row["n"]) for row in rows)


def _compute_all() -> tuple[dict[str, dict[Key, _Cell]], list[tuple[str, str, int]]]:
    """Every figure from one view of the data: on PostgreSQL the queries share a REPEATABLE READ
    snapshot, so a case decided while they run cannot make one level disagree with another."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return compute_case_figures(), compute_registrant_figures()


def publish_statistics() -> Publication:
    """Compute every figure and publish them as the newest Snapshot, replacing older ones.

    Idempotent: a second run over the same data publishes the same figures. Older snapshots are
    deleted in the same transaction; one computed later by a concurrent run is kept.
    """
    started = time.perf_counter()
    computed_at = timezone.now()
    levels, registrants = _compute_all()
    with transaction.atomic():
        snapshot = Snapshot.objects.create(
            computed_at=computed_at, seconds=round(time.perf_counter() - started, 3)
        )
        case_rows = [
            CaseFigure(
                snapshot=snapshot,
                level=level,
                month=month,
                case_type=case_type,
                seccional_id=seccional_id,
                received=cell.received,
                decided=cell.decided,
                decided_with_term=cell.decided_with_term,
                decided_within_term=cell.decided_within_term,
                median_days=cell.median_days,
                p90_days=cell.p90_days,
            )
            for level, cells in levels.items()
            for (month, case_type, seccional_id), cell in cells.items()
        ]
        CaseFigure.objects.bulk_create(case_rows, batch_size=2000)
        RegistrantFigure.objects.bulk_create(
            RegistrantFigure(snapshot=snapshot, state=state, kind=kind, count=count)
            for state, kind, count in registrants
        )
        Snapshot.objects.filter(computed_at__lt=computed_at).delete()
    logger.info(
        "Open statistics published: %s case figures, %s registrant figures in %.2f s",
        len(case_rows),
        len(registrants),
        snapshot.seconds,
    )
    return Publication(
        snapshot=snapshot,
        case_figures=len(case_rows),
        registrant_figures=len(registrants),
        levels={level: len(cells) for level, cells in levels.items()},
    )
