"""Officials' sessions end after 30 minutes without activity and 12 hours after signing in
(ASVS 3.3.1, 3.3.2). Citizens have the same limits through portal.views.common."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _

IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 12 * 60 * 60
SIGNED_IN_AT = "staff_signed_in_at"
SEEN_AT = "staff_seen_at"
# The session is written at most once a minute for activity alone (one row update, not one
# per request); the idle limit is exact to that minute.
TOUCH_SECONDS = 60


def mark_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """user_logged_in receiver: the moment the absolute limit counts from."""
    if request is None or not getattr(user, "is_staff", False):
        return
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now
    request.session.set_expiry(IDLE_SECONDS)


class StaffSessionLimitsMiddleware:
    """Ends an official's session that was idle too long or began too long ago."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            expired = self._expired(request)
            if expired:
                logout(request)
                messages.info(request, expired)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)

    @staticmethod
    def _expired(request: HttpRequest) -> str | None:
        session = request.session
        now = int(time.time())
        started = int(session.get(SIGNED_IN_AT, 0))
        seen = int(session.get(SEEN_AT, 0))
        if not started:  # signed in before these limits existed: they start now
            started = seen = now
            session[SIGNED_IN_AT] = now
        if now - started > ABSOLUTE_SECONDS:
            return _("Su sesión llegó a su límite de 12 horas. Ingrese de nuevo.")
        if now - seen > IDLE_SECONDS:
            return _("Su sesión terminó tras 30 minutos sin actividad. Ingrese de nuevo.")
        if now - seen >= TOUCH_SECONDS or SEEN_AT not in session:
            session[SEEN_AT] = now
            session.set_expiry(IDLE_SECONDS)
        return None
