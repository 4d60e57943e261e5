"""The change feed of the records an entity may see, its webhook endpoints and delivery log."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from agreements import selectors
from agreements.events import EVENT_TYPES, EventType, events_after
from agreements.models import WebhookDelivery
from api.common import PAGE_PARAMETERS, EntityApi, errors, paginate, paginated
from api.throttling import EntityFeedThrottle
from registry.models import Registrant

CURSOR = re.compile(r"^(?:0|[1-9]\d{0,17})$")
DEFAULT_LIMIT = 100
MAX_LIMIT = 500

EVENT_TYPE_CHOICES = [
    (EventType.INSCRIPTION, "Inscripción (NIT asignado)"),
    (EventType.STATE_CHANGE, "Cambio de estado"),
    (EventType.UPDATE, "Actualización del RUT"),
]


class EventRegistrantSerializer(serializers.Serializer):
    nit = serializers.CharField()
    check_digit = serializers.IntegerField(allow_null=True)
    formatted_nit = serializers.CharField()
    name = serializers.CharField()


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id del evento: el cursor para pedir los siguientes.")
    type = serializers.ChoiceField(choices=EVENT_TYPE_CHOICES)
    action = serializers.CharField(help_text=" | ".join(EVENT_TYPES))
    occurred_at = serializers.DateTimeField()
    registrant = EventRegistrantSerializer()
    from_state = serializers.CharField(help_text=" | ".join(Registrant.State.values))
    to_state = serializers.CharField(help_text=" | ".join(Registrant.State.values))
    form_number = serializers.CharField(help_text="Formulario 001 que expidió el cambio.")
    form_version = serializers.IntegerField(allow_null=True)
    case_number = serializers.CharField(help_text="Trámite que lo ordenó, si lo hubo.")
    changed_fields = serializers.ListField(
        child=serializers.CharField(), help_text="Campos actualizados (solo sus nombres)."
    )


class EventsApi(EntityApi):
    """Changes of the records the entity may see, in order, after a cursor (at-least-once).

    Records it inscribed (if its agreement includes inscriptions) and records it filed a case
    about, from the case on. Events younger than a few seconds are held back until every
    earlier change has committed (docs/webhooks.md); keep the last `next_cursor` and ask again.
    """

    throttle_classes = [EntityFeedThrottle]

    class FilterSerializer(serializers.Serializer):
        after = serializers.RegexField(CURSOR, required=False, default="0")
        limit = serializers.IntegerField(
            min_value=1, max_value=MAX_LIMIT, required=False, default=DEFAULT_LIMIT
        )

    class OutputSerializer(serializers.Serializer):
        results = EventSerializer(many=True)
        next_cursor = serializers.CharField(
            help_text="Cursor para la siguiente consulta (el id del último evento entregado)."
        )
        has_more = serializers.BooleanField(help_text="Hay más eventos ya disponibles.")
        next = serializers.URLField(help_text="La URL de la siguiente consulta.")

        class Meta:
            ref_name = "EventPage"

    @extend_schema(
        operation_id="events_list",
        tags=["Eventos y webhooks"],
        summary="Cambios de los RUT que la entidad puede ver, después de un cursor",
        parameters=[
            OpenApiParameter(
                "after",
                str,
                pattern=CURSOR.pattern,
                description="Cursor: el `next_cursor` de la respuesta anterior (0 o nada: "
                "desde el principio).",
            ),
            OpenApiParameter(
                "limit", int, description=f"Eventos por página (1 a {MAX_LIMIT}, {DEFAULT_LIMIT})."
            ),
        ],
        responses={200: OutputSerializer, **errors(400, 401, 403, 404, 429)},
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        if not filters.is_valid():
            raise ValidationError(
                {
                    name: [_("Cursor inválido: use el next_cursor de la respuesta anterior.")]
                    if name == "after"
                    else messages
                    for name, messages in filters.errors.items()
                }
            )
        limit = filters.validated_data["limit"]
        page = events_after(self.entity, after=int(filters.validated_data["after"]), limit=limit)
        query = urlencode({"after": page.next_cursor, "limit": limit})
        next_url = request.build_absolute_uri(f"{reverse('agreements:events')}?{query}")
        data = {
            "results": page.events,
            "next_cursor": str(page.next_cursor),
            "has_more": page.has_more,
            "next": next_url,
        }
        return Response(self.OutputSerializer(data).data)


class WebhookEndpointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class WebhookEndpointsApi(EntityApi):
    """The entity's webhook endpoints (registered by the DIAN; the secret is never shown)."""

    @extend_schema(
        operation_id="webhook_endpoints_list",
        tags=["Eventos y webhooks"],
        summary="Webhooks de la entidad",
        parameters=PAGE_PARAMETERS,
        responses={
            200: paginated(WebhookEndpointSerializer, "WebhookEndpoints"),
            **errors(401, 403, 404),
        },
    )
    def get(self, request: Request) -> Response:
        return paginate(
            serializer=WebhookEndpointSerializer,
            queryset=selectors.webhook_endpoints_of_entity(self.entity),
            request=request,
            view=self,
        )


class WebhookAttemptSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()
    duration_ms = serializers.IntegerField()


class WebhookDeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    endpoint = serializers.IntegerField(source="endpoint_id")
    event_id = serializers.IntegerField()
    # Plain text in the schema: one enum per field name (see CaseSerializer.state).
    event_type = serializers.CharField(help_text=" | ".join(c for c, _label in EVENT_TYPE_CHOICES))
    state = serializers.CharField(help_text=" | ".join(WebhookDelivery.State.values))
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    attempt_log = WebhookAttemptSerializer(many=True)


class WebhookDeliveriesApi(EntityApi):
    """The delivery log: every event sent to the entity's endpoints and each attempt's answer."""

    class FilterSerializer(serializers.Serializer):
        state = serializers.ChoiceField(choices=WebhookDelivery.State.choices, required=False)
        event_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
        endpoint = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)

    @extend_schema(
        operation_id="webhook_deliveries_list",
        tags=["Eventos y webhooks"],
        summary="Registro de entregas de webhooks, con cada intento",
        parameters=[
            OpenApiParameter(
                "state",
                str,
                enum=WebhookDelivery.State.values,
                description="pending: por enviar o reintentar; delivered; failed: agotó los "
                "intentos.",
            ),
            OpenApiParameter("event_id", int, description="Solo las entregas de este evento."),
            OpenApiParameter("endpoint", int, description="Solo las de este webhook."),
            *PAGE_PARAMETERS,
        ],
        responses={
            200: paginated(WebhookDeliverySerializer, "WebhookDeliveries"),
            **errors(400, 401, 403, 404),
        },
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        return paginate(
            serializer=WebhookDeliverySerializer,
            queryset=selectors.webhook_deliveries_of_entity(
                self.entity,
                state=values.get("state"),
                event_id=values.get("event_id"),
                endpoint_id=values.get("endpoint"),
            ),
            request=request,
            view=self,
        )
