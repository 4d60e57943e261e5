"""Rate limits: the public RUT lookup is open to anyone, so it is limited per client address."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from rut_portal import ratelimit
from rut_portal.client import client_address


class PublicLookupThrottle(BaseThrottle):
    """PUBLIC_LOOKUP_RATE (30 a minute) per client address, the budget /consulta-rut/ also
    draws on, counted in the shared cache (CACHE_URL in production)."""

    def get_ident(self, request: Request) -> str:
        # Never DRF's own reading of X-Forwarded-For: one function decides for every limit.
        return client_address(request)

    def allow_request(self, request: Request, view: Any) -> bool:
        self.last = ratelimit.hit(ratelimit.public_lookup_rate(), self.get_ident(request))
        return self.last.allowed

    def wait(self) -> float | None:
        return float(self.last.retry_after)
