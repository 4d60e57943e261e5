"""The portal's URLs plus /bench/trivial/, the baseline every page is compared with."""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path


def trivial(request: HttpRequest) -> HttpResponse:
    """The full middleware stack and nothing else: no query, no template."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns: list[URLPattern | URLResolver] = [
    path("bench/trivial/", trivial),
    path("", include("rut_portal.urls")),
]
