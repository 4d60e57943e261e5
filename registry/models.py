"""The Registro Único Tributario: who is registered and what their record says.

Decreto 2460 de 2013, art. 4: the RUT has three elements, identificación, ubicación and
clasificación. Reference tables (DIVIPOLA, CIIU, casilla 53, DIAN document types and
seccionales) are loaded from registry/data by `manage.py load_reference_data`.
"""

from __future__ import annotations

from datetime import date, datetime

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


def refuse_truncate(name: str) -> pgtrigger.Trigger:
    """TRUNCATE fires no row trigger, so an append-only table also gets a statement-level one
    that refuses it (a role without the TRUNCATE privilege is the other half: docs/security.md)."""
    return pgtrigger.Trigger(
        name=name,
        operation=pgtrigger.Truncate,
        level=pgtrigger.Statement,
        when=pgtrigger.Before,
        func="RAISE EXCEPTION 'pgtrigger: Cannot truncate % table', TG_TABLE_NAME;",
    )


# --- Reference tables -------------------------------------------------------------------------


class Seccional(models.Model):
    """A Dirección Seccional (casilla 12); it has jurisdiction over the inscritos of its area."""

    code = models.CharField(_("código"), max_length=2, primary_key=True)
    name = models.CharField(_("nombre"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=60)
    city = models.CharField(_("ciudad sede"), max_length=80)
    # Who signs the seccional's communications and formats: kept by the seccional, not loaded
    # with the reference tables (load_reference_data leaves these two fields alone).
    signer_name = models.CharField(_("nombre de quien firma"), max_length=120, blank=True)
    signer_position = models.CharField(
        _("cargo de quien firma"),
        max_length=160,
        blank=True,
        help_text=_("Por ejemplo: «Director Seccional de Impuestos de Bogotá»."),
    )

    class Meta:
        verbose_name = _("dirección seccional")
        verbose_name_plural = _("direcciones seccionales")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Department(models.Model):
    code = models.CharField(_("código"), max_length=2, primary_key=True)
    name = models.CharField(_("nombre"), max_length=80)

    class Meta:
        verbose_name = _("departamento")
        verbose_name_plural = _("departamentos")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    code = models.CharField(_("código DIVIPOLA"), max_length=5, primary_key=True)
    name = models.CharField(_("nombre"), max_length=80)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="municipalities",
        verbose_name=_("departamento"),
    )
    is_current = models.BooleanField(_("vigente"), default=True)
    # Which seccional has jurisdiction over inscritos domiciled here (inferred, configurable).
    seccional = models.ForeignKey(
        Seccional,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("seccional"),
    )

    class Meta:
        verbose_name = _("municipio")
        verbose_name_plural = _("municipios")
        ordering = ["department_id", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.department_id})"


class DocumentType(models.Model):
    class AppliesTo(models.TextChoices):
        NATURAL = "natural", _("Persona natural")
        LEGAL = "juridica", _("Persona jurídica")
        BOTH = "ambos", _("Ambos")

    code = models.CharField(_("código"), max_length=2, primary_key=True)
    name = models.CharField(_("nombre"), max_length=120)
    applies_to = models.CharField(_("aplica a"), max_length=10, choices=AppliesTo.choices)

    class Meta:
        verbose_name = _("tipo de documento")
        verbose_name_plural = _("tipos de documento")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EconomicActivity(models.Model):
    """A CIIU Rev. 4 A.C. class, or one of DIAN's special codes for personas naturales."""

    code = models.CharField(_("código CIIU"), max_length=4, primary_key=True)
    name = models.CharField(_("nombre"), max_length=300)
    section = models.CharField(_("sección"), max_length=1, blank=True)
    is_special = models.BooleanField(_("código especial DIAN"), default=False)

    class Meta:
        verbose_name = _("actividad económica (CIIU)")
        verbose_name_plural = _("actividades económicas (CIIU)")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ActivityKeyword(models.Model):
    """An everyday word and the CIIU wording it stands for in the activity search.

    People type "ropa" or "taxi"; the CIIU says "prendas de vestir" and "transporte de pasajeros".
    Officials keep this table in the admin; a migration seeds it.
    """

    word = models.CharField(
        _("palabra"),
        max_length=40,
        help_text=_("Una sola palabra, como la escribe la gente: «ropa», «taxi», «abogado»."),
    )
    means = models.CharField(
        _("equivale a"),
        max_length=120,
        help_text=_(
            "Palabras de la CIIU que deben aparecer todas en la actividad: «prendas de vestir»."
        ),
    )

    class Meta:
        verbose_name = _("palabra clave de actividad (CIIU)")
        verbose_name_plural = _("palabras clave de actividades (CIIU)")
        ordering = ["word", "means"]
        constraints = [
            models.UniqueConstraint(fields=["word", "means"], name="activity_keyword_unique"),
            models.CheckConstraint(
                condition=~Q(word__contains=" ") & ~Q(word=""), name="activity_keyword_one_word"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.word} → {self.means}"


class Responsibility(models.Model):
    """A casilla 53 code: responsabilidades, calidades y atributos."""

    code = models.CharField(_("código"), max_length=2, primary_key=True)
    name = models.CharField(_("nombre"), max_length=200)
    is_current = models.BooleanField(_("vigente"), default=True)

    class Meta:
        verbose_name = _("responsabilidad")
        verbose_name_plural = _("responsabilidades")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CustomsQuality(models.Model):
    """A casilla 54 code: usuario aduanero."""

    code = models.CharField(_("código"), max_length=3, primary_key=True)
    name = models.CharField(_("nombre"), max_length=200)

    class Meta:
        verbose_name = _("calidad de usuario aduanero")
        verbose_name_plural = _("calidades de usuario aduanero")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Counter(models.Model):
    """Monotonic counters for SQLite; PostgreSQL uses real sequences of the same name."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField()

    class Meta:
        verbose_name = _("contador")

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


# --- The inscrito -----------------------------------------------------------------------------


class PersonType(models.TextChoices):
    """Casilla 24."""

    LEGAL = "1", _("Persona jurídica")
    NATURAL = "2", _("Persona natural o sucesión ilíquida")


def display_name_of(person_type: str, names: tuple[str, str, str, str], business_name: str) -> str:
    """A natural person's names (first, other, surnames) in order, or an entity's business name.

    Registrant.display_name; lists that read these columns without building a Registrant (the
    officials' inbox) call it with them."""
    if person_type == PersonType.NATURAL:
        return " ".join(part for part in names if part)
    return business_name


class RegistrantKind(models.TextChoices):
    NATURAL_PERSON = "PN", _("Persona natural")
    ESTATE = "SI", _("Sucesión ilíquida")
    LEGAL_ENTITY = "PJ", _("Persona jurídica (sociedades y asimiladas)")
    NONPROFIT = "ESAL", _("Entidad sin ánimo de lucro")
    DE_FACTO_PARTNERSHIP = "SH", _("Sociedad de hecho")
    CONSORTIUM = "CONS", _("Consorcio")
    TEMPORARY_UNION = "UT", _("Unión temporal")
    AUTONOMOUS_TRUST = "PA", _("Patrimonio autónomo")
    ORGANIZED_COMMUNITY = "CO", _("Comunidad organizada")
    INVESTMENT_FUND = "FI", _("Fondo de inversión, de valores o de pensiones")
    PUBLIC_ENTITY = "EP", _("Entidad pública")
    FOREIGN_BRANCH = "SSE", _("Sucursal de sociedad extranjera")
    PERMANENT_ESTABLISHMENT = "EPE", _("Establecimiento permanente de persona del exterior")
    FOREIGN_INVESTOR_NATURAL = "IEN", _("Inversionista extranjero persona natural")
    FOREIGN_INVESTOR_LEGAL = "IEJ", _("Inversionista extranjero persona jurídica")
    FOREIGN_SERVICE_PROVIDER = "PSE", _("Prestador de servicios desde el exterior")
    CURRENCY_EXCHANGE = "PCD", _("Profesional de compra y venta de divisas")
    NIT_ONLY = "OBN", _("Persona o entidad que solo requiere NIT")


# Casilla 24 for each kind; kinds absent here may be either (the filer says which).
KIND_PERSON_TYPE: dict[str, str] = {
    RegistrantKind.NATURAL_PERSON: PersonType.NATURAL,
    RegistrantKind.ESTATE: PersonType.NATURAL,
    RegistrantKind.FOREIGN_INVESTOR_NATURAL: PersonType.NATURAL,
    RegistrantKind.LEGAL_ENTITY: PersonType.LEGAL,
    RegistrantKind.NONPROFIT: PersonType.LEGAL,
    RegistrantKind.DE_FACTO_PARTNERSHIP: PersonType.LEGAL,
    RegistrantKind.CONSORTIUM: PersonType.LEGAL,
    RegistrantKind.TEMPORARY_UNION: PersonType.LEGAL,
    RegistrantKind.AUTONOMOUS_TRUST: PersonType.LEGAL,
    RegistrantKind.ORGANIZED_COMMUNITY: PersonType.LEGAL,
    RegistrantKind.INVESTMENT_FUND: PersonType.LEGAL,
    RegistrantKind.PUBLIC_ENTITY: PersonType.LEGAL,
    RegistrantKind.FOREIGN_BRANCH: PersonType.LEGAL,
    RegistrantKind.FOREIGN_INVESTOR_LEGAL: PersonType.LEGAL,
}

# Kinds whose NIT is provisional until the bank certificate is shown (art. 10 lit. a).
PROVISIONAL_NIT_KINDS = frozenset(
    {RegistrantKind.LEGAL_ENTITY, RegistrantKind.NONPROFIT, RegistrantKind.FOREIGN_BRANCH}
)

# Document types whose number is the NIT of a persona natural (cédula de ciudadanía/extranjería).
DOCUMENT_AS_NIT = frozenset({"13", "22"})
# Documents a foreign authority issues: their place of issue is a country, not a municipio.
DOCUMENTS_ISSUED_ABROAD = frozenset({"41", "42"})
# Documents of foreigners, issued in Colombia or abroad (tarjeta and cédula de extranjería,
# pasaporte, foreign ID, carné diplomático, PEP, PPT).
FOREIGNERS_DOCUMENTS = frozenset({"21", "22", "41", "42", "46", "47", "48"})


class Registrant(ConcurrentTransitionMixin, models.Model):
    """An inscrito in the RUT (Decreto 2460 de 2013, art. 5)."""

    class State(models.TextChoices):
        PRE_REGISTERED = "pre_registered", _("Pre-inscrito")
        PROVISIONAL = "provisional", _("NIT provisional")
        ACTIVE = "active", _("Activo")
        SUSPENDED = "suspended", _("Suspendido")
        CANCELLED = "cancelled", _("Cancelado")
        LAPSED = "lapsed", _("NIT provisional sin validez")

    kind = models.CharField(_("clase de inscrito"), max_length=4, choices=RegistrantKind.choices)
    person_type = models.CharField(
        _("tipo de contribuyente (casilla 24)"), max_length=1, choices=PersonType.choices
    )
    state = FSMField(
        _("estado"), default=State.PRE_REGISTERED, choices=State.choices, protected=True
    )
    nit = models.CharField(_("NIT"), max_length=15, null=True, blank=True, unique=True)
    check_digit = models.PositiveSmallIntegerField(_("DV"), null=True, blank=True)
    # No index of its own: registrant_seccional_state leads with it (every index on this table is
    # written again by each change of state, which no update can make HOT; see migration 0011).
    seccional = models.ForeignKey(
        Seccional,
        on_delete=models.PROTECT,
        related_name="registrants",
        db_index=False,
        verbose_name=_("seccional"),
    )
    revision = models.PositiveIntegerField(_("revisión"), default=1)

    # Identificación (casillas 25-37)
    document_type = models.ForeignKey(
        DocumentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("tipo de documento"),
    )
    document_number = models.CharField(_("número de identificación"), max_length=20, blank=True)
    document_issue_date = models.DateField(_("fecha de expedición"), null=True, blank=True)
    document_issue_place = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lugar de expedición"),
    )
    # A document issued abroad has a country of issue instead of a DIVIPOLA municipio (casilla 28).
    document_issue_country = models.CharField(_("país de expedición"), max_length=2, blank=True)
    first_surname = models.CharField(_("primer apellido"), max_length=60, blank=True)
    second_surname = models.CharField(_("segundo apellido"), max_length=60, blank=True)
    first_name = models.CharField(_("primer nombre"), max_length=60, blank=True)
    other_names = models.CharField(_("otros nombres"), max_length=60, blank=True)
    birth_date = models.DateField(_("fecha de nacimiento"), null=True, blank=True)
    birth_place = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lugar de nacimiento"),
    )
    birth_country = models.CharField(_("país de nacimiento"), max_length=2, blank=True)
    foreign_tax_number = models.CharField(
        _("número de identificación tributaria del exterior"), max_length=30, blank=True
    )
    business_name = models.CharField(_("razón social"), max_length=300, blank=True)
    business_name_key = models.CharField(max_length=300, blank=True, editable=False)
    # Upper-case, accent-free display name, kept by the services for searching by name.
    search_name = models.CharField(max_length=400, blank=True, editable=False)
    trade_name = models.CharField(_("nombre comercial"), max_length=300, blank=True)
    acronym = models.CharField(_("sigla"), max_length=60, blank=True)

    # Ubicación (casillas 38-45)
    country = models.CharField(_("país"), max_length=2, default="CO")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("departamento")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrants",
        verbose_name=_("municipio"),
    )
    address = models.CharField(_("dirección principal"), max_length=200, blank=True)
    postal_code = models.CharField(_("código postal"), max_length=10, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    phone_1 = models.CharField(_("teléfono 1"), max_length=20, blank=True)
    phone_2 = models.CharField(_("teléfono 2"), max_length=20, blank=True)

    # Clasificación: responsabilidades and customs qualities (casillas 53-54)
    responsibilities = models.ManyToManyField(
        Responsibility, blank=True, related_name="registrants", verbose_name=_("responsabilidades")
    )
    customs_qualities = models.ManyToManyField(
        CustomsQuality,
        blank=True,
        related_name="registrants",
        verbose_name=_("calidades de usuario aduanero"),
    )

    # Lifecycle facts
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    formalized_at = models.DateTimeField(_("formalizado"), null=True, blank=True)
    provisional_nit_issued_at = models.DateTimeField(
        _("NIT provisional expedido"), null=True, blank=True
    )
    bank_certificate_date = models.DateField(
        _("fecha de la certificación bancaria"), null=True, blank=True
    )
    state_changed_at = models.DateTimeField(_("último cambio de estado"), null=True, blank=True)

    class Meta:
        verbose_name = _("inscrito")
        verbose_name_plural = _("inscritos")
        constraints = [
            # "Asignación errada de NIT": one record per identity document ...
            models.UniqueConstraint(
                fields=["document_type", "document_number"],
                condition=~Q(document_number=""),
                name="registrant_unique_document",
                violation_error_message=_("Ya existe un inscrito con ese documento."),
            ),
            # ... and one live record per legal entity name (homonymy is barred by the chambers).
            models.UniqueConstraint(
                fields=["business_name_key"],
                condition=Q(person_type="1")
                & ~Q(business_name_key="")
                & ~Q(state__in=["cancelled", "lapsed"]),
                name="registrant_unique_live_business_name",
            ),
            models.CheckConstraint(
                condition=Q(nit__isnull=True) | Q(check_digit__isnull=False),
                name="registrant_nit_has_check_digit",
            ),
        ]
        indexes = [
            models.Index(fields=["seccional", "state"], name="registrant_seccional_state"),
            # Name search on PostgreSQL also gets a trigram index (migration 0002).
            models.Index(fields=["search_name"], name="registrant_search_name"),
        ]
        permissions = [
            ("formalize_registrant", _("Puede formalizar inscripciones")),
            ("update_registrant", _("Puede actualizar el RUT")),
            ("suspend_registrant", _("Puede suspender inscritos")),
            ("cancel_registrant", _("Puede cancelar inscripciones")),
            ("reactivate_registrant", _("Puede reactivar inscripciones")),
        ]

    def __str__(self) -> str:
        return f"{self.formatted_nit or _('sin NIT')} {self.display_name}"

    @property
    def is_natural(self) -> bool:
        return self.person_type == PersonType.NATURAL

    @property
    def display_name(self) -> str:
        names = (self.first_name, self.other_names, self.first_surname, self.second_surname)
        return display_name_of(self.person_type, names, self.business_name)

    @property
    def inscribed_at(self) -> datetime | None:
        """When the inscription was formalised, for its timeliness (art. 7).

        Decreto 2460 de 2013, art. 10 lit. a: a new legal entity without its bank certificate is
        formalised with a provisional NIT, issued so that it can open the account; the later
        activation makes that NIT definitive and moves `formalized_at`, but does not make the
        inscription later. The provisional NIT's issue is therefore the inscription's date.
        """
        return self.provisional_nit_issued_at or self.formalized_at

    @property
    def formatted_nit(self) -> str:
        from registry.nit import format_nit

        return format_nit(self.nit, self.check_digit) if self.nit else ""

    # --- State machine. Bodies only set this row's fields; services do the rest. ---

    @transition(
        field=state,
        source=State.PRE_REGISTERED,
        target=State.ACTIVE,
        permission="registry.formalize_registrant",
    )
    def formalize(self, *, nit: str, check_digit: int, at: datetime) -> None:
        self.nit, self.check_digit = nit, check_digit
        self.formalized_at = at

    @transition(
        field=state,
        source=State.PRE_REGISTERED,
        target=State.PROVISIONAL,
        permission="registry.formalize_registrant",
    )
    def issue_provisional_nit(self, *, nit: str, check_digit: int, at: datetime) -> None:
        self.nit, self.check_digit = nit, check_digit
        self.provisional_nit_issued_at = at

    @transition(
        field=state,
        source=State.PROVISIONAL,
        target=State.ACTIVE,
        permission="registry.formalize_registrant",
    )
    def activate_provisional_nit(self, *, certificate_date: date, at: datetime) -> None:
        self.bank_certificate_date = certificate_date
        self.formalized_at = at

    @transition(field=state, source=State.PROVISIONAL, target=State.LAPSED)
    def lapse_provisional_nit(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.ACTIVE, State.SUSPENDED],
        target=None,
        permission="registry.update_registrant",
    )
    def update(self) -> None:
        """Actualización: the state stays, a new Formulario 001 version is issued."""

    @transition(
        field=state,
        source=State.ACTIVE,
        target=State.SUSPENDED,
        permission="registry.suspend_registrant",
    )
    def suspend(self) -> None:
        pass

    @transition(
        field=state,
        source=State.SUSPENDED,
        target=State.ACTIVE,
        permission="registry.suspend_registrant",
    )
    def lift_suspension(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.ACTIVE, State.SUSPENDED],
        target=State.CANCELLED,
        permission="registry.cancel_registrant",
    )
    def cancel(self) -> None:
        pass

    @transition(
        field=state,
        source=State.CANCELLED,
        target=State.ACTIVE,
        permission="registry.reactivate_registrant",
    )
    def reactivate(self) -> None:
        pass


class ActivityRole(models.TextChoices):
    PRINCIPAL = "principal", _("Actividad principal")
    SECONDARY = "secondary", _("Actividad secundaria")
    OTHER = "other", _("Otra actividad")


class RegistrantActivity(models.Model):
    """Casillas 46-52: CIIU activities with their start dates."""

    registrant = models.ForeignKey(
        Registrant, on_delete=models.CASCADE, related_name="activities", verbose_name=_("inscrito")
    )
    activity = models.ForeignKey(
        EconomicActivity,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actividad CIIU"),
    )
    role = models.CharField(_("tipo"), max_length=10, choices=ActivityRole.choices)
    started_on = models.DateField(_("fecha de inicio"), null=True, blank=True)

    class Meta:
        verbose_name = _("actividad económica del inscrito")
        verbose_name_plural = _("actividades económicas del inscrito")
        constraints = [
            models.UniqueConstraint(
                fields=["registrant", "role"],
                condition=~Q(role="other"),
                name="activity_one_principal_one_secondary",
            ),
            models.UniqueConstraint(
                fields=["registrant", "activity"], name="activity_once_per_registrant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.activity_id}"


class Establishment(models.Model):
    """An establecimiento, agencia or sucursal where the inscrito carries out activities."""

    registrant = models.ForeignKey(
        Registrant,
        on_delete=models.CASCADE,
        related_name="establishments",
        verbose_name=_("inscrito"),
    )
    kind_code = models.CharField(_("tipo de establecimiento"), max_length=5, blank=True)
    name = models.CharField(_("nombre"), max_length=200)
    activity = models.ForeignKey(
        EconomicActivity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actividad CIIU"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("departamento")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipio")
    )
    address = models.CharField(_("dirección"), max_length=200)
    phone = models.CharField(_("teléfono"), max_length=20, blank=True)
    opened_on = models.DateField(_("fecha de apertura"), null=True, blank=True)

    class Meta:
        verbose_name = _("establecimiento")
        verbose_name_plural = _("establecimientos")

    def __str__(self) -> str:
        return self.name


class Representative(models.Model):
    """Hojas 3 and 5: representación, revisor fiscal and contador."""

    class Role(models.TextChoices):
        LEGAL_REPRESENTATIVE = "legal_rep", _("Representante legal")
        DEPUTY_REPRESENTATIVE = "deputy_rep", _("Representante legal suplente")
        ATTORNEY = "attorney", _("Apoderado")
        STATUTORY_AUDITOR = "auditor", _("Revisor fiscal principal")
        DEPUTY_AUDITOR = "deputy_auditor", _("Revisor fiscal suplente")
        ACCOUNTANT = "accountant", _("Contador")

    registrant = models.ForeignKey(
        Registrant,
        on_delete=models.CASCADE,
        related_name="representatives",
        verbose_name=_("inscrito"),
    )
    role = models.CharField(_("calidad"), max_length=20, choices=Role.choices)
    document_type = models.ForeignKey(
        DocumentType,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tipo de documento"),
    )
    document_number = models.CharField(_("número de identificación"), max_length=20)
    name = models.CharField(_("nombre completo"), max_length=200)
    professional_card = models.CharField(_("tarjeta profesional"), max_length=20, blank=True)
    since = models.DateField(_("fecha de inicio"), null=True, blank=True)

    class Meta:
        verbose_name = _("representante")
        verbose_name_plural = _("representación")

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}"


class Partner(models.Model):
    """Hoja 4: socios y/o miembros de juntas directivas, consorciados, unidos temporalmente."""

    registrant = models.ForeignKey(
        Registrant, on_delete=models.CASCADE, related_name="partners", verbose_name=_("inscrito")
    )
    document_type = models.ForeignKey(
        DocumentType,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tipo de documento"),
    )
    document_number = models.CharField(_("número de identificación"), max_length=20)
    nit = models.CharField(_("NIT"), max_length=15, blank=True)
    name = models.CharField(_("nombre o razón social"), max_length=300)
    nationality = models.CharField(_("nacionalidad"), max_length=2, default="CO")
    share_percentage = models.DecimalField(
        _("porcentaje de participación"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    since = models.DateField(_("fecha de ingreso"), null=True, blank=True)

    class Meta:
        verbose_name = _("socio o miembro")
        verbose_name_plural = _("socios o miembros")

    def __str__(self) -> str:
        return self.name


class SeccionalAssignment(models.Model):
    """Which seccional had jurisdiction over an inscrito, and when (for five-year notices)."""

    registrant = models.ForeignKey(
        Registrant,
        on_delete=models.CASCADE,
        related_name="seccional_history",
        verbose_name=_("inscrito"),
    )
    seccional = models.ForeignKey(
        Seccional, on_delete=models.PROTECT, related_name="+", verbose_name=_("seccional")
    )
    started_at = models.DateTimeField(_("desde"))
    ended_at = models.DateTimeField(_("hasta"), null=True, blank=True)

    class Meta:
        verbose_name = _("jurisdicción histórica")
        verbose_name_plural = _("jurisdicciones históricas")
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["registrant"],
                condition=Q(ended_at__isnull=True),
                name="one_open_seccional_assignment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.registrant_id} → {self.seccional_id}"


class FormVersion(models.Model):
    """An immutable, numbered Formulario 001: a snapshot of the whole record when it took effect."""

    class Concept(models.TextChoices):
        PRE_REGISTRATION = "00", _("Pre-inscripción")
        REGISTRATION = "01", _("Inscripción")
        UPDATE = "02", _("Actualización")
        SUSPENSION = "03", _("Suspensión")
        LIFT_SUSPENSION = "04", _("Levantamiento de suspensión")
        CANCELLATION = "05", _("Cancelación")
        REACTIVATION = "06", _("Reactivación")
        PROVISIONAL = "07", _("NIT provisional")
        LAPSE = "08", _("Pérdida de validez del NIT provisional")

    # No index of its own: form_version_unique (registrant, version) leads with it.
    registrant = models.ForeignKey(
        Registrant,
        on_delete=models.PROTECT,
        related_name="form_versions",
        db_index=False,
        verbose_name=_("inscrito"),
    )
    form_number = models.CharField(_("número de formulario"), max_length=12, unique=True)
    version = models.PositiveIntegerField(_("versión"))
    concept = models.CharField(_("concepto"), max_length=2, choices=Concept.choices)
    state = models.CharField(
        _("estado del inscrito"), max_length=20, choices=Registrant.State.choices
    )
    snapshot = models.JSONField(_("contenido"))
    created_at = models.DateTimeField(_("fecha"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("generado por"),
    )

    class Meta:
        verbose_name = _("Formulario 001")
        verbose_name_plural = _("Formularios 001")
        ordering = ["registrant_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["registrant", "version"], name="form_version_unique")
        ]
        triggers = [
            pgtrigger.Protect(
                name="form_version_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            refuse_truncate("form_version_no_truncate"),
        ]

    def __str__(self) -> str:
        return f"Formulario 001 N.º {self.form_number} (v{self.version})"


class AuditEntry(models.Model):
    """Append-only trail of every change to the registry: who, when, from what to what, why."""

    registrant = models.ForeignKey(
        Registrant,
        on_delete=models.PROTECT,
        related_name="audit_entries",
        null=True,
        blank=True,
        verbose_name=_("inscrito"),
    )
    action = models.CharField(_("acción"), max_length=40)
    from_state = models.CharField(_("estado anterior"), max_length=20, blank=True)
    to_state = models.CharField(_("estado nuevo"), max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("quién"),
    )
    at = models.DateTimeField(_("cuándo"), auto_now_add=True)
    reason = models.TextField(_("motivo"), blank=True)
    legal_basis = models.CharField(_("fundamento legal"), max_length=200, blank=True)
    act_reference = models.CharField(_("acto que lo soporta"), max_length=200, blank=True)
    case_number = models.CharField(_("trámite"), max_length=20, blank=True)
    form_version = models.ForeignKey(
        FormVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Formulario 001"),
    )
    changes = models.JSONField(_("cambios"), default=dict, blank=True)
    self_service = models.BooleanField(_("por autogestión"), default=False)

    class Meta:
        verbose_name = _("registro de auditoría")
        verbose_name_plural = _("registros de auditoría")
        ordering = ["-at", "-id"]
        triggers = [
            pgtrigger.Protect(
                name="audit_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            refuse_truncate("audit_no_truncate"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class DataAccessLog(models.Model):
    """Who looked at an inscrito's personal data, when and what (data protection policy)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("funcionario"),
    )
    registrant = models.ForeignKey(
        Registrant,
        on_delete=models.PROTECT,
        related_name="access_log",
        verbose_name=_("inscrito"),
    )
    at = models.DateTimeField(_("cuándo"), auto_now_add=True)
    what = models.CharField(_("qué consultó"), max_length=200)

    class Meta:
        verbose_name = _("consulta de datos personales")
        verbose_name_plural = _("consultas de datos personales")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["registrant", "-at"], name="access_log_registrant")]
        triggers = [
            pgtrigger.Protect(
                name="data_access_log_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            refuse_truncate("data_access_log_no_truncate"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} → {self.registrant_id}"
