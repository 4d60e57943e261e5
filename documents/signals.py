"""The Formulario 001 copy of each new version is rendered ahead, on the pdf queue.

A citizen's first "copia del RUT" click then finds the file stored. Only versions saved one by
one send post_save: a bulk batch (bulk_create) renders nothing ahead, and its versions are
rendered on their first request instead (portal.views.documents.rut_pdf). Without a worker
(tasks run in-process) nothing is rendered ahead either: that would put WeasyPrint inside the
transaction that issued the version.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from registry.models import FormVersion


@receiver(post_save, sender=FormVersion, dispatch_uid="documents.render_new_form_version")
def render_new_form_version(
    sender: type[FormVersion], instance: FormVersion, created: bool, raw: bool = False, **kw: Any
) -> None:
    from documents.tasks import queue_formulario_001
    from rut_portal.celery import app

    if created and not raw and not app.conf.task_always_eager:
        queue_formulario_001(instance.pk, copy=True)
