"""Every per-address limit reads the client's address through one function and one setting,
TRUSTED_PROXIES; the public lookups, page and API, share one budget in the shared cache."""

from __future__ import annotations

import threading
import uuid

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from api.throttling import PublicLookupThrottle
from portal.models import SignIn
from portal.services import throttle
from rut_portal.client import client_address
from tests.factories import make_natural
from tests.portal.conftest import PASSWORD, make_account, sign_up  # noqa: F401

PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


def _request(remote: str, forwarded: str | None = None):
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = 0

    assert client_address(_request("198.51.100.9", "1.2.3.4")) == "198.51.100.9"


def test_behind_one_proxy_only_the_entry_it_appended_counts(settings):
    settings.TRUSTED_PROXIES = 1

    assert client_address(_request(PROXY, "203.0.113.5")) == "203.0.113.5"
    # What the client wrote itself stays on the left and is never read.
    assert client_address(_request(PROXY, "9.9.9.9, 203.0.113.5")) == "203.0.113.5"
    assert client_address(_request(PROXY, "not-an-address")) == PROXY
    assert client_address(_request(PROXY)) == PROXY


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client(settings):
    settings.TRUSTED_PROXIES = 2

    assert client_address(_request(PROXY, "9.9.9.9, 203.0.113.5, 10.0.0.1")) == "203.0.113.5"


@pytest.mark.django_db
def test_citizens_behind_the_proxy_are_told_apart(client, settings, make_account):  # noqa: F811
    settings.TRUSTED_PROXIES = 1
    account = make_account()

    client.post(
        "/mi-rut/ingresar/",
        {"document_type": "13", "document_number": "1020304050", "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )

    assert SignIn.objects.get(account=account).ip_address == "203.0.113.5"
    # The per-address sign-in counter is the client's, not the proxy's shared one.
    assert not throttle.exceeded(throttle.LOGIN_PER_ADDRESS, "203.0.113.5")
    assert throttle.hit(throttle.LOGIN_PER_ADDRESS, PROXY) == 1


@pytest.mark.django_db
def test_rotating_x_forwarded_for_gives_no_extra_api_lookups(client, settings):
    settings.PUBLIC_LOOKUP_RATE = "3/minute"
    nit = make_natural().nit

    statuses = [
        client.get(
            f"/api/v1/rut/{nit}/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}"
        ).status_code
        for n in range(4)
    ]

    assert statuses == [200, 200, 200, 429]


@pytest.mark.django_db
def test_two_clients_behind_the_proxy_each_have_their_budget(client, settings):
    settings.TRUSTED_PROXIES = 1
    settings.PUBLIC_LOOKUP_RATE = "2/minute"
    nit = make_natural().nit

    def lookup(who: str) -> int:
        return client.get(
            f"/api/v1/rut/{nit}/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=who
        ).status_code

    assert [lookup("203.0.113.5") for _ in range(3)] == [200, 200, 429]
    assert lookup("203.0.113.6") == 200
    assert lookup("7.7.7.7, 203.0.113.5") == 429  # a spoofed left part changes nothing


@pytest.mark.django_db
def test_the_lookup_page_is_limited_and_shares_the_api_budget(client, settings):
    settings.PUBLIC_LOOKUP_RATE = "3/minute"
    nit = make_natural().nit
    address = {"REMOTE_ADDR": "198.51.100.9"}

    pages = [client.get("/consulta-rut/", {"nit": nit}, **address).status_code for _ in range(2)]
    api = client.get(f"/api/v1/rut/{nit}/", **address).status_code
    refused = client.get("/consulta-rut/", {"nit": nit}, **address)

    assert pages == [200, 200]
    assert api == 200
    assert refused.status_code == 429
    assert "Demasiadas consultas" in refused.content.decode()
    assert int(refused["Retry-After"]) <= 60
    # The empty form costs nothing and still answers.
    assert client.get("/consulta-rut/", **address).status_code == 200


@pytest.mark.redis
def test_the_throttle_reuses_one_redis_client_across_threads(monkeypatch):
    location = django_settings.REDIS_URL.rsplit("/", 1)[0] + "/15"
    server = redis.Redis.from_url(location)
    prefix = f"rut-{uuid.uuid4().hex}"  # db 15 is shared: only this test's keys are its own
    pools: list[object] = []
    original = redis.ConnectionPool.from_url.__func__  # type: ignore[attr-defined]

    def counting(cls, url, **kwargs):
        pool = original(cls, url, **kwargs)
        pools.append(pool)
        return pool

    monkeypatch.setattr(redis.ConnectionPool, "from_url", classmethod(counting))
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
        }
    }
    allowed: list[bool] = []
    with override_settings(CACHES=caches):

        def one_request(n: int) -> None:
            request = _request(f"198.51.100.{n}")
            allowed.append(PublicLookupThrottle().allow_request(request, None))

        # A threaded server: every request in a thread of its own.
        threads = [threading.Thread(target=one_request, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
            thread.join()
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)

    assert allowed == [True] * 4
    assert len(pools) == 1
