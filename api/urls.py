from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path, re_path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.request import Request
from rest_framework.response import Response

from api import cases, death_feeds, events, inscriptions, public, registry

app_name = "agreements"

SCHEMA_SETTINGS = {
    "TITLE": "API del RUT para entidades con convenio",
    "DESCRIPTION": (
        "Consulta pública de datos básicos por NIT; inscripciones por convenio; órdenes de "
        "autoridades; reporte de defunciones de la Registraduría; consultas de entidades "
        "públicas; registro de cambios (eventos) y webhooks firmados. Autenticación: "
        "`Authorization: Bearer <token>` de la entidad. Todo POST "
        "lleva la cabecera `Idempotency-Key`."
    ),
    "VERSION": "1.0.0",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RegistrantStateEnum": "registry.models.Registrant.State",
        "DeathFeedFormatEnum": "agreements.models.DeathFeedUpload.Format",
    },
}


class SchemaApi(SpectacularAPIView):
    """The OpenAPI 3 schema of this API (JSON with ?format=json, YAML by default)."""

    custom_settings = SCHEMA_SETTINGS

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Anything else under /api/v1/ is a JSON 404, never Django's HTML page or a redirect."""
    return JsonResponse({"detail": _("No encontrado.")}, status=404)


urlpatterns: list[URLPattern | URLResolver] = [
    path("rut/<str:nit>/", public.PublicLookupApi.as_view(), name="rut-lookup"),
    path("inscriptions/", inscriptions.InscriptionsApi.as_view(), name="inscriptions"),
    path(
        "inscriptions/<str:inscription_id>/",
        inscriptions.InscriptionDetailApi.as_view(),
        name="inscription",
    ),
    path(
        "inscriptions/<str:inscription_id>/activation/",
        inscriptions.InscriptionActivationApi.as_view(),
        name="inscription-activation",
    ),
    path("orders/", cases.OrderCreateApi.as_view(), name="orders"),
    path("cases/", cases.CaseListApi.as_view(), name="cases"),
    path("cases/<str:number>/", cases.CaseDetailApi.as_view(), name="case"),
    path("cases/<str:number>/documents/", cases.CaseDocumentsApi.as_view(), name="case-documents"),
    path("death-feeds/", death_feeds.DeathFeedsApi.as_view(), name="death-feeds"),
    path(
        "death-feeds/<str:upload_id>/", death_feeds.DeathFeedDetailApi.as_view(), name="death-feed"
    ),
    path(
        "death-feeds/<str:upload_id>/report/",
        death_feeds.DeathFeedReportApi.as_view(),
        name="death-feed-report",
    ),
    path("registry/<str:nit>/", registry.RegistryQueryApi.as_view(), name="registry-query"),
    path("events/", events.EventsApi.as_view(), name="events"),
    path("webhook-endpoints/", events.WebhookEndpointsApi.as_view(), name="webhook-endpoints"),
    path("webhook-deliveries/", events.WebhookDeliveriesApi.as_view(), name="webhook-deliveries"),
    path("schema/", SchemaApi.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="agreements:schema"), name="docs"),
    re_path(r"^(?P<rest>.*)$", not_found),
]
