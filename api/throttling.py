"""Rate limits: the public RUT lookup is open to anyone, so it is limited per client address;
the change feed, made for polling, per entity."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from agreements.models import ApiToken
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


class EntityFeedThrottle(SimpleRateThrottle):
    """Polling the change feed: 120 requests a minute per entity, whichever token it uses."""

    scope = "events"
    rate = "120/minute"

    def get_rate(self) -> str:
        return self.rate

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token = request.auth
        if not isinstance(token, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.entity_id}
