"""Background jobs of the agreements API: they take ids and call one service."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from agreements.death_feed import process_death_feed
from agreements.webhooks import attempt_delivery, dispatch_webhooks


# A lost database connection is worth retrying: the feed resumes after its last committed batch.
@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=30,
    max_retries=5,
    acks_late=True,
)
def process_death_feed_task(upload_id: int) -> str:
    """Turn a stored death feed into cases and report lines; a redelivery resumes, never repeats."""
    return process_death_feed(upload_id).state


@shared_task
def dispatch_webhooks_task() -> int:
    """Queue new change-feed events for every endpoint and send each delivery due in its task."""
    ids = dispatch_webhooks()
    for delivery_id in ids:
        deliver_webhook_task.delay_on_commit(delivery_id)
    return len(ids)


# No autoretry: a failed POST is logged and rescheduled with backoff by attempt_delivery, and
# the next dispatch sends it again when due; a lost worker's claim lapses the same way.
@shared_task(acks_late=True)
def deliver_webhook_task(delivery_id: int) -> str:
    """POST one webhook delivery once and log the attempt."""
    return attempt_delivery(delivery_id).state
