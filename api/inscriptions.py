"""Inscriptions by entities with an agreement (Decreto 2460 de 2013, art. 8-9)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from agreements import selectors
from agreements.models import (
    AgreementInscription,
    Scope,
)
from agreements.services import (
    activate_by_agreement,
    register_by_agreement,
)
from api.common import (
    DB_ID,
    IDEMPOTENCY_PARAMETER,
    PAGE_PARAMETERS,
    EntityApi,
    IdempotentCreateApi,
    errors,
    paginate,
    paginated,
    parse_id,
    path_parameter,
)
from procedures.services.requirements import DeclaredDocument
from registry.models import (
    ActivityRole,
    PersonType,
    Registrant,
    RegistrantKind,
    Representative,
)
from registry.services.provisional_nit import provisional_nit_expires_on
from registry.validation import (
    ActivityData,
    EstablishmentData,
    PartnerData,
    RegistrantData,
    RepresentativeData,
)

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
        "documents": [{"code": "applicant_id"}],
    },
)


class InscriptionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nit = serializers.CharField(source="registrant.nit")
    check_digit = serializers.IntegerField(source="registrant.check_digit")
    formatted_nit = serializers.CharField(source="registrant.formatted_nit")
    name = serializers.CharField(source="registrant.display_name")
    document_issue_country = serializers.CharField(source="registrant.document_issue_country")
    birth_country = serializers.CharField(source="registrant.birth_country")
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


class DeclaredDocumentSerializer(serializers.Serializer):
    """One document of the kind's checklist (Decreto 2460 de 2013, art. 10), as seen."""

    code = serializers.CharField(max_length=40)
    document_date = serializers.DateField(required=False, allow_null=True)
    power_kind = serializers.ChoiceField(
        choices=[("special", "especial"), ("general", "general")], required=False, allow_blank=True
    )
    notary_certificate = serializers.BooleanField(required=False, default=False)


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
        document_issue_country = serializers.CharField(
            max_length=2, required=False, allow_blank=True
        )
        first_surname = serializers.CharField(max_length=60, required=False, allow_blank=True)
        second_surname = serializers.CharField(max_length=60, required=False, allow_blank=True)
        first_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
        other_names = serializers.CharField(max_length=60, required=False, allow_blank=True)
        birth_date = serializers.DateField(required=False, allow_null=True)
        birth_place = serializers.CharField(max_length=5, required=False, allow_blank=True)
        birth_country = serializers.CharField(max_length=2, required=False, allow_blank=True)
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
        via_attorney = serializers.BooleanField(required=False, default=False)
        documents = DeclaredDocumentSerializer(many=True, required=False, max_length=30)

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
        via_attorney = values.pop("via_attorney", False)
        documents = [DeclaredDocument(**item) for item in values.pop("documents", [])]
        inscription = register_by_agreement(
            self.entity,
            data=_registrant_data(values),
            bank_certificate_date=bank_certificate_date,
            documents=documents,
            via_attorney=via_attorney,
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
        parameters=[path_parameter("inscription_id", int, DB_ID.pattern, "Id de la inscripción.")],
        responses={200: InscriptionOutputSerializer, **errors(401, 403, 404)},
    )
    def get(self, request: Request, inscription_id: str) -> Response:
        inscription = selectors.inscription_of_entity(self.entity, parse_id(inscription_id))
        if inscription is None:
            raise NotFound()
        return Response(self.OutputSerializer(inscription).data)


class InscriptionActivationApi(IdempotentCreateApi):
    """The bank certificate that makes the provisional NIT definitive (art. 10 lit. a)."""

    required_scope = Scope.REGISTRATIONS
    parser_classes = [JSONParser]

    class InputSerializer(serializers.Serializer):
        """The bank account certificate of the legal entity."""

        bank = serializers.CharField(max_length=100, help_text="Entidad financiera.")
        account_number = serializers.RegexField(
            r"^[0-9][0-9 -]{2,29}$",
            help_text="Número de la cuenta certificada (solo se guardan los últimos 4 dígitos).",
        )
        certificate_date = serializers.DateField(
            help_text="Fecha de la certificación bancaria; no puede ser futura."
        )

        class Meta:
            ref_name = "InscriptionActivationInput"

    OutputSerializer = InscriptionOutputSerializer

    @extend_schema(
        operation_id="inscriptions_activation_create",
        tags=["Inscripciones por convenio"],
        summary="Activar el NIT provisional con la certificación bancaria",
        description=(
            "Decreto 2460 de 2013, art. 10 lit. a: la persona jurídica inscrita con NIT "
            "provisional lo vuelve definitivo presentando la certificación de su cuenta "
            "bancaria dentro del plazo. Se expide una nueva versión del Formulario 001 "
            "(`latest_form_number`). 409 si el NIT no es provisional o ya venció; 400 si la "
            "fecha es futura o faltan datos; 404 si la inscripción no es de la entidad."
        ),
        parameters=[
            IDEMPOTENCY_PARAMETER,
            path_parameter("inscription_id", int, DB_ID.pattern, "Id de la inscripción."),
        ],
        request=InputSerializer,
        examples=[
            OpenApiExample(
                "Certificación bancaria",
                request_only=True,
                value={
                    "bank": "Banco de Bogotá",
                    "account_number": "123456789012",
                    "certificate_date": "2026-11-17",
                },
            )
        ],
        responses={200: InscriptionOutputSerializer, **errors(400, 401, 403, 404, 409, 415)},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> tuple[int, Any]:
        inscription = selectors.inscription_of_entity(
            self.entity, parse_id(kwargs["inscription_id"])
        )
        if inscription is None:
            raise NotFound()
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        activate_by_agreement(self.entity, inscription, **serializer.validated_data)
        fresh = selectors.inscription_of_entity(self.entity, inscription.pk)
        return status.HTTP_200_OK, self.OutputSerializer(fresh).data
