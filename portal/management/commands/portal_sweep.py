from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from portal.services.appointments import sweep


class Command(BaseCommand):
    help = (
        "The citizen portal's periodic job (also a Celery task, portal.tasks.sweep_portal): "
        "open the videoatención agenda of the next business days and purge old sign-in "
        "counters. Idempotent. Appointment reminders are swept by the deadlines app."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = sweep()
        self.stdout.write(
            "slots opened: {slots_opened}; counters purged: {counters_purged}".format(**result)
        )
