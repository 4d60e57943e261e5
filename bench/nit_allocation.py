"""Concurrent inscriptions with NIT allocation, against the committed-INSERT floor of this disk.

K processes register personas jurídicas (each gets the next NIT of the range) through the real
service, registry.services.registration.register_registrant, for a fixed time. Before and after
that, K processes do bare single-row INSERTs into a scratch table, each committed on its own: the
most committed writes per second this server takes, whatever the write path. The ratio compares the
registrations with the mean of the two insert phases. Between them, K processes write the same rows
as a registration in hand-written SQL (three round trips, nothing else): the floor of this schema,
which shows how much of the gap is the service and how much the rows themselves. Afterwards the
database is checked for duplicate NITs and Formulario 001 numbers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rut_bench python bench/nit_allocation.py

See bench/README.md for the options and how to read the figures.
"""

from __future__ import annotations

import argparse
import cProfile
import multiprocessing
import os
import pstats
import queue
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import latency_summary_ms, setup_django, write_json  # noqa: E402

# Present at inscription, so the NIT is definitive; art. 10 wants it no older than one month.
BANK_CERTIFICATE_DATE = date.today()
TARGET_RATIO = 0.5
# Issue 18: a registration costs at most twice the CPU (client + server) of the same rows in SQL.
TARGET_CPU_OVER_SQL = 2.0


def _register(worker: int, n: int, run_id: str) -> str:
    from registry.services.registration import register_registrant
    from tests.factories import legal_data

    # Business names are unique per live legal entity; make them unique per run and worker.
    data = legal_data(business_name=f"BENCH {run_id} {worker}-{n} S.A.S.")
    registrant = register_registrant(data, by=None, bank_certificate_date=BANK_CERTIFICATE_DATE)
    return str(registrant.nit)


# The same rows as _register writes, as hand-written SQL: the floor any implementation of this
# schema pays. Round trip 1 draws the NIT and the two form numbers; round trip 2 is one statement
# that copies a template inscription (children, two form versions, two audit entries) under the
# new NIT and name; then COMMIT. No validation, no ORM, no savepoints.
_SQL_TEMPLATE: dict[str, Any] = {}


def _sql_statement() -> str:
    from registry.models import AuditEntry, FormVersion, Registrant

    def columns(model: Any, overrides: dict[str, str]) -> tuple[str, str]:
        names = [f.column for f in model._meta.concrete_fields if not f.primary_key]
        return ", ".join(names), ", ".join(overrides.get(c, f"t.{c}") for c in names)

    registrant = columns(
        Registrant,
        {
            "nit": "%(nit)s",
            "check_digit": "%(dv)s",
            "business_name": "%(name)s",
            "business_name_key": "%(key)s",
            "search_name": "%(key)s",
            "created_at": "now()",
            "formalized_at": "now()",
            "state_changed_at": "now()",
        },
    )
    version = columns(
        FormVersion,
        {
            "registrant_id": "r.id",
            "form_number": "(ARRAY[%(form_1)s, %(form_2)s])[t.version]",
            "snapshot": "%(snapshot)s::jsonb",
            "created_at": "now()",
        },
    )
    audit = columns(AuditEntry, {"registrant_id": "r.id", "form_version_id": "v.id", "at": "now()"})
    return f"""
    WITH r AS (
        INSERT INTO registry_registrant ({registrant[0]})
        SELECT {registrant[1]} FROM registry_registrant t WHERE t.id = %(template)s RETURNING id
    ), a AS (
        INSERT INTO registry_registrantactivity (registrant_id, activity_id, role, started_on)
        SELECT r.id, t.activity_id, t.role, t.started_on
        FROM r, registry_registrantactivity t WHERE t.registrant_id = %(template)s
    ), rs AS (
        INSERT INTO registry_registrant_responsibilities (registrant_id, responsibility_id)
        SELECT r.id, t.responsibility_id
        FROM r, registry_registrant_responsibilities t WHERE t.registrant_id = %(template)s
    ), rp AS (
        INSERT INTO registry_representative
            (registrant_id, role, document_type_id, document_number, name, professional_card, since)
        SELECT r.id, t.role, t.document_type_id, t.document_number, t.name, t.professional_card,
            t.since
        FROM r, registry_representative t WHERE t.registrant_id = %(template)s
    ), sa AS (
        INSERT INTO registry_seccionalassignment (registrant_id, seccional_id, started_at)
        SELECT r.id, t.seccional_id, now()
        FROM r, registry_seccionalassignment t WHERE t.registrant_id = %(template)s
    ), v AS (
        INSERT INTO registry_formversion ({version[0]})
        SELECT {version[1]} FROM r, registry_formversion t WHERE t.registrant_id = %(template)s
        RETURNING id, version
    )
    INSERT INTO registry_auditentry ({audit[0]})
    SELECT {audit[1]}
    FROM r, registry_auditentry t
    JOIN registry_formversion tv ON tv.id = t.form_version_id
    JOIN v ON v.version = tv.version
    WHERE t.registrant_id = %(template)s
    RETURNING registrant_id
    """


def _register_sql(worker: int, n: int, run_id: str) -> str:
    import json

    from django.db import connection, transaction

    from registry.nit import FORM_NUMBER_SEQUENCE, NIT_SEQUENCE, check_digit
    from registry.services.common import normalize_name

    if not _SQL_TEMPLATE:
        from registry.models import Registrant

        row = Registrant.objects.get(nit=_register(-3, worker * 1_000_000 + n, run_id))
        _SQL_TEMPLATE.update(
            statement=_sql_statement(),
            template=row.pk,
            snapshot=json.dumps(row.form_versions.latest("version").snapshot),
        )
    name = f"BENCH SQL {run_id} {worker}-{n} S.A.S."
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(%s), nextval(%s), nextval(%s)",
            [NIT_SEQUENCE, FORM_NUMBER_SEQUENCE, FORM_NUMBER_SEQUENCE],
        )
        nit, first, second = (str(v) for v in cursor.fetchone())
        forms = [f"14{int(v):09d}" for v in (first, second)]
        cursor.execute(
            _SQL_TEMPLATE["statement"],
            {
                "template": _SQL_TEMPLATE["template"],
                "nit": nit,
                "dv": check_digit(nit),
                "name": name,
                "key": normalize_name(name),
                "form_1": forms[0] + str(check_digit(forms[0])),
                "form_2": forms[1] + str(check_digit(forms[1])),
                "snapshot": _SQL_TEMPLATE["snapshot"],
            },
        )
        if len(cursor.fetchall()) != 2:
            raise RuntimeError("the template inscription does not have two audit entries")
    return nit


def _insert(worker: int, n: int, run_id: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:  # autocommit: one INSERT, one commit
        cursor.execute(
            "INSERT INTO bench_scratch (worker, payload) VALUES (%s, %s)", [worker, run_id]
        )
    return ""


def _backend_cpu_seconds(pid: int) -> float | None:
    """CPU time of the PostgreSQL backend serving us, when the server runs on this machine."""
    proc = Path(f"/proc/{pid}")
    try:
        if not proc.joinpath("comm").read_text().startswith("postgres"):
            return None  # another program has this pid: the server is elsewhere
        fields = proc.joinpath("stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def _worker(
    operation: Callable[[int, int, str], str],
    worker: int,
    seconds: float,
    run_id: str,
    barrier: Any,
    results: Any,
) -> None:
    from django.db import connection

    from rut_portal.errors import DomainError

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    barrier.wait()
    server_cpu = _backend_cpu_seconds(backend)
    client_cpu = time.process_time()
    start = time.perf_counter()  # CLOCK_MONOTONIC: comparable across processes on Linux
    deadline = start + seconds
    latencies: list[float] = []
    keys: list[str] = []
    errors: Counter[str] = Counter()
    n = 0
    while time.perf_counter() < deadline:
        n += 1
        began = time.perf_counter()
        try:
            keys.append(operation(worker, n, run_id))
        except DomainError as error:  # a refusal is a result to report, not a crash
            errors[f"{type(error).__name__}: {error.message}"] += 1
            continue
        latencies.append(time.perf_counter() - began)
    end = time.perf_counter()
    client_cpu = time.process_time() - client_cpu
    server_end = _backend_cpu_seconds(backend)
    results.put(
        {
            "start": start,
            "end": end,
            "client_cpu": client_cpu,
            "server_cpu": None
            if server_cpu is None or server_end is None
            else server_end - server_cpu,
            "latencies": latencies,
            "keys": keys,
            "errors": dict(errors),
        }
    )
    connection.close()


def run_phase(
    operation: Callable[[int, int, str], str], *, workers: int, seconds: float, run_id: str
) -> dict[str, Any]:
    """Run `operation` in `workers` forked processes for `seconds`; return what they did."""
    from django.db import connections

    connections.close_all()  # children must open their own connections, not share ours
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(workers)
    results = context.Queue()
    processes = [
        context.Process(target=_worker, args=(operation, i, seconds, run_id, barrier, results))
        for i in range(workers)
    ]
    for process in processes:
        process.start()
    try:
        outcomes = [results.get(timeout=seconds + 120) for _ in processes]
    except queue.Empty:
        sys.exit("A worker died before reporting; its traceback is above.")
    for process in processes:
        process.join()
    elapsed = max(o["end"] for o in outcomes) - min(o["start"] for o in outcomes)
    latencies = [t for o in outcomes for t in o["latencies"]]
    errors: Counter[str] = Counter()
    for outcome in outcomes:
        errors.update(outcome["errors"])
    count = len(latencies)
    server_cpu = [o["server_cpu"] for o in outcomes]
    cpu_ms = {"client": round(sum(o["client_cpu"] for o in outcomes) / count * 1000, 3)}
    if None not in server_cpu:
        cpu_ms["server"] = round(sum(server_cpu) / count * 1000, 3)
    return {
        "count": count,
        "elapsed_s": round(elapsed, 3),
        "per_second": round(count / elapsed, 1),
        # CPU per operation is what two busy neighbours change least: with C cores the rate can
        # not exceed C / (client + server CPU), whatever the wall clock says.
        "cpu_ms_per_operation": cpu_ms,
        "latency": latency_summary_ms(latencies) if latencies else {},
        "errors": dict(errors),
        "keys": [k for o in outcomes for k in o["keys"]],
    }


def prepare_scratch_table() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # A normal (logged) table: every committed INSERT waits for its WAL flush like ours do.
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_scratch "
            "(id bigserial PRIMARY KEY, worker integer NOT NULL, payload text NOT NULL)"
        )
        cursor.execute("TRUNCATE bench_scratch")


def queries_per_registration(run_id: str) -> dict[str, Any]:
    """Register one more inscrito with query capture on; count its statements by kind.

    One registration runs first so that the count is the steady state the workers see, without
    the process's first read of the reference tables (registry.reference_cache).
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _register(-1, 0, run_id)
    with CaptureQueriesContext(connection) as captured:
        _register(-1, 1, run_id)
    kinds = Counter(q["sql"].split(None, 1)[0].upper() for q in captured.captured_queries)
    return {"total": len(captured.captured_queries), "by_kind": dict(kinds.most_common())}


def check_duplicates(nits: list[str]) -> dict[str, int]:
    """Duplicates among the NITs the workers got, and in the whole registry and form table."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT nit FROM registry_registrant WHERE nit IS NOT NULL "
            "GROUP BY nit HAVING count(*) > 1) d"
        )
        nit_in_db = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM (SELECT form_number FROM registry_formversion "
            "GROUP BY form_number HAVING count(*) > 1) d"
        )
        form_number_in_db = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM registry_registrant WHERE nit = ANY(%s)", [nits])
        stored = cursor.fetchone()[0]
    return {
        "nits_handed_out_twice": len(nits) - len(set(nits)),
        "nits_missing_from_db": len(set(nits)) - stored,
        "nit_duplicates_in_db": nit_in_db,
        "form_number_duplicates_in_db": form_number_in_db,
    }


def cpu_bound_ratio(*phases: dict[str, Any]) -> float | None:
    """Bare INSERT CPU / registration CPU: the ratio on an otherwise idle, CPU-bound server."""
    *bare, registrations = [p["cpu_ms_per_operation"] for p in phases]
    if any("server" not in cpu for cpu in (*bare, registrations)):
        return None
    bare_cpu = sum(cpu["client"] + cpu["server"] for cpu in bare) / len(bare)
    return round(bare_cpu / (registrations["client"] + registrations["server"]), 4)


def cpu_over_sql(registrations: dict[str, Any], by_hand: dict[str, Any]) -> float | None:
    """Registration CPU / hand-written SQL CPU per operation, client and server together."""
    cpu, floor = registrations["cpu_ms_per_operation"], by_hand["cpu_ms_per_operation"]
    if "server" not in cpu or "server" not in floor:
        return None
    return round((cpu["client"] + cpu["server"]) / (floor["client"] + floor["server"]), 2)


def profile(count: int, run_id: str) -> None:
    """Register `count` inscritos in this process under cProfile and print where time goes."""
    _register(-2, 0, run_id)  # warm caches and the connection first
    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.enable()
    for n in range(1, count + 1):
        _register(-2, n, run_id)
    profiler.disable()
    elapsed = time.perf_counter() - began
    print(f"{count} registrations in one process: {elapsed / count * 1000:.2f} ms each")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--workers", type=int, default=16, help="concurrent processes in every phase (default 16)"
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=20.0,
        help="duration of each of the three phases (default 20)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        help="instead of the benchmark, profile N registrations in one process",
    )
    args = parser.parse_args()

    setup_django()
    run_id = uuid.uuid4().hex[:8].upper()
    if args.profile:
        profile(args.profile, run_id)
        return
    prepare_scratch_table()
    queries = queries_per_registration(run_id)
    print(f"{args.workers} workers, {args.seconds:g} s per phase, run {run_id}")
    print(f"queries per registration: {queries['total']} {queries['by_kind']}")

    phase = {"workers": args.workers, "seconds": args.seconds, "run_id": run_id}
    bare_before = run_phase(_insert, **phase)
    print(f"bare INSERTs (before):  {bare_before['per_second']:>9.1f}/s")
    registrations = run_phase(_register, **phase)
    print(
        f"registrations:          {registrations['per_second']:>9.1f}/s "
        f"(p50 {registrations['latency']['p50_ms']} ms, "
        f"p95 {registrations['latency']['p95_ms']} ms, errors {registrations['errors']})"
    )
    by_hand = run_phase(_register_sql, **phase)
    print(
        f"same rows in hand-written SQL: {by_hand['per_second']:>9.1f}/s "
        f"(p50 {by_hand['latency']['p50_ms']} ms, 3 round trips, no validation)"
    )
    bare_after = run_phase(_insert, **phase)
    print(f"bare INSERTs (after):   {bare_after['per_second']:>9.1f}/s")

    bare_rate = (bare_before["per_second"] + bare_after["per_second"]) / 2
    ratio = registrations["per_second"] / bare_rate
    duplicates = check_duplicates(registrations.pop("keys") + by_hand.pop("keys"))
    for side in (bare_before, bare_after):
        side.pop("keys")
    print(f"ratio registrations / bare INSERTs: {ratio:.3f} (target ≥ {TARGET_RATIO})")
    by_hand_ratio = by_hand["per_second"] / bare_rate
    print(
        f"ratio hand-written SQL / bare INSERTs: {by_hand_ratio:.3f} (the schema's floor; "
        f"CPU ms/op {by_hand['cpu_ms_per_operation']})"
    )
    ceiling = cpu_bound_ratio(bare_before, bare_after, registrations)
    if ceiling is not None:
        print(
            f"ratio if both were CPU-bound on the same cores: {ceiling:.4f} (CPU ms/op: bare "
            f"{bare_after['cpu_ms_per_operation']}, registration "
            f"{registrations['cpu_ms_per_operation']})"
        )
    over_sql = cpu_over_sql(registrations, by_hand)
    if over_sql is not None:
        print(
            f"registration CPU / hand-written SQL CPU: {over_sql} (target ≤ {TARGET_CPU_OVER_SQL})"
        )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"duplicates: {duplicates}")

    path = write_json(
        "nit_allocation",
        {
            "workers": args.workers,
            "seconds_per_phase": args.seconds,
            "registrations": registrations,
            "bare_inserts_before": bare_before,
            "bare_inserts_after": bare_after,
            "hand_written_sql": by_hand,
            "hand_written_sql_ratio": round(by_hand_ratio, 4),
            "bare_inserts_per_second": round(bare_rate, 1),
            "ratio": round(ratio, 4),
            "cpu_bound_ratio": ceiling,
            "cpu_over_sql": over_sql,
            "target_cpu_over_sql": TARGET_CPU_OVER_SQL,
            "target_ratio": TARGET_RATIO,
            "meets_target": ratio >= TARGET_RATIO,
            "duplicates": duplicates,
            "queries_per_registration": queries,
        },
    )
    print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    if any(duplicates.values()):
        sys.exit("DUPLICATES FOUND")


if __name__ == "__main__":
    main()
