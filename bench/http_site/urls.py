"""The portal's URLs plus /bench/trivial/, the baseline every page is compared with, and the
floors of the one-statement pages: the trivial view plus the work no page code can remove."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path

from documents.selectors import _verifiable_by_code
from registry.selectors import _public_lookup
from rut_portal import ratelimit
from rut_portal.client import client_address


def trivial(request: HttpRequest) -> HttpResponse:
    """The full middleware stack and nothing else: no query, no template."""
    return HttpResponse("ok", content_type="text/plain")


def verification_statement(request: HttpRequest, code: str) -> HttpResponse:
    """The trivial view plus the verification page's statement (`code` canonical), row unread."""
    if _verifiable_by_code.row(code) is None:
        raise Http404
    return HttpResponse("ok", content_type="text/plain")


def lookup_statement(request: HttpRequest, nit: str) -> HttpResponse:
    """The trivial view plus what the Consulta del RUT and the API do before using the row:
    the lookup budget counted, the public lookup's statement (`nit` bare, without its DV)."""
    ratelimit.hit(ratelimit.public_lookup_rate(), client_address(request))
    if _public_lookup.row(nit) is None:
        raise Http404
    return HttpResponse("ok", content_type="text/plain")


urlpatterns: list[URLPattern | URLResolver] = [
    path("bench/trivial/", trivial),
    path("bench/floor/verificar/<str:code>/", verification_statement),
    path("bench/floor/lookup/<str:nit>/", lookup_statement),
    path("", include("rut_portal.urls")),
]
