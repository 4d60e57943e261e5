"""Background jobs of the agreements API: they take ids and call one service."""

from __future__ import annotations

from celery import shared_task

from agreements.death_feed import process_death_feed


@shared_task(bind=True, max_retries=5, default_retry_delay=30, acks_late=True)
def process_death_feed_task(self: object, upload_id: int) -> str:
    """Turn a stored death feed into cases and report lines; a redelivery resumes, never repeats."""
    return process_death_feed(upload_id).state
