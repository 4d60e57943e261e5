"""The public lookup's rate limit is counted in the shared cache that CACHE_URL names."""

from __future__ import annotations

import uuid

import pytest
import redis
from django.test import override_settings

from agreements.checks import check_shared_rate_limit_cache
from tests.factories import make_natural

# Database 15 of the test Redis: the broker uses 0. Other tests and parallel runs (pytest-xdist
# workers) write there too, so each test counts and deletes the keys of its own prefix only.
TEST_CACHE_DB = 15


def test_production_without_a_shared_cache_is_warned_about(settings) -> None:
    settings.CACHE_URL = ""
    assert [w.id for w in check_shared_rate_limit_cache()] == ["agreements.W001"]

    settings.CACHE_URL = "redis://redis:6379/1"
    assert check_shared_rate_limit_cache() == []


@pytest.mark.redis
@pytest.mark.django_db
def test_the_count_lives_in_redis_where_every_worker_sees_it(anonymous_client, settings):
    location = settings.REDIS_URL.rsplit("/", 1)[0] + f"/{TEST_CACHE_DB}"
    other_worker = redis.Redis.from_url(location)
    prefix = f"rut-{uuid.uuid4().hex}"
    settings.PUBLIC_LOOKUP_RATE = "3/minute"
    registrant = make_natural()
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=redis_cache):
        statuses = [
            anonymous_client.get(f"/api/v1/rut/{registrant.nit}/").status_code for _ in range(2)
        ]
        keys = other_worker.keys(f"{prefix}:*throttle_rut_lookup_*")
    for key in other_worker.scan_iter(f"{prefix}:*"):
        other_worker.delete(key)

    assert statuses == [200, 200]
    assert len(keys) == 1  # one counter for this client address, readable by any process
