"""Celery jobs of the deadlines app: thin wrappers around deadlines.services.

Beat (a single instance, see rut_portal/celery.py) queues sweep_deadlines every minute. It claims
the due rows and queues one run_due_deadline per row on commit. Every task is idempotent; with
acks_late and task_reject_on_worker_lost (settings) a task whose worker dies is delivered again,
and if the broker loses it instead, the row's lease runs out and the next sweep claims it again.
"""

from __future__ import annotations

from celery import shared_task

from deadlines import services


@shared_task(acks_late=True, ignore_result=True)
def sweep_deadlines() -> int:
    """Claim every due deadline and queue its action; returns how many were claimed."""
    return services.sweep_due_deadlines(dispatch=True).claimed


@shared_task(acks_late=True, ignore_result=True)
def run_due_deadline(deadline_id: int) -> str:
    """Run one deadline's action in its own transaction (a no-op if it is no longer pending)."""
    return services.run_deadline(deadline_id)


@shared_task(acks_late=True, ignore_result=True)
def backfill_deadlines() -> dict[str, int]:
    """Create the deadlines missing for provisional NITs and open cases."""
    return dict(services.backfill_deadlines())
