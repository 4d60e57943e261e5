"""Lookups at registry scale: by NIT, by document and by name, through the selectors and in SQL.

Loads N synthetic inscritos (default 1,000,000) with COPY, then times each lookup through the
selector the portal calls (registry.selectors) and as the equivalent hand-written SQL on the same
connection, alternating which goes first. Prints p50/p95 of each and the ORM/SQL ratios.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rut_bench python bench/registry_lookup.py
    DATABASE_URL=... python bench/registry_lookup.py --reuse    # keep the rows already loaded

Loading empties registry_registrant (and everything that points to it), so it only runs on a
database whose name contains "bench". See bench/README.md.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import latency_summary_ms, setup_django, write_json  # noqa: E402

TARGET_NIT_P95_RATIO = 2.0
# Single common words: tens of thousands of matches to rank before the first 20 come back.
BROAD_TERMS = ["MARIA", "RODRIGUEZ", "INVERSIONES", "ANDINA"]
COPY_CHUNK = 50_000
FIRST_CEDULA = 1_000_000_000  # ten-digit cédulas: clear of the allocated NIT range
TRUNCATE_GUARDS = (
    "registry.FormVersion:form_version_no_truncate",
    "registry.AuditEntry:audit_no_truncate",
    "registry.DataAccessLog:data_access_log_no_truncate",
)

FIRST_NAMES = [
    "JUAN",
    "JOSÉ",
    "LUIS",
    "CARLOS",
    "JORGE",
    "ANDRÉS",
    "MIGUEL",
    "DAVID",
    "DIEGO",
    "SANTIAGO",
    "MARÍA",
    "ANA",
    "LUZ",
    "SANDRA",
    "CLAUDIA",
    "MARTHA",
    "GLORIA",
    "PAOLA",
    "DIANA",
    "ÁNGELA",
    "CAMILO",
    "FELIPE",
    "JULIÁN",
    "SEBASTIÁN",
    "ALEJANDRO",
    "NATALIA",
    "CATALINA",
    "VALENTINA",
    "LAURA",
    "DANIELA",
    "HERNÁN",
    "ÓSCAR",
    "FABIO",
    "RUBÉN",
    "NUBIA",
    "YOLANDA",
    "ESPERANZA",
    "BEATRIZ",
    "MÓNICA",
    "LILIANA",
]
SURNAMES = [
    "RODRÍGUEZ",
    "GÓMEZ",
    "GONZÁLEZ",
    "MARTÍNEZ",
    "GARCÍA",
    "LÓPEZ",
    "HERNÁNDEZ",
    "SÁNCHEZ",
    "RAMÍREZ",
    "PÉREZ",
    "DÍAZ",
    "MUÑOZ",
    "ROJAS",
    "MORENO",
    "JIMÉNEZ",
    "ÁLVAREZ",
    "ROMERO",
    "VARGAS",
    "TORRES",
    "RUIZ",
    "SUÁREZ",
    "CASTRO",
    "OSPINA",
    "CASTILLO",
    "GUTIÉRREZ",
    "ORTIZ",
    "RESTREPO",
    "CÁRDENAS",
    "ARIAS",
    "MEJÍA",
    "CARDONA",
    "OSORIO",
    "VALENCIA",
    "QUINTERO",
    "GIRALDO",
    "PATIÑO",
    "BUITRAGO",
    "SALAZAR",
    "ZAPATA",
    "CORREA",
    "ACOSTA",
    "BETANCUR",
    "NIÑO",
    "PINZÓN",
    "BARRERA",
    "CUBIDES",
    "MOLANO",
    "VELÁSQUEZ",
    "ÁVILA",
    "AGUDELO",
]
COMPANY_WORDS = [
    "INVERSIONES",
    "COMERCIALIZADORA",
    "DISTRIBUIDORA",
    "CONSTRUCTORA",
    "TRANSPORTES",
    "SERVICIOS",
    "AGROPECUARIA",
    "INGENIERÍA",
    "CONSULTORES",
    "LOGÍSTICA",
    "ALIMENTOS",
    "TEXTILES",
    "INDUSTRIAS",
    "SOLUCIONES",
    "TECNOLOGÍA",
    "FERRETERÍA",
    "DROGUERÍA",
    "CAFÉ",
]
COMPANY_PLACES = [
    "ANDINA",
    "DEL CARIBE",
    "DEL PACÍFICO",
    "DE LOS LLANOS",
    "DEL VALLE",
    "ANTIOQUEÑA",
    "SANTANDEREANA",
    "BOYACENSE",
    "DEL TOLIMA",
    "DE LA SABANA",
    "COSTEÑA",
    "DEL HUILA",
]
COMPANY_FORMS = ["S.A.S.", "LTDA", "S.A.", "Y CÍA S. EN C."]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


# --- Loading ------------------------------------------------------------------------------------


def _token(n: int) -> str:
    """A short letter code unique per n ('BAAA', 'BAAB', ...): makes company names unique."""
    letters = ""
    n += 26**3
    while n:
        n, digit = divmod(n, 26)
        letters = LETTERS[digit] + letters
    return letters


def _rows(
    count: int, first_nit: int, places: list[tuple[str, str, str]], rng: random.Random
) -> Iterator[dict[str, Any]]:
    """Synthetic inscritos: 60% personas naturales with their cédula as NIT, 40% sociedades."""
    from registry.models import Registrant
    from registry.nit import check_digit
    from registry.services.common import normalize_name

    now = datetime.now(UTC)
    states = [Registrant.State.ACTIVE] * 18 + [
        Registrant.State.SUSPENDED,
        Registrant.State.CANCELLED,
    ]
    legal = 0
    for i in range(count):
        municipality, department, seccional = rng.choice(places)
        row: dict[str, Any] = {
            "state": rng.choice(states),
            "seccional_id": seccional,
            "country": "CO",
            "department_id": department,
            "municipality_id": municipality,
            "address": f"CL {rng.randint(1, 200)} {rng.randint(1, 99)} {rng.randint(1, 99)}",
            "email": f"inscrito{i}@example.co",
            "phone_1": f"3{rng.randint(100000000, 199999999)}",
            "created_at": now,
            "formalized_at": now,
            "state_changed_at": now,
        }
        if i % 5 < 3:
            number = str(FIRST_CEDULA + i)
            first, other = rng.sample(FIRST_NAMES, 2)
            surname, second = rng.choice(SURNAMES), rng.choice(SURNAMES)
            row.update(
                kind="PN",
                person_type="2",
                document_type_id="13",
                document_number=number,
                nit=number,
                check_digit=check_digit(number),
                first_name=first,
                other_names=other,
                first_surname=surname,
                second_surname=second,
                birth_date=date(1950 + i % 50, 1 + i % 12, 1 + i % 28),
                search_name=normalize_name(f"{first} {other} {surname} {second}"),
            )
        else:
            number = str(first_nit + legal)
            name = (
                f"{rng.choice(COMPANY_WORDS)} {_token(legal)} {rng.choice(COMPANY_PLACES)} "
                f"{rng.choice(COMPANY_FORMS)}"
            )
            key = normalize_name(name)
            legal += 1
            row.update(
                kind="PJ",
                person_type="1",
                nit=number,
                check_digit=check_digit(number),
                business_name=name,
                business_name_key=key,
                search_name=key,
            )
        yield row


def _copy_text(value: Any) -> str:
    if value is None:
        return r"\N"
    text = value.isoformat() if isinstance(value, (date, datetime)) else str(value)
    assert not any(c in text for c in "\t\n\\"), text  # our synthetic values need no escaping
    return text


def load(count: int, *, seed: int) -> dict[str, float]:
    """Empty registry_registrant and COPY `count` synthetic inscritos into it."""
    import pgtrigger
    from django.db import connection, transaction

    from registry.models import Municipality, Registrant
    from registry.nit import NIT_SEQUENCE

    database = connection.settings_dict["NAME"]
    if "bench" not in database:
        sys.exit(f"Refusing to empty registry_registrant in {database!r}: use a *bench* database.")
    fields = [f for f in Registrant._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    places = list(
        Municipality.objects.filter(seccional__isnull=False).values_list(
            "code", "department_id", "seccional_id"
        )
    )
    rng = random.Random(seed)

    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # The append-only tables refuse TRUNCATE (registry.models.refuse_truncate) but for this.
        with pgtrigger.ignore(*TRUNCATE_GUARDS):
            cursor.execute("TRUNCATE registry_registrant CASCADE")
        # Take a block of the NIT range for the sociedades, so later inscriptions continue after it.
        cursor.execute("SELECT nextval(%s)", [NIT_SEQUENCE])
        first_nit = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [NIT_SEQUENCE, first_nit + count])
        buffer = io.StringIO()
        for i, row in enumerate(_rows(count, first_nit, places, rng), start=1):
            values = {**defaults, **row}
            buffer.write("\t".join(_copy_text(values[f.attname]) for f in fields) + "\n")
            if i % COPY_CHUNK == 0 or i == count:
                buffer.seek(0)
                cursor.copy_expert(f"COPY registry_registrant ({columns}) FROM STDIN", buffer)
                buffer = io.StringIO()
                print(
                    f"\r  copied {i:,} rows in {time.perf_counter() - began:.1f} s",
                    end="",
                    flush=True,
                )
    copied = time.perf_counter()
    print()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE registry_registrant")
    done = time.perf_counter()
    return {
        "rows": count,
        "copy_s": round(copied - began, 1),
        "vacuum_analyze_s": round(done - copied, 1),
        "total_s": round(done - began, 1),
    }


# --- Lookups ------------------------------------------------------------------------------------

_JOINED = """
    SELECT r.*, s.*, d.*, m.*
    FROM registry_registrant r
    JOIN registry_seccional s ON s.code = r.seccional_id
    LEFT JOIN registry_department d ON d.code = r.department_id
    LEFT JOIN registry_municipality m ON m.code = r.municipality_id
"""
NIT_SQL = _JOINED + "WHERE r.nit = %s"
DOCUMENT_SQL = _JOINED + "WHERE r.document_type_id = %s AND r.document_number = %s"
SEARCH_SQL = (
    _JOINED
    + """
    WHERE r.search_name LIKE %s
    ORDER BY CASE WHEN r.search_name LIKE %s THEN 0 ELSE 1 END, r.search_name, r.id
    LIMIT 20
"""
)


def _sql(query: str, params: list[Any]) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def samples(count: int, seed: int) -> dict[str, list[Any]]:
    """Random existing NITs, documents and name fragments (two words among a name's first three)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed / 2**31])
        cursor.execute(
            "SELECT nit, check_digit FROM registry_registrant "
            "WHERE nit IS NOT NULL ORDER BY random() LIMIT %s",
            [count],
        )
        nits = cursor.fetchall()
        cursor.execute(
            "SELECT document_type_id, document_number FROM registry_registrant "
            "WHERE document_number <> '' "
            "ORDER BY random() LIMIT %s",
            [count],
        )
        documents = cursor.fetchall()
        cursor.execute(
            "SELECT search_name FROM registry_registrant ORDER BY random() LIMIT %s", [count]
        )
        names = [row[0] for row in cursor.fetchall()]
    rng = random.Random(seed)
    fragments = []
    for name in names:
        # What someone would type: "JUAN CARLOS", "CARLOS PEREZ", "INVERSIONES BQXA"; never the
        # legal form alone ("S EN C"), which matches a tenth of the registry (see BROAD_TERMS).
        words = name.split()[:3]
        start = rng.randrange(max(1, len(words) - 1))
        fragments.append(" ".join(words[start : start + 2]))
    return {"nits": nits, "documents": documents, "names": fragments}


def compare(
    label: str, keys: list[Any], orm: Callable[[Any], Any], sql: Callable[[Any], Any]
) -> dict[str, Any]:
    """Time orm(key) and sql(key) for every key, alternating which runs first."""
    for key in keys[:50]:  # warm the connection, the plans and the caches
        orm(key), sql(key)
    orm_times: list[float] = []
    sql_times: list[float] = []
    for i, key in enumerate(keys):
        pair = [(orm, orm_times), (sql, sql_times)]
        for run, times in pair if i % 2 == 0 else reversed(pair):
            began = time.perf_counter()
            run(key)
            times.append(time.perf_counter() - began)
    result: dict[str, Any] = {
        "orm": latency_summary_ms(orm_times),
        "sql": latency_summary_ms(sql_times),
    }
    result["p50_ratio"] = round(result["orm"]["p50_ms"] / result["sql"]["p50_ms"], 2)
    result["p95_ratio"] = round(result["orm"]["p95_ms"] / result["sql"]["p95_ms"], 2)
    print(
        f"{label:<10} ORM p50 {result['orm']['p50_ms']:8.3f} ms  p95 "
        f"{result['orm']['p95_ms']:8.3f} ms | SQL p50 {result['sql']['p50_ms']:8.3f} ms  p95 "
        f"{result['sql']['p95_ms']:8.3f} ms | ratio p50 {result['p50_ratio']:.2f} "
        f"p95 {result['p95_ratio']:.2f}"
    )
    return result


def broad_searches(
    search: Callable[[str], Any], sql: Callable[[str], Any], repeat: int = 5
) -> dict[str, dict[str, float]]:
    """Median time of each broad term through the selector and in SQL, with its match count."""
    from registry.models import Registrant

    results = {}
    for term in BROAD_TERMS:
        times: dict[str, list[float]] = {"orm": [], "sql": []}
        for _ in range(repeat):
            for side, run in (("orm", search), ("sql", sql)):
                began = time.perf_counter()
                run(term)
                times[side].append(time.perf_counter() - began)
        result = results[term] = {
            "matches": Registrant.objects.filter(search_name__contains=term).count(),
            "orm_median_ms": round(statistics.median(times["orm"]) * 1000, 1),
            "sql_median_ms": round(statistics.median(times["sql"]) * 1000, 1),
        }
        print(
            f"broad {term!r:<13} {result['matches']:>7,} matches: ORM median "
            f"{result['orm_median_ms']:7.1f} ms | SQL median {result['sql_median_ms']:7.1f} ms"
        )
    return results


def plans(keys: dict[str, list[Any]]) -> dict[str, str]:
    """EXPLAIN of each bare query for one key, to show which index answers it."""
    from django.db import connection

    nit, _ = keys["nits"][0]
    document_type, number = keys["documents"][0]
    name = keys["names"][0]
    broad = BROAD_TERMS[0]
    queries = {
        "nit": (NIT_SQL, [nit]),
        "document": (DOCUMENT_SQL, [document_type, number]),
        "name": (SEARCH_SQL, [f"%{name}%", f"{name}%"]),
        "broad_name": (SEARCH_SQL, [f"%{broad}%", f"{broad}%"]),
    }
    explained = {}
    with connection.cursor() as cursor:
        for label, (query, params) in queries.items():
            cursor.execute("EXPLAIN " + query, params)
            explained[label] = "\n".join(row[0] for row in cursor.fetchall())
    return explained


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows",
        type=int,
        default=1_000_000,
        help="synthetic inscritos to load (default 1,000,000)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="skip loading and measure the rows already in the database",
    )
    parser.add_argument(
        "--samples",
        type=int,
        default=2000,
        help="lookups of each kind, each timed through the ORM and in SQL",
    )
    parser.add_argument("--seed", type=int, default=2460)
    args = parser.parse_args()

    setup_django()
    from registry.models import Registrant
    from registry.nit import format_nit
    from registry.selectors import registrant_by_document, registrant_by_nit, search_registrants
    from registry.services.common import normalize_name

    if args.reuse:
        loading = None
        print(f"reusing {Registrant.objects.count():,} inscritos already loaded")
    else:
        print(f"loading {args.rows:,} synthetic inscritos with COPY ...")
        loading = load(args.rows, seed=args.seed)
        print(
            f"loaded in {loading['total_s']} s (COPY {loading['copy_s']} s, "
            f"VACUUM ANALYZE {loading['vacuum_analyze_s']} s)"
        )
    rows = Registrant.objects.count()

    keys = samples(args.samples, args.seed)
    results = {
        "nit": compare(
            "by NIT",
            keys["nits"],
            lambda k: registrant_by_nit(format_nit(k[0], k[1])),
            lambda k: _sql(NIT_SQL, [k[0]]),
        ),
        "document": compare(
            "by doc",
            keys["documents"],
            lambda k: registrant_by_document(k[0], k[1]),
            lambda k: _sql(DOCUMENT_SQL, [k[0], k[1]]),
        ),
        "name": compare(
            "by name",
            keys["names"],
            search_registrants,
            lambda k: _sql(SEARCH_SQL, [f"%{normalize_name(k)}%", f"{normalize_name(k)}%"]),
        ),
    }
    broad = broad_searches(
        search_registrants,
        lambda k: _sql(SEARCH_SQL, [f"%{normalize_name(k)}%", f"{normalize_name(k)}%"]),
    )
    meets = results["nit"]["p95_ratio"] <= TARGET_NIT_P95_RATIO
    print(
        f"NIT lookup ORM p95 / SQL p95 = {results['nit']['p95_ratio']:.2f} "
        f"(target ≤ {TARGET_NIT_P95_RATIO}): {'met' if meets else 'NOT met'}"
    )

    path = write_json(
        "registry_lookup",
        {
            "rows": rows,
            "loading": loading,
            "samples": args.samples,
            "lookups": results,
            "broad_name_searches": broad,
            "target_nit_p95_ratio": TARGET_NIT_P95_RATIO,
            "meets_target": meets,
            "plans": plans(keys),
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
