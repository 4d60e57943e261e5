"""A mass suspension at scale (issue 18 item 4): N inscritos suspended by one approved batch.

Loads N inscritos with COPY (bench/registry_lookup.py's loader), gives each its Formulario 001
version 1 (one INSERT … SELECT from a snapshot template built by registry.snapshots) and blanks
the email of the active ones: the batch is "every inscrito without email", proposed by a central
official and approved by another. Then, in the same run:

1. **floor**: the same writes as the service, chunk by chunk, in hand-written SQL (one statement
   per chunk: UPDATE … RETURNING, then INSERT … SELECT of versions, audit entries and notices),
   each chunk's transaction rolled back so the rows stay for step 2 (then VACUUM).
2. **service**: `mass_changes.services.run_mass_change` in a worker process, SIGKILLed once a
   third of the chunks is done, then resumed by a second worker until the batch is done.
   Its rate counts both workers' wall time (the restart between them excluded).
   Both steps also report the CPU of their PostgreSQL backends per row (from /proc), which
   holds up better than wall time on a machine shared with other work.
3. **checks**: every item's inscrito suspended with exactly one suspension version and one audit
   entry and one notice (0 lost, 0 done twice), the batch's counters agreeing.

    createdb -h 127.0.0.1 -U postgres rut_bulk_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/rut_bulk_bench
    python manage.py migrate && python manage.py load_reference_data
    python bench/mass_change.py --rows 100000
    python bench/mass_change.py --rows 1000000      # the issue's target: <= 15 minutes

Loading empties registry_registrant and everything that points to it (TRUNCATE … CASCADE past
the append-only tables' TRUNCATE guards), so it only runs on a database whose name has "bench".
Tasks the run queues (the notices) are purged from the broker at the end: no worker sends
a million emails from a bench.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import setup_django, write_json  # noqa: E402
from bench.http_load import backend_pids, ticks  # noqa: E402

TARGET_SECONDS_PER_MILLION = 15 * 60
TICKS_PER_S = os.sysconf("SC_CLK_TCK")
PURGE_2024 = 3_958_666  # inscritos DIAN suspended in one purge in 2024
TRUNCATE_GUARDS = (
    "registry.FormVersion:form_version_no_truncate",
    "registry.AuditEntry:audit_no_truncate",
    "registry.DataAccessLog:data_access_log_no_truncate",
)


def _one(sql: str, params: list[Any] | None = None) -> Any:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


def load(rows: int, seed: int) -> dict[str, Any]:
    """registry_lookup's inscritos, COPYed after a TRUNCATE past the append-only guards (its own
    loader's TRUNCATE meets them once versions exist, and VACUUM cannot run under the ignore)."""
    import io

    import pgtrigger
    from django.db import connection, transaction

    from bench.registry_lookup import COPY_CHUNK, _copy_text, _rows
    from registry.models import Municipality, Registrant
    from registry.nit import NIT_SEQUENCE

    fields = [f for f in Registrant._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    places = list(
        Municipality.objects.filter(seccional__isnull=False).values_list(
            "code", "department_id", "seccional_id"
        )
    )
    began = time.perf_counter()
    with pgtrigger.ignore(*TRUNCATE_GUARDS), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE registry_registrant CASCADE")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [NIT_SEQUENCE])
        first_nit = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [NIT_SEQUENCE, first_nit + rows])
        buffer = io.StringIO()
        for i, row in enumerate(_rows(rows, first_nit, places, random.Random(seed)), start=1):
            values = {**defaults, **row}
            buffer.write("\t".join(_copy_text(values[f.attname]) for f in fields) + "\n")
            if i % COPY_CHUNK == 0 or i == rows:
                buffer.seek(0)
                cursor.copy_expert(f"COPY registry_registrant ({columns}) FROM STDIN", buffer)
                buffer = io.StringIO()
    return {"rows": rows, "copy_s": round(time.perf_counter() - began, 1)}


def prepare(rows: int, seed: int) -> dict[str, Any]:
    """COPY the inscritos, give each a version 1, blank the active ones' email."""
    from django.db import connection, transaction

    from registry.models import Registrant
    from registry.snapshots import build_snapshot

    loaded = load(rows, seed)
    began = time.perf_counter()
    template = build_snapshot(Registrant.objects.first(), children=None)  # type: ignore[arg-type]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO registry_formversion
                (registrant_id, form_number, version, concept, state, snapshot, created_at)
            SELECT r.id, '14' || lpad(nextval('registry_form_number_seq')::text, 9, '0') || '0',
                   1, '01', r.state,
                   jsonb_set(jsonb_set(%s::jsonb, '{identification,5}', to_jsonb(r.nit)),
                             '{state}', to_jsonb(r.state)),
                   r.created_at
            FROM registry_registrant r
            """,
            [json.dumps(template)],
        )
        cursor.execute("UPDATE registry_registrant SET email = '' WHERE state = 'active'")
    for table in ("registry_registrant", "registry_formversion"):
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {table}")
    loaded["versions_s"] = round(time.perf_counter() - began, 1)
    return loaded


def cast() -> tuple[Any, Any]:
    from django.contrib.auth.models import User

    from accounts.models import Role
    from accounts.services import create_official

    def official(username: str, role: str) -> Any:
        existing = User.objects.filter(username=username).first()
        return existing or create_official(
            username=username, password="x", role=role, seccional=None
        )

    return official("bench.propone", Role.CENTRAL), official("bench.aprueba", Role.CENTRAL)


_FLOOR_SQL = """
WITH chosen AS (
    SELECT r.id, r.state FROM registry_registrant r
    JOIN mass_changes_masschangeitem i ON i.registrant_id = r.id
    WHERE i.batch_id = %(batch)s AND i.position >= %(low)s AND i.position < %(high)s
      AND r.state = 'active'
    ORDER BY r.id FOR UPDATE OF r
),
changed AS (
    UPDATE registry_registrant r SET state = 'suspended', state_changed_at = now()
    FROM chosen WHERE r.id = chosen.id RETURNING r.id, chosen.state AS from_state, r.email
),
numbered AS MATERIALIZED (
    SELECT id, from_state, email,
           nextval(pg_get_serial_sequence('registry_formversion', 'id')) AS version_id,
           '14' || lpad(nextval('registry_form_number_seq')::text, 9, '0') || '0' AS form_number
    FROM changed
),
versions AS (
    INSERT INTO registry_formversion
        (id, registrant_id, form_number, version, concept, state, snapshot, created_at)
    SELECT n.version_id, n.id, n.form_number, last.version + 1, '03', 'suspended',
           last.snapshot || '{"state": "suspended", "state_label": "Suspendido"}'::jsonb, now()
    FROM numbered n CROSS JOIN LATERAL (
        SELECT version, snapshot FROM registry_formversion v
        WHERE v.registrant_id = n.id ORDER BY version DESC LIMIT 1
    ) last
    RETURNING 1
),
audit AS (
    INSERT INTO registry_auditentry
        (registrant_id, action, from_state, to_state, at, reason, legal_basis, act_reference,
         case_number, form_version_id, changes, self_service)
    SELECT n.id, 'suspend', n.from_state, 'suspended', now(), 'floor', 'floor', 'floor', '',
           n.version_id, '{}'::jsonb, false
    FROM numbered n
    RETURNING 1
),
notices AS (
    INSERT INTO mass_changes_masschangenotice
        (batch_id, chunk, registrant_id, form_version_id, recipient_email, created_at)
    SELECT %(batch)s, %(chunk)s, n.id, n.version_id, n.email, now() FROM numbered n
    RETURNING 1
)
SELECT (SELECT count(*) FROM versions), (SELECT count(*) FROM audit),
       (SELECT count(*) FROM notices)
"""


class _Rollback(Exception):
    pass


def floor(batch: Any) -> dict[str, Any]:
    """The service's writes in hand SQL, chunk by chunk, each chunk rolled back."""
    from django.db import connection, transaction

    own = [_one("SELECT pg_backend_pid()")]
    cpu_before = sum(ticks(own).values())
    began = time.perf_counter()
    written = 0
    for chunk in range(batch.chunks):
        low = chunk * batch.chunk_size
        params = {"batch": batch.pk, "chunk": chunk, "low": low, "high": low + batch.chunk_size}
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(_FLOOR_SQL, params)
                written += cursor.fetchone()[0]
                connection.check_constraints()
                raise _Rollback
        except _Rollback:
            pass
    seconds = time.perf_counter() - began
    db_cpu_s = (sum(ticks(own).values()) - cpu_before) / TICKS_PER_S
    for table in (
        "registry_registrant",
        "registry_formversion",
        "registry_auditentry",
        "mass_changes_masschangenotice",
    ):
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {table}")
    return {
        "rows": written,
        "seconds": round(seconds, 2),
        "rows_per_s": round(written / seconds),
        "db_cpu_s": round(db_cpu_s, 2),
        "db_cpu_ms_per_row": round(db_cpu_s * 1000 / written, 3),
    }


def _worker(batch_id: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, __file__, "--worker", str(batch_id)], env={**os.environ}
    )


def _follow(
    worker: subprocess.Popen[bytes], batch_id: int, backend_ticks: dict[int, int], kill_at: int
) -> None:
    """Wait for the worker (SIGKILL it once `kill_at` chunks are done, if given), then for its
    PostgreSQL backend to go, sampling the CPU of the database's other backends meanwhile."""
    from mass_changes.models import MassChange

    while True:
        backend_ticks.update(ticks(backend_pids()))
        if worker.poll() is not None:
            if not backend_pids():
                return
        elif kill_at and MassChange.objects.get(pk=batch_id).chunks_done >= kill_at:
            os.kill(worker.pid, signal.SIGKILL)
        time.sleep(0.05)


def run_with_kill(batch: Any) -> dict[str, Any]:
    """A worker runs the batch; SIGKILL once a third is done; a second worker resumes it.

    CPU, which holds up better than wall time on a shared machine: the workers' own (both are
    this process's children) and their PostgreSQL backends' (read from /proc while they run).
    """
    from mass_changes.models import MassChange

    kill_at = max(1, batch.chunks // 3)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    backend_ticks: dict[int, int] = {}
    began = time.perf_counter()
    first = _worker(batch.pk)
    _follow(first, batch.pk, backend_ticks, kill_at)
    first_s = time.perf_counter() - began
    at_kill = MassChange.objects.get(pk=batch.pk)
    resumed = time.perf_counter()
    second = _worker(batch.pk)
    _follow(second, batch.pk, backend_ticks, 0)
    second_s = time.perf_counter() - resumed
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = MassChange.objects.get(pk=batch.pk)
    seconds = first_s + second_s
    db_cpu_s = sum(backend_ticks.values()) / TICKS_PER_S
    client_cpu_s = (children.ru_utime + children.ru_stime) - (
        children_before.ru_utime + children_before.ru_stime
    )
    return {
        "killed_after_chunks": at_kill.chunks_done,
        "killed_with_returncode": first.returncode,
        "resumed_returncode": second.returncode,
        "first_worker_s": round(first_s, 2),
        "second_worker_s": round(second_s, 2),
        "seconds": round(seconds, 2),
        "rows_per_s": round(done.changed / seconds),
        "db_cpu_s": round(db_cpu_s, 2),
        "db_cpu_ms_per_row": round(db_cpu_s * 1000 / done.changed, 3),
        "client_cpu_s": round(client_cpu_s, 2),
        "state": done.state,
        "changed": done.changed,
        "skipped": done.skipped,
    }


def check(batch: Any) -> dict[str, int]:
    """0 lost, 0 done twice: each item once suspended, with one version, audit and notice."""
    counts = {
        "items": _one(
            "SELECT count(*) FROM mass_changes_masschangeitem WHERE batch_id = %s", [batch.pk]
        ),
        "not_suspended": _one(
            """SELECT count(*) FROM mass_changes_masschangeitem i
               JOIN registry_registrant r ON r.id = i.registrant_id
               WHERE i.batch_id = %s AND r.state <> 'suspended'""",
            [batch.pk],
        ),
        "versions": _one(
            """SELECT count(*) FROM registry_formversion v JOIN mass_changes_masschangeitem i
               ON i.registrant_id = v.registrant_id AND i.batch_id = %s WHERE v.concept = '03'""",
            [batch.pk],
        ),
        "audit_entries": _one(
            """SELECT count(*) FROM registry_auditentry a JOIN mass_changes_masschangeitem i
               ON i.registrant_id = a.registrant_id AND i.batch_id = %s
               WHERE a.action = 'suspend'""",
            [batch.pk],
        ),
        "notices": _one(
            "SELECT count(*) FROM mass_changes_masschangenotice WHERE batch_id = %s", [batch.pk]
        ),
        "inscritos_with_two_versions": _one(
            """SELECT count(*) FROM (SELECT v.registrant_id FROM registry_formversion v
               WHERE v.concept = '03' GROUP BY v.registrant_id HAVING count(*) > 1) twice"""
        ),
        "audit_without_its_version": _one(
            """SELECT count(*) FROM registry_auditentry a JOIN registry_formversion v
               ON v.id = a.form_version_id WHERE a.action = 'suspend'
               AND (v.registrant_id <> a.registrant_id OR v.concept <> '03')"""
        ),
    }
    counts["lost"] = counts["not_suspended"] + (counts["items"] - counts["versions"])
    counts["twice"] = counts["inscritos_with_two_versions"] + max(
        0, counts["audit_entries"] - counts["items"]
    )
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="inscritos to load")
    parser.add_argument("--chunk", type=int, default=5000, help="inscritos per chunk")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup_django()
    from mass_changes.services import run_mass_change

    if args.worker:
        run_mass_change(args.worker)
        return
    from django.db import connection

    if "bench" not in connection.settings_dict["NAME"]:
        sys.exit("Refusing to empty registry_registrant: use a *bench* database.")
    from mass_changes.models import MassChange
    from mass_changes.services import approve_mass_change, propose_mass_change
    from rut_portal.celery import app

    loaded = prepare(args.rows, args.seed)
    proposer, director = cast()
    began = time.perf_counter()
    batch = propose_mass_change(
        kind=MassChange.Kind.SUSPENSION,
        criterion=MassChange.Criterion.WITHOUT_EMAIL,
        reason="Depuración: inscritos sin correo electrónico (benchmark).",
        act_reference="Resolución 000001 de 2026 (benchmark)",
        by=proposer,
        chunk_size=args.chunk,
    )
    propose_s = time.perf_counter() - began
    print(f"proposed batch {batch.pk}: {batch.total:,} inscritos in {propose_s:.1f} s")
    floor_figures = floor(batch)
    print(
        f"floor (hand SQL, rolled back): {floor_figures['rows_per_s']:,} rows/s, "
        f"{floor_figures['db_cpu_ms_per_row']} ms PostgreSQL CPU per row"
    )
    approve_mass_change(batch, by=director)
    run = run_with_kill(batch)
    print(
        f"service: {run['rows_per_s']:,} rows/s ({run['seconds']} s; killed after "
        f"{run['killed_after_chunks']} chunks, resumed to {run['state']}), "
        f"{run['db_cpu_ms_per_row']} ms PostgreSQL CPU per row + {run['client_cpu_s']} s "
        "in the workers"
    )
    checks = check(batch)
    app.control.purge()
    per_million = 1_000_000 / run["rows_per_s"]
    report = {
        "rows": args.rows,
        "chunk": args.chunk,
        "load": loaded,
        "propose_s": round(propose_s, 2),
        "floor": floor_figures,
        "service": run,
        "service_to_floor": round(run["rows_per_s"] / floor_figures["rows_per_s"], 3),
        "service_db_cpu_to_floor": round(
            run["db_cpu_ms_per_row"] / floor_figures["db_cpu_ms_per_row"], 3
        ),
        "load_average": os.getloadavg(),
        "seconds_per_million": round(per_million),
        "target_seconds_per_million": TARGET_SECONDS_PER_MILLION,
        "purge_2024_minutes": round(PURGE_2024 / run["rows_per_s"] / 60, 1),
        "checks": checks,
    }
    path = write_json("mass_change", report)
    print(
        f"service ÷ floor: {report['service_to_floor']} in rows/s, "
        f"{report['service_db_cpu_to_floor']} in PostgreSQL CPU per row; "
        f"load average {' '.join(f'{x:.1f}' for x in report['load_average'])}"
    )
    print(
        f"1,000,000 suspensions: {per_million / 60:.1f} min (target ≤ 15); "
        f"the 2024 purge ({PURGE_2024:,}): {report['purge_2024_minutes']} min"
    )
    print(f"checks: {checks}")
    print(f"written {path}")
    if checks["lost"] or checks["twice"] or run["state"] != MassChange.State.DONE:
        sys.exit(1)


if __name__ == "__main__":
    main()
