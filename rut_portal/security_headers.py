"""Nothing a signed-in person sees is kept by a browser or a shared cache.

Pages and PDFs behind a sign-in carry personal data: Mi RUT, the account page, the RUT PDF, case
pages, the officials' back office. Every response to a signed-in user is marked
`Cache-Control: private, no-store` (ASVS 8.2.1), so the back button after signing out on a shared
computer shows nothing and no proxy keeps a copy. The Content-Security-Policy header comes from
django-csp (settings.CONTENT_SECURITY_POLICY).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers
from django.utils.http import http_date

# What add_never_cache_headers writes on a response without caching headers. It parses and
# rebuilds Cache-Control twice to get there; this middleware then patched it a third time for
# "private, no-store", which it already holds (issue 18: every signed-in page paid for it).
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"

View = Callable[..., HttpResponseBase]


def add_no_store_headers(response: HttpResponseBase) -> None:
    """Django's add_never_cache_headers, written at once where the view set no caching header."""
    if response.has_header("Cache-Control") or response.has_header("Expires"):
        add_never_cache_headers(response)
        return
    response.headers["Expires"] = http_date()
    response.headers["Cache-Control"] = NEVER_CACHE


def never_cache(view: View) -> View:
    """Django's never_cache decorator (for views that are not coroutines), through
    add_no_store_headers."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        add_no_store_headers(response)
        return response

    return wrapper


class NoStoreForSignedInMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and "no-store" not in response.get("Cache-Control", "")
        ):
            add_no_store_headers(response)
        return response
