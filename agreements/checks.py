"""System checks of the API: in production its rate limits need a cache shared by all workers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_shared_rate_limit_cache(**kwargs: Any) -> list[CheckMessage]:
    if settings.CACHE_URL:
        return []
    return [
        Warning(
            "CACHE_URL is not set: each web worker counts the public lookup's rate limit on its "
            "own, so N workers allow N times the limit.",
            hint="Set CACHE_URL to a Redis database, e.g. redis://redis:6379/1.",
            id="agreements.W001",
        )
    ]
