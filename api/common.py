"""What every endpoint shares: entity authentication and scope, size limits, idempotent
POSTs, pagination, documented error answers and the basic data of a RUT.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agreements.services import (
    run_once,
)
from api.authentication import AgreementTokenAuthentication
from api.permissions import HasScope, IsAgreementEntity
from registry.models import (
    Registrant,
)
from rut_portal import input_guard

MB = 1024 * 1024
MAX_JSON_BYTES = 1 * MB
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}")
DB_ID = re.compile(r"[1-9]\d{0,17}")


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


def path_parameter(
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


NIT_PARAMETER = path_parameter(
    "nit", str, r"[0-9.\- ]{1,20}", "NIT, con o sin DV.", example="52123456"
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
        if request.method == "POST" and isinstance(request.data, QueryDict):
            # A form body (JSON bodies are checked by the middleware before any view).
            field = input_guard.offending_in(request.data)
            if field is not None:
                raise ValidationError({field: [input_guard.message()]})

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


def _place(obj: Any) -> dict[str, str] | None:
    return {"code": obj.pk, "name": obj.name} if obj is not None else None


def basic_data(registrant: Registrant) -> dict[str, Any]:
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
