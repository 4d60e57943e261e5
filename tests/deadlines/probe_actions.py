"""A test-only deadline action. The Celery workers and sweep commands that the integration tests
start import this module, so "test_probe" is registered in them too.

The probe writes one row to deadlines_probe inside the action's transaction: the number of rows
per deadline is the number of times its action committed. With payload["sleep"] it first notes
its start in payload["started_file"] (outside any transaction) and sleeps, but only the first
time, so a test can kill the worker in the middle of it.
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path

from django.db import connection

from deadlines.actions import deadline_action
from deadlines.models import Deadline

PROBE_TABLE = "deadlines_probe"


@deadline_action("test_probe")
def probe(deadline: Deadline, now: datetime) -> str:
    started_file = deadline.payload.get("started_file")
    if started_file:
        path = Path(started_file)
        first_start = not path.exists()
        with path.open("a") as started:
            started.write(f"{os.getpid()}\n")
        if first_start:
            time.sleep(deadline.payload.get("sleep", 0))
    else:
        time.sleep(deadline.payload.get("sleep", 0))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {PROBE_TABLE} (deadline_id, pid) VALUES (%s, %s)",
            [deadline.pk, os.getpid()],
        )
    return "probe"
