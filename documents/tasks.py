"""Render documents on the dedicated "pdf" queue, away from web requests and other jobs.

WeasyPrint takes a good fraction of a CPU-second per document, so these tasks run in their own
worker pool: `celery -A rut_portal worker -Q pdf -c 2 -n pdf@%h`. Each takes ids, loads the
source and calls one service; a second run for the same content finds the stored file and
renders nothing (render once per content), so retries and duplicate deliveries are harmless.

Callers use the queue_* functions, which send after commit and name the queue explicitly.
(Celery 5.5+ deprecates the `queue` task attribute in favour of task_routes; settings should
also route "documents.tasks.*" to "pdf" so a bare .delay() lands there too.)
"""

from __future__ import annotations

from celery import shared_task

PDF_QUEUE = "pdf"
_OPTIONS = {"acks_late": True, "ignore_result": True}


@shared_task(**_OPTIONS)
def render_formulario_001(form_version_id: int, copy: bool = False) -> str:
    """Formulario 001 of a version (Certificado, or Copia Certificado when copy)."""
    from documents.services import formulario_001_pdf
    from registry.models import FormVersion

    version = FormVersion.objects.select_related("registrant").get(pk=form_version_id)
    return formulario_001_pdf(version, copy=copy).code


@shared_task(**_OPTIONS)
def render_official_format(official_format_id: int) -> str:
    from documents.services import official_format_pdf
    from procedures.models import OfficialFormat

    official_format = OfficialFormat.objects.select_related("case__seccional", "created_by").get(
        pk=official_format_id
    )
    return official_format_pdf(official_format).code


@shared_task(**_OPTIONS)
def render_communication(communication_id: int) -> str:
    from documents.services import communication_pdf
    from procedures.models import Communication

    communication = Communication.objects.select_related(
        "case__seccional", "case__decided_by", "seccional"
    ).get(pk=communication_id)
    return communication_pdf(communication).code


@shared_task(**_OPTIONS)
def render_cancellation_resolution(case_id: int) -> str:
    from documents.services import cancellation_resolution_pdf
    from procedures.models import Case

    case = Case.objects.select_related("seccional", "decided_by", "prepared_by").get(pk=case_id)
    return cancellation_resolution_pdf(case).code


@shared_task(ignore_result=True)
def reconcile_renders() -> dict[str, int]:
    """Periodic safety net: queue again the renders whose stored document is missing."""
    from documents.reconciler import requeue_missing_renders

    return requeue_missing_renders()


def queue_formulario_001(form_version_id: int, *, copy: bool = False) -> None:
    """After commit, render a Formulario 001 on the pdf queue."""
    render_formulario_001.apply_async_on_commit(
        args=(form_version_id,), kwargs={"copy": copy}, queue=PDF_QUEUE
    )


def request_formulario_001(form_version_id: int, *, copy: bool) -> None:
    """Render a Formulario 001 now on the pdf queue (in-process when there is no worker), at
    most once a minute per version: a page polling for it must not queue it at every visit."""
    from django.core.cache import cache

    if cache.add(f"pdf-requested:{form_version_id}:{int(copy)}", 1, timeout=60):
        render_formulario_001.apply_async(
            args=(form_version_id,), kwargs={"copy": copy}, queue=PDF_QUEUE
        )


def queue_official_format(official_format_id: int) -> None:
    render_official_format.apply_async_on_commit(args=(official_format_id,), queue=PDF_QUEUE)


def queue_communication(communication_id: int) -> None:
    render_communication.apply_async_on_commit(args=(communication_id,), queue=PDF_QUEUE)


def queue_cancellation_resolution(case_id: int) -> None:
    render_cancellation_resolution.apply_async_on_commit(args=(case_id,), queue=PDF_QUEUE)
