"""Forms of the officials' admin: each asks for what one service needs, and nothing decides.

Shapes only (types, lengths, what must be typed); the rules live in procedures.services and
registry.services, whose DomainError messages the admin views put back on these forms.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from procedures.models import (
    CaseDocument,
    CaseType,
    Cause,
    Channel,
    Mode,
    PendingObligation,
    Referral,
    RequesterKind,
    VerificationVisit,
)
from registry import reference_cache
from registry.models import (
    CustomsQuality,
    Department,
    DocumentType,
    Municipality,
    PersonType,
    Registrant,
    Responsibility,
)
from registry.responsibilities import CONSUMPTION_TAX, VAT
from registry.services.record import attname
from registry.validation import RegistrantData, data_from_registrant
from rut_portal import uploads

# Types an official receives here; an inscription carries a whole Formulario 001 and has its own
# page (backoffice.views.inscription). An actualización is received with the record as it is,
# and its changes are made on the case page with the Formato 1767 form; a retiro de IVA or de
# consumo is an actualización marked with its withdrawal.
RECEIVABLE_TYPES = [
    (value, label) for value, label in CaseType.choices if value != CaseType.REGISTRATION
]
WITHDRAWAL_CHOICES = [
    ("", _("No es un retiro")),
    (VAT, _("Retiro de IVA (48 → 49)")),
    (CONSUMPTION_TAX, _("Retiro del impuesto al consumo (33 → 50)")),
]

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = forms.Textarea(attrs={"rows": 3, "cols": 60})


def _blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "---------"), *choices]


class ConfirmForm(forms.Form):
    """A transition that needs nothing but a deliberate click."""


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motivo u observaciones"), widget=TEXTAREA, required=False)


class RequiredReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motivo"), widget=TEXTAREA)


OFFICIAL_MAX_BYTES = uploads.OFFICIAL_MAX_BYTES


class DocumentFieldsMixin(forms.Form):
    """An optional supporting document uploaded with the action."""

    document_kind = forms.ChoiceField(
        label=_("Tipo de soporte"), choices=_blank(CaseDocument.Kind.choices), required=False
    )
    document = forms.FileField(
        label=_("Archivo (PDF, JPG o PNG)"),
        help_text=_("Máximo 10 MB."),
        required=False,
        validators=[uploads.validator(max_bytes=OFFICIAL_MAX_BYTES)],
    )
    document_description = forms.CharField(
        label=_("Descripción del soporte"), max_length=200, required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("document") and not cleaned.get("document_kind"):
            self.add_error("document_kind", _("Indique qué soporte está cargando."))
        return cleaned


class AttachDocumentForm(DocumentFieldsMixin):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document_kind"].required = True
        self.fields["document"].required = True


class AcceptRequirementsForm(DocumentFieldsMixin):
    reason = forms.CharField(label=_("Observaciones"), widget=TEXTAREA, required=False)


class ApproveForm(forms.Form):
    """The director signs by typing their password again."""

    password = forms.CharField(
        label=_("Su contraseña (firma de la aprobación)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    reason = forms.CharField(label=_("Observaciones"), widget=TEXTAREA, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("La contraseña no es correcta: la aprobación no se firmó y nada cambió.")
            )
        return password


class BulkApproveForm(ApproveForm):
    cases = forms.MultipleChoiceField(
        label=_("Trámites"), widget=forms.CheckboxSelectMultiple, choices=[]
    )

    def __init__(self, *args: Any, case_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cases"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = case_choices
        self.fields["cases"].error_messages["required"] = _("Seleccione al menos un trámite.")


class ReturnForm(forms.Form):
    observations = forms.CharField(label=_("Observaciones para el funcionario"), widget=TEXTAREA)


class OfficialChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


class AssignForm(forms.Form):
    to = OfficialChoiceField(label=_("Asignar a"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Motivo"), widget=TEXTAREA, required=False)

    def __init__(self, *args: Any, officials: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = officials


class EvaluateImpedimentForm(forms.Form):
    """Procedure 3.3: the director accepts (and reassigns) or rejects a declared impediment."""

    decision = forms.ChoiceField(
        label=_("Decisión"),
        choices=[("accept", _("Aceptar y reasignar")), ("reject", _("Rechazar"))],
        widget=forms.RadioSelect,
    )
    reassign_to = OfficialChoiceField(
        label=_("Reasignar a"), queryset=User.objects.none(), required=False
    )
    reason = forms.CharField(label=_("Motivo"), widget=TEXTAREA)

    def __init__(self, *args: Any, officials: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reassign_to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = officials

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "accept" and not data.get("reassign_to"):
            self.add_error(
                "reassign_to", _("Para aceptar el impedimento elija a quién se reasigna.")
            )
        return data


class ReceiveCaseForm(DocumentFieldsMixin):
    """Activity 1: what arrived, from whom, about which inscrito, with which act."""

    case_type = forms.ChoiceField(label=_("Tipo de trámite"), choices=_blank(RECEIVABLE_TYPES))
    mode = forms.ChoiceField(label=_("Modalidad"), choices=Mode.choices, initial=Mode.EX_OFFICIO)
    channel = forms.ChoiceField(label=_("Canal por el que llegó"), choices=_blank(Channel.choices))
    cause = forms.ChoiceField(label=_("Causal"), choices=_blank(Cause.choices))
    registrant_nit = forms.CharField(
        label=_("NIT del inscrito"),
        max_length=20,
        help_text=_("Con o sin dígito de verificación: 900373913 o 900.373.913-4."),
    )
    requester_kind = forms.ChoiceField(
        label=_("Solicitante"), choices=_blank(RequesterKind.choices)
    )
    requester_name = forms.CharField(label=_("Nombre del solicitante"), max_length=200)
    requester_email = forms.EmailField(label=_("Correo del solicitante"), required=False)
    act_number = forms.CharField(label=_("Número del acto u orden"), max_length=60, required=False)
    act_date = forms.DateField(label=_("Fecha del acto"), required=False, widget=DATE_INPUT)
    act_issuer = forms.CharField(label=_("Quién expidió el acto"), max_length=200, required=False)
    act_is_final = forms.BooleanField(
        label=_("El acto está debidamente ejecutoriado"), required=False
    )
    act_term_days = forms.IntegerField(
        label=_("Término fijado en el acto (días hábiles)"), min_value=0, required=False
    )
    facts = forms.CharField(label=_("Hechos"), widget=TEXTAREA, required=False)
    fact_date = forms.DateField(
        label=_("Fecha del hecho que origina la actualización"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Art. 13: el RUT se actualiza dentro del mes siguiente al hecho."),
    )
    withdrawal = forms.ChoiceField(
        label=_("Retiro de responsabilidad"),
        choices=WITHDRAWAL_CHOICES,
        required=False,
        help_text=_("Solo para una actualización: Decreto 2460 de 2013, art. 13 par. 3."),
    )


class GroupedForm(forms.Form):
    """A form whose fields are shown in fieldsets: (legend, [field names])."""

    fieldsets: list[tuple[Any, list[str]]] = []

    def grouped_fields(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]


class Formulario001Fields(forms.Form):
    """Casillas 25-45, 53 and 54 of the Formulario 001 as the officials type them, declared once
    for every form that asks for them (assisted inscription, assisted and ex officio updates,
    ex officio inscription).

    Shapes only and all optional: the registry's rules say what a record needs. A form that
    must have a casilla asks for it with `f001_field(name, required=True)`."""

    document_type = forms.ModelChoiceField(
        label=_("Tipo de documento (casilla 25)"),
        queryset=DocumentType.objects.order_by("code"),
        required=False,
    )
    document_number = forms.CharField(
        label=_("Número de identificación (casilla 26)"), max_length=20, required=False
    )
    document_issue_date = forms.DateField(
        label=_("Fecha de expedición del documento (casilla 27)"),
        required=False,
        widget=DATE_INPUT,
    )
    document_issue_place = forms.CharField(
        label=_("Lugar de expedición (código DIVIPOLA)"), max_length=5, required=False
    )
    document_issue_country = forms.CharField(
        label=_("País de expedición (código ISO, p. ej. CO)"),
        max_length=2,
        required=False,
        help_text=_("En el exterior, solo el país, sin municipio."),
    )
    foreign_tax_number = forms.CharField(
        label=_("Número de identificación tributaria del exterior (casilla 28)"),
        max_length=30,
        required=False,
    )
    first_surname = forms.CharField(
        label=_("Primer apellido (casilla 31)"), max_length=60, required=False
    )
    second_surname = forms.CharField(
        label=_("Segundo apellido (casilla 32)"), max_length=60, required=False
    )
    first_name = forms.CharField(
        label=_("Primer nombre (casilla 33)"), max_length=60, required=False
    )
    other_names = forms.CharField(
        label=_("Otros nombres (casilla 34)"), max_length=60, required=False
    )
    business_name = forms.CharField(
        label=_("Razón social (casilla 35)"), max_length=300, required=False
    )
    trade_name = forms.CharField(
        label=_("Nombre comercial (casilla 36)"), max_length=300, required=False
    )
    acronym = forms.CharField(label=_("Sigla (casilla 37)"), max_length=60, required=False)
    birth_date = forms.DateField(label=_("Fecha de nacimiento"), required=False, widget=DATE_INPUT)
    birth_place = forms.CharField(
        label=_("Lugar de nacimiento (código DIVIPOLA)"), max_length=5, required=False
    )
    birth_country = forms.CharField(
        label=_("País de nacimiento (código ISO, p. ej. CO)"),
        max_length=2,
        required=False,
        help_text=_("En el exterior, solo el país, sin municipio."),
    )

    country = forms.CharField(
        label=_("País (casilla 38)"), max_length=2, initial="CO", required=False
    )
    department = forms.ModelChoiceField(
        label=_("Departamento (casilla 39)"),
        queryset=Department.objects.order_by("name"),
        required=False,
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipio (casilla 40)"),
        queryset=Municipality.objects.filter(is_current=True).order_by("department_id", "name"),
        required=False,
    )
    address = forms.CharField(
        label=_("Dirección principal (casilla 41)"), max_length=200, required=False
    )
    email = forms.EmailField(label=_("Correo electrónico (casilla 42)"), required=False)
    postal_code = forms.CharField(
        label=_("Código postal (casilla 43)"), max_length=10, required=False
    )
    phone_1 = forms.CharField(label=_("Teléfono 1 (casilla 44)"), max_length=20, required=False)
    phone_2 = forms.CharField(label=_("Teléfono 2 (casilla 45)"), max_length=20, required=False)

    responsibilities = forms.ModelMultipleChoiceField(
        label=_("Responsabilidades, calidades y atributos (casilla 53)"),
        queryset=Responsibility.objects.filter(is_current=True).order_by("code"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "rut-columns"}),
        required=False,
    )
    customs_qualities = forms.ModelMultipleChoiceField(
        label=_("Usuario aduanero (casilla 54)"),
        queryset=CustomsQuality.objects.order_by("code"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "rut-columns"}),
        required=False,
    )


def f001_field(name: str, *, required: bool = False) -> Any:
    """A fresh copy of the Formulario 001's field `name`, for a form that declares only some of
    the casillas or must have this one."""
    field = copy.deepcopy(Formulario001Fields.base_fields[name])
    field.required = required
    return field


# Casillas 38-45, 53 and 54, in the Formulario 001's order.
LOCATION_AND_CONTACT = [
    "country",
    "department",
    "municipality",
    "address",
    "email",
    "postal_code",
    "phone_1",
    "phone_2",
]
CLASSIFICATION = ["responsibilities", "customs_qualities"]


def location_initial(registrant: Registrant) -> dict[str, Any]:
    """Casillas 38-45 of the record as it is, to start a form from."""
    return {name: getattr(registrant, attname(name)) for name in LOCATION_AND_CONTACT}


def set_location(record: RegistrantData, data: dict[str, Any]) -> None:
    """Put casillas 38-45 as a form cleaned them on the record (codes, the country in capitals)."""
    record.country = data["country"].upper()
    record.department = data["department"].code if data["department"] else ""
    record.municipality = data["municipality"].code if data["municipality"] else ""
    for name in ("address", "email", "postal_code", "phone_1", "phone_2"):
        setattr(record, name, data[name])


# Identification fields of the record the desk may change (art. 13: only in person), by the
# person type they belong to.
NATURAL_IDENTIFICATION = [
    "first_surname",
    "second_surname",
    "first_name",
    "other_names",
    "document_type",
    "document_number",
    "document_issue_date",
    "document_issue_place",
    "document_issue_country",
    "birth_date",
    "birth_place",
    "birth_country",
    "foreign_tax_number",
]
LEGAL_IDENTIFICATION = ["business_name", "trade_name", "acronym", "foreign_tax_number"]
SUPPORT_CHOICES = [
    ("format_1767", _("Formato 1767: actuación de la DIAN")),
    ("signed_request", _("Solicitud firmada del inscrito")),
]


# Names are kept in capitals on the Formulario 001.
CAPITALS = frozenset(
    {
        "first_surname",
        "second_surname",
        "first_name",
        "other_names",
        "business_name",
        "trade_name",
        "acronym",
    }
)


class RegistrantUpdateForm(Formulario001Fields, GroupedForm):
    """The record's data to change (identification included, art. 13), and its support: the
    Formato 1767 of the DIAN's actuación or the inscrito's signed request.

    An identification field the request does not carry at all keeps the record's value
    (`initial`): a request about the address changes only the address."""

    fieldsets = [
        (_("Identificación (art. 13: solo en forma presencial)"), []),
        (_("Ubicación y contacto"), LOCATION_AND_CONTACT),
        (_("Clasificación"), CLASSIFICATION),
        (
            _("Soporte de la actualización"),
            ["support", "facts", "evidence", "authorized_by", "support_document"],
        ),
    ]

    # What the desk must type for the casillas it shows (the others are optional).
    first_surname = f001_field("first_surname", required=True)
    first_name = f001_field("first_name", required=True)
    document_type = f001_field("document_type", required=True)
    document_number = f001_field("document_number", required=True)
    business_name = f001_field("business_name", required=True)
    country = f001_field("country", required=True)
    address = f001_field("address", required=True)

    support = forms.ChoiceField(
        label=_("Soporte"), choices=SUPPORT_CHOICES, initial="format_1767", required=False
    )
    facts = forms.CharField(label=_("Hechos que originan la actualización"), widget=TEXTAREA)
    evidence = forms.CharField(
        label=_("Pruebas"),
        widget=TEXTAREA,
        required=False,
        help_text=_("Con la solicitud firmada, basta el archivo."),
    )
    authorized_by = forms.CharField(label=_("Jefe que autoriza"), max_length=200)
    support_document = forms.FileField(
        label=_("Solicitud firmada del inscrito (PDF, JPG o PNG)"),
        required=False,
        validators=[uploads.validator(max_bytes=OFFICIAL_MAX_BYTES)],
    )
    expected_revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, person_type: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        natural = person_type == PersonType.NATURAL
        shown = NATURAL_IDENTIFICATION if natural else LEGAL_IDENTIFICATION
        for name in {*NATURAL_IDENTIFICATION, *LEGAL_IDENTIFICATION} - set(shown):
            del self.fields[name]
        self.fieldsets = [(self.fieldsets[0][0], shown), *self.fieldsets[1:]]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in {*NATURAL_IDENTIFICATION, *LEGAL_IDENTIFICATION} & self.fields.keys():
            if self.add_prefix(name) not in self.data and name in self.initial:
                cleaned[name] = self.initial[name]
                self.errors.pop(name, None)
        cleaned["support"] = cleaned.get("support") or "format_1767"
        if cleaned["support"] == "signed_request":
            if not cleaned.get("support_document"):
                self.add_error(
                    "support_document", _("Adjunte la solicitud firmada por el inscrito.")
                )
        elif not cleaned.get("evidence"):
            self.add_error("evidence", _("Indique las pruebas de la actuación."))
        return cleaned

    @staticmethod
    def initial_for(registrant: Registrant) -> dict[str, Any]:
        """The record as it is now, to start the form from."""
        return {
            **{
                name: getattr(registrant, attname(name))
                for name in (*NATURAL_IDENTIFICATION, *LEGAL_IDENTIFICATION)
            },
            **location_initial(registrant),
            "responsibilities": list(registrant.responsibilities.values_list("code", flat=True)),
            "customs_qualities": list(registrant.customs_qualities.values_list("code", flat=True)),
            "expected_revision": registrant.revision,
        }

    @staticmethod
    def record_from(registrant: Registrant, data: dict[str, Any]) -> RegistrantData:
        """The whole record with this form's fields changed (identification only where the form
        asked for it)."""
        record = data_from_registrant(registrant)
        for name in (*NATURAL_IDENTIFICATION, *LEGAL_IDENTIFICATION):
            if name not in data:  # not asked for this person type, or not in this form
                continue
            value = data[name]
            if isinstance(value, DocumentType):
                value = value.code
            elif isinstance(value, str):
                value = value.strip().upper() if name in CAPITALS else value.strip()
            setattr(record, name, value)
        set_location(record, data)
        record.responsibilities = sorted(r.code for r in data["responsibilities"])
        record.customs_qualities = sorted(q.code for q in data["customs_qualities"])
        return record


class RequirementForm(forms.Form):
    code = forms.ChoiceField(label=_("Requisito"), choices=[])
    met = forms.TypedChoiceField(
        label=_("Resultado"),
        choices=[("1", _("Cumplido")), ("0", _("No cumplido"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    document_date = forms.DateField(
        label=_("Fecha de expedición del documento"), required=False, widget=DATE_INPUT
    )
    power_kind = forms.ChoiceField(
        label=_("Clase de poder"),
        choices=[("", _("No aplica")), ("special", _("Especial")), ("general", _("General"))],
        required=False,
    )
    notary_certificate = forms.BooleanField(
        label=_("Trae certificado de vigencia del notario"), required=False
    )
    notes = forms.CharField(label=_("Observaciones"), max_length=300, required=False)

    def __init__(self, *args: Any, codes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = codes  # type: ignore[attr-defined]


class ScheduleVisitForm(forms.Form):
    scheduled_for = forms.DateField(label=_("Fecha de la visita"), widget=DATE_INPUT)


class RecordVisitForm(forms.Form):
    visit = forms.ModelChoiceField(
        label=_("Visita programada"),
        queryset=VerificationVisit.objects.none(),
        required=False,
        empty_label=_("Visita no programada"),
    )
    visited_on = forms.DateField(label=_("Fecha en que se visitó"), widget=DATE_INPUT)
    result = forms.ChoiceField(
        label=_("Resultado"), choices=_blank(VerificationVisit.Result.choices)
    )
    notes = forms.CharField(label=_("Observaciones"), widget=TEXTAREA, required=False)

    def __init__(self, *args: Any, visits: QuerySet[VerificationVisit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visit"].queryset = visits  # type: ignore[attr-defined]


class ObligationForm(forms.Form):
    description = forms.CharField(label=_("Obligación pendiente"), max_length=300)
    period = forms.CharField(label=_("Periodo"), max_length=40, required=False)


class ResolveObligationForm(forms.Form):
    obligation = forms.ModelChoiceField(
        label=_("Obligación cumplida"), queryset=PendingObligation.objects.none()
    )

    def __init__(self, *args: Any, obligations: QuerySet[PendingObligation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["obligation"].queryset = obligations  # type: ignore[attr-defined]


class ReferForm(forms.Form):
    kind = forms.ChoiceField(label=_("Remitir a"), choices=_blank(Referral.Kind.choices))
    reason = forms.CharField(label=_("Hechos"), widget=TEXTAREA)


class CloseReferralForm(forms.Form):
    resolution = forms.CharField(label=_("Resultado de la remisión"), widget=TEXTAREA)


class AnswerPetitionForm(forms.Form):
    answer = forms.CharField(label=_("Respuesta"), widget=forms.Textarea(attrs={"rows": 6}))


class ProvisionalNitActivationForm(forms.Form):
    """The bank account certificate that makes a provisional NIT definitive (art. 10 lit. a)."""

    bank = forms.CharField(label=_("Entidad financiera"), max_length=100)
    account_number = forms.RegexField(
        label=_("Número de cuenta"),
        regex=r"^[0-9][0-9 -]{2,29}$",
        error_messages={"invalid": _("Escriba el número de cuenta solo con dígitos.")},
        help_text=_("En el registro solo quedan los últimos cuatro dígitos."),
    )
    certificate_date = forms.DateField(
        label=_("Fecha de la certificación bancaria"), widget=DATE_INPUT
    )


# --- Mass changes ------------------------------------------------------------------------------


class ProposeMassChangeForm(forms.Form):
    """What mass_changes.services.propose_mass_change needs; the NIT file is read as UTF-8."""

    MAX_FILE_BYTES = 20 * 1024 * 1024  # 1,000,000 NITs with their DV and dots

    kind = forms.ChoiceField(label=_("Cambio"), choices=[])
    responsibility_action = forms.ChoiceField(
        label=_("Qué hace la actualización de oficio"),
        choices=[],
        required=False,
        widget=forms.RadioSelect,
    )
    responsibility = forms.ChoiceField(
        label=_("Responsabilidad (casilla 53)"),
        choices=[],
        required=False,
        help_text=_("Solo en la actualización de oficio: la responsabilidad que agrega o retira."),
    )
    criterion = forms.ChoiceField(label=_("Inscritos"), choices=[], widget=forms.RadioSelect)
    nits = forms.FileField(
        label=_("Archivo CSV de NIT del acto"),
        required=False,
        help_text=_("Una línea por NIT con su dígito de verificación, p. ej. 900.373.913-4."),
    )
    act_reference = forms.CharField(label=_("Acto administrativo que lo ordena"), max_length=200)
    reason = forms.CharField(label=_("Motivo"), widget=TEXTAREA)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from mass_changes.models import MassChange

        super().__init__(*args, **kwargs)
        kind, criterion = self.fields["kind"], self.fields["criterion"]
        assert isinstance(kind, forms.ChoiceField) and isinstance(criterion, forms.ChoiceField)
        kind.choices = MassChange.Kind.choices
        criterion.choices = MassChange.Criterion.choices
        action, code = self.fields["responsibility_action"], self.fields["responsibility"]
        assert isinstance(action, forms.ChoiceField) and isinstance(code, forms.ChoiceField)
        action.choices = MassChange.ResponsibilityAction.choices
        code.choices = [("", "—"), *responsibility_choices()]
        # Shown only where they apply (static/js/admin/shown-when.js); the service reads the
        # responsibility only for an actualización de oficio, the file only for a list of NITs.
        for name, condition in (
            ("responsibility_action", f"kind={MassChange.Kind.EX_OFFICIO_UPDATE}"),
            ("responsibility", f"kind={MassChange.Kind.EX_OFFICIO_UPDATE}"),
            ("nits", f"criterion={MassChange.Criterion.NIT_LIST}"),
        ):
            self.fields[name].widget.attrs["data-shown-when"] = condition

    def clean_nits(self) -> str:
        upload = self.cleaned_data.get("nits")
        if upload is None:
            if self.data.get("criterion") == "nit_list":
                raise forms.ValidationError(_("Adjunte el archivo con los NIT del acto."))
            return ""
        if upload.size > self.MAX_FILE_BYTES:
            raise forms.ValidationError(_("El archivo pasa de 20 MB."))
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("El archivo debe ser texto CSV en UTF-8.")) from exc


def responsibility_choices() -> list[tuple[str, str]]:
    """Every casilla 53 code: a historical one can still be withdrawn, not added."""
    rows = reference_cache.table(Responsibility).values()
    return [
        (r.code, f"{r.code} {r.name}" if r.is_current else f"{r.code} {r.name} ({_('no vigente')})")
        for r in sorted(rows, key=lambda r: r.code)
    ]


class RejectMassChangeForm(forms.Form):
    notes = forms.CharField(label=_("Por qué rechaza el lote"), widget=TEXTAREA)
