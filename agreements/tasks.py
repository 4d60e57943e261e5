"""Background jobs of the agreements API: they take ids and call one service."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from agreements.death_feed import process_death_feed


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
