"""Forms of the citizen portal. They check shape and say what is wrong next to each field;
the rules of the registry and of accounts live in the services."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal import selectors
from portal.models import AppointmentReason
from procedures.models import CaseDocument, CaseType, RequesterKind, causes_for
from procedures.services.withdrawals import CESSATION, REGIME_CHANGE, regime_change_years
from registry.models import (
    DOCUMENTS_ISSUED_ABROAD,
    FOREIGNERS_DOCUMENTS,
    Registrant,
    Seccional,
)
from registry.responsibilities import (
    BOOKKEEPING,
    ELECTRONIC_INVOICING,
    EXOGENOUS_INFORMANT,
    INCOME_TAX,
    INCOME_WITHHOLDING,
    NOT_VAT_RESPONSIBLE,
    SIMPLE_REGIME,
    VAT,
)
from registry.responsibility_help import Answers
from rut_portal import captcha, uploads

MOBILE = re.compile(r"^3\d{9}$")
# Responsibilities a persona natural usually chooses by self-service, with a hint each.
USUAL_RESPONSIBILITIES: list[tuple[str, Any]] = [
    (INCOME_TAX, _("Declara renta como persona natural (régimen ordinario).")),
    (
        NOT_VAT_RESPONSIBLE,
        _("No cobra IVA: ingresos anuales por debajo de 3.500 UVT y un solo establecimiento."),
    ),
    (VAT, _("Cobra IVA en sus ventas o servicios gravados.")),
    (
        SIMPLE_REGIME,
        _("Se acoge al Régimen Simple de Tributación (reemplaza al régimen ordinario)."),
    ),
    (ELECTRONIC_INVOICING, _("Expide facturas electrónicas.")),
    (EXOGENOUS_INFORMANT, _("La DIAN le pide reportar información exógena.")),
    (BOOKKEEPING, _("Está obligado a llevar contabilidad.")),
    (INCOME_WITHHOLDING, _("Practica retención en la fuente a título de renta.")),
]
TEXT = {"autocomplete": "off"}


def _text(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs=attrs)


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# The wizard's dates are typed as people write them in Colombia, whatever the browser's own
# language would show in a native date picker; ISO is still understood.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_HELP = _("Día, mes y año: dd/mm/aaaa, p. ej. 15/07/2008.")


def co_date_field(
    label: Any, *, required: bool = True, autocomplete: str = "off"
) -> forms.DateField:
    """A dd/mm/aaaa date, not in the future."""
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        help_text=DATE_HELP,
        error_messages={"invalid": _("Escriba la fecha como dd/mm/aaaa, p. ej. 15/07/2008.")},
        widget=forms.DateInput(
            format="%d/%m/%Y",
            attrs={"inputmode": "numeric", "autocomplete": autocomplete, "spellcheck": "false"},
        ),
        validators=[_not_future],
    )


def _not_future(value: date | None) -> None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("La fecha no puede ser futura."))


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's own copy of a declared choice field, to set its choices per request."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class DocumentFields(forms.Form):
    document_type = forms.ChoiceField(label=_("Tipo de documento"))
    document_number = forms.CharField(
        label=_("Número de documento"),
        max_length=20,
        help_text=_("Sin puntos ni espacios."),
        widget=_text(autocomplete="username", inputmode="text", spellcheck="false"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "document_type").choices = [
            (d.code, d.name) for d in selectors.natural_document_types()
        ]
        self.fields["document_type"].initial = "13"

    def clean_document_number(self) -> str:
        number = re.sub(r"[.\s-]", "", self.cleaned_data["document_number"]).upper()
        if not number.isalnum():
            raise forms.ValidationError(_("Escriba solo letras y dígitos."))
        return number

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        number = data.get("document_number", "")
        if data.get("document_type") in ("13", "22") and number and not number.isdigit():
            self.add_error("document_number", _("La cédula solo tiene dígitos."))
        return data


def clean_mobile(value: str) -> str:
    digits = re.sub(r"[\s().-]", "", value)
    if digits.startswith("+57"):
        digits = digits[3:]
    if not MOBILE.match(digits):
        raise forms.ValidationError(
            _("Escriba un celular colombiano de 10 dígitos que empiece por 3, p. ej. 3001234567.")
        )
    return digits


class CaptchaField(forms.CharField):
    """The proof-of-work solution static/js/captcha.js fills in (rut_portal.captcha)."""

    widget = forms.HiddenInput

    def __init__(self) -> None:
        super().__init__(
            label=_("Verificación automática"),
            max_length=400,
            error_messages={
                "required": _(
                    "Espere a que termine la verificación automática (unos segundos, con "
                    "JavaScript activo) y envíe de nuevo."
                )
            },
        )

    def clean(self, value: Any) -> str:
        solution = str(super().clean(value))
        try:
            captcha.verify(solution)
        except captcha.CaptchaRefused:
            raise forms.ValidationError(
                _("La verificación automática venció o no es válida. Envíe el formulario de nuevo.")
            ) from None
        return solution


class CaptchaForm(forms.Form):
    """A form that asks the captcha when told to (after the first attempt from an address)."""

    def __init__(self, *args: Any, captcha_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.challenge = captcha.new_challenge() if captcha_required else None
        if captcha_required:
            self.fields["captcha"] = CaptchaField()


class SignUpForm(CaptchaForm, DocumentFields):
    first_name = forms.CharField(
        label=_("Nombres"), max_length=120, widget=_text(autocomplete="given-name")
    )
    last_name = forms.CharField(
        label=_("Apellidos"), max_length=120, widget=_text(autocomplete="family-name")
    )
    email = forms.EmailField(
        label=_("Correo electrónico"),
        help_text=_("Le enviaremos allí el código de activación."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    mobile = forms.CharField(
        label=_("Celular"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel-national", "inputmode": "tel"}),
    )
    accept_policy = forms.BooleanField(
        label=_("Autorizo el tratamiento de mis datos personales según la política de datos."),
        error_messages={
            "required": _("Para crear la cuenta debe autorizar el tratamiento de sus datos.")
        },
    )

    def clean_mobile(self) -> str:
        return clean_mobile(self.cleaned_data["mobile"])


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Código"),
        max_length=12,
        help_text=_("Seis letras; puede escribirlas en mayúsculas o minúsculas."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "code-input",
            }
        ),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()


class NumericCodeForm(CodeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _("Seis dígitos, enviados a su correo.")
        self.fields["code"].widget.attrs.update({"inputmode": "numeric"})


class DocumentCodeForm(DocumentFields, CodeForm):
    """Document and code together: the page also works when opened from another browser."""


class PasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("Nueva contraseña"),
        strip=False,
        max_length=1024,
        help_text=_(
            "Use al menos 8 caracteres; una frase larga que recuerde es mejor que una palabra "
            "con símbolos. No se exigen mayúsculas, números ni símbolos, pero se rechazan las "
            "contraseñas más comunes y las parecidas a sus datos."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Repita la contraseña"),
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            data.get("password1")
            and data.get("password2")
            and data["password1"] != data["password2"]
        ):
            self.add_error("password2", _("Las dos contraseñas no coinciden."))
        return data


class LoginForm(DocumentFields):
    password = forms.CharField(
        label=_("Contraseña"),
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class RecoveryForm(CaptchaForm, DocumentFields):
    pass


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label=_("Nuevo correo electrónico"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class MobileChangeForm(forms.Form):
    mobile = forms.CharField(
        label=_("Nuevo celular"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel-national", "inputmode": "tel"}),
    )

    def clean_mobile(self) -> str:
        return clean_mobile(self.cleaned_data["mobile"])


# --- Inscription wizard and update sections --------------------------------------------------


class IdentificationForm(forms.Form):
    first_surname = forms.CharField(label=_("Primer apellido"), max_length=60)
    second_surname = forms.CharField(label=_("Segundo apellido"), max_length=60, required=False)
    first_name = forms.CharField(label=_("Primer nombre"), max_length=60)
    other_names = forms.CharField(label=_("Otros nombres"), max_length=60, required=False)
    document_issue_date = co_date_field(_("Fecha de expedición del documento"))
    issue_department = forms.ChoiceField(label=_("Departamento de expedición"))
    issue_municipality = forms.ChoiceField(label=_("Municipio de expedición"))
    issue_country = forms.ChoiceField(label=_("País de expedición"))
    birth_date = co_date_field(_("Fecha de nacimiento"), autocomplete="bday")
    birth_country = forms.ChoiceField(label=_("País de nacimiento"), initial="CO")
    birth_department = forms.ChoiceField(label=_("Departamento de nacimiento"))
    birth_municipality = forms.ChoiceField(label=_("Municipio de nacimiento"))
    foreign_tax_number = forms.CharField(
        label=_("Número de identificación tributaria en su país de origen"),
        max_length=30,
        required=False,
        help_text=_("El que le asignó la autoridad tributaria de su país, si lo tiene."),
        widget=_text(autocomplete="off", spellcheck="false"),
    )

    def __init__(self, *args: Any, document_type: str = "13", **kwargs: Any) -> None:
        """`document_type`: the account's; a document issued abroad has a country of issue,
        and a foreigner's document asks the tax number of the country of origin."""
        super().__init__(*args, **kwargs)
        self.issued_abroad = document_type in DOCUMENTS_ISSUED_ABROAD
        if self.issued_abroad:
            del self.fields["issue_department"], self.fields["issue_municipality"]
            choice_field(self, "issue_country").choices = [("", _("— Elija —"))] + [
                c for c in selectors.countries() if c[0] != "CO"
            ]
        else:
            del self.fields["issue_country"]
            set_divipola_choices(self, "issue_department", "issue_municipality")
        if document_type not in FOREIGNERS_DOCUMENTS:
            del self.fields["foreign_tax_number"]
        choice_field(self, "birth_country").choices = selectors.countries()
        set_divipola_choices(self, "birth_department", "birth_municipality")
        # Born in Colombia (the default): the DIVIPOLA municipio; abroad, the country is enough.
        country = self.data.get(self.add_prefix("birth_country")) or self.initial.get(
            "birth_country", "CO"
        )
        in_colombia = country == "CO"
        self.fields["birth_department"].required = in_colombia
        self.fields["birth_municipality"].required = in_colombia
        self.fields["birth_department"].error_messages["required"] = _(
            "Indique el departamento donde nació."
        )
        self.fields["birth_municipality"].error_messages["required"] = _(
            "Indique el municipio donde nació."
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        issued, born = data.get("document_issue_date"), data.get("birth_date")
        if issued and born and issued < born:
            self.add_error(
                "document_issue_date",
                _("La fecha de expedición no puede ser anterior a la de nacimiento."),
            )
        return data


ESTABLISHMENT_KINDS = [
    ("02", _("Establecimiento de comercio")),
    ("08", _("Oficina")),
    ("09", _("Sede")),
    ("01", _("Agencia")),
    ("10", _("Sucursal")),
    ("03", _("Centro de explotación agrícola")),
    ("04", _("Centro de explotación animal")),
    ("05", _("Centro de explotación minera")),
    ("06", _("Centro de explotación de transformación")),
    ("07", _("Centro de explotación de servicios")),
]
ESTABLISHMENT_REQUIRED = {
    "establishment_name": _("Indique el nombre del establecimiento."),
    "establishment_department": _("Indique el departamento del establecimiento."),
    "establishment_municipality": _("Indique el municipio del establecimiento."),
    "establishment_address": _("Indique la dirección del establecimiento."),
}


class EstablishmentForm(forms.Form):
    """One establecimiento (Formulario 001, hoja de establecimientos); empty means none."""

    establishment_kind = forms.ChoiceField(
        label=_("Tipo de establecimiento"), choices=ESTABLISHMENT_KINDS, required=False
    )
    establishment_name = forms.CharField(
        label=_("Nombre del establecimiento"),
        max_length=200,
        required=False,
        widget=_text(autocomplete="off"),
    )
    establishment_department = forms.ChoiceField(label=_("Departamento"), required=False)
    establishment_municipality = forms.ChoiceField(label=_("Municipio"), required=False)
    establishment_address = forms.CharField(
        label=_("Dirección del establecimiento"),
        max_length=200,
        required=False,
        widget=_text(autocomplete="off"),
    )
    establishment_phone = forms.CharField(
        label=_("Teléfono del establecimiento"),
        max_length=20,
        required=False,
        widget=_text(autocomplete="off", inputmode="tel"),
    )
    establishment_opened_on = co_date_field(_("Fecha de apertura"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_divipola_choices(self, "establishment_department", "establishment_municipality")

    def clean_establishment_phone(self) -> str:
        phone = self.cleaned_data["establishment_phone"]
        return _clean_phone(phone) if phone else ""

    def has_establishment(self) -> bool:
        """Whether the person typed one (the kind alone, preselected, does not count)."""
        return any(
            self.cleaned_data.get(name)
            for name in (*ESTABLISHMENT_REQUIRED, "establishment_phone", "establishment_opened_on")
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        if self.has_establishment():
            for name, message in ESTABLISHMENT_REQUIRED.items():
                if not self.cleaned_data.get(name) and name not in self.errors:
                    self.add_error(name, message)
        return self.cleaned_data

    def establishment(self) -> dict[str, str]:
        """The typed establecimiento as the draft keeps it (dates ISO)."""
        data = self.cleaned_data
        opened = data.get("establishment_opened_on")
        return {
            "kind_code": data.get("establishment_kind") or "",
            "name": data["establishment_name"].strip().upper(),
            "department": data["establishment_department"],
            "municipality": data["establishment_municipality"],
            "address": data["establishment_address"].strip().upper(),
            "phone": data.get("establishment_phone", ""),
            "opened_on": opened.isoformat() if opened else "",
        }


class EstablishmentsUpdateForm(EstablishmentForm):
    """Mi RUT update: close some of the recorded establecimientos and/or open a new one."""

    close = forms.MultipleChoiceField(
        label=_("Establecimientos que cerró"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, recorded: list[str] | None = None, **kwargs: Any) -> None:
        """`recorded`: the names of the record's establecimientos, in order."""
        super().__init__(*args, **kwargs)
        choice_field(self, "close").choices = [
            (str(i), name) for i, name in enumerate(recorded or [])
        ]
        self.order_fields(["close"])


def set_divipola_choices(
    form: forms.BaseForm, department_name: str, municipality_name: str
) -> None:
    """Departamentos, and the municipios of the one chosen (posted or initial) only."""
    blank = [("", _("— Elija —"))]
    departments = blank + [(d.code, d.name) for d in selectors.departments()]
    choice_field(form, department_name).choices = departments
    department = form.data.get(form.add_prefix(department_name)) or form.initial.get(
        department_name
    )
    choice_field(form, municipality_name).choices = blank + [
        (m.code, m.name) for m in selectors.municipalities_of(department or "")
    ]
    # Django would say "not one of the available choices"; say what is wrong instead.
    form.fields[municipality_name].error_messages["invalid_choice"] = _(
        "El municipio elegido no pertenece al departamento %(department)s; elija uno de la lista."
    ) % {"department": dict(departments).get(department or "", "")}


class LocationForm(forms.Form):
    """Departamento and municipio: the municipio list holds only the chosen departamento's."""

    department = forms.ChoiceField(label=_("Departamento"))
    municipality = forms.ChoiceField(label=_("Municipio"))
    address = forms.CharField(
        label=_("Dirección"),
        max_length=200,
        help_text=_("Como la escribe en Colombia, p. ej. CL 26 69 76 AP 301."),
        widget=_text(autocomplete="address-line1"),
    )
    postal_code = forms.CharField(
        label=_("Código postal"),
        max_length=10,
        required=False,
        widget=_text(autocomplete="postal-code", inputmode="numeric"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_divipola_choices(self, "department", "municipality")

    def clean_postal_code(self) -> str:
        code = self.cleaned_data["postal_code"].strip()
        if code and not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("El código postal tiene seis dígitos."))
        return code


class ContactForm(forms.Form):
    email = forms.EmailField(
        label=_("Correo electrónico del RUT"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone_1 = forms.CharField(
        label=_("Teléfono 1"), max_length=20, widget=_text(autocomplete="tel", inputmode="tel")
    )
    phone_2 = forms.CharField(
        label=_("Teléfono 2"), max_length=20, required=False, widget=_text(inputmode="tel")
    )

    def clean_phone_1(self) -> str:
        return _clean_phone(self.cleaned_data["phone_1"])

    def clean_phone_2(self) -> str:
        return _clean_phone(self.cleaned_data["phone_2"]) if self.cleaned_data["phone_2"] else ""


def _clean_phone(value: str) -> str:
    digits = re.sub(r"[\s().+-]", "", value)
    if not digits.isdigit() or not 7 <= len(digits) <= 12:
        raise forms.ValidationError(_("Escriba un teléfono de 7 a 12 dígitos."))
    return digits


class InscriptionLocationForm(LocationForm, ContactForm):
    pass


class ActivitiesForm(forms.Form):
    principal_code = forms.CharField(
        label=_("Código CIIU de la actividad principal"),
        max_length=4,
        help_text=_("Cuatro dígitos. Si no lo sabe, búsquelo abajo por palabras."),
        widget=_text(inputmode="numeric", **TEXT),
    )
    principal_started_on = co_date_field(_("Fecha de inicio de la actividad principal"))
    secondary_code = forms.CharField(
        label=_("Código CIIU de la actividad secundaria"),
        max_length=4,
        required=False,
        widget=_text(inputmode="numeric", **TEXT),
    )
    secondary_started_on = co_date_field(
        _("Fecha de inicio de la actividad secundaria"), required=False
    )

    def _clean_code(self, name: str) -> str:
        code = self.cleaned_data[name].strip()
        if code and not selectors.activity_name(code):
            raise forms.ValidationError(
                _("La actividad «%(code)s» no existe en la CIIU. Búsquela por palabras.")
                % {"code": code}
            )
        return code

    def clean_principal_code(self) -> str:
        return self._clean_code("principal_code")

    def clean_secondary_code(self) -> str:
        return self._clean_code("secondary_code")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("secondary_code") and data.get("secondary_code") == data.get("principal_code"):
            self.add_error("secondary_code", _("La actividad secundaria repite la principal."))
        if data.get("secondary_code") and not data.get("secondary_started_on"):
            self.add_error(
                "secondary_started_on", _("Indique cuándo empezó la actividad secundaria.")
            )
        return data


class ResponsibilitiesForm(forms.Form):
    responsibilities = forms.MultipleChoiceField(
        label=_("Responsabilidades"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, extra_codes: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = [code for code, _hint in USUAL_RESPONSIBILITIES]
        codes += [c for c in extra_codes or [] if c not in codes]
        self.shown_codes = codes  # an update keeps the codes the form does not show
        names = selectors.responsibilities_by_code(codes)
        hints = dict(USUAL_RESPONSIBILITIES)
        choice_field(self, "responsibilities").choices = [
            (
                code,
                format_html(
                    '<strong>{} {}</strong><span class="choice__hint">{}</span>',
                    code,
                    names[code].name if code in names else "",
                    hints.get(code, ""),
                ),
            )
            for code in codes
        ]

    def clean_responsibilities(self) -> list[str]:
        chosen = set(self.cleaned_data["responsibilities"])
        if {VAT, NOT_VAT_RESPONSIBLE} <= chosen:
            raise forms.ValidationError(
                _("Es responsable de IVA (48) o no lo es (49): elija solo una de las dos.")
            )
        if {INCOME_TAX, SIMPLE_REGIME} <= chosen:
            raise forms.ValidationError(
                _(
                    "El Régimen Simple (47) reemplaza la renta del régimen ordinario (05): "
                    "elija una."
                )
            )
        return sorted(chosen)


YES_NO = [("si", _("Sí")), ("no", _("No"))]
RESPONSIBILITY_QUESTIONS: list[tuple[str, Any]] = [
    (
        "employee_only",
        _(
            "¿Sus ingresos vienen solo de un salario o una pensión (no vende ni presta servicios "
            "por su cuenta)?"
        ),
    ),
    (
        "files_income_tax",
        _(
            "¿Debe declarar renta (sus ingresos o su patrimonio superan los topes de la DIAN "
            "para el año)?"
        ),
    ),
    ("sells_with_vat", _("¿Vende bienes o presta servicios gravados con IVA?")),
    (
        "over_vat_threshold",
        _("¿Sus ingresos brutos de la actividad, del año pasado o de este año, superan 3.500 UVT?"),
    ),
    ("invoices", _("¿Expide facturas por sus ventas o servicios?")),
    ("merchant", _("¿Tiene matrícula mercantil en la cámara de comercio (es comerciante)?")),
    ("simple_regime", _("¿Quiere acogerse al Régimen Simple de Tributación?")),
]


class ResponsibilityQuestionsForm(forms.Form):
    """The responsibilities help: plain yes/no questions, all optional."""

    prefix = "q"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in RESPONSIBILITY_QUESTIONS:
            self.fields[name] = forms.ChoiceField(
                label=label, choices=YES_NO, required=False, widget=forms.RadioSelect
            )

    def answers(self) -> Answers:
        """The answers as yes (True), no (False) or not answered (None)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return Answers(
            **{
                name: {"si": True, "no": False}.get(data.get(name, ""))
                for name, _label in RESPONSIBILITY_QUESTIONS
            }
        )


class ConfirmForm(forms.Form):
    accept_policy = forms.BooleanField(
        label=_(
            "Declaro que los datos son verdaderos y autorizo el tratamiento de mis datos "
            "personales según la política de datos (Ley 1581 de 2012)."
        ),
        error_messages={"required": _("Debe aceptar la declaración para enviar la inscripción.")},
    )


# --- Requests --------------------------------------------------------------------------------


def validate_upload(upload: UploadedFile) -> None:
    """PDF, PNG or JPEG of at most 5 MB, checked by content, not only by name."""
    uploads.check_upload(upload, max_bytes=uploads.CITIZEN_MAX_BYTES)


SUPPORT_KINDS = [
    (CaseDocument.Kind.DEATH_RECORD, CaseDocument.Kind.DEATH_RECORD.label),
    (CaseDocument.Kind.ACT, CaseDocument.Kind.ACT.label),
    (CaseDocument.Kind.JUDICIAL_ORDER, CaseDocument.Kind.JUDICIAL_ORDER.label),
    (CaseDocument.Kind.OTHER, CaseDocument.Kind.OTHER.label),
]


class CancellationForm(forms.Form):
    cause = forms.ChoiceField(
        label=_("Causal de cancelación"),
        help_text=_("Decreto 2460 de 2013, art. 17."),
    )
    facts = forms.CharField(
        label=_("Explique los hechos"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    fact_date = forms.DateField(
        label=_("Fecha del hecho"), widget=_date_widget(), validators=[_not_future]
    )
    support_kind = forms.ChoiceField(label=_("Tipo de soporte"), choices=SUPPORT_KINDS)
    support = forms.FileField(
        label=_("Soporte"),
        help_text=_("PDF, JPG o PNG de máximo 5 MB."),
        validators=[validate_upload],
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    extra_support = forms.FileField(
        label=_("Otro soporte"),
        required=False,
        help_text=_("PDF, JPG o PNG de máximo 5 MB."),
        validators=[validate_upload],
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, registrant: Registrant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the causes written for this kind of inscrito: a persona natural is not offered
        # the liquidation of a company or the end of a consortium; nobody is offered an
        # authority's order, which the authority itself sends (procedure 3.2).
        causes = causes_for(
            CaseType.CANCELLATION_ON_REQUEST, registrant, requester_kind=RequesterKind.USER
        )
        choice_field(self, "cause").choices = [("", _("— Elija —"))] + [
            (c.value, c.label) for c in causes
        ]


VAT_DECLARATIONS = [
    _("Mis ingresos brutos del año anterior y del año en curso son inferiores a 3.500 UVT."),
    _("Tengo como máximo un establecimiento de comercio, oficina, sede o local."),
    _("No desarrollo actividades bajo franquicia, concesión o regalía."),
    _("No soy usuario aduanero."),
    _("Mis contratos y consignaciones bancarias del año no superan 3.500 UVT."),
]
CONSUMPTION_DECLARATIONS = [
    _(
        "Mis ingresos brutos del año anterior por la actividad de restaurante o bar son "
        "inferiores a 3.500 UVT."
    ),
    _("Tengo como máximo un establecimiento de comercio, sede o local."),
]


class FactDateForm(forms.Form):
    """Art. 13: the update is due within the month after the fact; the person says when it was."""

    fact_date = forms.DateField(
        label=_("Fecha del hecho que origina la actualización"),
        help_text=_(
            "Por ejemplo, el día del cambio de domicilio o del inicio de la actividad. El RUT se "
            "actualiza dentro del mes siguiente (Decreto 2460 de 2013, art. 13)."
        ),
        widget=_date_widget(),
        validators=[_not_future],
    )


class WithdrawalForm(FactDateForm):
    """The declarations of Estatuto Tributario art. 437 par. 3 (IVA) or art. 512-13 (consumo)."""

    def __init__(
        self, *args: Any, declarations: list[Any], cessation: str = "", **kwargs: Any
    ) -> None:
        """`cessation`: the supports of a cessation of IVA (art. 13 par. 3), "certified" by a
        contador or revisor fiscal, or the inscrito's own "statement"; "" for none."""
        super().__init__(*args, **kwargs)
        self.cessation = cessation
        self.fields["fact_date"].label = _("Fecha del hecho (cambio de régimen o cese)")
        if cessation:
            self.fields["motive"] = forms.ChoiceField(
                label=_("Motivo del retiro"),
                choices=[
                    (
                        REGIME_CHANGE,
                        _("Cumplo las condiciones para no ser responsable de IVA (art. 13 par. 2)"),
                    ),
                    (
                        CESSATION,
                        _("Dejé de realizar actividades gravadas con IVA (art. 13 par. 3)"),
                    ),
                ],
                widget=forms.RadioSelect,
            )
        for index, text in enumerate(declarations):
            self.fields[f"declaration_{index}"] = forms.BooleanField(
                label=text,
                required=not cessation,  # for IVA, only a change of regime declares them
                error_messages={"required": _("Debe cumplir este requisito para pedir el retiro.")},
            )
        if cessation:
            for year in regime_change_years(timezone.localdate()):
                self.fields[f"regime_year_{year}"] = forms.BooleanField(
                    label=_(
                        "En el año gravable %(year)s cumplí cada una de las condiciones del "
                        "art. 499 del Estatuto Tributario."
                    )
                    % {"year": year},
                    required=False,
                )
            self.fields["no_final_inventory"] = forms.BooleanField(
                label=_("No tengo inventario final pendiente de venta."), required=False
            )
        if cessation == "certified":
            self.fields["certification"] = forms.FileField(
                required=False,
                label=_("Certificación del revisor fiscal o contador público"),
                help_text=_(
                    "Debe decir que no realiza actividades gravadas con IVA y que no hay "
                    "inventario final pendiente de venta. PDF, JPG o PNG de máximo 5 MB."
                ),
                validators=[validate_upload],
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
            )
            self.fields["certified_by"] = forms.CharField(
                label=_("Quién certifica (nombre y tarjeta profesional)"),
                max_length=200,
                required=False,
            )
        elif cessation == "statement":
            self.fields["no_taxed_sales"] = forms.BooleanField(
                label=_("Hoy no vendo productos ni presto servicios gravados con IVA."),
                required=False,
            )
            self.fields["new_activity"] = forms.CharField(
                label=_("Mi nueva actividad económica"), max_length=300, required=False
            )
        self.fields["notes"] = forms.CharField(
            label=_("Observaciones"),
            required=False,
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.cessation and cleaned.get("motive") == REGIME_CHANGE:
            for name in self.fields:
                if name.startswith("declaration_") and not cleaned.get(name):
                    self.add_error(name, _("Debe cumplir este requisito para pedir el retiro."))
        return cleaned

    def regime_years(self) -> list[int]:
        return [
            int(name.removeprefix("regime_year_"))
            for name in self.fields
            if name.startswith("regime_year_") and self.cleaned_data.get(name)
        ]

    def facts(self) -> str:
        lines = [
            str(self.fields[name].label)
            for name in self.fields
            if name.startswith("declaration_") or name in ("no_final_inventory", "no_taxed_sales")
        ]
        if self.cleaned_data.get("new_activity"):
            lines.append(
                _("Nueva actividad económica: %(a)s") % {"a": self.cleaned_data["new_activity"]}
            )
        if self.cleaned_data.get("notes"):
            lines.append(self.cleaned_data["notes"])
        return "\n".join(lines)


class AppointmentSearchForm(forms.Form):
    reason = forms.ChoiceField(label=_("Motivo"), choices=AppointmentReason.choices)
    seccional = forms.ChoiceField(label=_("Dirección seccional"))
    day = forms.DateField(label=_("Día"), required=False, widget=_date_widget())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "seccional").choices = [
            (s.code, s.name) for s in Seccional.objects.filter(kind__icontains="impuestos")
        ]


class SlotChoiceForm(forms.Form):
    slot = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(choices=AppointmentReason.choices, widget=forms.HiddenInput)
    notes = forms.CharField(
        label=_("Cuéntenos brevemente qué necesita"),
        required=False,
        max_length=300,
    )


def policy_label() -> str:
    return str(SignUpForm.base_fields["accept_policy"].label)
