"""Rate limits: the public RUT lookup is open to anyone, so it is limited per client address."""

from __future__ import annotations

from rest_framework.throttling import AnonRateThrottle


class PublicLookupThrottle(AnonRateThrottle):
    """30 lookups a minute per address, counted in the default cache (CACHE_URL in production)."""

    scope = "rut_lookup"
    rate = "30/minute"

    def get_rate(self) -> str:
        return self.rate
