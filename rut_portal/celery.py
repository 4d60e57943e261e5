import os
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rut_portal.settings")

app = Celery("rut_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def schedule_periodic_jobs(sender: Celery, **kwargs: Any) -> None:
    """The beat schedule, kept here and only here. Run exactly one beat: two would sweep twice
    as often (harmless, the sweep is idempotent, but wasteful)."""
    from django.conf import settings

    sender.conf.beat_schedule = {
        # Legal deadlines: claim the due ones and run their actions (deadlines/services.py).
        "sweep-deadlines": {
            "task": "deadlines.tasks.sweep_deadlines",
            "schedule": float(settings.DEADLINE_SWEEP_SECONDS),
        },
        # Safety net: deadlines missing for provisional NITs and open cases.
        "backfill-deadlines": {
            "task": "deadlines.tasks.backfill_deadlines",
            "schedule": 3600.0,
        },
        # PDFs: queue again the renders a lost broker message never ran (documents/reconciler.py).
        "reconcile-renders": {"task": "documents.tasks.reconcile_renders", "schedule": 900.0},
        # Citizen portal: open the videoatención agenda ahead, drop old sign-in counters.
        "sweep-portal": {"task": "portal.tasks.sweep_portal", "schedule": 3600.0},
        # Agreements: queue new change-feed events for webhooks, send the deliveries due.
        "dispatch-webhooks": {
            "task": "agreements.tasks.dispatch_webhooks_task",
            "schedule": float(settings.WEBHOOK_DISPATCH_SECONDS),
        },
        # Open statistics (/estadisticas/): the page only reads what this computes.
        "publish-statistics": {
            "task": "open_data.tasks.publish_statistics",
            "schedule": float(settings.OPEN_DATA_PUBLISH_SECONDS),
        },
    }
