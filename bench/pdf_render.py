"""Cost of rendering a Formulario 001 with WeasyPrint, against a minimal one-page document.

Renders, in the same process and interleaved round by round:
- `minimal`: one heading and one paragraph through the same pipeline (documents.rendering:
  shipped font, cached stylesheet and font configuration, the static-only fetcher);
- `minimal_naive`: the same HTML through bare `weasyprint.HTML(string=...).write_pdf()`
  (system fonts, nothing cached), the cost most WeasyPrint users would call "one page";
- `formulario_001`: a persona natural, one page (hoja 1 with the legend, QR and code);
- `formulario_001_legal`: a sociedad with representation, partners, revisor/contador and
  establishments (hoja 1 plus hojas 3-6 on a second page);
- `blocks_100`: a reference page of 100 plain one-line <div> blocks through the same pipeline:
  (blocks_100 - minimal) / 100 is what WeasyPrint spends per block of text, the unit the
  form is made of (a casilla is three blocks: the casilla, its label and its value).
Each Formulario 001 goes the whole way the service goes except storage: context from the
snapshot, content key, verification code, template, PDF bytes.

Then a batch of distinct Formularios 001 (persona natural) on 1 and on 2 worker processes,
as a "pdf" Celery pool with concurrency 2 would run them: documents per second.

Prints the figures and writes bench/results/pdf_render.json. Needs no database: the form
versions are built in memory.

    python bench/pdf_render.py                 # 30 rounds, batch of 60
    python bench/pdf_render.py --rounds 50 --batch 120
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_RATIO = 3.0
BLOCKS = 100
MINIMAL_HTML = (
    '<!DOCTYPE html><html lang="es-CO"><head><meta charset="utf-8"><title>Mínimo</title>'
    "</head><body><h1>Documento mínimo</h1><p>Una página con un párrafo de texto, el documento "
    "más simple que WeasyPrint puede producir.</p></body></html>"
)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rut_portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # WeasyPrint logs every step at INFO
    import django

    django.setup()


def _snapshot(n: int, *, legal: bool) -> dict[str, Any]:
    """A realistic Formulario 001 snapshot (registry.snapshots keys)."""
    identification = {
        "5": str(79_000_000 + n) if not legal else str(901_000_000 + n),
        "6": str(n % 10),
        "24": "1" if legal else "2",
        "25": "" if legal else "13",
        "25_label": "" if legal else "Cédula de ciudadanía",
        "26": "" if legal else str(79_000_000 + n),
        "27": None if legal else "2000-01-15",
        "28": "" if legal else "BOGOTÁ, D.C.",
        "31": "" if legal else "PÉREZ",
        "32": "" if legal else "GÓMEZ",
        "33": "" if legal else "JUAN",
        "34": "" if legal else "CARLOS",
        "35": f"COMERCIALIZADORA ANDINA {n} S.A.S." if legal else "",
        "36": "TIENDA ANDINA" if legal else "",
        "37": "CA" if legal else "",
        "display_name": f"COMERCIALIZADORA ANDINA {n} S.A.S."
        if legal
        else "JUAN CARLOS PÉREZ GÓMEZ",
    }
    people = [
        {
            "role": "legal_rep",
            "role_label": "Representante legal",
            "document_type": "13",
            "document_number": "43000001",
            "name": "LUZ MARINA ROJAS",
            "professional_card": "",
            "since": "2024-03-01",
        },
        {
            "role": "accountant",
            "role_label": "Contador",
            "document_type": "13",
            "document_number": "71000002",
            "name": "ADRIANA ROJAS RODRÍGUEZ",
            "professional_card": "247201-T",
            "since": "2024-03-01",
        },
    ]
    return {
        "kind": "PJ" if legal else "PN",
        "kind_label": "Persona jurídica (sociedades y asimiladas)" if legal else "Persona natural",
        "state": "active",
        "state_label": "Activo",
        "seccional": {"code": "32", "name": "Dirección Seccional de Impuestos de Bogotá"},
        "identification": identification,
        "location": {
            "38": "CO",
            "39": "BOGOTÁ, D.C.",
            "39_code": "11",
            "40": "BOGOTÁ, D.C.",
            "40_code": "11001",
            "41": "CL 26 69 76 TO 3 OF 1201",
            "42": f"persona{n}@example.co",
            "43": "111071",
            "44": "3001234567",
            "45": "6017428973",
        },
        "activities": [
            {
                "role": "principal",
                "code": "6201",
                "name": "Actividades de desarrollo de sistemas informáticos",
                "started_on": "2020-01-01",
            },
            {
                "role": "secondary",
                "code": "7020",
                "name": "Actividades de consultoría de gestión",
                "started_on": "2021-06-15",
            },
        ],
        "responsibilities": [
            {"code": "05", "name": "Impuesto sobre la renta y complementarios régimen ordinario"},
            {"code": "48", "name": "Impuesto sobre las ventas - IVA"},
        ],
        "customs_qualities": [],
        "representatives": people if legal else [],
        "partners": [
            {
                "document_type": "13",
                "document_number": "80000001",
                "nit": "",
                "name": "SOCIO UNO",
                "nationality": "CO",
                "share_percentage": "60.000",
                "since": "2024-03-01",
            },
            {
                "document_type": "31",
                "document_number": "900373913",
                "nit": "900373913",
                "name": "SOCIA S.A.S.",
                "nationality": "FR",
                "share_percentage": "40.000",
                "since": "2024-03-01",
            },
        ]
        if legal
        else [],
        "establishments": [
            {
                "kind_code": "02",
                "name": "SEDE NORTE",
                "activity": "6201",
                "department": "11",
                "municipality": "11001",
                "municipality_name": "BOGOTÁ, D.C.",
                "address": "CR 15 93 47",
                "phone": "6016543210",
                "opened_on": "2024-04-02",
            },
        ]
        if legal
        else [],
        "formalized_at": "2024-03-05T10:00:00-05:00",
        "provisional_nit_issued_at": None,
    }


def _version(n: int, *, legal: bool) -> Any:
    from datetime import datetime as dt
    from zoneinfo import ZoneInfo

    from registry.models import FormVersion

    return FormVersion(
        form_number=f"{140_000_000_000 + n}",
        version=1,
        concept=FormVersion.Concept.REGISTRATION,
        state="active",
        snapshot=_snapshot(n, legal=legal),
        created_at=dt(2024, 3, 5, 10, 0, tzinfo=ZoneInfo("America/Bogota")),
    )


def render_formulario(n: int, legal: bool = False) -> int:
    """The service's path without storage: spec, key, code, template, PDF. Returns bytes."""
    from documents.codes import verification_code
    from documents.contexts import formulario_001_spec
    from documents.rendering import render_pdf
    from documents.services import _document_context, content_key

    spec = formulario_001_spec(_version(n, legal=legal), copy=False)
    code = verification_code(content_key(spec))
    rendered = render_pdf(spec.template, {**spec.context, "doc": _document_context(spec, code)})
    return len(rendered.content)


def render_blocks(count: int) -> int:
    from documents.rendering import html_to_pdf

    blocks = "".join(f"<div>Casilla {n}. Un texto corto de una línea</div>" for n in range(count))
    return len(html_to_pdf(MINIMAL_HTML.replace("<h1>", blocks + "<h1>")).content)


def render_minimal() -> int:
    from documents.rendering import html_to_pdf

    return len(html_to_pdf(MINIMAL_HTML).content)


def render_minimal_naive() -> int:
    import weasyprint

    return len(weasyprint.HTML(string=MINIMAL_HTML).write_pdf())


def _timed(function: Callable[[], int]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure_single(rounds: int) -> dict[str, dict[str, float]]:
    cases: dict[str, Callable[[], int]] = {
        "minimal": render_minimal,
        "minimal_naive": render_minimal_naive,
        "formulario_001": lambda: render_formulario(1),
        "formulario_001_legal": lambda: render_formulario(2, legal=True),
        "blocks_100": lambda: render_blocks(BLOCKS),
    }
    for function in cases.values():  # warm-up: font loading, template compilation
        function()
        function()
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    names = list(cases)
    for round_number in range(rounds):
        order = names if round_number % 2 == 0 else list(reversed(names))
        for name in order:
            samples[name].append(_timed(cases[name]))
    return {
        name: {
            "median_wall_ms": round(statistics.median(w for w, _ in values) * 1000, 1),
            "median_cpu_ms": round(statistics.median(c for _, c in values) * 1000, 1),
            "min_cpu_ms": round(min(c for _, c in values) * 1000, 1),
            "samples": len(values),
        }
        for name, values in samples.items()
    }


def _worker_init() -> None:
    setup_django()
    render_formulario(0)  # warm the font configuration and templates before the clock starts


def measure_batch(workers: int, batch: int) -> dict[str, float]:
    context = multiprocessing.get_context("spawn")  # fresh interpreters, as Celery's pool
    with context.Pool(workers, initializer=_worker_init) as pool:
        pool.map(render_formulario, range(workers), chunksize=1)  # every worker is up
        started = time.perf_counter()
        pool.map(render_formulario, range(1000, 1000 + batch), chunksize=1)
        elapsed = time.perf_counter() - started
    return {
        "workers": workers,
        "documents": batch,
        "seconds": round(elapsed, 2),
        "documents_per_second": round(batch / elapsed, 2),
    }


def environment() -> dict[str, Any]:
    from importlib.metadata import version

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": commit,
        "python": platform.python_version(),
        "weasyprint": version("weasyprint"),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--batch", type=int, default=60)
    args = parser.parse_args()
    setup_django()

    single = measure_single(args.rounds)
    minimal = single["minimal"]
    form = single["formulario_001"]
    ratios = {
        "formulario_001_vs_minimal_wall": round(
            form["median_wall_ms"] / minimal["median_wall_ms"], 2
        ),
        "formulario_001_vs_minimal_cpu": round(form["median_cpu_ms"] / minimal["median_cpu_ms"], 2),
        "formulario_001_vs_minimal_naive_cpu": round(
            form["median_cpu_ms"] / single["minimal_naive"]["median_cpu_ms"], 2
        ),
        "formulario_001_legal_vs_minimal_cpu": round(
            single["formulario_001_legal"]["median_cpu_ms"] / minimal["median_cpu_ms"], 2
        ),
    }
    per_block_ms = round(
        (single["blocks_100"]["median_cpu_ms"] - minimal["median_cpu_ms"]) / BLOCKS, 3
    )
    batches = [measure_batch(1, args.batch), measure_batch(2, args.batch)]

    print(f"{'document':<24} {'median wall':>12} {'median CPU':>11} {'min CPU':>9}")
    for name, figures in single.items():
        print(
            f"{name:<24} {figures['median_wall_ms']:>9.1f} ms {figures['median_cpu_ms']:>8.1f} ms"
            f" {figures['min_cpu_ms']:>6.1f} ms"
        )
    for name, ratio in ratios.items():
        print(f"ratio {name}: {ratio}×")
    print(
        f"one plain one-line block costs {per_block_ms} ms CPU ((blocks_100 - minimal) / {BLOCKS})"
    )
    verdict = "met" if ratios["formulario_001_vs_minimal_cpu"] <= TARGET_RATIO else "NOT met"
    print(f"target ≤ {TARGET_RATIO}× (CPU, same pipeline): {verdict}")
    for figures in batches:
        print(
            f"batch on {figures['workers']} worker(s): {figures['documents']} Formularios 001 in "
            f"{figures['seconds']} s = {figures['documents_per_second']} documents/s"
        )
    report = {
        "environment": environment(),
        "rounds": args.rounds,
        "single_process": single,
        "ratios": ratios,
        "cpu_ms_per_plain_block": per_block_ms,
        "target_ratio": TARGET_RATIO,
        "target_met": verdict == "met",
        "batches": batches,
    }
    path = ROOT / "bench" / "results" / "pdf_render.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"written {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
