"""Nothing a signed-in person sees is kept by a browser or a shared cache.

Pages and PDFs behind a sign-in carry personal data: Mi RUT, the account page, the RUT PDF, case
pages, the officials' back office. Every response to a signed-in user is marked
`Cache-Control: private, no-store` (ASVS 8.2.1), so the back button after signing out on a shared
computer shows nothing and no proxy keeps a copy. The Content-Security-Policy header comes from
django-csp (settings.CONTENT_SECURITY_POLICY).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers, patch_cache_control


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
            add_never_cache_headers(response)
            patch_cache_control(response, private=True, no_store=True)
        return response
