"""The published figures equal direct SQL counts over procedures_case and registry_registrant."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from open_data.models import CaseFigure, Level, RegistrantFigure, Snapshot
from open_data.services.statistics import percentile_cont, publish_statistics
from tests.clock import BOGOTA
from tests.factories import make_legal, make_natural
from tests.open_data.cases import insert_cases, plan_cases

pytestmark = pytest.mark.django_db


def _month_bounds(month: date) -> tuple[Any, Any]:
    """Bogotá midnights of the month and the next, as the database stores datetimes."""
    start = datetime(month.year, month.month, 1, tzinfo=BOGOTA)
    following = (start + timedelta(days=32)).replace(day=1)
    adapt = connection.ops.adapt_datetimefield_value
    return adapt(start), adapt(following)


def _sql_count(column: str, figure: CaseFigure) -> int:
    """COUNT(*) of the cases in the figure's cell, by reception or decision time."""
    sql = f"SELECT COUNT(*) FROM procedures_case WHERE {column} IS NOT NULL"
    params: list[Any] = []
    if figure.month is not None:
        sql += f" AND {column} >= %s AND {column} < %s"
        params += _month_bounds(figure.month)
    if figure.case_type:
        sql += " AND case_type = %s"
        params.append(figure.case_type)
    if figure.seccional_id:
        sql += " AND seccional_id = %s"
        params.append(figure.seccional_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _aware(value: Any) -> datetime:
    if isinstance(value, str):  # SQLite hands raw datetimes back as UTC text
        value = datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value.astimezone(BOGOTA)


def _decided_rows() -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT case_type, seccional_id, received_at, decided_at, due_on "
            "FROM procedures_case WHERE decided_at IS NOT NULL"
        )
        rows = cursor.fetchall()
    result = []
    for case_type, seccional_id, received_at, decided_at, due_on in rows:
        received, decided = _aware(received_at), _aware(decided_at)
        if isinstance(due_on, str):
            due_on = date.fromisoformat(due_on)
        result.append(
            {
                "month": decided.date().replace(day=1),
                "case_type": case_type,
                "seccional_id": seccional_id,
                "days": (decided.date() - received.date()).days,
                "due_on": due_on,
                "on_time": due_on is not None and decided.date() <= due_on,
            }
        )
    return result


def _expected_durations(level: str, rows: list[dict[str, Any]]) -> dict[tuple, dict[str, Any]]:
    fields: tuple[str, ...] = {
        Level.DETAIL: ("month", "case_type", "seccional_id"),
        Level.MONTH: ("month",),
        Level.CASE_TYPE: ("case_type",),
        Level.SECCIONAL: ("seccional_id",),
        Level.TOTAL: (),
    }[Level(level)]
    groups: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[tuple(row[name] for name in fields)].append(row)
    expected = {}
    for key, members in groups.items():
        days = sorted(row["days"] for row in members)
        deciles = statistics.quantiles(days, n=10, method="inclusive") if len(days) > 1 else days
        expected[key] = {
            "median": statistics.median(days),
            "p90": deciles[-1],
            "with_term": sum(row["due_on"] is not None for row in members),
            "on_time": sum(row["on_time"] for row in members),
        }
    return expected


def _key(figure: CaseFigure) -> tuple:
    return tuple(
        value
        for value, used in (
            (figure.month, figure.level in (Level.DETAIL, Level.MONTH)),
            (figure.case_type, figure.level in (Level.DETAIL, Level.CASE_TYPE)),
            (figure.seccional_id, figure.level in (Level.DETAIL, Level.SECCIONAL)),
        )
        if used
    )


def test_every_published_case_figure_equals_a_direct_sql_count() -> None:
    insert_cases(plan_cases(700))

    snapshot = publish_statistics().snapshot

    figures = list(snapshot.case_figures.all())
    assert {f.level for f in figures} == set(Level.values)
    decided_rows = _decided_rows()
    assert len(decided_rows) > 300  # the plan decided most cases
    expected = {level: _expected_durations(level, decided_rows) for level in Level.values}
    checked_percentiles = 0
    for figure in figures:
        assert figure.received == _sql_count("received_at", figure), figure
        assert figure.decided == _sql_count("decided_at", figure), figure
        cell = expected[figure.level].get(_key(figure))
        if cell is None:
            assert figure.decided == 0 and figure.median_days is None, figure
            continue
        assert figure.median_days == pytest.approx(cell["median"]), figure
        assert figure.p90_days == pytest.approx(cell["p90"]), figure
        assert figure.decided_with_term == cell["with_term"], figure
        assert figure.decided_within_term == cell["on_time"], figure
        checked_percentiles += 1
    assert checked_percentiles > 50
    total = snapshot.case_figures.get(level=Level.TOTAL)
    assert total.received == 700
    assert sum(f.received for f in figures if f.level == Level.DETAIL) == 700
    assert sum(f.decided for f in figures if f.level == Level.MONTH) == len(decided_rows)


def test_a_case_received_on_a_months_last_evening_counts_in_that_month_in_bogota() -> None:
    # 21:30 in Bogotá on 30 September is already 1 October in UTC.
    evening = datetime(2026, 9, 30, 21, 30, tzinfo=BOGOTA)
    decided = datetime(2026, 10, 2, 23, 45, tzinfo=BOGOTA)  # 3 October in UTC
    planned = plan_cases(1)
    planned[0] = type(planned[0])(
        case_type="suspension",
        seccional_id="32",
        received_at=evening,
        decided_at=decided,
        due_on=date(2026, 10, 2),
    )
    insert_cases(planned)

    snapshot = publish_statistics().snapshot

    months = {f.month: f for f in snapshot.case_figures.filter(level=Level.MONTH)}
    assert months[date(2026, 9, 1)].received == 1
    assert months[date(2026, 10, 1)].decided == 1
    october = months[date(2026, 10, 1)]
    assert october.received == 0
    assert october.median_days == 2  # 30 September to 2 October, calendar days
    assert (october.decided_with_term, october.decided_within_term) == (1, 1)


def test_a_decision_after_the_due_day_is_out_of_term() -> None:
    planned = plan_cases(1)
    received = datetime(2026, 10, 5, 9, 0, tzinfo=BOGOTA)
    planned[0] = type(planned[0])(
        case_type="cancellation_ex_officio",
        seccional_id="11",
        received_at=received,
        decided_at=datetime(2026, 10, 20, 0, 5, tzinfo=BOGOTA),
        due_on=date(2026, 10, 19),
    )
    insert_cases(planned)

    total = publish_statistics().snapshot.case_figures.get(level=Level.TOTAL)

    assert (total.decided_with_term, total.decided_within_term) == (1, 0)
    assert total.within_term_share == 0


def test_inscritos_by_state_and_kind_equal_a_direct_sql_count(official) -> None:
    make_natural(by=official)
    make_natural(by=official)
    make_legal(by=official)

    snapshot = publish_statistics().snapshot

    with connection.cursor() as cursor:
        cursor.execute("SELECT state, kind, COUNT(*) FROM registry_registrant GROUP BY state, kind")
        expected = {(state, kind): n for state, kind, n in cursor.fetchall()}
    published = {(f.state, f.kind): f.count for f in snapshot.registrant_figures.all()}
    assert published == expected
    assert sum(published.values()) == 3


def test_publishing_again_replaces_the_snapshot_with_the_same_figures(clock) -> None:
    insert_cases(plan_cases(80))
    first = publish_statistics().snapshot
    figures = sorted(
        (f.level, f.month, f.case_type, f.seccional_id, f.received, f.decided, f.median_days)
        for f in first.case_figures.all()
    )
    clock.shift(timedelta(hours=1))

    second = publish_statistics().snapshot

    assert list(Snapshot.objects.all()) == [second]
    assert second.computed_at > first.computed_at
    assert not CaseFigure.objects.filter(snapshot_id=first.pk).exists()
    assert not RegistrantFigure.objects.filter(snapshot_id=first.pk).exists()
    assert figures == sorted(
        (f.level, f.month, f.case_type, f.seccional_id, f.received, f.decided, f.median_days)
        for f in second.case_figures.all()
    )


def test_an_empty_registry_publishes_zero_totals() -> None:
    snapshot = publish_statistics().snapshot

    total = snapshot.case_figures.get()
    assert (total.level, total.received, total.decided, total.median_days) == (
        Level.TOTAL,
        0,
        0,
        None,
    )
    assert total.within_term_share is None


def test_the_command_publishes_and_says_how_many_figures() -> None:
    insert_cases(plan_cases(20))
    out = StringIO()

    call_command("publish_statistics", stdout=out)

    assert Snapshot.objects.count() == 1
    assert "Estadísticas publicadas en" in out.getvalue()
    assert f"{CaseFigure.objects.count()} cifras de trámites" in out.getvalue()


def test_beat_publishes_the_statistics_periodically(settings) -> None:
    from rut_portal.celery import app

    schedule = app.conf.beat_schedule["publish-statistics"]
    assert schedule["task"] == "open_data.tasks.publish_statistics"
    assert schedule["schedule"] == float(settings.OPEN_DATA_PUBLISH_SECONDS)
    from open_data.tasks import publish_statistics as task

    snapshot_id = task.delay().get()
    assert Snapshot.objects.get().pk == snapshot_id


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        ([], 0.5, None),
        ([4], 0.9, 4.0),
        ([1, 2], 0.5, 1.5),
        ([1, 2, 3, 4], 0.9, 3.7),
        ([0, 0, 10], 0.5, 0.0),
        ([1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21], 0.9, 19.0),
    ],
)
def test_percentile_cont_interpolates_between_the_closest_ranks(values, fraction, expected):
    assert percentile_cont(values, fraction) == pytest.approx(expected)
    if len(values) > 1 and expected is not None:
        quantiles = statistics.quantiles(values, n=10, method="inclusive")
        assert percentile_cont(values, 0.9) == pytest.approx(quantiles[-1])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_every_figure_comes_from_one_repeatable_read_snapshot(
    reference_data,
) -> None:
    insert_cases(plan_cases(30))

    with CaptureQueriesContext(connection) as queries:
        publish_statistics()

    statements = [q["sql"] for q in queries]
    isolation = statements.index("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
    reads = [i for i, sql in enumerate(statements) if "procedures_case" in sql]
    assert isolation < min(reads)
    # The reads end, and their transaction commits, before the snapshot is written.
    commit = statements.index("COMMIT", max(reads))
    insert = next(i for i, sql in enumerate(statements) if "INSERT INTO" in sql)
    assert max(reads) < commit < insert
