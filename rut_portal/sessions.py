"""Django's database sessions, read with one statement compiled once per process.

Every signed-in request reads its session row; through `Session.objects.get()` building that
SELECT cost more worker CPU than everything else the officials' or citizens' middleware does.
Writing, expiry and clearing are Django's own (SESSION_ENGINE = "rut_portal.sessions").
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from rut_portal.prepared import KEY, Prepared

# Stand-ins for the key and the clock: no session key has a space, no session expired in 1901.
_NOW = datetime(1901, 1, 1, tzinfo=UTC)

_SESSION_DATA = Prepared(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now).values_list(
        "session_data"
    ),
    KEY,
    _NOW,
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        """The unexpired row of this key (only its data is read), or None, forgetting the key
        as Django's does."""
        key = self.session_key
        rows = _SESSION_DATA.rows(key, timezone.now()) if key else []
        if not key or not rows:
            self._session_key = None
            return None
        return Session(session_key=key, session_data=rows[0][0])
