"""The public lookup of a RUT by NIT: basic data only (art. 4 par. 2), rate limited."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    extend_schema,
)
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.common import (
    NIT_PARAMETER,
    BasicDataSerializer,
    basic_data,
    errors,
)
from api.throttling import PublicLookupThrottle
from registry.selectors import registrant_by_nit


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
        return Response(BasicDataSerializer(basic_data(registrant)).data)
