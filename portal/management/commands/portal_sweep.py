from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from portal.services.appointments import sweep


class Command(BaseCommand):
    help = (
        "The citizen portal's periodic job (also a Celery task, portal.tasks.sweep_portal): "
        "queue the one-hour appointment reminders due, open the videoatención agenda of the "
        "next business days, purge old sign-in counters. Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = sweep()
        self.stdout.write(
            "reminders queued: {reminders}; slots opened: {slots_opened}; "
            "counters purged: {counters_purged}".format(**result)
        )
