"""System checks of the documents app.

Every document prints SITE_URL in its text and in its QR code (the address where anyone checks
that the document is authentic). Left at its development default, or pointing at this machine,
the documents a production site issues would send people to http://localhost:8000; so
``check --deploy`` refuses it whenever DEBUG is false.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})


def site_url_problem(site_url: str) -> str | None:
    """Why ``site_url`` cannot be the public address printed on documents, or None if it can."""
    if not site_url:
        return "SITE_URL is not set"
    parts = urlsplit(site_url)
    host = (parts.hostname or "").lower()
    if not host:
        return f"SITE_URL {site_url!r} has no host name"
    if host in LOCAL_HOSTS or host.endswith(".localhost"):
        return f"SITE_URL {site_url!r} points at this machine, not at the public site"
    if parts.scheme != "https":
        return f"SITE_URL {site_url!r} must use https"
    return None


@register(deploy=True)
def check_site_url(**kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    problem = site_url_problem(getattr(settings, "SITE_URL", ""))
    if problem is None:
        return []
    return [
        Error(
            problem,
            hint=(
                "Set SITE_URL to the public https address of the portal, e.g. "
                "https://rut.example.co: it is printed in every document and its QR code."
            ),
            id="documents.E001",
        )
    ]
