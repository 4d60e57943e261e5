"""Authorities' orders, and the cases an entity filed: status, steps and documents."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from agreements import selectors
from agreements.models import (
    Scope,
)
from agreements.services import (
    ORDER_CASE_TYPES,
    AuthorityOrder,
    add_case_document,
    file_authority_order,
)
from api.common import (
    IDEMPOTENCY_PARAMETER,
    MB,
    PAGE_PARAMETERS,
    EntityApi,
    IdempotentCreateApi,
    errors,
    paginate,
    paginated,
    path_parameter,
)
from deadlines.selectors import is_update_late
from procedures.models import Case, CaseDocument, Cause
from procedures.services.intake import missing_documents
from rut_portal import uploads

MAX_DOCUMENT_BYTES = uploads.API_MAX_BYTES
CASE_NUMBER = re.compile(r"\d{4}-\d{7,12}")
CASE_NUMBER_PARAMETER = path_parameter(
    "number", str, CASE_NUMBER.pattern, "Número del trámite.", example="2026-0000001"
)

ORDER_EXAMPLE = OpenApiExample(
    "Orden de suspensión",
    request_only=True,
    value={
        "order_type": "suspension",
        "nit": "52123456",
        "act_number": "Auto 2026-00451",
        "act_date": "2026-01-05",
        "act_issuer": "Juzgado 12 Civil del Circuito de Bogotá",
        "act_is_final": True,
        "document": "%PDF-1.4 auto",
    },
)


class CaseSerializer(serializers.Serializer):
    number = serializers.CharField()
    case_type = serializers.CharField()
    case_type_display = serializers.CharField(source="get_case_type_display")
    cause = serializers.CharField()
    # Plain text in the schema: one enum per field name keeps drf-spectacular's deploy check
    # quiet without settings of its own (the registrant's "state" is the enum).
    state = serializers.CharField(help_text=" | ".join(Case.State.values))
    state_display = serializers.CharField(source="get_state_display")
    decision = serializers.CharField()
    priority = serializers.IntegerField()
    nit = serializers.SerializerMethodField()
    registrant_name = serializers.SerializerMethodField()
    act_number = serializers.CharField()
    act_date = serializers.DateField(allow_null=True)
    act_published_on = serializers.DateField(allow_null=True)
    act_issuer = serializers.CharField()
    act_is_final = serializers.BooleanField()
    fact_date = serializers.DateField(
        allow_null=True, help_text="Fecha del hecho que origina el trámite."
    )
    late_update = serializers.SerializerMethodField(
        help_text="Actualización radicada después del mes siguiente al hecho "
        "(Decreto 2460 de 2013, art. 13)."
    )
    received_at = serializers.DateTimeField()
    due_on = serializers.DateField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_late_update(self, case: Case) -> bool:
        return is_update_late(case)

    @extend_schema_field(OpenApiTypes.STR)
    def get_nit(self, case: Case) -> str:
        return case.registrant.formatted_nit if case.registrant else ""

    @extend_schema_field(OpenApiTypes.STR)
    def get_registrant_name(self, case: Case) -> str:
        return case.registrant.display_name if case.registrant else ""


class CaseDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CaseDocument.Kind.choices)
    kind_display = serializers.CharField(source="get_kind_display")
    description = serializers.CharField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class CaseStepSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    at = serializers.DateTimeField()
    reason = serializers.CharField()
    legal_basis = serializers.CharField()


def _validate_pdf(document: UploadedFile) -> UploadedFile:
    try:
        uploads.check_upload(document, max_bytes=MAX_DOCUMENT_BYTES, kinds=[uploads.PDF])
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from None
    return document


class OrderCaseSerializer(CaseSerializer):
    missing_requirements = serializers.ListField(child=serializers.CharField())


class OrderCreateApi(IdempotentCreateApi):
    """Courts and authorities send an order with the act's data and its PDF; a case is opened."""

    required_scope = Scope.ORDERS
    parser_classes = [MultiPartParser]
    max_request_bytes = MAX_DOCUMENT_BYTES + MB

    class InputSerializer(serializers.Serializer):
        order_type = serializers.ChoiceField(choices=sorted(ORDER_CASE_TYPES))
        nit = serializers.CharField(max_length=20)
        cause = serializers.ChoiceField(choices=Cause.choices, default=Cause.AUTHORITY_ORDER)
        act_number = serializers.CharField(max_length=60)
        act_date = serializers.DateField()
        act_published_on = serializers.DateField(
            required=False,
            allow_null=True,
            help_text="Fecha de publicación del acto (proveedor o exportador ficticio: la "
            "suspensión rige y se cuenta desde ella, Decreto 2460 de 2013, art. 15 par. 1).",
        )
        act_issuer = serializers.CharField(max_length=200)
        act_is_final = serializers.BooleanField()
        act_term_days = serializers.IntegerField(
            min_value=1, max_value=365, required=False, allow_null=True
        )
        facts = serializers.CharField(max_length=4000, required=False, allow_blank=True)
        document = serializers.FileField()
        document_description = serializers.CharField(
            max_length=200, required=False, allow_blank=True
        )

        class Meta:
            ref_name = "OrderInput"

        def validate_document(self, document: UploadedFile) -> UploadedFile:
            return _validate_pdf(document)

    OutputSerializer = OrderCaseSerializer

    @extend_schema(
        operation_id="orders_create",
        tags=["Órdenes de autoridades"],
        summary="Enviar una orden de suspensión, levantamiento, cancelación o reactivación",
        parameters=[IDEMPOTENCY_PARAMETER],
        request={"multipart/form-data": InputSerializer},
        examples=[ORDER_EXAMPLE],
        responses={201: OrderCaseSerializer, **errors(400, 401, 403, 409, 413, 415, 422)},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> tuple[int, Any]:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        filed = file_authority_order(self.entity, order=AuthorityOrder(**serializer.validated_data))
        case = selectors.case_of_entity(self.entity, filed.number)
        assert case is not None
        data = {**CaseSerializer(case).data, "missing_requirements": missing_documents(case)}
        return status.HTTP_201_CREATED, data


class CaseListApi(EntityApi):
    """The cases the entity filed, newest first."""

    OutputSerializer = CaseSerializer

    @extend_schema(
        operation_id="cases_list",
        tags=["Trámites"],
        summary="Trámites radicados por la entidad",
        parameters=PAGE_PARAMETERS,
        responses={200: paginated(CaseSerializer, "Cases"), **errors(401, 403, 404)},
    )
    def get(self, request: Request) -> Response:
        return paginate(
            serializer=self.OutputSerializer,
            queryset=selectors.cases_of_entity(self.entity),
            request=request,
            view=self,
        )


def _entity_case(entity: Any, number: str) -> Case:
    case = selectors.case_of_entity(entity, number) if CASE_NUMBER.fullmatch(number) else None
    if case is None:
        raise NotFound(_("No hay ningún trámite con ese número radicado por su entidad."))
    return case


class CaseDetailApi(EntityApi):
    """Follow a case: its state, every step and its documents."""

    class OutputSerializer(CaseSerializer):
        steps = CaseStepSerializer(many=True)
        documents = CaseDocumentSerializer(many=True)

        class Meta:
            ref_name = "CaseDetail"

    @extend_schema(
        operation_id="cases_retrieve",
        tags=["Trámites"],
        summary="Estado, pasos y documentos de un trámite",
        parameters=[CASE_NUMBER_PARAMETER],
        responses={200: OutputSerializer, **errors(401, 403, 404)},
    )
    def get(self, request: Request, number: str) -> Response:
        case = _entity_case(self.entity, number)
        return Response(self.OutputSerializer(case).data)


class CaseDocumentsApi(IdempotentCreateApi):
    """The documents of a case; an authority may add one (e.g. the act's proof of being final)."""

    parser_classes = [MultiPartParser]
    max_request_bytes = MAX_DOCUMENT_BYTES + MB
    OutputSerializer = CaseDocumentSerializer

    class InputSerializer(serializers.Serializer):
        document = serializers.FileField()
        description = serializers.CharField(max_length=200, required=False, allow_blank=True)

        class Meta:
            ref_name = "CaseDocumentInput"

        def validate_document(self, document: UploadedFile) -> UploadedFile:
            return _validate_pdf(document)

    def get_permissions(self) -> list[Any]:
        # Reading is open to any entity for its own cases; adding needs the orders scope.
        self.required_scope = Scope.ORDERS if self.request.method == "POST" else None
        return super().get_permissions()

    @extend_schema(
        operation_id="case_documents_list",
        tags=["Trámites"],
        summary="Documentos de un trámite",
        parameters=[CASE_NUMBER_PARAMETER, *PAGE_PARAMETERS],
        responses={200: paginated(CaseDocumentSerializer, "CaseDocuments"), **errors(401, 404)},
    )
    def get(self, request: Request, number: str) -> Response:
        case = _entity_case(self.entity, number)
        return paginate(
            serializer=self.OutputSerializer,
            queryset=selectors.documents_of_case(case),
            request=request,
            view=self,
        )

    @extend_schema(
        operation_id="case_documents_create",
        tags=["Trámites"],
        summary="Agregar un soporte (PDF) a un trámite de la entidad",
        parameters=[CASE_NUMBER_PARAMETER, IDEMPOTENCY_PARAMETER],
        request={"multipart/form-data": InputSerializer},
        responses={
            201: CaseDocumentSerializer,
            **errors(400, 401, 403, 404, 409, 413, 415, 422),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> tuple[int, Any]:
        case = _entity_case(self.entity, kwargs["number"])
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = add_case_document(
            self.entity,
            case=case,
            document=serializer.validated_data["document"],
            description=serializer.validated_data.get("description", ""),
        )
        return status.HTTP_201_CREATED, self.OutputSerializer(document).data
