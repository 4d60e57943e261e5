"""Cache-Control: no-store written at once (rut_portal.security_headers), as Django writes it."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers

from rut_portal import security_headers
from rut_portal.security_headers import add_no_store_headers


@pytest.mark.parametrize("headers", [{}, {"Cache-Control": "public, max-age=60"}, {"Expires": "0"}])
def test_the_headers_are_djangos(headers) -> None:
    ours, djangos = HttpResponse(headers=headers), HttpResponse(headers=headers)

    add_no_store_headers(ours)
    add_never_cache_headers(djangos)

    assert ours["Cache-Control"] == djangos["Cache-Control"]
    assert ours["Expires"][:-3] == djangos["Expires"][:-3]  # the same minute


def test_a_response_without_caching_headers_is_not_parsed(monkeypatch) -> None:
    def parsing(response: HttpResponse) -> None:
        raise AssertionError("add_never_cache_headers parses Cache-Control")

    monkeypatch.setattr(security_headers, "add_never_cache_headers", parsing)
    response = HttpResponse()

    add_no_store_headers(response)

    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
