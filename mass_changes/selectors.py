"""Reads of mass changes: which batches an official sees, and the sample the director reviews."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from accounts.scope import scope_to_seccional
from mass_changes.models import MassChange, MassChangeItem

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def batches_visible_to(user: User | AnonymousUser) -> QuerySet[MassChange]:
    """The batches of the official's seccional (the central level's, country-wide, to it only)."""
    return scope_to_seccional(MassChange.objects.all(), user).select_related(
        "seccional", "proposed_by", "decided_by", "responsibility"
    )


def batch_sample(batch: MassChange) -> QuerySet[MassChangeItem]:
    """The items drawn at random when the batch was proposed, with their inscritos (and, for an
    actualización de oficio, the responsibilities they hold)."""
    items = (
        MassChangeItem.objects.filter(batch=batch, position__in=batch.sample)
        .select_related("registrant", "registrant__seccional", "registrant__municipality")
        .order_by("position")
    )
    if batch.responsibility_id is not None:
        items = items.prefetch_related("registrant__responsibilities")
    return items
