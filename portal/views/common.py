"""Pieces every portal view uses: the citizen decorator, session limits, error display."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from portal.models import CitizenAccount
from portal.services.accounts import citizen_account_of
from rut_portal.errors import DomainError, InvalidData

# Sessions end after 30 minutes without activity and, in any case, 12 hours after signing in.
IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 12 * 60 * 60
SIGNED_IN_AT = "portal_signed_in_at"
SEEN_AT = "portal_seen"
TOUCH_SECONDS = 60

CitizenView = Callable[..., HttpResponseBase]


def start_session(request: HttpRequest) -> None:
    request.session[SIGNED_IN_AT] = int(time.time())
    request.session.set_expiry(IDLE_SECONDS)


def citizen_required(view: CitizenView) -> CitizenView:
    """Let in only a signed-in citizen; pass their account to the view as its second argument."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        account = citizen_account_of(request.user)
        if account is None:
            return _to_login(request)
        started = int(request.session.get(SIGNED_IN_AT, 0))
        if time.time() - started > ABSOLUTE_SECONDS:
            logout(request)
            messages.info(request, _("Su sesión terminó por seguridad. Ingrese de nuevo."))
            return _to_login(request)
        # Touching the session saves it, which renews its idle expiry. At most once a minute, so
        # browsing writes no row per page; the idle limit is exact to that minute.
        now = int(time.time())
        if now - int(request.session.get(SEEN_AT, 0)) >= TOUCH_SECONDS:
            request.session[SEEN_AT] = now
        return view(request, account, *args, **kwargs)

    return wrapper


def _to_login(request: HttpRequest) -> HttpResponseBase:
    """To the sign-in page, back here afterwards (reversed only then: not on every page)."""
    login_url = reverse("portal:login")
    return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Put a service's refusal next to the field it names (or at the top of the form)."""
    if isinstance(error, InvalidData):
        for name, errors in error.errors.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
        return
    form.add_error(error.field if error.field in form.fields else None, error.message)


def account_context(account: CitizenAccount | None) -> dict[str, Any]:
    return {"account": account}
