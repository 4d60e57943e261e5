"""What both benchmarks share: Django set-up on PostgreSQL, percentiles, and the JSON report."""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def setup_django() -> None:
    """Configure Django like manage.py does; refuse to run on anything but PostgreSQL."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rut_portal.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("The benchmarks measure PostgreSQL: set DATABASE_URL=postgres://.../rut_bench")
    # Production runs with DEBUG off; with it on, every query of both the ORM and the bare-SQL
    # side would also be appended to connection.queries, which is not what we measure.
    settings.DEBUG = False


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of unsorted values (fraction in 0..1)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def latency_summary_ms(seconds: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(seconds, 0.50) * 1000, 3),
        "p95_ms": round(percentile(seconds, 0.95) * 1000, 3),
        "samples": len(seconds),
    }


def environment() -> dict[str, Any]:
    """Where the figures come from: commit, machine and server."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), current_database()")
        version, database = cursor.fetchone()
        cursor.execute("SHOW synchronous_commit")
        synchronous_commit = cursor.fetchone()[0]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": commit,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        # Over 1, 5 and 15 minutes when the report is written: others' work on the machine.
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "postgresql": version.split(" on ")[0],
        "database": database,
        "synchronous_commit": synchronous_commit,
    }


def write_json(name: str, report: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"environment": environment(), **report}, indent=2) + "\n")
    return path
