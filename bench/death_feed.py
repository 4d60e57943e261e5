"""The civil registry's death feed at scale: 100,000 deceased persons against 1,000,000 inscritos.

Loads the registry with COPY (bench/registry_lookup.py's loader: 60% personas naturales, 90%
active, 5% suspended, 5% cancelled) and gives the personas naturales responsibilities (30% only
"49 no responsable de IVA", which allows the cancelación de oficio; 20% "05 renta", which sends
them to an official; the rest none). Then it writes a CSV feed (95% inscritos with no deceased
case yet, 5% unknown documents, a few malformed rows), receives it through
agreements.death_feed.submit_death_feed, processes it in this process with
agreements.death_feed.process_death_feed (what the Celery task runs) and reports the time and
rows per second. It then checks that every case has its two timeline steps, its document and its
pending decision deadline, that every row has its report line, and that sending the same file
again does nothing.

    createdb -h 127.0.0.1 -U postgres rut_api_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/rut_api_bench
    python manage.py migrate && python manage.py load_reference_data
    python bench/death_feed.py                    # load 1,000,000 inscritos, then run the feed
    python bench/death_feed.py --reuse            # keep the inscritos already loaded

Loading empties registry_registrant (and all that points to it), so, like registry_lookup.py,
it only runs on a database whose name contains "bench". With --reuse every run picks persons
that have no deceased case yet, so runs can be repeated until they run out.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import setup_django, write_json  # noqa: E402

TARGET_ROWS_PER_SECOND = 2_000
ENTITY_NAME = "Registraduría Nacional del Estado Civil (benchmark)"
UNKNOWN_FIRST = 9_500_000_000  # ten-digit numbers no bench inscrito has


def _count(sql: str, params: list[Any] | None = None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return int(cursor.fetchone()[0])


def prepare_registry(registrants: int, *, reuse: bool, seed: int) -> dict[str, Any]:
    """COPY the inscritos (unless reusing enough of them) and give them responsibilities."""
    from django.db import connection, transaction

    from bench.registry_lookup import load

    existing = _count("SELECT count(*) FROM registry_registrant")
    if reuse and existing >= registrants:
        print(f"reusing {existing:,} inscritos")
        return {"reused": True, "rows": existing}
    print(f"loading {registrants:,} inscritos with COPY")
    loaded = load(registrants, seed=seed)
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # Deterministic by id: 30% only "49" (allowed), 20% "05" (needs an official).
        cursor.execute(
            """
            INSERT INTO registry_registrant_responsibilities (registrant_id, responsibility_id)
            SELECT id, CASE WHEN id % 10 < 3 THEN '49' ELSE '05' END
            FROM registry_registrant WHERE person_type = '2' AND id % 10 < 5
            """
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE registry_registrant_responsibilities")
    loaded["responsibilities_s"] = round(time.perf_counter() - began, 1)
    return {"reused": False, **loaded}


def write_feed(rows: int, *, seed: int, run_id: str) -> tuple[Path, dict[str, int]]:
    """A CSV of deceased persons: inscritos without a deceased case, unknown ones, bad rows."""
    known_count = rows * 95 // 100
    invalid_count = max(rows // 1000, 1)
    unknown_count = rows - known_count - invalid_count
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed / 2**31 % 1])
        cursor.execute(
            """
            SELECT document_number FROM registry_registrant r
            WHERE person_type = '2' AND document_number <> ''
              AND NOT EXISTS (
                SELECT 1 FROM procedures_case c
                WHERE c.registrant_id = r.id AND c.cause = 'deceased'
              )
            ORDER BY random() LIMIT %s
            """,
            [known_count],
        )
        known = [row[0] for row in cursor.fetchall()]
    if len(known) < known_count:
        sys.exit(f"Only {len(known):,} inscritos left without a deceased case: load again.")
    rng = random.Random(seed)
    death = date.today() - timedelta(days=30)
    lines = [("13", number) for number in known]
    lines += [("13", str(UNKNOWN_FIRST + n)) for n in range(unknown_count)]
    lines += [("99", "X") for _ in range(invalid_count)]
    rng.shuffle(lines)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept until the end of the run
        "w", suffix=".csv", prefix="defunciones-", delete=False, encoding="utf-8"
    )
    with handle:
        handle.write("document_type,document_number,death_date,death_certificate_number\n")
        for n, (doc_type, number) in enumerate(lines):
            day = death - timedelta(days=n % 365)
            handle.write(f"{doc_type},{number},{day.isoformat()},{run_id}{n:07d}\n")
    return Path(handle.name), {
        "rows": rows,
        "known": known_count,
        "unknown": unknown_count,
        "invalid": invalid_count,
    }


def civil_registry() -> Any:
    from agreements.models import AgreementEntity, EntityKind, Scope
    from agreements.services import create_agreement_entity

    entity = AgreementEntity.objects.filter(name=ENTITY_NAME).select_related("user").first()
    return entity or create_agreement_entity(
        name=ENTITY_NAME, kind=EntityKind.CIVIL_REGISTRY, scopes=[Scope.DEATH_FEED]
    )


def submit(entity: Any, path: Path) -> tuple[Any, bool, float]:
    """Receive the file as the API does; the task is not queued (this process runs it)."""
    from django.core.files.uploadedfile import UploadedFile
    from django.db import transaction

    from agreements.death_feed import submit_death_feed
    from agreements.tasks import process_death_feed_task

    queued: list[int] = []
    process_death_feed_task.delay_on_commit = queued.append
    began = time.perf_counter()
    with open(path, "rb") as handle, transaction.atomic():
        upload, created = submit_death_feed(
            entity,
            file=UploadedFile(handle, name=path.name, size=path.stat().st_size),
            file_format="csv",
        )
    return upload, created, time.perf_counter() - began


def verify(upload_id: int) -> dict[str, Any]:
    """Every row has its report line; every case its two steps, its document and its deadline."""
    from agreements.models import DeathFeedUpload

    upload = DeathFeedUpload.objects.get(pk=upload_id)
    entries = _count(
        "SELECT count(*) FROM agreements_deathfeedentry WHERE upload_id = %s", [upload_id]
    )
    cases = _count(
        "SELECT count(*) FROM agreements_deathfeedentry e "
        "JOIN procedures_case c ON c.id = e.case_id "
        "WHERE e.upload_id = %s AND c.cause = 'deceased' AND c.state = 'received'",
        [upload_id],
    )
    steps = _count(
        "SELECT count(*) FROM agreements_deathfeedentry e "
        "JOIN procedures_casestep s ON s.case_id = e.case_id WHERE e.upload_id = %s",
        [upload_id],
    )
    documents = _count(
        "SELECT count(*) FROM agreements_deathfeedentry e "
        "JOIN procedures_casedocument d ON d.case_id = e.case_id WHERE e.upload_id = %s",
        [upload_id],
    )
    deadlines = _count(
        "SELECT count(*) FROM agreements_deathfeedentry e "
        "JOIN deadlines_deadline d ON d.case_id = e.case_id "
        "WHERE e.upload_id = %s AND d.rule = 'ex_officio_cancellation' AND d.state = 'pending'",
        [upload_id],
    )
    blocked_cases = _count(
        """
        SELECT count(*) FROM agreements_deathfeedentry e
        JOIN registry_registrant_responsibilities rr ON rr.registrant_id = e.registrant_id
        WHERE e.upload_id = %s AND e.case_id IS NOT NULL AND rr.responsibility_id = '05'
        """,
        [upload_id],
    )
    checks = {
        "report_lines": entries,
        "cases": cases,
        "case_steps": steps,
        "case_documents": documents,
        "case_deadlines": deadlines,
        "cases_for_persons_with_responsibility_05": blocked_cases,
    }
    ok = (
        entries == upload.total_rows == upload.processed_rows
        and cases == upload.cases_created
        and steps == 2 * cases
        and documents == cases
        and deadlines == cases
        and blocked_cases == 0
    )
    return {"ok": ok, **checks}


def explain_lookup() -> str:
    """The plan of one batch lookup, to show the partial unique index answers it."""
    from django.db import connection

    from registry.models import Registrant

    numbers = list(
        Registrant.objects.filter(person_type="2").values_list("document_number", flat=True)[:2000]
    )
    query = (
        Registrant.objects.filter(document_type_id="13", document_number__in=numbers)
        .exclude(document_number="")
        .values_list("pk")
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        # The 2,000 numbers in the plan's text say nothing; keep which index and which condition.
        return "\n".join(row[0][:160] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrants", type=int, default=1_000_000)
    parser.add_argument("--feed", type=int, default=100_000, help="rows in the feed")
    parser.add_argument("--reuse", action="store_true", help="keep the inscritos already loaded")
    parser.add_argument("--batch-size", type=int, help="rows per transaction (default: service's)")
    parser.add_argument("--seed", type=int, default=20131105)
    args = parser.parse_args()

    setup_django()
    import agreements.death_feed as death_feed
    from agreements.models import DeathFeedUpload

    if args.batch_size:
        death_feed.BATCH_SIZE = args.batch_size
    run_id = uuid.uuid4().hex[:6].upper()
    registry = prepare_registry(args.registrants, reuse=args.reuse, seed=args.seed)
    inscritos = _count("SELECT count(*) FROM registry_registrant")
    path, feed = write_feed(args.feed, seed=args.seed + int(time.time()), run_id=run_id)
    entity = civil_registry()

    upload, created, submit_s = submit(entity, path)
    assert created, "a new feed must be a new upload"
    print(f"received {upload.total_rows:,} rows ({upload.size / 2**20:.1f} MB) in {submit_s:.2f} s")
    began = time.perf_counter()
    upload = death_feed.process_death_feed(upload.pk)
    process_s = time.perf_counter() - began
    assert upload.total_rows is not None, "submit_death_feed counts the rows"
    rate = upload.total_rows / process_s
    print(
        f"processed {upload.total_rows:,} rows against {inscritos:,} inscritos in "
        f"{process_s:.1f} s: {rate:,.0f} rows/s (target {TARGET_ROWS_PER_SECOND:,})"
    )
    print(
        f"  cases {upload.cases_created:,}, for an official {upload.needs_official:,}, "
        f"not found {upload.not_found:,}, skipped {upload.skipped:,}, "
        f"invalid {upload.invalid_rows:,}"
    )
    checks = verify(upload.pk)
    print(f"  written: {checks}")

    again, created_again, again_s = submit(entity, path)
    same = again.pk == upload.pk and not created_again
    print(f"same file again: {'nothing done' if same else 'PROCESSED TWICE'} in {again_s:.2f} s")
    path.unlink()

    report = {
        "registry": registry,
        "inscritos": inscritos,
        "feed": feed,
        "batch_size": death_feed.BATCH_SIZE,
        "submit_s": round(submit_s, 2),
        "process_s": round(process_s, 2),
        "rows_per_second": round(rate, 1),
        "target_rows_per_second": TARGET_ROWS_PER_SECOND,
        "outcomes": {
            name: getattr(upload, name)
            for name in ("cases_created", "needs_official", "not_found", "skipped", "invalid_rows")
        },
        "checks": checks,
        "resubmit": {"same_upload": same, "seconds": round(again_s, 2)},
        "state": DeathFeedUpload.objects.get(pk=upload.pk).state,
        "lookup_plan": explain_lookup(),
    }
    print(f"results: {write_json('death_feed', report)}")
    if not (checks["ok"] and same and rate >= TARGET_ROWS_PER_SECOND):
        sys.exit(1)


if __name__ == "__main__":
    main()
