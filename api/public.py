"""The public lookup of a RUT by NIT: basic data only (art. 4 par. 2), rate limited."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    extend_schema,
)
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.common import NIT_PARAMETER, BasicDataSerializer, errors
from api.throttling import PublicLookupThrottle
from registry.models import Registrant
from registry.selectors import PublicRegistrant, public_registrant_by_nit


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
        registrant = public_registrant_by_nit(nit)
        if registrant is None or not registrant.nit:
            raise NotFound(_("No hay ningún inscrito con ese NIT."))
        return Response(basic_data_json(registrant))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


_STATE_LABELS = dict(Registrant.State.choices)


def basic_data_json(registrant: PublicRegistrant) -> dict[str, Any]:
    """What BasicDataSerializer renders for basic_data(registrant), built directly: the busiest
    endpoint of the API skips the deep copy of fifteen serializer fields on every request
    (tests/performance/test_page_costs.py keeps both outputs equal). The state's label comes
    from the choices directly: get_state_display() rebuilds a dict of every choice, hashing
    (and so translating) each lazy label, on every call."""
    places = {
        key: None if place is None else {"code": str(place.pk), "name": str(place.name)}
        for key, place in (
            ("municipality", registrant.municipality),
            ("department", registrant.department),
        )
    }
    return {
        "identification_number": _text(registrant.document_number),
        "nit": _text(registrant.nit),
        "check_digit": None if registrant.check_digit is None else int(registrant.check_digit),
        "formatted_nit": _text(registrant.formatted_nit),
        "name": _text(registrant.display_name),
        **{
            key: _text(getattr(registrant, key))
            for key in (
                "first_surname",
                "second_surname",
                "first_name",
                "other_names",
                "business_name",
                "address",
            )
        },
        **places,
        "state": _text(registrant.state),
        "state_display": _text(_STATE_LABELS.get(registrant.state, registrant.state)),
    }
