"""How long a deadline sweep takes with 100,000 pending deadlines, as the number due grows.

For each size (100, 1,000 and 10,000 due by default) the table is refilled with 100,000 pending
deadlines, that many of them already due and the rest spread over the next 30 days, and then:

- idle sweep: one claim query when nothing is due yet (what beat pays every minute);
- claim only: claiming every due row in batches of 50 with FOR UPDATE SKIP LOCKED and a lease
  (what the beat task does before the workers run the actions);
- inline sweep: claim, then run each action in its own transaction (the sweep_deadlines command);
- parallel sweep: the same with P processes at once (SKIP LOCKED shares the work);
- dispatch (only with REDIS_URL): claim and queue one Celery message per row on commit.

The action is a no-op registered here ("bench_noop"), so the figures are the sweep's own cost:
the claim, the row lock, the state change and the commit per deadline.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rut_bench python bench/deadlines.py
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import setup_django, write_json  # noqa: E402

TOTAL = 100_000
KEY_PREFIX = "bench:"


def _register_action() -> None:
    from deadlines.actions import action_for, deadline_action

    if action_for("bench_noop") is None:
        deadline_action("bench_noop")(lambda deadline, now: "ok")


def fill(*, total: int, due: int, now: datetime) -> None:
    """Replace the bench rows: `due` of them due in the last hours, the rest in the next 30 days."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM deadlines_deadline WHERE key LIKE %s", [KEY_PREFIX + "%"])
        cursor.execute(
            """
            INSERT INTO deadlines_deadline (
                rule, key, action, priority, term, legal_basis, due_on, due_at, state,
                next_attempt_at, attempts, last_error, payload, result, created_at
            )
            SELECT 'activation_code', %(prefix)s || g, 'bench_noop', (g %% 20 = 0)::int * 10,
                   '', '', (t AT TIME ZONE 'America/Bogota')::date, t, 'pending', t, 0, '',
                   '{}', '', %(now)s
            FROM (
                SELECT g, CASE WHEN g <= %(due)s
                               THEN %(now)s - make_interval(secs => g)
                               ELSE %(now)s + make_interval(mins => 1 + g %% 43200)
                          END AS t
                FROM generate_series(1, %(total)s) AS g
            ) AS s
            """,
            {"prefix": KEY_PREFIX, "due": due, "total": total, "now": now},
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE deadlines_deadline")


def claim_plan(now: datetime) -> str:
    """The plan of one claim query, to show it reads the partial index, not the table."""
    from django.db import connection

    from deadlines.models import Deadline

    query = (
        Deadline.objects.filter(state=Deadline.State.PENDING, next_attempt_at__lte=now)
        .order_by("-priority", "next_attempt_at", "pk")
        .values_list("pk", flat=True)[:50]
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql} FOR UPDATE SKIP LOCKED", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _timed(function: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    began = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - began, result


def idle_sweep_ms(now: datetime, repeat: int = 20) -> float:
    from deadlines.services import claim_due_deadlines

    timings = [_timed(claim_due_deadlines, now=now)[0] for _ in range(repeat)]
    return round(sorted(timings)[len(timings) // 2] * 1000, 3)


def claim_only(now: datetime) -> dict[str, Any]:
    from deadlines.services import claim_due_deadlines

    def claim_all() -> int:
        claimed = 0
        while ids := claim_due_deadlines(now=now, limit=50):
            claimed += len(ids)
        return claimed

    seconds, claimed = _timed(claim_all)
    return {"claimed": claimed, "seconds": round(seconds, 3)}


def inline_sweep(now: datetime) -> dict[str, Any]:
    from deadlines.services import sweep_due_deadlines

    seconds, report = _timed(sweep_due_deadlines, now=now, batch_size=50)
    return {
        "claimed": report.claimed,
        "outcomes": dict(report.outcomes),
        "seconds": round(seconds, 3),
        "per_second": round(report.claimed / seconds, 1) if seconds else None,
    }


def _parallel_worker(now: datetime, barrier: Any, results: Any) -> None:
    from django.db import connection

    from deadlines.services import sweep_due_deadlines

    connection.ensure_connection()
    barrier.wait()
    began = time.perf_counter()
    report = sweep_due_deadlines(now=now, batch_size=50)
    results.put({"claimed": report.claimed, "start": began, "end": time.perf_counter()})
    connection.close()


def parallel_sweep(now: datetime, processes: int) -> dict[str, Any]:
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(processes)
    results = context.Queue()
    workers = [
        context.Process(target=_parallel_worker, args=(now, barrier, results))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    seconds = max(o["end"] for o in outcomes) - min(o["start"] for o in outcomes)
    claimed = sum(o["claimed"] for o in outcomes)
    return {
        "processes": processes,
        "claimed": claimed,
        "claimed_by_each": sorted(o["claimed"] for o in outcomes),
        "seconds": round(seconds, 3),
        "per_second": round(claimed / seconds, 1) if seconds else None,
    }


def commit_floor(now: datetime, rows: int = 500) -> dict[str, Any]:
    """The floor any per-row transaction pays here: a bare one-row UPDATE, committed on its own."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM deadlines_deadline WHERE key LIKE %s ORDER BY id LIMIT %s",
            [KEY_PREFIX + "%", rows],
        )
        ids = [row[0] for row in cursor.fetchall()]
    began = time.perf_counter()
    for pk in ids:
        with connection.cursor() as cursor:  # autocommit: one statement, one commit
            cursor.execute("UPDATE deadlines_deadline SET attempts = attempts WHERE id = %s", [pk])
    seconds = time.perf_counter() - began
    return {"rows": len(ids), "per_second": round(len(ids) / seconds, 1)}


def dispatch_sweep(now: datetime) -> dict[str, Any]:
    from deadlines.services import sweep_due_deadlines
    from rut_portal.celery import app

    seconds, report = _timed(sweep_due_deadlines, now=now, batch_size=50, dispatch=True)
    purged = app.control.purge()  # the bench has no worker: drop the queued messages
    return {"claimed": report.claimed, "seconds": round(seconds, 3), "purged": purged}


def check(due: int, outcomes: dict[str, int] | None = None) -> dict[str, int]:
    """Every due row done once, every other row untouched."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from deadlines.models import Deadline

    rows = Deadline.objects.filter(key__startswith=KEY_PREFIX)
    counts = rows.aggregate(
        done=Count("pk", filter=Q(state="done")),
        done_once=Count("pk", filter=Q(state="done", attempts=1)),
        pending=Count("pk", filter=Q(state="pending")),
    )
    if counts["done"] != due or counts["done_once"] != due:
        left = list(
            rows.filter(state="pending", due_at__lte=timezone.now()).values(
                "pk", "attempts", "next_attempt_at", "last_error"
            )[:10]
        )
        sys.exit(f"WRONG: expected {due} done once, got {counts}; outcomes {outcomes}; {left}")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--total", type=int, default=TOTAL, help="pending deadlines (100,000)")
    parser.add_argument("--due", type=int, nargs="+", default=[100, 1_000, 10_000])
    parser.add_argument("--processes", type=int, default=4, help="for the parallel sweep")
    args = parser.parse_args()

    setup_django()
    # One INFO line per deadline on the console would be part of what we measure.
    logging.getLogger("deadlines").setLevel(logging.WARNING)
    _register_action()
    from django.conf import settings
    from django.utils import timezone

    sizes: list[dict[str, Any]] = []
    print(f"{args.total:,} pending deadlines; no-op action; batches of 50")
    now = timezone.now()
    fill(total=args.total, due=0, now=now)
    floor = commit_floor(now)
    print(f"floor: a bare one-row UPDATE committed on its own: {floor['per_second']:,.0f}/s")
    header = f"{'due':>7} {'idle ms':>8} {'claim s':>8} {'inline s':>9} {'inline/s':>9}"
    header += f" {'par s':>7} {'par/s':>8}" + (" dispatch s" if settings.REDIS_URL else "")
    print(header)
    plan = ""
    for due in args.due:
        now = timezone.now()
        fill(total=args.total, due=0, now=now)
        idle = idle_sweep_ms(now)
        fill(total=args.total, due=due, now=now)
        plan = claim_plan(now)  # the plan for the largest size is the one kept
        claimed = claim_only(now)
        fill(total=args.total, due=due, now=now)
        inline = inline_sweep(now)
        inline_check = check(due, inline["outcomes"])
        fill(total=args.total, due=due, now=now)
        parallel = parallel_sweep(now, args.processes)
        check(due)
        row: dict[str, Any] = {
            "due": due,
            "idle_sweep_ms": idle,
            "claim_only": claimed,
            "inline": inline,
            "parallel": parallel,
            "check": inline_check,
        }
        line = (
            f"{due:>7,} {idle:>8.2f} {claimed['seconds']:>8.3f} {inline['seconds']:>9.3f} "
            f"{inline['per_second']:>9,.0f} {parallel['seconds']:>7.3f} "
            f"{parallel['per_second']:>8,.0f}"
        )
        if settings.REDIS_URL:
            fill(total=args.total, due=due, now=now)
            row["dispatch"] = dispatch_sweep(now)
            line += f" {row['dispatch']['seconds']:>10.3f}"
        print(line)
        sizes.append(row)
    fill(total=0, due=0, now=timezone.now())  # leave the table as we found it
    print("claim query plan:\n  " + plan.replace("\n", "\n  "))
    path = write_json(
        "deadlines",
        {
            "total_pending": args.total,
            "batch_size": 50,
            "action": "no-op (bench_noop)",
            "claim_plan": plan,
            "bare_commit_floor": floor,
            "sizes": sizes,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
