"""A mass actualización de oficio at scale: one responsibility added to N inscritos by one batch.

Loads the inscritos as bench/mass_change.py does (COPY, a version 1 each, the active ones'
email blanked; here the legal entities get theirs back, since art. 4 par. 1 lets only personas
naturales of the simplified regime go without). The batch adds 49 (no responsable de IVA) to
"every inscrito without email". In the same run:

1. **update**: the batch run by a worker process, SIGKILLed once a third of its chunks is done
   and resumed by a second one (bench/mass_change.py's run_with_kill).
2. **checks**: each item's inscrito holds 49, with exactly one actualización version, one audit
   entry and one notice (0 lost, 0 done twice).
3. **suspension**: a mass suspension of the same inscritos, run the same way, as the yardstick:
   the figure to read is update ÷ suspension (rows per second), which holds up under load.

    createdb -h 127.0.0.1 -U postgres rut_bulk_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/rut_bulk_bench
    python manage.py migrate && python manage.py load_reference_data
    python bench/mass_update.py --rows 100000

It empties registry_registrant (bench/mass_change.py's loader), so it only runs on a database
whose name has "bench"; the notices it queues are purged from the broker at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import setup_django, write_json  # noqa: E402
from bench.mass_change import _one, cast, prepare, run_with_kill  # noqa: E402

CODE = "49"


def check(batch: Any) -> dict[str, int]:
    """0 lost, 0 done twice: each item once updated, with one version, audit entry and notice."""
    items = "FROM mass_changes_masschangeitem i WHERE i.batch_id = %s"
    counts = {
        "items": _one(f"SELECT count(*) {items}", [batch.pk]),
        "without_the_code": _one(
            f"""SELECT count(*) {items} AND NOT EXISTS (
                    SELECT 1 FROM registry_registrant_responsibilities h
                    WHERE h.registrant_id = i.registrant_id AND h.responsibility_id = %s)""",
            [batch.pk, CODE],
        ),
        "versions": _one(
            """SELECT count(*) FROM registry_formversion v JOIN mass_changes_masschangeitem i
               ON i.registrant_id = v.registrant_id AND i.batch_id = %s WHERE v.concept = '02'""",
            [batch.pk],
        ),
        "audit_entries": _one(
            """SELECT count(*) FROM registry_auditentry a JOIN mass_changes_masschangeitem i
               ON i.registrant_id = a.registrant_id AND i.batch_id = %s
               WHERE a.action = 'update'""",
            [batch.pk],
        ),
        "notices": _one(
            "SELECT count(*) FROM mass_changes_masschangenotice WHERE batch_id = %s", [batch.pk]
        ),
        "inscritos_with_two_versions": _one(
            """SELECT count(*) FROM (SELECT v.registrant_id FROM registry_formversion v
               WHERE v.concept = '02' GROUP BY v.registrant_id HAVING count(*) > 1) twice"""
        ),
    }
    counts["lost"] = counts["without_the_code"] + (counts["items"] - counts["versions"])
    counts["twice"] = counts["inscritos_with_two_versions"] + max(
        0, counts["audit_entries"] - counts["items"]
    )
    return counts


def run(kind: str, *, by: Any, director: Any, chunk: int, **change: str) -> tuple[Any, dict]:
    from mass_changes.models import MassChange
    from mass_changes.services import approve_mass_change, propose_mass_change

    began = time.perf_counter()
    batch = propose_mass_change(
        kind=kind,
        criterion=MassChange.Criterion.WITHOUT_EMAIL,
        reason="Inscritos sin correo electrónico (benchmark).",
        act_reference="Resolución 000001 de 2026 (benchmark)",
        by=by,
        chunk_size=chunk,
        **change,
    )
    propose_s = time.perf_counter() - began
    approve_mass_change(batch, by=director)
    figures = run_with_kill(batch)
    figures["propose_s"] = round(propose_s, 2)
    print(
        f"{kind}: {figures['rows_per_s']:,} rows/s over {figures['changed']:,} inscritos "
        f"({figures['seconds']} s; killed after {figures['killed_after_chunks']} chunks, "
        f"resumed to {figures['state']})"
    )
    return batch, figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="inscritos to load")
    parser.add_argument("--chunk", type=int, default=5000, help="inscritos per chunk")
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    if "bench" not in connection.settings_dict["NAME"]:
        sys.exit("Refusing to empty registry_registrant: use a *bench* database.")
    from mass_changes.models import MassChange
    from registry.models import PersonType
    from rut_portal.celery import app

    loaded = prepare(args.rows, args.seed)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_registrant SET email = 'bench@example.com' "
            "WHERE email = '' AND person_type <> %s",
            [PersonType.NATURAL],
        )
        cursor.execute("VACUUM ANALYZE registry_registrant")
    proposer, director = cast()
    update_batch, update = run(
        MassChange.Kind.EX_OFFICIO_UPDATE,
        by=proposer,
        director=director,
        chunk=args.chunk,
        responsibility=CODE,
        responsibility_action=MassChange.ResponsibilityAction.ADD,
    )
    checks = check(update_batch)
    _suspension_batch, suspension = run(
        MassChange.Kind.SUSPENSION, by=proposer, director=director, chunk=args.chunk
    )
    app.control.purge()
    report = {
        "rows": args.rows,
        "chunk": args.chunk,
        "load": loaded,
        "loadavg": os.getloadavg(),
        "update": update,
        "suspension": suspension,
        "update_to_suspension": round(update["rows_per_s"] / suspension["rows_per_s"], 3),
        "update_seconds_per_million": round(1_000_000 / update["rows_per_s"]),
        "checks": checks,
    }
    path = write_json("mass_update", report)
    print(f"update ÷ suspension: {report['update_to_suspension']}")
    print(f"1,000,000 updates: {report['update_seconds_per_million'] / 60:.1f} min")
    print(f"load average: {report['loadavg']}")
    print(f"checks: {checks}")
    print(f"written {path}")
    if checks["lost"] or checks["twice"] or update["state"] != MassChange.State.DONE:
        sys.exit(1)


if __name__ == "__main__":
    main()
