"""The first "copia del RUT" click after a new Formulario 001 version, with a real pdf worker.

Starts a Celery worker on the pdf queue, then --rounds times: issues a new version of the demo
citizen's RUT (suspension and lifting, alternately, through registry.services.states), waits
--think seconds (the citizen reading the page that told them), and times the first GET of
/mi-rut/rut.pdf signed in as that citizen. Prints p50/p95 of the click (target p95 ≤ 300 ms),
how many clicks got the PDF (200) or the "preparando" page (202), and the worker's render time.
Writes bench/results/first_click.json.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/rut_http_bench   # after http_load.py
    export REDIS_URL=redis://127.0.0.1:6379/2                                # the pdf queue
    python bench/first_click.py --rounds 20 --think 3
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, latency_summary_ms, setup_django, write_json  # noqa: E402

TARGET_P95_MS = 300.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--think", type=float, default=3.0, help="seconds before the click")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL: the versions are rendered by a worker on the pdf queue.")
    setup_django()

    from django.test import Client

    from demo.portal import DOCUMENT_NUMBER, DOCUMENT_TYPE
    from demo.registry import DEMO_PASSWORD
    from documents.models import StoredDocument
    from registry.selectors import registrant_by_document
    from registry.services.states import change_state

    registrant = registrant_by_document(DOCUMENT_TYPE, DOCUMENT_NUMBER)
    if registrant is None:
        sys.exit("Load the demo data first (bench/http_load.py or manage.py load_demo_data).")
    worker = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "rut_portal", "worker", "-Q", "pdf"),
            *("-c", "1", "-n", f"pdf-bench-{os.getpid()}@%h", "-l", "WARNING"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
        ],
        cwd=ROOT,
    )
    client = Client(HTTP_HOST="127.0.0.1")
    signed_in = client.post(
        "/mi-rut/ingresar/",
        {
            "document_type": DOCUMENT_TYPE,
            "document_number": DOCUMENT_NUMBER,
            "password": DEMO_PASSWORD,
        },
    )
    assert signed_in.status_code == 302, signed_in.status_code
    clicks: list[float] = []
    statuses: list[int] = []
    try:
        # Warm both sides: this process's first page and the worker's first render (fonts).
        client.get("/mi-rut/")
        change_state(registrant, transition_name="suspend", by=None, reason="Bench warm-up")
        time.sleep(10)
        client.get("/mi-rut/rut.pdf")
        for n in range(args.rounds):
            registrant.refresh_from_db()
            transition = "lift_suspension" if registrant.state == "suspended" else "suspend"
            change_state(registrant, transition_name=transition, by=None, reason=f"Bench {n}")
            time.sleep(args.think)
            began = time.perf_counter()
            response = client.get("/mi-rut/rut.pdf")
            if response.status_code == 200:
                b"".join(response.streaming_content)  # type: ignore[attr-defined]
            clicks.append(time.perf_counter() - began)
            statuses.append(response.status_code)
            print(f"  click {n + 1}: {response.status_code} in {clicks[-1] * 1000:.0f} ms")
    finally:
        registrant.refresh_from_db()
        if registrant.state == "suspended":  # leave the demo citizen's RUT active
            change_state(registrant, transition_name="lift_suspension", by=None, reason="Bench")
        worker.terminate()
        worker.wait(timeout=30)
    renders = list(
        StoredDocument.objects.filter(form_version__registrant=registrant)
        .order_by("-id")
        .values_list("render_ms", flat=True)[: args.rounds]
    )
    summary = latency_summary_ms(clicks)
    report = {
        "settings": vars(args),
        "click": summary,
        "served_pdf": statuses.count(200),
        "preparing_page": statuses.count(202),
        "worker_render_ms": sorted(renders),
        "target_p95_ms": TARGET_P95_MS,
    }
    print(
        f"\nfirst click: p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms "
        f"(target ≤ {TARGET_P95_MS:.0f}); PDF {statuses.count(200)}, "
        f"preparando {statuses.count(202)} of {len(statuses)}; "
        f"worker render median {sorted(renders)[len(renders) // 2] if renders else '-'} ms"
    )
    print(f"Wrote {write_json('first_click', report)}")


if __name__ == "__main__":
    main()
