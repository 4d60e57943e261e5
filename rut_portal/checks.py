"""Deployment checks of the browser-facing protections: `check --deploy` fails without them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

CSP_MIDDLEWARE = "csp.middleware.CSPMiddleware"
NO_STORE_MIDDLEWARE = "rut_portal.security_headers.NoStoreForSignedInMiddleware"
UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "*")


@register(Tags.security, deploy=True)
def check_browser_protections(**kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if CSP_MIDDLEWARE not in settings.MIDDLEWARE:
        errors.append(
            Error(
                "No Content-Security-Policy: django-csp's middleware is not installed.",
                hint=f"Add {CSP_MIDDLEWARE!r} to MIDDLEWARE.",
                id="rut_portal.E001",
            )
        )
    directives = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    directives = directives.get("DIRECTIVES", {})
    scripts = directives.get("script-src") or directives.get("default-src") or []
    if not scripts or any(source in UNSAFE for source in scripts):
        errors.append(
            Error(
                "The Content-Security-Policy lets inline or foreign scripts run.",
                hint="script-src must be set and allow neither 'unsafe-inline' nor '*'.",
                id="rut_portal.E002",
            )
        )
    if NO_STORE_MIDDLEWARE not in settings.MIDDLEWARE:
        errors.append(
            Error(
                "Pages for signed-in people may be cached: Cache-Control: no-store is not set.",
                hint=f"Add {NO_STORE_MIDDLEWARE!r} to MIDDLEWARE.",
                id="rut_portal.E003",
            )
        )
    return errors
