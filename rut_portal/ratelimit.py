"""Per-address request limits counted in the shared cache (CACHE_URL), for pages and the API.

Each limit is a fixed window: the first request of a window creates its counter with `add`,
every request increments it with `incr`, both atomic in Redis, so concurrent requests on
several workers can neither lose a count nor get past the limit. The counter key holds only a
hash of the client's address.

The cache object is built once per process and shared by its threads: Django's `caches` gives
each thread (and each async context) its own object, and with it a new Redis connection pool,
so a throttle reading `django.core.cache.cache` would open a new pool per request on a
threaded or ASGI server. On Redis the count also skips the cache object's own client, which
builds a new `redis.Redis` (and its table of response callbacks) for every command: one client
per process sends one EVALSHA of a small script that increments the counter and, when it has
just created it, sets its expiry. Redis runs a script alone, so it is as atomic as SET NX EX and
INCR in MULTI/EXEC, at a quarter of the commands to build and parse (issue 18).
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, BaseCache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.signals import setting_changed
from django.dispatch import receiver
from redis.exceptions import NoScriptError

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

# KEYS[1]: the counter; ARGV[1]: its lifetime in seconds, given when the window's first request
# creates it. Returns the count with this request.
_COUNT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""
_COUNT_SCRIPT_SHA = hashlib.sha1(_COUNT_SCRIPT.encode()).hexdigest()

_lock = threading.Lock()
_shared: BaseCache | None = None
_redis: Any = None  # redis.Redis for the shared cache's (first) server, when it is Redis


def shared_cache() -> BaseCache:
    """The process-wide cache object (and Redis client) every limit counts in."""
    global _shared
    if _shared is None:
        with _lock:
            if _shared is None:
                _shared = caches.create_connection(DEFAULT_CACHE_ALIAS)
    return _shared


def shared_redis() -> Any:
    """One Redis client per process for the shared cache's server, or None when the cache is
    not Redis (the embedded default's per-process memory)."""
    global _redis
    cache = shared_cache()
    if _redis is None and isinstance(cache, RedisCache):
        with _lock:
            if _redis is None:
                import redis

                location = settings.CACHES[DEFAULT_CACHE_ALIAS]["LOCATION"]
                servers = location.split(",") if isinstance(location, str) else location
                _redis = redis.Redis.from_url(servers[0])  # the first server takes the writes
    return _redis


@receiver(setting_changed)
def _forget_cache_on_settings_change(*, setting: str, **kwargs: Any) -> None:
    global _shared, _redis
    if setting == "CACHES":
        _shared = None
        _redis = None


@dataclass(frozen=True)
class Rate:
    """`limit` requests per `seconds`, counted under `scope`."""

    scope: str
    limit: int
    seconds: int

    @classmethod
    def parse(cls, scope: str, text: str) -> Rate:
        """'30/minute', '5/s', '100/hour' (DRF's notation)."""
        count, period = text.split("/")
        return cls(scope, int(count), _PERIODS[period.strip()[0]])


@dataclass(frozen=True)
class Hit:
    count: int
    rate: Rate
    retry_after: int

    @property
    def allowed(self) -> bool:
        return self.count <= self.rate.limit


def hit(rate: Rate, ident: str) -> Hit:
    """Count one request of `ident` (a client address) and say whether it is within the rate."""
    cache = shared_cache()
    now = int(time.time())
    window = now // rate.seconds
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    key = f"throttle_{rate.scope}_{window}_{digest}"
    client = shared_redis()
    if client is not None:
        count = _count_in_redis(client, cache.make_key(key), rate.seconds + 1)
    else:
        cache.add(key, 0, timeout=rate.seconds + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: this request opens a new window
            cache.add(key, 1, timeout=rate.seconds + 1)
            count = 1
    return Hit(count=count, rate=rate, retry_after=rate.seconds - now % rate.seconds)


def _count_in_redis(client: Any, key: str, lifetime: int) -> int:
    """The counter incremented, with its expiry set when this request created it (atomic)."""
    try:
        return int(client.execute_command("EVALSHA", _COUNT_SCRIPT_SHA, 1, key, lifetime))
    except NoScriptError:  # a restarted or flushed server: EVAL sends it and caches it again
        return int(client.execute_command("EVAL", _COUNT_SCRIPT, 1, key, lifetime))


def public_lookup_rate() -> Rate:
    """The one budget of RUT lookups per address, shared by /consulta-rut/ and the API."""
    return Rate.parse("rut_lookup", settings.PUBLIC_LOOKUP_RATE)
