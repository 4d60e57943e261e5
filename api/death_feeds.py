"""The civil registry's death feed: upload, progress and report."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from agreements import selectors
from agreements.death_feed import MAX_FEED_BYTES, needs_attention_outcomes, submit_death_feed
from agreements.models import (
    DeathFeedEntry,
    DeathFeedUpload,
    Scope,
)
from api.common import (
    DB_ID,
    IDEMPOTENCY_PARAMETER,
    MB,
    PAGE_PARAMETERS,
    EntityApi,
    IdempotentCreateApi,
    errors,
    paginate,
    paginated,
    parse_id,
    path_parameter,
)

DEATH_FEED_EXAMPLE = OpenApiExample(
    "CSV",
    request_only=True,
    value={
        "file": "document_type,document_number,death_date,death_certificate_number\n"
        "13,52123456,2026-01-10,09123456\n",
        "format": "csv",
    },
)


class DeathFeedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    file_format = serializers.CharField(help_text=" | ".join(DeathFeedUpload.Format.values))
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    state = serializers.CharField(help_text=" | ".join(DeathFeedUpload.State.values))
    state_display = serializers.CharField(source="get_state_display")
    total_rows = serializers.IntegerField(allow_null=True)
    processed_rows = serializers.IntegerField()
    progress = serializers.SerializerMethodField()
    cases_created = serializers.IntegerField()
    needs_official = serializers.IntegerField()
    not_found = serializers.IntegerField()
    skipped = serializers.IntegerField()
    invalid_rows = serializers.IntegerField()
    error = serializers.CharField()
    received_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.FloatField(help_text="Porcentaje procesado (0-100)."))
    def get_progress(self, upload: DeathFeedUpload) -> float:
        if not upload.total_rows:
            return 0.0
        return round(100 * upload.processed_rows / upload.total_rows, 1)


class DeathFeedUploadResultSerializer(DeathFeedSerializer):
    duplicate = serializers.BooleanField(
        help_text="Verdadero si el mismo archivo ya se había recibido: no se procesa otra vez."
    )


class DeathFeedsApi(IdempotentCreateApi):
    """The civil registry uploads deceased persons; they are processed in the background."""

    required_scope = Scope.DEATH_FEED
    parser_classes = [MultiPartParser]
    max_request_bytes = MAX_FEED_BYTES + MB
    OutputSerializer = DeathFeedSerializer

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField(
            help_text=(
                "CSV con encabezado, o JSON lines, con document_type, document_number, "
                "death_date (AAAA-MM-DD) y death_certificate_number."
            )
        )
        format = serializers.ChoiceField(
            choices=DeathFeedUpload.Format.choices,
            required=False,
            help_text="Por defecto, según la extensión: .csv, o .jsonl / .ndjson.",
        )

        class Meta:
            ref_name = "DeathFeedInput"

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if "format" not in attrs:
                name = (attrs["file"].name or "").lower()
                if name.endswith(".csv"):
                    attrs["format"] = DeathFeedUpload.Format.CSV
                elif name.endswith((".jsonl", ".ndjson")):
                    attrs["format"] = DeathFeedUpload.Format.JSON_LINES
                else:
                    raise ValidationError({"format": [_("Indique el formato: csv o jsonl.")]})
            return attrs

    @extend_schema(
        operation_id="death_feeds_list",
        tags=["Reporte de defunciones"],
        summary="Reportes de defunciones enviados",
        parameters=PAGE_PARAMETERS,
        responses={200: paginated(DeathFeedSerializer, "DeathFeeds"), **errors(401, 403, 404)},
    )
    def get(self, request: Request) -> Response:
        return paginate(
            serializer=self.OutputSerializer,
            queryset=selectors.death_feeds_of_entity(self.entity),
            request=request,
            view=self,
        )

    @extend_schema(
        operation_id="death_feeds_create",
        tags=["Reporte de defunciones"],
        summary="Enviar un archivo de personas fallecidas",
        description=(
            "201: recibido y en cola. 200: el mismo archivo ya se había recibido; se devuelve "
            "ese reporte y no se procesa otra vez."
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request={"multipart/form-data": InputSerializer},
        examples=[DEATH_FEED_EXAMPLE],
        responses={
            201: DeathFeedUploadResultSerializer,
            200: DeathFeedUploadResultSerializer,
            **errors(400, 401, 403, 413, 415, 422),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> tuple[int, Any]:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload, created = submit_death_feed(
            self.entity,
            file=serializer.validated_data["file"],
            file_format=serializer.validated_data["format"],
        )
        data = {**DeathFeedSerializer(upload).data, "duplicate": not created}
        return (status.HTTP_201_CREATED if created else status.HTTP_200_OK), data


def _entity_feed(entity: Any, upload_id: str) -> DeathFeedUpload:
    upload = selectors.death_feed_of_entity(entity, parse_id(upload_id))
    if upload is None:
        raise NotFound(_("No hay ningún reporte con ese número enviado por su entidad."))
    return upload


FEED_ID_PARAMETER = path_parameter("upload_id", int, DB_ID.pattern, "Número del reporte.")


class DeathFeedDetailApi(EntityApi):
    """Progress of a death feed: rows processed and what they became."""

    required_scope = Scope.DEATH_FEED
    OutputSerializer = DeathFeedSerializer

    @extend_schema(
        operation_id="death_feeds_retrieve",
        tags=["Reporte de defunciones"],
        summary="Avance de un reporte de defunciones",
        parameters=[FEED_ID_PARAMETER],
        responses={200: DeathFeedSerializer, **errors(401, 403, 404)},
    )
    def get(self, request: Request, upload_id: str) -> Response:
        return Response(self.OutputSerializer(_entity_feed(self.entity, upload_id)).data)


class DeathFeedReportApi(EntityApi):
    """The rows that did not become a case (by default), with the reason for each."""

    required_scope = Scope.DEATH_FEED

    class FilterSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(
            choices=DeathFeedEntry.Outcome.choices,
            required=False,
            help_text="Por defecto: todas las filas que no produjeron un trámite.",
        )

    class OutputSerializer(serializers.Serializer):
        line = serializers.IntegerField()
        document_type = serializers.CharField()
        document_number = serializers.CharField()
        death_date = serializers.DateField(allow_null=True)
        death_certificate_number = serializers.CharField()
        outcome = serializers.ChoiceField(choices=DeathFeedEntry.Outcome.choices)
        outcome_display = serializers.CharField(source="get_outcome_display")
        detail = serializers.CharField()
        nit = serializers.SerializerMethodField()
        case_number = serializers.SerializerMethodField()

        class Meta:
            ref_name = "DeathFeedReportLine"

        @extend_schema_field(OpenApiTypes.STR)
        def get_nit(self, entry: DeathFeedEntry) -> str:
            return entry.registrant.formatted_nit if entry.registrant else ""

        @extend_schema_field(OpenApiTypes.STR)
        def get_case_number(self, entry: DeathFeedEntry) -> str:
            return entry.case.number if entry.case else ""

    @extend_schema(
        operation_id="death_feeds_report",
        tags=["Reporte de defunciones"],
        summary="Filas del reporte que requieren un funcionario o no se tramitaron",
        parameters=[FEED_ID_PARAMETER, FilterSerializer, *PAGE_PARAMETERS],
        responses={
            200: paginated(OutputSerializer, "DeathFeedReport"),
            **errors(400, 401, 403, 404),
        },
    )
    def get(self, request: Request, upload_id: str) -> Response:
        upload = _entity_feed(self.entity, upload_id)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        outcome = filters.validated_data.get("outcome")
        return paginate(
            serializer=self.OutputSerializer,
            queryset=selectors.death_feed_report(
                upload, outcomes=[outcome] if outcome else needs_attention_outcomes()
            ),
            request=request,
            view=self,
        )
