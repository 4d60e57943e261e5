"""The client's address, the one every rate limit and sign-in lock counts by.

Behind the TLS proxy of the production topology REMOTE_ADDR is the proxy's address, the same
for every visitor. Each trusted proxy appends the address it received the request from to
X-Forwarded-For, so with TRUSTED_PROXIES = n the client is the n-th entry from the right.
Entries further left were written by the client and are never read: rotating them gives
nothing. With TRUSTED_PROXIES = 0 (no proxy) the header is ignored altogether.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request

UNKNOWN = "0.0.0.0"


def _valid(value: str) -> str | None:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request: HttpRequest | Request) -> str:
    """The address of whoever sent the request, as far as our own proxies vouch for it."""
    meta = request.META
    remote = _valid(meta.get("REMOTE_ADDR") or "") or UNKNOWN
    proxies: int = settings.TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [item for item in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if item.strip()]
    if not forwarded:
        # A trusted proxy always sets the header; without it the request did not come through.
        return remote
    # The rightmost `proxies` entries were appended by our proxies; the last of them (counting
    # from the right) is the address the outermost proxy saw, i.e. the client.
    chosen = forwarded[-min(proxies, len(forwarded))]
    return _valid(chosen) or remote
