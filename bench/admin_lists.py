"""The officials' admin lists at scale: the case inbox and the inscrito list.

With 100,000 cases and 1,000,000 inscritos in PostgreSQL, times the inbox (Case changelist) and
the inscrito changelist through Django's test client, logged in as an official of seccional 32
and as a central-level user, for the default page, the quick views, filters and searches. Prints
p50/p95 and the queries of each page, and writes bench/results/admin_lists.json.

    createdb -h 127.0.0.1 -U postgres -T rut_bench rut_admin_bench   # a copy of 1M inscritos
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rut_admin_bench python manage.py migrate
    DATABASE_URL=... python bench/admin_lists.py             # loads what is missing, then times
    DATABASE_URL=... python bench/admin_lists.py --samples 50

Inscritos are loaded only when fewer than --inscritos exist (bench/registry_lookup.py's COPY
loader, which empties the registry); cases are added with COPY up to --cases. It runs only on a
database whose name contains "bench".
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import latency_summary_ms, setup_django, write_json  # noqa: E402

TARGET_P95_MS = 500.0  # "well under a second"
COPY_CHUNK = 20_000
BENCH_PASSWORD = "bench-admin-2026"
OFFICIAL, CENTRAL, COLLEAGUE = "bench.funcionario32", "bench.central", "bench.colega32"

# Share of cases in each state: most are finished, a working set is open.
STATES = [
    ("closed", 55),
    ("communicated", 10),
    ("decided", 4),
    ("rejected", 3),
    ("received", 9),
    ("requirements_met", 4),
    ("in_process", 10),
    ("awaiting_approval", 5),
]
TYPES = [
    ("cancellation_ex_officio", ["deceased", "entity_liquidated", "authority_order"], 35),
    ("cancellation_on_request", ["liquidation", "estate_settled", "consortium_ended"], 15),
    ("suspension", ["authority_order", "address_not_found"], 15),
    ("lift_suspension", ["inscrito_request", "authority_order"], 5),
    ("reactivation", ["inscrito_request", "dian_area_request"], 15),
    ("update", ["inscrito_request", "dian_area_request"], 15),
]
REQUESTERS = [
    ("judicial_authority", "Juzgado Civil del Circuito", 10, 20),
    ("administrative_authority", "Superintendencia de Sociedades", 5, 15),
    ("civil_registry", "Registraduría Nacional del Estado Civil", 5, 20),
    ("dian_area", "División de Gestión de Fiscalización", 5, 15),
    ("user", "El inscrito", 0, 30),
]
UNDECIDED = {"received", "requirements_met", "in_process", "awaiting_approval"}


def _weighted(rng: random.Random, items: list[Any], weight_index: int) -> Any:
    return rng.choices(items, weights=[item[weight_index] for item in items])[0]


def _copy_text(value: Any) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = value.isoformat() if isinstance(value, date | datetime) else str(value)
    assert not any(c in text for c in "\t\n\\"), text
    return text


def _case_rows(
    count: int,
    first: int,
    people: list[tuple[int, str]],
    officials: list[int],
    rng: random.Random,
) -> Iterator[dict[str, Any]]:
    from django.utils import timezone

    now = timezone.now()
    for n in range(first, first + count):
        # Each inscrito once while there are enough (one open cancellation of a kind each).
        registrant_id, seccional = people[(n - first) % len(people)]
        case_type, causes, _w = _weighted(rng, TYPES, 2)
        kind, name, priority, _w = _weighted(rng, REQUESTERS, 3)
        state = _weighted(rng, STATES, 1)[0]
        received_at = now - timedelta(days=rng.uniform(0, 730))
        due_on = (received_at + timedelta(days=rng.choice([0, 1, 3, 5, 15]))).date()
        decided = state not in UNDECIDED
        decided_at = received_at + timedelta(days=rng.uniform(0, 12)) if decided else None
        assigned = rng.choice(officials) if officials and rng.random() < 0.6 else None
        yield {
            # Clear of the numbers the case sequence hands out (it starts at 1 every year).
            "number": f"{received_at.year}-{5_000_000 + n:07d}",
            "case_type": case_type,
            "mode": "ex_officio" if case_type == "cancellation_ex_officio" else "assisted",
            "channel": "official_mail" if kind != "user" else "in_person",
            "cause": rng.choice(causes),
            "state": state,
            "decision": ("requirements_not_met" if state == "rejected" else "granted")
            if decided
            else "",
            "priority": priority,
            "requester_kind": kind,
            "requester_name": name,
            "requester_email": "",
            "act_number": f"Acto {n}" if kind != "user" else "",
            "act_date": received_at.date() if kind != "user" else None,
            "act_issuer": name if kind != "user" else "",
            "act_is_final": kind != "user",
            "act_term_days": None,
            "facts": "",
            "fact_date": None,
            "payload": "{}",
            "received_at": received_at,
            "due_on": due_on,
            "decided_at": decided_at,
            "closed_at": (
                decided_at + timedelta(days=2) if decided_at and state == "closed" else None
            ),
            "observations": "",
            "assigned_to_id": assigned if seccional == "32" else None,
            "decided_by_id": None,
            "prepared_by_id": None,
            "received_at_seccional_id": seccional,
            "refiled_from_id": None,
            "registrant_id": registrant_id,
            "requester_user_id": None,
            "seccional_id": seccional,
            "from_abroad": False,
        }


def load_cases(target: int, *, officials: list[int], seed: int) -> dict[str, Any]:
    """COPY synthetic cases (over existing inscritos) until there are `target`."""
    from django.db import connection, transaction

    from procedures.models import Case

    existing = Case.objects.count()
    if existing >= target:
        return {"rows": 0, "existing": existing}
    missing = target - existing
    rng = random.Random(seed + existing)
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            # Not the inscritos with cases already (the demo data's): one open cancellation of
            # a kind each, and TABLESAMPLE picks them at random.
            "SELECT id, seccional_id FROM registry_registrant r TABLESAMPLE SYSTEM (30) "
            "WHERE nit IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM procedures_case c WHERE c.registrant_id = r.id) LIMIT %s",
            [min(missing, 200_000)],
        )
        people = cursor.fetchall()
    rng.shuffle(people)
    fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
    # Columns added to cases after this loader was written keep their model default.
    defaults = {f.attname: f.get_default() for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with transaction.atomic(), connection.cursor() as cursor:
        buffer = io.StringIO()
        rows = _case_rows(missing, existing + 1, people, officials, rng)
        for i, row in enumerate(rows, start=1):
            values = {**defaults, **row}
            buffer.write("\t".join(_copy_text(values[f.attname]) for f in fields) + "\n")
            if i % COPY_CHUNK == 0 or i == missing:
                buffer.seek(0)
                cursor.copy_expert(f"COPY procedures_case ({columns}) FROM STDIN", buffer)
                buffer = io.StringIO()
                print(
                    f"\r  copied {i:,} cases in {time.perf_counter() - began:.1f} s",
                    end="",
                    flush=True,
                )
    print()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE procedures_case")
    return {"rows": missing, "existing": existing, "total_s": round(time.perf_counter() - began, 1)}


def _ensure_users() -> dict[str, Any]:
    from django.contrib.auth.models import User

    from accounts.models import Role
    from accounts.services import create_official

    users = {}
    for username, role, seccional in [
        (OFFICIAL, Role.OFFICIAL, "32"),
        (COLLEAGUE, Role.OFFICIAL, "32"),
        (CENTRAL, Role.CENTRAL, None),
    ]:
        user = User.objects.filter(username=username).first() or create_official(
            username=username,
            password=BENCH_PASSWORD,
            role=role,
            seccional=seccional,
            first_name="Bench",
            last_name=username.split(".")[-1],
        )
        users[username] = user
    return users


def _samples_for_search() -> dict[str, str]:
    """Real keys to search for, of an inscrito with a case in seccional 32."""
    from procedures.models import Case

    case = (
        Case.objects.filter(seccional_id="32", registrant__person_type="2")
        .select_related("registrant")
        .order_by("-id")
        .first()
    )
    assert case is not None and case.registrant is not None
    person = case.registrant
    return {
        "case_number": case.number,
        "nit": person.formatted_nit,
        "document": person.document_number,
        "name": " ".join(
            p for p in [person.first_name, person.other_names, person.first_surname] if p
        ),
        "broad_name": person.first_surname,
    }


def pages(keys: dict[str, str]) -> dict[str, list[tuple[str, str, dict[str, str]]]]:
    inbox, people = "/admin/procedures/case/", "/admin/registry/registrant/"
    common = [
        ("inbox", inbox, {}),
        ("inbox: sin asignar", inbox, {"bandeja": "sin_asignar"}),
        ("inbox: vencidos", inbox, {"bandeja": "vencidos"}),
        ("inbox: en trámite", inbox, {"state": "in_process"}),
        ("inbox: page 20", inbox, {"p": "20"}),
        ("inbox: search case number", inbox, {"q": keys["case_number"]}),
        ("inbox: search NIT", inbox, {"q": keys["nit"]}),
        ("inbox: search name", inbox, {"q": keys["name"]}),
        ("inscritos", people, {}),
        ("inscritos: suspendidos", people, {"state": "suspended"}),
        ("inscritos: search NIT", people, {"q": keys["nit"]}),
        ("inscritos: search document", people, {"q": keys["document"]}),
        ("inscritos: search name", people, {"q": keys["name"]}),
        ("inscritos: search broad surname", people, {"q": keys["broad_name"]}),
    ]
    return {
        OFFICIAL: [*common, ("inbox: mine", inbox, {"bandeja": "mios"})],
        CENTRAL: [
            *common,
            ("inbox: seccional 11", inbox, {"seccional": "11"}),
            ("inscritos: seccional 11", people, {"seccional": "11"}),
        ],
    }


def measure(client: Any, path: str, params: dict[str, str], samples: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import (
        CaptureQueriesContext,
        setup_test_environment,
        teardown_test_environment,
    )

    for _ in range(2):  # warm caches (plans, session, permissions)
        response = client.get(path, params)
        assert response.status_code == 200, (path, params, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(path, params)
    queries = list(captured.captured_queries)  # a view of the log, which the next request resets
    # One more request with the template context recorded, for the rows the page shows.
    setup_test_environment()
    try:
        response = client.get(path, params)
    finally:
        teardown_test_environment()
    rows = len(response.context["cl"].result_list)
    timings = []
    for _ in range(samples):
        began = time.perf_counter()
        client.get(path, params)
        timings.append(time.perf_counter() - began)
    sql_ms = sum(float(q["time"]) for q in queries) * 1000
    return {
        **latency_summary_ms(timings),
        "mean_ms": round(statistics.mean(timings) * 1000, 3),
        "queries": len(queries),
        "sql_ms_one_request": round(sql_ms, 1),
        "rows_on_page": rows,
        "result_count": response.context["cl"].result_count,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inscritos", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2460)
    args = parser.parse_args()

    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from procedures.models import Case
    from registry.models import Registrant

    if "bench" not in connection.settings_dict["NAME"]:
        sys.exit("Refusing to load synthetic rows: use a database whose name contains 'bench'.")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    loading: dict[str, Any] = {}
    if Registrant.objects.count() < args.inscritos:
        from bench.registry_lookup import load

        print(f"loading {args.inscritos:,} inscritos with COPY ...")
        loading["inscritos"] = load(args.inscritos, seed=args.seed)
    users = _ensure_users()
    officials = [users[OFFICIAL].pk, users[COLLEAGUE].pk]
    print(f"loading cases up to {args.cases:,} with COPY ...")
    loading["cases"] = load_cases(args.cases, officials=officials, seed=args.seed)
    counts = {
        "inscritos": Registrant.objects.count(),
        "cases": Case.objects.count(),
        "cases_in_32": Case.objects.filter(seccional_id="32").count(),
    }
    print(
        f"{counts['inscritos']:,} inscritos, {counts['cases']:,} cases "
        f"({counts['cases_in_32']:,} in seccional 32)"
    )

    keys = _samples_for_search()
    results: dict[str, dict[str, Any]] = {}
    worst = 0.0
    print(
        f"\n{'user':<20} {'page':<34} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} "
        f"{'rows':>5} {'count':>9}"
    )
    for username, wanted in pages(keys).items():
        client = Client()
        client.force_login(users[username])
        results[username] = {}
        for label, path, params in wanted:
            figures = measure(client, path, params, args.samples)
            results[username][label] = {"path": path, "params": params, **figures}
            worst = max(worst, figures["p95_ms"])
            print(
                f"{username:<20} {label:<34} {figures['p50_ms']:>8.1f} "
                f"{figures['p95_ms']:>8.1f} {figures['queries']:>8} "
                f"{figures['rows_on_page']:>5} {figures['result_count']:>9,}"
            )
    meets = worst <= TARGET_P95_MS
    print(
        f"\nworst p95: {worst:.1f} ms (target ≤ {TARGET_P95_MS:.0f} ms): "
        f"{'met' if meets else 'NOT met'}"
    )
    written = write_json(
        "admin_lists",
        {
            "counts": counts,
            "loading": loading,
            "samples_per_page": args.samples,
            "search_keys": keys,
            "target_p95_ms": TARGET_P95_MS,
            "worst_p95_ms": worst,
            "target_met": meets,
            "results": results,
        },
    )
    print(f"written to {written}")
    if not meets:
        sys.exit(1)


if __name__ == "__main__":
    main()
