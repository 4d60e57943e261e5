"""Process every death feed that is not finished: runs without a broker, and is idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from agreements.death_feed import process_death_feed
from agreements.models import DeathFeedUpload


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        pending = DeathFeedUpload.objects.filter(
            state__in=[DeathFeedUpload.State.RECEIVED, DeathFeedUpload.State.PROCESSING]
        ).values_list("pk", flat=True)
        for upload_id in list(pending):
            upload = process_death_feed(upload_id)
            self.stdout.write(
                f"{upload.pk} {upload.original_name}: {upload.processed_rows}/{upload.total_rows}"
                f" filas, {upload.cases_created} trámites, estado {upload.state}"
            )
