"""Celery job of the open statistics, queued by beat (rut_portal/celery.py)."""

from __future__ import annotations

from celery import shared_task

from open_data.services.statistics import publish_statistics as publish


@shared_task(acks_late=True, ignore_result=True)
def publish_statistics() -> int:
    """Recompute and publish every figure; returns the id of the new snapshot."""
    return publish().snapshot.pk
