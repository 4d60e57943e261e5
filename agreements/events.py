"""The change feed of an agreement entity: inscriptions, state changes and updates of the
records it may see, read from the registry's append-only audit trail (docs/webhooks.md).

No event table is written: every change to a record already appends one AuditEntry, with the
Formulario 001 version it issued, in the same transaction. An event is that entry; its id is
the cursor.

Ids come from a sequence taken when the row is inserted, but transactions commit in any order:
entry 100 may become visible after 101. A reader that had moved past 101 would never see 100.
So the feed only hands out a prefix of entries older than EVENTS_SETTLE_SECONDS, and stops
before the first newer one. An entry is missed only if its transaction commits more than that
many seconds after writing it; the services that write audit entries change one record per
transaction and last milliseconds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce
from itertools import takewhile
from operator import or_
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.utils import timezone

from agreements.models import AgreementEntity, AgreementInscription, Scope
from procedures.models import Case
from registry.models import AuditEntry, Registrant
from registry.nit import format_nit


class EventType:
    INSCRIPTION = "inscription"
    STATE_CHANGE = "state_change"
    UPDATE = "update"


# Audit actions that are events, and their type. Pre-inscriptions (no NIT, not yet in the
# registry) and any action not named here stay out of the feed.
EVENT_TYPES: dict[str, str] = {
    "formalize": EventType.INSCRIPTION,
    "issue_provisional_nit": EventType.INSCRIPTION,
    "activate_provisional_nit": EventType.STATE_CHANGE,
    "lapse_provisional_nit": EventType.STATE_CHANGE,
    "suspend": EventType.STATE_CHANGE,
    "lift_suspension": EventType.STATE_CHANGE,
    "cancel": EventType.STATE_CHANGE,
    "reactivate": EventType.STATE_CHANGE,
    "update": EventType.UPDATE,
}


@dataclass
class EventPage:
    events: list[dict[str, Any]]
    next_cursor: int
    has_more: bool


def visible_audit_entries(entity: AgreementEntity) -> QuerySet[AuditEntry]:
    """Audit entries that are events for this entity, within its agreement.

    - Records it inscribed, while its agreement includes inscriptions (as /inscriptions/).
    - Records it filed a case about (orders, death feed), from the moment the case was received
      (as /cases/).
    Public entities' registry queries give no feed: each of those is a logged query with a
    purpose (art. 4 par. 2), and a feed would bypass that log.
    """
    inscribed = entity.has_scope(Scope.REGISTRATIONS)
    # One subquery of candidate records lets PostgreSQL join through the audit trail's
    # registrant index when the entity sees few records, instead of scanning it in id order.
    candidates = Q(cases__requester_user_id=entity.user_id)
    if inscribed:
        candidates |= Q(agreement_inscription__entity=entity)
    conditions: list[Q | Exists] = [
        Exists(
            Case.objects.filter(
                requester_user_id=entity.user_id,
                registrant_id=OuterRef("registrant_id"),
                received_at__lte=OuterRef("at"),
            )
        )
    ]
    if inscribed:
        conditions.append(
            Q(
                registrant_id__in=AgreementInscription.objects.filter(entity=entity).values(
                    "registrant_id"
                )
            )
        )
    return AuditEntry.objects.filter(
        reduce(or_, conditions),
        registrant_id__in=Registrant.objects.filter(candidates).values("pk"),
        action__in=EVENT_TYPES,
    )


def settled_before(now: datetime | None = None) -> datetime:
    """Entries written after this instant may still have earlier ids uncommitted."""
    return (now or timezone.now()) - timedelta(seconds=settings.EVENTS_SETTLE_SECONDS)


def events_after(
    entity: AgreementEntity, *, after: int, limit: int, now: datetime | None = None
) -> EventPage:
    """Up to `limit` events with id > `after`, in id order, all settled (see module docstring).

    The page stops before the first unsettled event, even when later ones are settled: ids
    follow inserts, not clocks, and handing out a later id would move the reader's cursor past
    an earlier one that may not have committed yet.
    """
    cutoff = settled_before(now)
    rows = list(
        _with_event_fields(visible_audit_entries(entity).filter(pk__gt=after)).order_by("pk")[
            : limit + 1
        ]
    )
    settled = list(takewhile(lambda row: row.at <= cutoff, rows))
    page = settled[:limit]
    return EventPage(
        events=[event_payload(row) for row in page],
        next_cursor=page[-1].pk if page else after,
        has_more=len(settled) > limit,
    )


def latest_event_id() -> int:
    """The newest audit id: where a new webhook endpoint starts."""
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _with_event_fields(queryset: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    # The NIT and name come from the Formulario 001 the change issued, not from the live record:
    # an event reads the same on every page and every delivery, however the record changes.
    return (
        queryset.select_related("form_version")
        .only(
            "pk",
            "action",
            "at",
            "from_state",
            "to_state",
            "case_number",
            "changes",
            "registrant_id",
            "form_version__form_number",
            "form_version__version",
        )
        .annotate(
            event_nit=_identification("5"),
            event_check_digit=_identification("6"),
            event_name=_identification("display_name"),
        )
    )


class _SnapshotText(KeyTextTransform):
    """A key of a snapshot's JSON, as text. SQLite's JSON path reads a key of digits (a casilla,
    "5") as an array index; here every key is an object key, as in PostgreSQL's path."""

    def as_sqlite(
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        lhs, params, keys = self.preprocess_lhs(compiler, connection)
        path = "$" + "".join(f".{json.dumps(key)}" for key in keys)
        return f"CAST(JSON_EXTRACT({lhs}, %s) AS TEXT)", (*params, path)


def _identification(casilla: str) -> KeyTextTransform:
    return _SnapshotText(casilla, KeyTransform("identification", "form_version__snapshot"))


def event_payload(entry: AuditEntry) -> dict[str, Any]:
    """The event as the feed and the webhooks send it (plain JSON, stable for an entry)."""
    form = entry.form_version
    nit = getattr(entry, "event_nit", "") or ""
    raw_digit = getattr(entry, "event_check_digit", "") or ""
    check_digit = int(raw_digit) if raw_digit.isdigit() else None
    return {
        "id": entry.pk,
        "type": EVENT_TYPES[entry.action],
        "action": entry.action,
        "occurred_at": timezone.localtime(entry.at).isoformat(),
        "registrant": {
            "nit": nit,
            "check_digit": check_digit,
            "formatted_nit": format_nit(nit, check_digit) if nit else "",
            "name": getattr(entry, "event_name", "") or "",
        },
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "form_number": form.form_number if form else "",
        "form_version": form.version if form else None,
        "case_number": entry.case_number,
        # Names only: the values stay behind the logged registry query (art. 4 par. 2).
        "changed_fields": sorted(entry.changes) if entry.action == "update" else [],
    }
