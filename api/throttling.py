"""Rate limits: the public RUT lookup is open to anyone, so it is limited per client address;
the change feed, made for polling, per entity."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from agreements.models import ApiToken


class PublicLookupThrottle(AnonRateThrottle):
    """30 lookups a minute per address, counted in the default cache (CACHE_URL in production)."""

    scope = "rut_lookup"
    rate = "30/minute"

    def get_rate(self) -> str:
        return self.rate


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
