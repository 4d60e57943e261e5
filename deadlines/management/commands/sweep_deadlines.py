"""Run the deadline sweep once, here and now, without Celery beat (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from deadlines.services import BATCH_SIZE, backfill_deadlines, sweep_due_deadlines


class Command(BaseCommand):
    help = (
        "Run every due legal deadline's action (the same sweep Celery beat runs every minute). "
        "With --backfill, first create the deadlines missing for provisional NITs and open cases."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--backfill", action="store_true", help="create missing deadlines")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["backfill"]:
            created = backfill_deadlines()
            summary = ", ".join(f"{rule}: {n}" for rule, n in sorted(created.items()))
            self.stdout.write(f"Backfill: {sum(created.values())} created ({summary or '-'})")
        report = sweep_due_deadlines(batch_size=options["batch_size"])
        outcomes = ", ".join(f"{name}: {n}" for name, n in sorted(report.outcomes.items()))
        self.stdout.write(f"Sweep: {report.claimed} claimed ({outcomes or '-'})")
