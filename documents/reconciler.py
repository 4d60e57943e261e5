"""Re-queue the renders a lost broker message never ran.

A render is queued after commit (documents.tasks). If Redis loses the message (a flush, a
crash before persistence) the source row stays without its StoredDocument and nothing would
ever render it. The reconciler finds every source that should have a document and has none,
past a grace period that leaves time for a normal render, and queues it again. Rendering is
once per content, so a render that was only slow, and is now queued twice, stores one document.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from documents.contexts.resolution import CANCELLATION_DONE
from documents.tasks import (
    queue_cancellation_resolution,
    queue_communication,
    queue_official_format,
)
from procedures.models import CANCELLATION_TYPES, Case, Communication, Decision, OfficialFormat

# Longer than a render waits in a busy pdf queue; shorter than anyone waits for a document.
GRACE = timedelta(minutes=10)
# At most this many of each kind per run: a long outage drains over a few runs.
BATCH = 500


def formats_without_document(cutoff: datetime) -> QuerySet[OfficialFormat]:
    return OfficialFormat.objects.filter(created_at__lt=cutoff, documents__isnull=True)


def communications_without_document(cutoff: datetime) -> QuerySet[Communication]:
    # The certified RUT sent abroad is a Formulario 001 attached by its email task, not a
    # letter of its own: it is never rendered as a communication.
    return Communication.objects.filter(created_at__lt=cutoff, documents__isnull=True).exclude(
        kind=Communication.Kind.CERTIFIED_RUT
    )


def cancellations_without_resolution(cutoff: datetime) -> QuerySet[Case]:
    return Case.objects.filter(
        case_type__in=CANCELLATION_TYPES,
        decision=Decision.GRANTED,
        state__in=CANCELLATION_DONE,
        decided_at__lt=cutoff,
        resolutions__isnull=True,
    )


def requeue_missing_renders(*, now: datetime | None = None) -> dict[str, int]:
    """Queue (after commit) every render whose stored document is missing; returns the counts."""
    cutoff = (now or timezone.now()) - GRACE
    formats = _first_ids(formats_without_document(cutoff))
    letters = _first_ids(communications_without_document(cutoff))
    cases = _first_ids(cancellations_without_resolution(cutoff))
    for pk in formats:
        queue_official_format(pk)
    for pk in letters:
        queue_communication(pk)
    for pk in cases:
        queue_cancellation_resolution(pk)
    return {
        "official_formats": len(formats),
        "communications": len(letters),
        "resolutions": len(cases),
    }


def _first_ids(
    rows: QuerySet[OfficialFormat] | QuerySet[Communication] | QuerySet[Case],
) -> list[int]:
    return list(rows.order_by("id").values_list("pk", flat=True)[:BATCH])
