"""Forms of the ex officio procedures: inscripción (art. 12) and actualización (art. 14).

Shapes only; procedures.services.ex_officio decides, and its field errors come back here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from backoffice.forms import (
    DATE_INPUT,
    LEGAL_IDENTIFICATION,
    NATURAL_IDENTIFICATION,
    OFFICIAL_MAX_BYTES,
    TEXTAREA,
    GroupedForm,
    RegistrantUpdateForm,
    f001_field,
)
from procedures.models import EX_OFFICIO_UPDATE_CAUSES
from procedures.services.ex_officio import ORDERING_AUTHORITIES, Order, UpdateGrounds
from registry.models import (
    DocumentType,
    EconomicActivity,
    RegistrantKind,
)
from registry.validation import ActivityData, RegistrantData, RepresentativeData
from rut_portal import uploads
from rut_portal.errors import DomainError


def _upload_field(label: Any) -> forms.FileField:
    return forms.FileField(
        label=label,
        help_text=_("PDF, JPG o PNG; máximo 10 MB."),
        validators=[uploads.validator(max_bytes=OFFICIAL_MAX_BYTES)],
    )


LIST_FIELDS = {"activities": "activity", "representatives": "representative"}


class ExOfficioRegistrationForm(GroupedForm):
    """The order (art. 12) and the identification, location and classification it gives."""

    fieldsets = [
        (
            _("La orden judicial o administrativa"),
            [
                "requester_kind",
                "requester_name",
                "requester_email",
                "act_number",
                "act_date",
                "act_issuer",
                "order",
                "facts",
            ],
        ),
        (
            _("Identificación del obligado"),
            [
                "kind",
                "document_type",
                "document_number",
                "first_surname",
                "second_surname",
                "first_name",
                "other_names",
                "business_name",
            ],
        ),
        (
            _("Ubicación"),
            ["department", "municipality", "address", "email", "phone_1"],
        ),
        (
            _("Clasificación"),
            ["activity", "activity_started_on", "responsibilities"],
        ),
        (
            _("Representante legal (personas jurídicas)"),
            ["representative_document_type", "representative_document_number", "representative"],
        ),
    ]

    requester_kind = forms.ChoiceField(
        label=_("Autoridad que ordena"),
        choices=[("", "---------"), *((k.value, k.label) for k in ORDERING_AUTHORITIES)],
    )
    requester_name = forms.CharField(label=_("Nombre de la autoridad"), max_length=200)
    requester_email = forms.EmailField(label=_("Correo de la autoridad"), required=False)
    act_number = forms.CharField(label=_("Número de la orden"), max_length=60)
    act_date = forms.DateField(label=_("Fecha de la orden"), widget=DATE_INPUT)
    act_issuer = forms.CharField(label=_("Quién la expidió"), max_length=200, required=False)
    order = _upload_field(_("Copia de la orden"))
    facts = forms.CharField(label=_("Hechos"), widget=TEXTAREA, required=False)

    kind = forms.ChoiceField(
        label=_("Tipo de inscrito"),
        choices=RegistrantKind.choices,
        initial=RegistrantKind.NATURAL_PERSON,
    )
    document_type = f001_field("document_type")
    document_number = f001_field("document_number")
    first_surname = f001_field("first_surname")
    second_surname = f001_field("second_surname")
    first_name = f001_field("first_name")
    other_names = f001_field("other_names")
    business_name = f001_field("business_name")

    department = f001_field("department", required=True)
    municipality = f001_field("municipality", required=True)
    address = f001_field("address", required=True)
    email = f001_field("email")
    phone_1 = f001_field("phone_1")

    activity = forms.ModelChoiceField(
        label=_("Actividad económica principal (casilla 46)"),
        queryset=EconomicActivity.objects.order_by("code"),
        required=False,
    )
    activity_started_on = forms.DateField(
        label=_("Fecha de inicio de la actividad (casilla 47)"), widget=DATE_INPUT, required=False
    )
    responsibilities = f001_field("responsibilities")
    representative_document_type = forms.ModelChoiceField(
        label=_("Tipo de documento del representante"),
        queryset=DocumentType.objects.order_by("code"),
        required=False,
    )
    representative_document_number = forms.CharField(
        label=_("Número de documento del representante"), max_length=20, required=False
    )
    representative = forms.CharField(
        label=_("Nombre del representante legal"), max_length=200, required=False
    )

    def put_domain_errors(self, error: DomainError) -> None:
        """The service's field errors by the fields; it names RegistrantData's lists."""
        for name, messages in error.as_field_errors().items():
            field = LIST_FIELDS.get(name, name)
            for message in messages:
                self.add_error(field if field in self.fields else None, message)

    def order_of(self) -> Order:
        data = self.cleaned_data
        return Order(
            requester_kind=data["requester_kind"],
            requester_name=data["requester_name"],
            requester_email=data["requester_email"],
            act_number=data["act_number"],
            act_date=data["act_date"],
            act_issuer=data["act_issuer"],
        )

    def registrant_data(self) -> RegistrantData:
        data = self.cleaned_data
        activity: EconomicActivity | None = data["activity"]
        representatives = []
        if data["representative"]:
            representatives.append(
                RepresentativeData(
                    role="legal_rep",
                    document_type=_code(data["representative_document_type"]),
                    document_number=data["representative_document_number"],
                    name=data["representative"],
                )
            )
        return RegistrantData(
            kind=data["kind"],
            document_type=_code(data["document_type"]),
            document_number=data["document_number"],
            first_surname=data["first_surname"].upper(),
            second_surname=data["second_surname"].upper(),
            first_name=data["first_name"].upper(),
            other_names=data["other_names"].upper(),
            business_name=data["business_name"].upper(),
            department=_code(data["department"]),
            municipality=_code(data["municipality"]),
            address=data["address"].upper(),
            email=data["email"],
            phone_1=data["phone_1"],
            activities=[ActivityData(code=activity.code, started_on=data["activity_started_on"])]
            if activity
            else [],
            responsibilities=sorted(r.code for r in data["responsibilities"]),
            representatives=representatives,
        )


def _code(value: Any) -> str:
    return str(value.pk) if value is not None else ""


class ExOfficioUpdateForm(RegistrantUpdateForm):
    """Art. 14: the cause, where the information comes from, the changes and their support."""

    fieldsets = [
        (
            _("Causal (Decreto 2460 de 2013, art. 14)"),
            ["cause", "source", "act_number", "act_date", "act_issuer"],
        ),
        *RegistrantUpdateForm.fieldsets[1:3],  # location and contact, classification
        (_("Soporte y Formato 1767"), ["support", "facts", "authorized_by"]),
    ]

    cause = forms.ChoiceField(
        label=_("Causal"),
        choices=[(c.value, f"{n}. {c.label}") for n, c in enumerate(EX_OFFICIO_UPDATE_CAUSES, 1)],
        widget=forms.RadioSelect,
    )
    source = forms.CharField(
        label=_("Área de la DIAN, autoridad o entidad con convenio que da la información"),
        max_length=200,
    )
    act_number = forms.CharField(
        label=_("Número del acto o de la orden (causal 2)"), max_length=60, required=False
    )
    act_date = forms.DateField(
        label=_("Fecha del acto o de la orden"), widget=DATE_INPUT, required=False
    )
    act_issuer = forms.CharField(label=_("Quién lo expidió"), max_length=200, required=False)
    # Here the support is the uploaded act or report, not the desk's choice of support kind.
    support = _upload_field(  # type: ignore[assignment]
        _("Soporte (acto, informe del área o información recibida)")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Not the desk's person-type handling: art. 14 changes no identification data.
        super(RegistrantUpdateForm, self).__init__(*args, **kwargs)
        for name in (*NATURAL_IDENTIFICATION, *LEGAL_IDENTIFICATION):
            self.fields.pop(name, None)
        del self.fields["evidence"]  # the support is the uploaded file
        del self.fields["support_document"]

    def clean(self) -> dict[str, Any]:
        # The desk's support choice (1767 or signed request) does not apply: the support here
        # is the uploaded act or report.
        return super(RegistrantUpdateForm, self).clean() or {}

    def grounds(self) -> UpdateGrounds:
        data = self.cleaned_data
        return UpdateGrounds(
            cause=data["cause"],
            source=data["source"],
            facts=data["facts"],
            authorized_by=data["authorized_by"],
            act_number=data["act_number"],
            act_date=data["act_date"],
            act_issuer=data["act_issuer"],
        )
