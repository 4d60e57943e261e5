from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from documents.reconciler import requeue_missing_renders


class Command(BaseCommand):
    help = (
        "Queue again every PDF render whose stored document is missing (official formats, "
        "communications, cancellation resolutions older than ten minutes); beat runs it every "
        "15 minutes as documents.tasks.reconcile_renders. Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        queued = requeue_missing_renders()
        self.stdout.write(
            "renders queued: {official_formats} official formats, {communications} "
            "communications, {resolutions} resolutions".format(**queued)
        )
