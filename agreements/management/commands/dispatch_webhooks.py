"""Queue new change-feed events for every webhook and send the deliveries due, in this process.

The same job beat runs every WEBHOOK_DISPATCH_SECONDS (agreements.tasks.dispatch_webhooks_task);
running both is harmless: a delivery is claimed by one of them at a time.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand

from agreements.webhooks import attempt_delivery, dispatch_webhooks


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        outcomes = Counter(
            attempt_delivery(delivery_id).state for delivery_id in dispatch_webhooks()
        )
        summary = ", ".join(f"{state}: {n}" for state, n in sorted(outcomes.items())) or "nada"
        self.stdout.write(f"Entregas intentadas: {sum(outcomes.values())} ({summary})")
