"""Queries by public entities beyond the basic data, within their agreement, logged."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from agreements.models import (
    Scope,
)
from agreements.services import (
    QUERYABLE_FIELDS,
    query_registry,
)
from api.common import (
    NIT_PARAMETER,
    BasicDataSerializer,
    EntityApi,
    basic_data,
    errors,
)
from registry.models import (
    Registrant,
)


class RegistryActivitySerializer(serializers.Serializer):
    code = serializers.CharField()
    role = serializers.CharField()
    started_on = serializers.DateField(allow_null=True)


class RegistryRepresentativeSerializer(serializers.Serializer):
    role = serializers.CharField()
    document_type = serializers.CharField()
    document_number = serializers.CharField()
    name = serializers.CharField()


class RegistryEstablishmentSerializer(serializers.Serializer):
    name = serializers.CharField()
    municipality = serializers.CharField()
    address = serializers.CharField()


class RegistryQueryApi(EntityApi):
    """Public entities with an agreement: more than the basic data, within their agreement.

    Every query is logged with the entity, its purpose and the fields returned.
    """

    required_scope = Scope.REGISTRY_QUERY

    class FilterSerializer(serializers.Serializer):
        purpose = serializers.CharField(
            max_length=300, help_text="Finalidad de la consulta (queda registrada)."
        )
        fields = serializers.CharField(
            required=False,
            max_length=1000,
            help_text="Campos separados por comas; por defecto, todos los del convenio: "
            + ", ".join(QUERYABLE_FIELDS),
        )

    class OutputSerializer(BasicDataSerializer):
        query_id = serializers.IntegerField()
        fields_returned = serializers.ListField(child=serializers.CharField())
        kind = serializers.CharField(required=False)
        person_type = serializers.CharField(required=False)
        document_type = serializers.CharField(required=False, allow_null=True)
        document_issue_date = serializers.DateField(required=False, allow_null=True)
        birth_date = serializers.DateField(required=False, allow_null=True)
        trade_name = serializers.CharField(required=False)
        acronym = serializers.CharField(required=False)
        country = serializers.CharField(required=False)
        postal_code = serializers.CharField(required=False)
        email = serializers.CharField(required=False)
        phone_1 = serializers.CharField(required=False)
        phone_2 = serializers.CharField(required=False)
        seccional = serializers.CharField(required=False)
        activities = RegistryActivitySerializer(many=True, required=False)
        responsibilities = serializers.ListField(child=serializers.CharField(), required=False)
        customs_qualities = serializers.ListField(child=serializers.CharField(), required=False)
        representatives = RegistryRepresentativeSerializer(many=True, required=False)
        establishments = RegistryEstablishmentSerializer(many=True, required=False)
        formalized_at = serializers.DateTimeField(required=False, allow_null=True)
        state_changed_at = serializers.DateTimeField(required=False, allow_null=True)

        class Meta:
            ref_name = "RegistryQueryResult"

    @extend_schema(
        operation_id="registry_query",
        tags=["Consultas de entidades públicas"],
        summary="Consultar un RUT más allá de los datos básicos (queda registrado)",
        parameters=[
            NIT_PARAMETER,
            OpenApiParameter(
                "purpose",
                str,
                required=True,
                description="Finalidad de la consulta (queda registrada).",
                examples=[OpenApiExample("purpose", value="Verificación de pensión, rad. 4455")],
            ),
            OpenApiParameter(
                "fields",
                str,
                description="Campos separados por comas; por defecto, todos los del convenio: "
                + ", ".join(QUERYABLE_FIELDS),
                examples=[OpenApiExample("fields", value="email,activities,responsibilities")],
            ),
        ],
        responses={200: OutputSerializer, **errors(400, 401, 403, 404)},
    )
    def get(self, request: Request, nit: str) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        raw_fields = filters.validated_data.get("fields")
        requested = (
            [name.strip() for name in raw_fields.split(",") if name.strip()]
            if raw_fields is not None
            else None
        )
        answer = query_registry(
            self.entity, nit=nit, purpose=filters.validated_data["purpose"], requested=requested
        )
        if answer.registrant is None or not answer.registrant.nit:
            raise NotFound(_("No hay ningún inscrito con ese NIT."))
        data = {
            **BasicDataSerializer(basic_data(answer.registrant)).data,
            "query_id": answer.log.pk,
            "fields_returned": answer.fields,
            **{name: _extended(answer.registrant, name) for name in answer.fields},
        }
        return Response(data)


def _extended(registrant: Registrant, name: str) -> Any:
    """One field beyond the basic data, as plain JSON."""
    if name == "document_type":
        return registrant.document_type_id
    if name == "seccional":
        return registrant.seccional_id
    if name == "activities":
        return [
            {"code": a.activity_id, "role": a.role, "started_on": _iso(a.started_on)}
            for a in registrant.activities.order_by("role", "activity_id")
        ]
    if name == "responsibilities":
        return sorted(registrant.responsibilities.values_list("code", flat=True))
    if name == "customs_qualities":
        return sorted(registrant.customs_qualities.values_list("code", flat=True))
    if name == "representatives":
        return [
            {
                "role": r.role,
                "document_type": r.document_type_id,
                "document_number": r.document_number,
                "name": r.name,
            }
            for r in registrant.representatives.order_by("id")
        ]
    if name == "establishments":
        return [
            {"name": e.name, "municipality": e.municipality_id, "address": e.address}
            for e in registrant.establishments.order_by("id")
        ]
    return _iso(getattr(registrant, name))


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
