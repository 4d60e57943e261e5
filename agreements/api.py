"""The REST API for agreement entities and the public RUT lookup (HackSoft style: one APIView per
operation, nested InputSerializer / OutputSerializer; serializers check shapes, services decide).

Every POST needs an Idempotency-Key header: a retry with the same key gets the first answer
(with `Idempotent-Replayed: true`) and changes nothing; the same key with another request is
refused (422). Errors are JSON: `{"detail": "..."}` for the request as a whole, or
`{"field": ["..."], "non_field_errors": ["..."]}` for field and business-rule errors.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agreements import selectors
from agreements.authentication import AgreementTokenAuthentication
from agreements.death_feed import MAX_FEED_BYTES, needs_attention_outcomes, submit_death_feed
from agreements.models import (
    AgreementInscription,
    DeathFeedEntry,
    DeathFeedUpload,
    Scope,
)
from agreements.permissions import HasScope, IsAgreementEntity
from agreements.services import (
    ORDER_CASE_TYPES,
    QUERYABLE_FIELDS,
    AuthorityOrder,
    add_case_document,
    file_authority_order,
    query_registry,
    register_by_agreement,
    run_once,
)
from agreements.throttling import PublicLookupThrottle
from procedures.models import Case, CaseDocument, Cause
from procedures.services.intake import missing_documents
from registry.models import (
    ActivityRole,
    PersonType,
    Registrant,
    RegistrantKind,
    Representative,
)
from registry.selectors import registrant_by_nit
from registry.services import provisional_nit_expires_on
from registry.validation import (
    ActivityData,
    EstablishmentData,
    PartnerData,
    RegistrantData,
    RepresentativeData,
)

MB = 1024 * 1024
MAX_JSON_BYTES = 1 * MB
MAX_DOCUMENT_BYTES = 10 * MB
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}")
CASE_NUMBER = re.compile(r"\d{4}-\d{7,12}")
DB_ID = re.compile(r"[1-9]\d{0,17}")

# --- Shared pieces ------------------------------------------------------------------------------


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("La solicitud es demasiado grande.")
    default_code = "payload_too_large"


class ApiPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


_ERROR_TEXT = {
    400: "Datos inválidos: errores por campo o de la solicitud.",
    401: "Falta el token o no es válido.",
    403: "El convenio no permite la operación o el campo pedido.",
    404: "No existe, o no pertenece a la entidad.",
    409: "Conflicto con el estado actual (p. ej. ya inscrito, orden ya recibida).",
    413: "La solicitud o el archivo superan el tamaño permitido.",
    415: "Tipo de contenido no admitido.",
    422: "La clave de idempotencia ya se usó con otra solicitud.",
    429: "Demasiadas consultas: espere e intente de nuevo.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {
        code: OpenApiResponse(response=OpenApiTypes.OBJECT, description=_ERROR_TEXT[code])
        for code in codes
    }


def paginated(serializer: type[serializers.Serializer], name: str) -> serializers.Serializer:
    return inline_serializer(
        name=f"Paginated{name}",
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer(many=True),
        },
    )


PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description="Página (desde 1)."),
    OpenApiParameter("page_size", int, description="Elementos por página (máximo 200)."),
]
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    required=True,
    pattern=f"^{IDEMPOTENCY_KEY.pattern}$",
    description=(
        "Clave única por operación (p. ej. un UUID). Un reintento con la misma clave recibe "
        "la primera respuesta y no repite nada."
    ),
)


def _path(
    name: str, kind: type, pattern: str, description: str, example: str | None = None
) -> OpenApiParameter:
    examples = [OpenApiExample(name, value=example)] if example else None
    if kind is int:
        schema = {"type": "integer", "format": "int64", "minimum": 1}
        return OpenApiParameter(
            name, schema, location=OpenApiParameter.PATH, description=description
        )
    return OpenApiParameter(
        name,
        kind,
        location=OpenApiParameter.PATH,
        pattern=f"^{pattern}$",
        description=description,
        examples=examples,
    )


CASE_NUMBER_PARAMETER = _path(
    "number", str, CASE_NUMBER.pattern, "Número del trámite.", example="2026-0000001"
)
NIT_PARAMETER = _path("nit", str, r"[0-9.\- ]{1,20}", "NIT, con o sin DV.", example="52123456")

INSCRIPTION_EXAMPLE = OpenApiExample(
    "Persona natural",
    request_only=True,
    value={
        "kind": "PN",
        "document_type": "13",
        "document_number": "52999888",
        "document_issue_date": "2001-03-10",
        "first_surname": "RODRÍGUEZ",
        "first_name": "ANA",
        "country": "CO",
        "department": "11",
        "municipality": "11001",
        "address": "CL 72 10 34",
        "email": "ana.rodriguez@example.co",
        "activities": [{"code": "4711", "role": "principal", "started_on": "2026-01-10"}],
        "responsibilities": ["49"],
    },
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
DEATH_FEED_EXAMPLE = OpenApiExample(
    "CSV",
    request_only=True,
    value={
        "file": "document_type,document_number,death_date,death_certificate_number\n"
        "13,52123456,2026-01-10,09123456\n",
        "format": "csv",
    },
)


def paginate(
    *, serializer: type[serializers.Serializer], queryset: Any, request: Request, view: APIView
) -> Response:
    paginator = ApiPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


def parse_id(value: str) -> int:
    """Path ids are taken as text so that anything malformed is a JSON 404, never an HTML one."""
    if not DB_ID.fullmatch(value):
        raise NotFound()
    return int(value)


def _fingerprint(request: Request) -> str:
    """What makes two POSTs the same request: path and parsed content (files by SHA-256)."""

    def plain(value: Any) -> Any:
        if isinstance(value, UploadedFile):
            digest = hashlib.sha256()
            for chunk in value.chunks():
                digest.update(chunk)
            value.seek(0)
            return {"file": digest.hexdigest(), "size": value.size}
        return value

    data = request.data
    if hasattr(data, "lists"):  # QueryDict from a multipart form
        content: Any = {key: [plain(v) for v in values] for key, values in data.lists()}
    else:
        content = data
    return hashlib.sha256(
        json.dumps({"path": request.path, "data": content}, sort_keys=True, default=str).encode()
    ).hexdigest()


class EntityApi(APIView):
    """Base for the endpoints of agreement entities: their token, their scope, size limits."""

    authentication_classes = [AgreementTokenAuthentication]
    permission_classes = [IsAgreementEntity, HasScope]
    required_scope: str | None = None
    max_request_bytes = MAX_JSON_BYTES

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise ValidationError({"detail": _("Cabecera Content-Length inválida.")}) from None
        if length > self.max_request_bytes:
            raise PayloadTooLarge(
                _("La solicitud supera %(mb)s MB.") % {"mb": self.max_request_bytes // MB}
            )

    @property
    def entity(self) -> Any:
        return self.request.auth.entity


class IdempotentCreateApi(EntityApi):
    """POST runs `create` once per Idempotency-Key and entity."""

    def create(self, request: Request, *args: Any, **kwargs: Any) -> tuple[int, Any]:
        raise NotImplementedError

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get("Idempotency-Key", "")
        if not IDEMPOTENCY_KEY.fullmatch(key):
            raise ValidationError(
                {
                    "Idempotency-Key": [
                        _(
                            "Envíe la cabecera Idempotency-Key: de 1 a 255 caracteres ASCII "
                            "visibles, única para cada operación."
                        )
                    ]
                }
            )
        status_code, body, replayed = run_once(
            entity=self.entity,
            key=key,
            path=request.path,
            fingerprint=_fingerprint(request),
            operation=lambda: self.create(request, *args, **kwargs),
        )
        response = Response(body, status=status_code)
        response["Idempotency-Key"] = key
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response


# --- Shared output ------------------------------------------------------------------------------


class PlaceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class BasicDataSerializer(serializers.Serializer):
    """Decreto 2460 de 2013, art. 4 par. 2: the basic identification and location data."""

    identification_number = serializers.CharField(source="document_number")
    nit = serializers.CharField()
    check_digit = serializers.IntegerField()
    formatted_nit = serializers.CharField()
    name = serializers.CharField(source="display_name")
    first_surname = serializers.CharField()
    second_surname = serializers.CharField()
    first_name = serializers.CharField()
    other_names = serializers.CharField()
    business_name = serializers.CharField()
    address = serializers.CharField()
    municipality = PlaceSerializer(allow_null=True)
    department = PlaceSerializer(allow_null=True)
    state = serializers.ChoiceField(choices=Registrant.State.choices)
    state_display = serializers.CharField(source="get_state_display")


class CaseSerializer(serializers.Serializer):
    number = serializers.CharField()
    case_type = serializers.CharField()
    case_type_display = serializers.CharField(source="get_case_type_display")
    cause = serializers.CharField()
    state = serializers.ChoiceField(choices=Case.State.choices)
    state_display = serializers.CharField(source="get_state_display")
    decision = serializers.CharField()
    priority = serializers.IntegerField()
    nit = serializers.SerializerMethodField()
    registrant_name = serializers.SerializerMethodField()
    act_number = serializers.CharField()
    act_date = serializers.DateField(allow_null=True)
    act_issuer = serializers.CharField()
    act_is_final = serializers.BooleanField()
    received_at = serializers.DateTimeField()
    due_on = serializers.DateField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)

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
    if document.size is None or document.size > MAX_DOCUMENT_BYTES:
        raise serializers.ValidationError(
            _("El documento supera %(mb)s MB.") % {"mb": MAX_DOCUMENT_BYTES // MB}
        )
    document.seek(0)
    head = document.read(5)
    document.seek(0)
    if head != b"%PDF-":
        raise serializers.ValidationError(_("El documento debe ser un PDF."))
    return document


# --- Public lookup ------------------------------------------------------------------------------


class PublicLookupApi(APIView):
    """Anyone: the basic data of a RUT and its state, by NIT (with or without DV)."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicLookupThrottle]

    @extend_schema(
        operation_id="rut_lookup",
        tags=["Consulta pública"],
        summary="Consultar un RUT por NIT (datos básicos, art. 4 par. 2)",
        parameters=[NIT_PARAMETER],
        responses={200: BasicDataSerializer, **errors(400, 404, 429)},
    )
    def get(self, request: Request, nit: str) -> Response:
        registrant = registrant_by_nit(nit)
        if registrant is None or not registrant.nit:
            raise NotFound(_("No hay ningún inscrito con ese NIT."))
        return Response(BasicDataSerializer(_basic(registrant)).data)


def _place(obj: Any) -> dict[str, str] | None:
    return {"code": obj.pk, "name": obj.name} if obj is not None else None


def _basic(registrant: Registrant) -> dict[str, Any]:
    return {
        "document_number": registrant.document_number,
        "nit": registrant.nit,
        "check_digit": registrant.check_digit,
        "formatted_nit": registrant.formatted_nit,
        "display_name": registrant.display_name,
        "first_surname": registrant.first_surname,
        "second_surname": registrant.second_surname,
        "first_name": registrant.first_name,
        "other_names": registrant.other_names,
        "business_name": registrant.business_name,
        "address": registrant.address,
        "municipality": _place(registrant.municipality),
        "department": _place(registrant.department),
        "state": registrant.state,
        "get_state_display": registrant.get_state_display(),
    }


# --- Inscriptions by agreement ------------------------------------------------------------------


class InscriptionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nit = serializers.CharField(source="registrant.nit")
    check_digit = serializers.IntegerField(source="registrant.check_digit")
    formatted_nit = serializers.CharField(source="registrant.formatted_nit")
    name = serializers.CharField(source="registrant.display_name")
    state = serializers.ChoiceField(source="registrant.state", choices=Registrant.State.choices)
    state_display = serializers.CharField(source="registrant.get_state_display")
    form_number = serializers.CharField()
    latest_form_number = serializers.CharField()
    provisional_nit_expires_on = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_provisional_nit_expires_on(self, inscription: AgreementInscription) -> str | None:
        if inscription.registrant.state != Registrant.State.PROVISIONAL:
            return None
        expires = provisional_nit_expires_on(inscription.registrant)
        return expires.isoformat() if expires else None


class ActivityInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=4)
    role = serializers.ChoiceField(choices=ActivityRole.choices, default=ActivityRole.PRINCIPAL)
    started_on = serializers.DateField(required=False, allow_null=True)


class RepresentativeInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Representative.Role.choices)
    document_type = serializers.CharField(max_length=2)
    document_number = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=200)
    professional_card = serializers.CharField(max_length=20, required=False, allow_blank=True)
    since = serializers.DateField(required=False, allow_null=True)


class PartnerInputSerializer(serializers.Serializer):
    document_type = serializers.CharField(max_length=2)
    document_number = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=300)
    nit = serializers.CharField(max_length=15, required=False, allow_blank=True)
    nationality = serializers.CharField(max_length=2, required=False)
    share_percentage = serializers.DecimalField(
        max_digits=6,
        decimal_places=3,
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
    )
    since = serializers.DateField(required=False, allow_null=True)


class EstablishmentInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    department = serializers.CharField(max_length=2)
    municipality = serializers.CharField(max_length=5)
    address = serializers.CharField(max_length=200)
    kind_code = serializers.CharField(max_length=5, required=False, allow_blank=True)
    activity = serializers.CharField(max_length=4, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    opened_on = serializers.DateField(required=False, allow_null=True)


class InscriptionsApi(IdempotentCreateApi):
    """Chambers of commerce and other authorised entities register inscritos (art. 8)."""

    required_scope = Scope.REGISTRATIONS
    parser_classes = [JSONParser]

    class InputSerializer(serializers.Serializer):
        """The Formulario 001 (casillas 24-54 and hojas 3-5), with the bank certificate date."""

        kind = serializers.ChoiceField(choices=RegistrantKind.choices)
        person_type = serializers.ChoiceField(
            choices=PersonType.choices, required=False, allow_blank=True
        )
        document_type = serializers.CharField(max_length=2, required=False, allow_blank=True)
        document_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
        document_issue_date = serializers.DateField(required=False, allow_null=True)
        document_issue_place = serializers.CharField(max_length=5, required=False, allow_blank=True)
        first_surname = serializers.CharField(max_length=60, required=False, allow_blank=True)
        second_surname = serializers.CharField(max_length=60, required=False, allow_blank=True)
        first_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
        other_names = serializers.CharField(max_length=60, required=False, allow_blank=True)
        birth_date = serializers.DateField(required=False, allow_null=True)
        birth_place = serializers.CharField(max_length=5, required=False, allow_blank=True)
        foreign_tax_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
        business_name = serializers.CharField(max_length=300, required=False, allow_blank=True)
        trade_name = serializers.CharField(max_length=300, required=False, allow_blank=True)
        acronym = serializers.CharField(max_length=60, required=False, allow_blank=True)
        country = serializers.CharField(min_length=2, max_length=2, required=False)
        department = serializers.CharField(max_length=2, required=False, allow_blank=True)
        municipality = serializers.CharField(max_length=5, required=False, allow_blank=True)
        address = serializers.CharField(max_length=200, required=False, allow_blank=True)
        postal_code = serializers.CharField(max_length=10, required=False, allow_blank=True)
        email = serializers.EmailField(required=False, allow_blank=True)
        phone_1 = serializers.CharField(max_length=20, required=False, allow_blank=True)
        phone_2 = serializers.CharField(max_length=20, required=False, allow_blank=True)
        activities = ActivityInputSerializer(many=True, required=False, max_length=10)
        responsibilities = serializers.ListField(
            child=serializers.CharField(max_length=2), required=False, max_length=60
        )
        customs_qualities = serializers.ListField(
            child=serializers.CharField(max_length=3), required=False, max_length=60
        )
        representatives = RepresentativeInputSerializer(many=True, required=False, max_length=50)
        partners = PartnerInputSerializer(many=True, required=False, max_length=500)
        establishments = EstablishmentInputSerializer(many=True, required=False, max_length=500)
        bank_certificate_date = serializers.DateField(required=False, allow_null=True)

        class Meta:
            ref_name = "InscriptionInput"

    OutputSerializer = InscriptionOutputSerializer

    @extend_schema(
        operation_id="inscriptions_list",
        tags=["Inscripciones por convenio"],
        summary="Inscripciones hechas por la entidad",
        parameters=PAGE_PARAMETERS,
        responses={
            200: paginated(InscriptionOutputSerializer, "Inscriptions"),
            **errors(401, 403, 404),
        },
    )
    def get(self, request: Request) -> Response:
        return paginate(
            serializer=self.OutputSerializer,
            queryset=selectors.inscriptions_of_entity(self.entity),
            request=request,
            view=self,
        )

    @extend_schema(
        operation_id="inscriptions_create",
        tags=["Inscripciones por convenio"],
        summary="Inscribir en el RUT con los datos del Formulario 001",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=InputSerializer,
        examples=[INSCRIPTION_EXAMPLE],
        responses={
            201: InscriptionOutputSerializer,
            **errors(400, 401, 403, 409, 413, 415, 422),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> tuple[int, Any]:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        bank_certificate_date = values.pop("bank_certificate_date", None)
        inscription = register_by_agreement(
            self.entity, data=_registrant_data(values), bank_certificate_date=bank_certificate_date
        )
        fresh = selectors.inscription_of_entity(self.entity, inscription.pk)
        return status.HTTP_201_CREATED, self.OutputSerializer(fresh).data


def _registrant_data(values: dict[str, Any]) -> RegistrantData:
    nested = {
        "activities": ActivityData,
        "representatives": RepresentativeData,
        "partners": PartnerData,
        "establishments": EstablishmentData,
    }
    for name, dataclass_type in nested.items():
        values[name] = [dataclass_type(**item) for item in values.get(name, [])]
    return RegistrantData(**values)


class InscriptionDetailApi(EntityApi):
    """The result of an inscription: NIT, Formulario 001 number, current state."""

    required_scope = Scope.REGISTRATIONS
    OutputSerializer = InscriptionOutputSerializer

    @extend_schema(
        operation_id="inscriptions_retrieve",
        tags=["Inscripciones por convenio"],
        summary="Resultado de una inscripción",
        parameters=[_path("inscription_id", int, DB_ID.pattern, "Id de la inscripción.")],
        responses={200: InscriptionOutputSerializer, **errors(401, 403, 404)},
    )
    def get(self, request: Request, inscription_id: str) -> Response:
        inscription = selectors.inscription_of_entity(self.entity, parse_id(inscription_id))
        if inscription is None:
            raise NotFound()
        return Response(self.OutputSerializer(inscription).data)


# --- Authorities' orders and cases --------------------------------------------------------------


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
        case = file_authority_order(self.entity, order=AuthorityOrder(**serializer.validated_data))
        case = selectors.case_of_entity(self.entity, case.number)
        assert case is not None
        case.missing_requirements = missing_documents(case)
        return status.HTTP_201_CREATED, self.OutputSerializer(case).data


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


# --- The civil registry's death feed ------------------------------------------------------------


class DeathFeedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    file_format = serializers.ChoiceField(choices=DeathFeedUpload.Format.choices)
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    state = serializers.ChoiceField(choices=DeathFeedUpload.State.choices)
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


FEED_ID_PARAMETER = _path("upload_id", int, DB_ID.pattern, "Número del reporte.")


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


# --- Queries by public entities -----------------------------------------------------------------


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
            **BasicDataSerializer(_basic(answer.registrant)).data,
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
