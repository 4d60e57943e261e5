"""The whole Formulario 001 as the desk fills it for an assisted inscripción (art. 6, 9 and 10).

One form for the record's own fields and one formset per repeated part (hoja 2: activities;
hojas 3-5: representatives, partners, establishments). Shapes only: the registry's rules run in
registry.validation when the case is received, and their Spanish messages come back here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from backoffice.forms import (
    CAPITALS,
    CLASSIFICATION,
    DATE_INPUT,
    LOCATION_AND_CONTACT,
    Formulario001Fields,
    GroupedForm,
    f001_field,
)
from registry.models import (
    ActivityRole,
    Department,
    DocumentType,
    Municipality,
    PersonType,
    RegistrantKind,
    Representative,
)
from registry.validation import RegistrantData, data_from_json


def _blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "---------"), *choices]


# Typed in capitals on the Formulario 001, as the portal's wizard and the API store them: the
# names, and here also the addresses and the names of the rows (representatives, partners,
# establishments).
UPPERCASE_FIELDS = CAPITALS | {"address", "name"}


class InscriptionForm(Formulario001Fields, GroupedForm):
    """Casillas 24-54 of the Formulario 001 and who files the request."""

    fieldsets = [
        (_("Clase de inscrito"), ["kind", "person_type"]),
        (
            _("Identificación (casillas 25-37)"),
            [
                "document_type",
                "document_number",
                "document_issue_date",
                "document_issue_place",
                "document_issue_country",
                "first_surname",
                "second_surname",
                "first_name",
                "other_names",
                "birth_date",
                "birth_place",
                "birth_country",
                "foreign_tax_number",
                "business_name",
                "trade_name",
                "acronym",
            ],
        ),
        (_("Ubicación y contacto (casillas 38-45)"), LOCATION_AND_CONTACT),
        (_("Clasificación (casillas 53 y 54)"), CLASSIFICATION),
        (
            _("Solicitud y documentos (art. 10)"),
            ["requester_name", "requester_email", "via_attorney", "bank_certificate_date"],
        ),
    ]

    kind = forms.ChoiceField(
        label=_("Clase de inscrito"), choices=_blank(list(RegistrantKind.choices))
    )
    person_type = forms.ChoiceField(
        label=_("Tipo de contribuyente (casilla 24)"),
        choices=_blank(list(PersonType.choices)),
        required=False,
        help_text=_("Solo para las clases que pueden ser personas naturales o jurídicas."),
    )
    country = f001_field("country", required=True)
    requester_name = forms.CharField(
        label=_("Quién presenta la solicitud"),
        max_length=200,
        help_text=_("El inscrito, su representante legal o su apoderado."),
    )
    requester_email = forms.EmailField(label=_("Correo de quien la presenta"), required=False)
    via_attorney = forms.BooleanField(
        label=_("Se presenta por apoderado (se verificará el poder)"), required=False
    )
    bank_certificate_date = forms.DateField(
        label=_("Fecha de la constancia de la cuenta bancaria"),
        required=False,
        widget=DATE_INPUT,
        help_text=_(
            "Art. 10: no mayor a un mes. Sin ella, una sociedad recibe NIT provisional "
            "(lit. a); quien está obligado a presentarla no se formaliza."
        ),
    )


class ActivityForm(forms.Form):
    code = forms.CharField(label=_("Código CIIU"), max_length=4)
    role = forms.ChoiceField(label=_("Tipo"), choices=_blank(list(ActivityRole.choices)))
    started_on = forms.DateField(label=_("Fecha de inicio"), required=False, widget=DATE_INPUT)


class RepresentativeForm(forms.Form):
    role = forms.ChoiceField(label=_("Calidad"), choices=_blank(Representative.Role.choices))
    document_type = forms.ModelChoiceField(
        label=_("Tipo de documento"), queryset=DocumentType.objects.order_by("code")
    )
    document_number = forms.CharField(label=_("Número de documento"), max_length=20)
    name = forms.CharField(label=_("Nombre completo"), max_length=200)
    professional_card = forms.CharField(
        label=_("Tarjeta profesional"), max_length=20, required=False
    )
    since = forms.DateField(label=_("Desde"), required=False, widget=DATE_INPUT)


class PartnerForm(forms.Form):
    document_type = forms.ModelChoiceField(
        label=_("Tipo de documento"), queryset=DocumentType.objects.order_by("code")
    )
    document_number = forms.CharField(label=_("Número de documento"), max_length=20)
    name = forms.CharField(label=_("Nombre o razón social"), max_length=300)
    nit = forms.CharField(label=_("NIT"), max_length=15, required=False)
    nationality = forms.CharField(label=_("Nacionalidad (país)"), max_length=2, initial="CO")
    share_percentage = forms.DecimalField(
        label=_("Participación (%)"),
        max_digits=6,
        decimal_places=3,
        min_value=0,
        max_value=100,
        required=False,
    )
    since = forms.DateField(label=_("Desde"), required=False, widget=DATE_INPUT)


class EstablishmentForm(forms.Form):
    name = forms.CharField(label=_("Nombre del establecimiento"), max_length=200)
    department = forms.CharField(label=_("Departamento (código)"), max_length=2)
    municipality = forms.CharField(label=_("Municipio (código DIVIPOLA)"), max_length=5)
    address = forms.CharField(label=_("Dirección"), max_length=200)
    kind_code = forms.CharField(label=_("Tipo de establecimiento"), max_length=5, required=False)
    activity = forms.CharField(label=_("Actividad CIIU"), max_length=4, required=False)
    phone = forms.CharField(label=_("Teléfono"), max_length=20, required=False)
    opened_on = forms.DateField(label=_("Fecha de apertura"), required=False, widget=DATE_INPUT)


# (name on the record, legend, form, blank forms shown, initial values of those forms)
SECTIONS: list[tuple[str, Any, type[forms.Form], int, list[dict[str, Any]]]] = [
    (
        "activities",
        _("Actividades económicas (casillas 46-50)"),
        ActivityForm,
        3,
        [{"role": ActivityRole.PRINCIPAL}, {"role": ActivityRole.SECONDARY}],
    ),
    ("representatives", _("Representación (hoja 3)"), RepresentativeForm, 2, []),
    ("partners", _("Socios, miembros o consorciados (hoja 4)"), PartnerForm, 3, []),
    ("establishments", _("Establecimientos (hoja 5, casilla 52)"), EstablishmentForm, 2, []),
]


MAX_ROWS = 50


class _RowsFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """Blank rows, some with a suggested value (the first activity is the principal one).

    A suggestion is the row's own initial value, so an untouched row stays empty and skipped.
    """

    def __init__(self, *args: Any, row_initial: list[dict[str, Any]], **kwargs: Any) -> None:
        self.row_initial = row_initial
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if index is not None and index < len(self.row_initial):
            kwargs["initial"] = self.row_initial[index]
        return kwargs


class Section:
    """One repeated part of the form: its formset and the registry's errors about it."""

    def __init__(
        self,
        name: str,
        legend: Any,
        form_class: type[forms.Form],
        extra: int,
        initial: list[dict[str, Any]],
        data: Any,
    ) -> None:
        # absolute_max: Django builds up to max_num + 1000 rows for whatever TOTAL_FORMS says,
        # each with its queried choices; a forged count kept a worker busy for over 30 s.
        formset_class: Any = forms.formset_factory(
            form_class,
            formset=_RowsFormSet,
            extra=extra,
            max_num=MAX_ROWS,
            absolute_max=MAX_ROWS,
            validate_max=True,
        )
        self.name = name
        self.legend = legend
        self.formset = formset_class(data, prefix=name, row_initial=initial)
        self.errors: list[str] = []

    def rows(self) -> list[dict[str, Any]]:
        """The filled rows, as RegistrantData wants them (codes, not model instances)."""
        return [
            {k: _code(v) for k, v in form.cleaned_data.items()}
            for form in self.formset.forms
            if form.has_changed() and form.cleaned_data
        ]


def build_sections(data: Any) -> list[Section]:
    return [Section(*section, data) for section in SECTIONS]  # type: ignore[misc]


def _code(value: Any) -> Any:
    if isinstance(value, DocumentType):
        return value.code
    return value


def registrant_data(form: InscriptionForm, sections: list[Section]) -> RegistrantData:
    """The filled Formulario 001 as RegistrantData, decoded as the cases' JSON payloads are."""
    values: dict[str, Any] = {}
    for name, value in form.cleaned_data.items():
        if name in ("requester_name", "requester_email", "via_attorney", "bank_certificate_date"):
            continue
        if name in ("responsibilities", "customs_qualities"):
            values[name] = sorted(item.code for item in value)
        elif isinstance(value, (DocumentType, Department, Municipality)):
            values[name] = value.code
        elif value is None and name in ("document_type", "department", "municipality"):
            values[name] = ""
        else:
            values[name] = value
    values["country"] = values["country"].upper()
    for section in sections:
        values[section.name] = section.rows()
    for row in [values, *(r for s in sections for r in values[s.name])]:
        for name in UPPERCASE_FIELDS:
            if isinstance(row.get(name), str):
                row[name] = row[name].strip().upper()
    return data_from_json(values)
