"""Run the deadline sweep once, here and now, without Celery beat (idempotent)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from deadlines.services import BATCH_SIZE, backfill_deadlines, sweep_due_deadlines


class Command(BaseCommand):
    help = (
        "Run every due legal deadline's action (the same sweep Celery beat runs every minute). "
        "With --backfill, first create the deadlines missing for provisional NITs and open cases. "
        "With --every N, sweep again every N seconds until stopped (beat for the embedded default)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--backfill", action="store_true", help="create missing deadlines")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--every", type=float, metavar="SECONDS", help="repeat until stopped")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["backfill"]:
            created = backfill_deadlines()
            summary = ", ".join(f"{rule}: {n}" for rule, n in sorted(created.items()))
            self.stdout.write(f"Backfill: {sum(created.values())} created ({summary or '-'})")
        while True:
            report = sweep_due_deadlines(batch_size=options["batch_size"])
            if report.claimed or not options["every"]:
                outcomes = ", ".join(f"{name}: {n}" for name, n in sorted(report.outcomes.items()))
                self.stdout.write(f"Sweep: {report.claimed} claimed ({outcomes or '-'})")
            if not options["every"]:
                return
            time.sleep(options["every"])
