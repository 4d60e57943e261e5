"""Counting failed attempts per typed identifier and per address, in the database.

Counters live in PostgreSQL (or SQLite) rather than a per-process cache, so every web worker
sees the same numbers. An attempt is counted *before* it is checked: under concurrent requests
at most the limit get through, never more.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from portal.models import ThrottleCounter

WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Limit:
    scope: str
    max_hits: int


# NIST SP 800-63B 5.2.2 allows at most 100 consecutive failures per account; we are stricter
# and, instead of locking the account, make the typed document wait out the window (the owner
# can always get in at once through recovery, which clears the counter).
LOGIN_PER_DOCUMENT = Limit("login_doc", 5)
LOGIN_PER_ADDRESS = Limit("login_ip", 30)
# Requests that send an email (sign-up, recovery): per address.
EMAILS_PER_ADDRESS = Limit("email_ip", 20)
# Code pages (activation, recovery) per address: a guesser's own budget across documents.
CODES_PER_ADDRESS = Limit("code_ip", 50)


def _key(value: str) -> str:
    # Documents and addresses are personal data: only their hash is stored.
    return hashlib.sha256(value.encode()).hexdigest()


def _window_start(now: datetime) -> datetime:
    seconds = int(WINDOW.total_seconds())
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo or UTC)


def hit(limit: Limit, value: str, *, now: datetime | None = None) -> int:
    """Count one attempt and return the window's total including it (one atomic UPDATE)."""
    now = now or timezone.now()
    start = _window_start(now)
    key = _key(value)
    with transaction.atomic():
        counter, _ = ThrottleCounter.objects.get_or_create(
            scope=limit.scope, key=key, window_start=start
        )
        ThrottleCounter.objects.filter(pk=counter.pk).update(hits=F("hits") + 1)
        counter.refresh_from_db(fields=["hits"])
    return counter.hits


def exceeded(limit: Limit, value: str, *, now: datetime | None = None) -> bool:
    """Whether the window's count is already over the limit (without counting)."""
    now = now or timezone.now()
    total = ThrottleCounter.objects.filter(
        scope=limit.scope, key=_key(value), window_start=_window_start(now)
    ).aggregate(n=Sum("hits"))["n"]
    return (total or 0) > limit.max_hits


def release(limit: Limit, value: str, *, now: datetime | None = None) -> None:
    """Give back one counted attempt (it turned out to be a success)."""
    now = now or timezone.now()
    ThrottleCounter.objects.filter(
        scope=limit.scope, key=_key(value), window_start=_window_start(now), hits__gt=0
    ).update(hits=F("hits") - 1)


def reset(limit: Limit, value: str) -> None:
    ThrottleCounter.objects.filter(scope=limit.scope, key=_key(value)).delete()


def minutes_left(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    end = _window_start(now) + WINDOW
    return max(1, int((end - now).total_seconds() // 60) + 1)


def purge(*, now: datetime | None = None) -> int:
    """Delete counters of past windows; returns how many."""
    now = now or timezone.now()
    deleted, _ = ThrottleCounter.objects.filter(window_start__lt=_window_start(now)).delete()
    return deleted
