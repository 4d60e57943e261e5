"""Run or resume approved mass changes without a Celery worker (e.g. after a crash)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mass_changes.models import MassChange
from mass_changes.services import run_mass_change


class Command(BaseCommand):
    help = "Aplica (o reanuda) los lotes de cambio masivo aprobados o en ejecución."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("batch", nargs="*", type=int, help="ids de lote (todos si se omite)")

    def handle(self, *args: Any, **options: Any) -> None:
        pending = MassChange.objects.filter(
            state__in=[MassChange.State.APPROVED, MassChange.State.RUNNING]
        )
        if options["batch"]:
            pending = pending.filter(pk__in=options["batch"])
        for pk in pending.order_by("pk").values_list("pk", flat=True):
            batch = run_mass_change(pk)
            self.stdout.write(
                f"{batch}: {batch.get_state_display()}, {batch.changed} cambiados, "
                f"{batch.skipped} omitidos"
            )
