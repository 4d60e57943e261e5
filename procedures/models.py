"""Cases (trámites) that change the registry, following DIAN's procedure for cancelación de
oficio y reactivación del RUT and Decreto 2460 de 2013, art. 6-19.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, cast

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMFieldMixin, transition

from registry.models import (
    KIND_PERSON_TYPE,
    DocumentType,
    PersonType,
    Registrant,
    RegistrantKind,
    Seccional,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class CaseType(models.TextChoices):
    REGISTRATION = "registration", _("Inscripción")
    UPDATE = "update", _("Actualización")
    SUSPENSION = "suspension", _("Suspensión")
    LIFT_SUSPENSION = "lift_suspension", _("Levantamiento de la suspensión")
    CANCELLATION_ON_REQUEST = "cancellation_on_request", _("Cancelación a solicitud de parte")
    CANCELLATION_EX_OFFICIO = "cancellation_ex_officio", _("Cancelación de oficio")
    REACTIVATION = "reactivation", _("Reactivación")


CANCELLATION_TYPES = frozenset({CaseType.CANCELLATION_ON_REQUEST, CaseType.CANCELLATION_EX_OFFICIO})


class Mode(models.TextChoices):
    SELF_SERVICE = "self_service", _("Autogestión")
    ASSISTED = "assisted", _("Asistida por funcionario")
    EX_OFFICIO = "ex_officio", _("De oficio")


class Channel(models.TextChoices):
    WEB = "web", _("Portal transaccional")
    IN_PERSON = "in_person", _("Presencial")
    VIDEO = "video", _("Video atención")
    OFFICIAL_MAIL = "official_mail", _("Comunicación oficial de entrada")
    INTERNAL = "internal", _("Área de la DIAN")
    AGREEMENT_API = "agreement_api", _("Servicio web de convenio")
    PQSRD = "pqsrd", _("Sistema de peticiones, quejas y reclamos (PQSRD)")
    EMAIL = "email", _("Correo electrónico no oficial")


# Procedure, activity 1, note 1: requests of these types that arrive by any other channel are
# handled as petitions (PQSRD), not as cancellations or reactivations. Configurable data.
AUTHORIZED_CHANNELS: dict[str, frozenset[str]] = {
    "cancellation_ex_officio": frozenset({"official_mail", "internal", "agreement_api"}),
    "reactivation": frozenset({"in_person", "video", "official_mail", "internal", "agreement_api"}),
}


class RequesterKind(models.TextChoices):
    USER = "user", _("El usuario o interesado")
    DIAN_AREA = "dian_area", _("Área de la DIAN")
    JUDICIAL_AUTHORITY = "judicial_authority", _("Autoridad judicial")
    ADMINISTRATIVE_AUTHORITY = "administrative_authority", _("Autoridad administrativa")
    CHAMBER_OF_COMMERCE = "chamber_of_commerce", _("Cámara de comercio")
    CIVIL_REGISTRY = "civil_registry", _("Registraduría Nacional del Estado Civil")


AUTHORITY_KINDS = frozenset(
    {
        RequesterKind.JUDICIAL_AUTHORITY,
        RequesterKind.ADMINISTRATIVE_AUTHORITY,
        RequesterKind.CHAMBER_OF_COMMERCE,
        RequesterKind.CIVIL_REGISTRY,
        RequesterKind.DIAN_AREA,
    }
)


class Cause(models.TextChoices):
    """Causales. Decreto 2460 de 2013, art. 15 (suspensión) and art. 17 (cancelación)."""

    LIQUIDATION = "liquidation", _("Liquidación, fusión o escisión de la persona jurídica")
    ESTATE_SETTLED = "estate_settled", _("Liquidación de la sucesión ilíquida")
    CONSORTIUM_ENDED = "consortium_ended", _("Terminación del consorcio o unión temporal")
    FOREIGN_INVESTMENT_ENDED = (
        "foreign_investment_ended",
        _("Terminación de la inversión extranjera"),
    )
    AUTHORITY_ORDER = "authority_order", _("Orden de autoridad competente")
    DECEASED = "deceased", _("Persona natural fallecida")
    ENTITY_LIQUIDATED = (
        "entity_liquidated",
        _("Persona jurídica liquidada según la cámara de comercio"),
    )
    IMPERSONATION = "impersonation", _("Suplantación declarada por autoridad")
    ADDRESS_NOT_FOUND = "address_not_found", _("Dirección inexistente o inscrito no localizado")
    FICTITIOUS_SUPPLIER = "fictitious_supplier", _("Proveedor ficticio")
    FICTITIOUS_EXPORTER = "fictitious_exporter", _("Exportador ficticio")
    INSCRITO_REQUEST = "inscrito_request", _("Solicitud del inscrito")
    DIAN_AREA_REQUEST = "dian_area_request", _("Solicitud motivada de un área de la DIAN")
    # Art. 14: the three events in which the DIAN updates a record by itself.
    DATA_OUTDATED = (
        "data_outdated",
        _("Un área de la DIAN establece que la información está desactualizada o es inconsistente"),
    )
    ACT_OR_ORDER = (
        "act_or_order",
        _("Acto de la DIAN u orden de autoridad que exige incluir o modificar datos"),
    )
    AGREEMENT_INFORMATION = (
        "agreement_information",
        _("Información del interesado suministrada a una entidad con convenio de intercambio"),
    )


CAUSES_BY_TYPE: dict[str, frozenset[str]] = {
    CaseType.CANCELLATION_ON_REQUEST: frozenset(
        {
            Cause.LIQUIDATION,
            Cause.ESTATE_SETTLED,
            Cause.CONSORTIUM_ENDED,
            Cause.FOREIGN_INVESTMENT_ENDED,
            Cause.AUTHORITY_ORDER,
        }
    ),
    CaseType.CANCELLATION_EX_OFFICIO: frozenset(
        {Cause.DECEASED, Cause.ENTITY_LIQUIDATED, Cause.IMPERSONATION, Cause.AUTHORITY_ORDER}
    ),
    CaseType.SUSPENSION: frozenset(
        {
            Cause.AUTHORITY_ORDER,
            Cause.ADDRESS_NOT_FOUND,
            Cause.FICTITIOUS_SUPPLIER,
            Cause.FICTITIOUS_EXPORTER,
        }
    ),
    CaseType.LIFT_SUSPENSION: frozenset(
        {Cause.AUTHORITY_ORDER, Cause.INSCRITO_REQUEST, Cause.DIAN_AREA_REQUEST}
    ),
    CaseType.REACTIVATION: frozenset(
        {Cause.INSCRITO_REQUEST, Cause.DIAN_AREA_REQUEST, Cause.AUTHORITY_ORDER}
    ),
    CaseType.REGISTRATION: frozenset({Cause.INSCRITO_REQUEST, Cause.AUTHORITY_ORDER}),
    CaseType.UPDATE: frozenset(
        {
            Cause.INSCRITO_REQUEST,
            Cause.DIAN_AREA_REQUEST,
            Cause.AUTHORITY_ORDER,
            Cause.DATA_OUTDATED,
            Cause.ACT_OR_ORDER,
            Cause.AGREEMENT_INFORMATION,
        }
    ),
}

# Decreto 2460 de 2013, art. 14 num. 1-3: the causes of an actualización de oficio, and only of it.
EX_OFFICIO_UPDATE_CAUSES = (Cause.DATA_OUTDATED, Cause.ACT_OR_ORDER, Cause.AGREEMENT_INFORMATION)

# Lit. c of art. 17 num. 1 names these kinds; a kind of no fixed nature (absent from
# KIND_PERSON_TYPE) may also hold "any other business collaboration" contract.
COLLABORATION_KINDS = frozenset({RegistrantKind.CONSORTIUM, RegistrantKind.TEMPORARY_UNION})


def cause_applies(cause: str, *, kind: str, person_type: str) -> bool:
    """Whether a causal fits this kind of inscrito (Decreto 2460 de 2013, art. 17).

    Only what the article itself ties to a kind or person type is restricted; every other cause
    (foreign investment, an authority's order, impersonation, ...) stays open to everyone.
    """
    legal = person_type == PersonType.LEGAL
    if cause == Cause.LIQUIDATION:
        # Num. 1 lit. a: personas jurídicas and asimiladas; consortia end under lit. c.
        return legal and kind not in COLLABORATION_KINDS
    if cause == Cause.ESTATE_SETTLED:
        return kind == RegistrantKind.ESTATE
    if cause == Cause.CONSORTIUM_ENDED:
        return kind in COLLABORATION_KINDS or (legal and kind not in KIND_PERSON_TYPE)
    if cause == Cause.DECEASED:
        return person_type == PersonType.NATURAL
    if cause == Cause.ENTITY_LIQUIDATED:
        return legal
    return True


def cause_open_to(cause: str, *, case_type: str, requester_kind: str) -> bool:
    """Whether this requester may invoke the cause.

    Procedure of cancelación de oficio y reactivación, 3.2: a user who presents an authority's
    order to have the RUT cancelled is refused; the authority sends its order (ejecutoriada)
    to the DIAN itself.
    """
    return not (
        case_type in CANCELLATION_TYPES
        and cause == Cause.AUTHORITY_ORDER
        and requester_kind == RequesterKind.USER
    )


def causes_for(
    case_type: str, registrant: Registrant, *, requester_kind: str | None = None
) -> list[Cause]:
    """The causes of this case type that fit the inscrito (and the requester, when given)."""
    return [
        cause
        for cause in Cause
        if cause in CAUSES_BY_TYPE[case_type]
        and cause_applies(cause, kind=registrant.kind, person_type=registrant.person_type)
        and (
            requester_kind is None
            or cause_open_to(cause, case_type=case_type, requester_kind=requester_kind)
        )
    ]


class Decision(models.TextChoices):
    GRANTED = "granted", _("Procede")
    DENIED = "denied", _("No procede")
    REQUIREMENTS_NOT_MET = "requirements_not_met", _("No cumple requisitos")


# Undecided states: a case here is still open (a decided one only awaits communication).
OPEN_STATES = ("received", "requirements_met", "in_process", "awaiting_approval")


class Case(ConcurrentTransitionMixin, models.Model):
    """A trámite on the RUT: every request, with its own state machine."""

    class State(models.TextChoices):
        RECEIVED = "received", _("Recibido")
        REQUIREMENTS_MET = "requirements_met", _("Requisitos verificados")
        IN_PROCESS = "in_process", _("En trámite")
        AWAITING_APPROVAL = "awaiting_approval", _("Pendiente de aprobación")
        DECIDED = "decided", _("Decidido")
        REJECTED = "rejected", _("Rechazado por requisitos")
        COMMUNICATED = "communicated", _("Comunicado")
        CLOSED = "closed", _("Cerrado")

    number = models.CharField(_("número"), max_length=20, unique=True)
    case_type = models.CharField(_("tipo"), max_length=30, choices=CaseType.choices)
    mode = models.CharField(
        _("modalidad"), max_length=20, choices=Mode.choices, default=Mode.ASSISTED
    )
    channel = models.CharField(_("canal"), max_length=20, choices=Channel.choices)
    cause = models.CharField(_("causal"), max_length=30, choices=Cause.choices)
    state = FSMField(_("estado"), default=State.RECEIVED, choices=State.choices, protected=True)
    decision = models.CharField(_("decisión"), max_length=25, choices=Decision.choices, blank=True)
    proposed_decision = models.CharField(
        _("decisión propuesta al director"),
        max_length=25,
        choices=[(Decision.GRANTED, _("Procede")), (Decision.DENIED, _("No procede"))],
        blank=True,
    )
    priority = models.PositiveSmallIntegerField(
        _("prioridad"), default=0, help_text=_("Las órdenes judiciales son preferentes.")
    )

    registrant = models.ForeignKey(
        Registrant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("inscrito"),
    )
    seccional = models.ForeignKey(
        Seccional,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("seccional que tramita"),
    )
    received_at_seccional = models.ForeignKey(
        Seccional,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("seccional que recibió"),
    )
    requester_kind = models.CharField(
        _("solicitante"), max_length=30, choices=RequesterKind.choices
    )
    requester_name = models.CharField(_("nombre del solicitante"), max_length=200)
    requester_email = models.EmailField(_("correo del solicitante"), blank=True)
    requester_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="filed_cases",
        verbose_name=_("usuario que radicó"),
    )

    # The supporting act (acto administrativo debidamente ejecutoriado, orden judicial ...)
    act_number = models.CharField(_("número del acto"), max_length=60, blank=True)
    act_date = models.DateField(_("fecha del acto"), null=True, blank=True)
    # Art. 15 par. 1: a fictitious supplier/exporter suspension runs from the act's publication.
    act_published_on = models.DateField(_("fecha de publicación del acto"), null=True, blank=True)
    act_issuer = models.CharField(_("quién expidió el acto"), max_length=200, blank=True)
    act_is_final = models.BooleanField(_("acto ejecutoriado"), default=False)
    act_term_days = models.PositiveSmallIntegerField(
        _("término fijado en el acto (días hábiles)"), null=True, blank=True
    )
    facts = models.TextField(_("hechos"), blank=True)
    fact_date = models.DateField(
        _("fecha del hecho que origina la actualización"), null=True, blank=True
    )
    # Proposed record for inscriptions and updates (RegistrantData as JSON).
    payload = models.JSONField(_("datos del formulario"), default=dict, blank=True)
    from_abroad = models.BooleanField(
        _("radicada desde el exterior"),
        default=False,
        help_text=_("Decreto 2460 de 2013, art. 9 par.: persona natural que está en el exterior."),
    )

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("asignado a"),
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("preparado por"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decidido por"),
    )
    refiled_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refilings",
        verbose_name=_("radicado nuevamente a partir de"),
    )
    received_at = models.DateTimeField(_("recibido"), auto_now_add=True)
    due_on = models.DateField(_("vence"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decidido"), null=True, blank=True)
    closed_at = models.DateTimeField(_("cerrado"), null=True, blank=True)
    observations = models.TextField(_("observaciones del director"), blank=True)

    class Meta:
        verbose_name = _("trámite")
        verbose_name_plural = _("trámites")
        ordering = ["-priority", "received_at"]
        indexes = [
            models.Index(
                fields=["seccional", "state", "-priority", "received_at"], name="case_inbox"
            ),
            models.Index(fields=["due_on"], name="case_due_on"),
        ]
        constraints = [
            # The last guard behind intake's check: one undecided cancellation of each kind
            # per inscrito, even when two requests arrive at the same moment.
            models.UniqueConstraint(
                fields=["registrant", "case_type"],
                condition=Q(case_type__in=sorted(CANCELLATION_TYPES), state__in=OPEN_STATES),
                name="one_open_cancellation_per_kind",
            )
        ]
        permissions = [
            ("process_case", _("Puede tramitar casos")),
            ("approve_cancellation", _("Puede aprobar cancelaciones (director seccional)")),
            ("assign_case", _("Puede asignar y reasignar casos")),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_case_type_display()}"

    @property
    def state_fields(self) -> tuple[FSMFieldMixin, ...]:
        """The case's state field, found once. django-fsm tests every field of the model each
        time a case is built (36 of them, for each of the inbox's 50 rows)."""
        return _case_state_fields()

    @property
    def is_cancellation(self) -> bool:
        return self.case_type in CANCELLATION_TYPES

    @property
    def denial_needs_approval(self) -> bool:
        """Four eyes both ways: refusing a cancellation or an authority's (judicial, DIAN-area,
        ...) order needs the director's approval, exactly as granting a cancellation does."""
        return self.is_cancellation or self.requester_kind in AUTHORITY_KINDS

    @property
    def proposes_denial(self) -> bool:
        return self.proposed_decision == Decision.DENIED

    # --- State machine (bodies only set this row's fields) ---
    # django-fsm types a condition as taking any Model, hence the casts to Case in conditions=.

    @transition(
        field=state,
        source=State.RECEIVED,
        target=State.REQUIREMENTS_MET,
        permission="procedures.process_case",
    )
    def accept_requirements(self) -> None:
        pass

    @transition(
        field=state,
        source=State.RECEIVED,
        target=State.REJECTED,
        permission="procedures.process_case",
    )
    def reject_requirements(self, *, by: User | None, at: datetime) -> None:
        self.decision = Decision.REQUIREMENTS_NOT_MET
        self.decided_by, self.decided_at = by, at

    @transition(
        field=state,
        source=State.REQUIREMENTS_MET,
        target=State.RECEIVED,
        permission="procedures.process_case",
    )
    def forward(self, *, to: Seccional) -> None:
        self.seccional = to
        self.assigned_to = None

    @transition(
        field=state,
        source=State.REQUIREMENTS_MET,
        target=State.IN_PROCESS,
        permission="procedures.process_case",
    )
    def take_jurisdiction(self) -> None:
        pass

    @transition(
        field=state,
        source=State.IN_PROCESS,
        target=State.AWAITING_APPROVAL,
        permission="procedures.process_case",
        conditions=[lambda c: cast(Case, c).is_cancellation],
    )
    def submit_for_approval(self, *, by: User | None) -> None:
        self.prepared_by = by
        self.proposed_decision = Decision.GRANTED

    @transition(
        field=state,
        source=State.IN_PROCESS,
        target=State.AWAITING_APPROVAL,
        permission="procedures.process_case",
        conditions=[lambda c: cast(Case, c).denial_needs_approval],
    )
    def submit_denial_for_approval(self, *, by: User | None) -> None:
        self.prepared_by = by
        self.proposed_decision = Decision.DENIED

    @transition(
        field=state,
        source=State.AWAITING_APPROVAL,
        target=State.IN_PROCESS,
        permission="procedures.approve_cancellation",
    )
    def return_with_observations(self, *, observations: str) -> None:
        self.observations = observations
        self.proposed_decision = ""

    @transition(
        field=state,
        source=State.AWAITING_APPROVAL,
        target=State.DECIDED,
        permission="procedures.approve_cancellation",
        conditions=[lambda c: not cast(Case, c).proposes_denial],
    )
    def approve(self, *, by: User, at: datetime) -> None:
        self.decision = Decision.GRANTED
        self.decided_by, self.decided_at = by, at

    @transition(
        field=state,
        source=State.AWAITING_APPROVAL,
        target=State.DECIDED,
        permission="procedures.approve_cancellation",
        conditions=[lambda c: cast(Case, c).proposes_denial],
    )
    def approve_denial(self, *, by: User, at: datetime) -> None:
        self.decision = Decision.DENIED
        self.decided_by, self.decided_at = by, at

    @transition(
        field=state,
        source=State.IN_PROCESS,
        target=State.DECIDED,
        permission="procedures.process_case",
        conditions=[lambda c: not cast(Case, c).is_cancellation],
    )
    def grant(self, *, by: User | None, at: datetime) -> None:
        self.decision = Decision.GRANTED
        self.decided_by, self.decided_at = by, at

    @transition(
        field=state,
        source=State.IN_PROCESS,
        target=State.DECIDED,
        permission="procedures.process_case",
        conditions=[lambda c: not cast(Case, c).denial_needs_approval],
    )
    def deny(self, *, by: User | None, at: datetime) -> None:
        self.decision = Decision.DENIED
        self.decided_by, self.decided_at = by, at

    @transition(
        field=state,
        source=[State.DECIDED, State.REJECTED],
        target=State.COMMUNICATED,
        permission="procedures.process_case",
    )
    def communicate(self) -> None:
        pass

    @transition(
        field=state,
        source=State.COMMUNICATED,
        target=State.CLOSED,
        permission="procedures.process_case",
    )
    def close(self, *, at: datetime) -> None:
        self.closed_at = at


class CaseStep(models.Model):
    """Append-only timeline of a case: every step with who, when, why and on what basis."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Recibido")
        REQUIREMENTS_MET = "requirements_met", _("Requisitos cumplidos")
        REJECTED = "rejected", _("Rechazado por requisitos")
        FORWARDED = "forwarded", _("Remitido a la seccional competente")
        JURISDICTION = "jurisdiction", _("Competencia asumida")
        RECORD_UPDATED = "record_updated", _("RUT actualizado (Formato 1767)")
        VISIT_RECORDED = "visit_recorded", _("Visita de verificación registrada")
        PREPARED = "prepared", _("Enviado a aprobación")
        RETURNED = "returned", _("Devuelto con observaciones")
        APPROVED = "approved", _("Aprobado por el director")
        GRANTED = "granted", _("Decidido: procede")
        DENIED = "denied", _("Decidido: no procede")
        COMMUNICATED = "communicated", _("Decisión comunicada")
        CLOSED = "closed", _("Cerrado")
        ASSIGNED = "assigned", _("Asignado")
        IMPEDIMENT = "impediment", _("Impedimento declarado")
        IMPEDIMENT_ACCEPTED = "impediment_accepted", _("Impedimento aceptado y trámite reasignado")
        IMPEDIMENT_REJECTED = "impediment_rejected", _("Impedimento rechazado")
        DOCUMENT_ADDED = "document_added", _("Soporte agregado")
        OBLIGATION_RECORDED = "obligation_recorded", _("Obligación pendiente registrada")
        REQUIREMENT_CHECKED = "requirement_checked", _("Requisito documental verificado")
        VISIT_SCHEDULED = "visit_scheduled", _("Visita de verificación programada")
        REFERRAL = "referral", _("Remisión a otra área")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(_("paso"), max_length=30, choices=Kind.choices)
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
    legal_basis = models.CharField(_("fundamento"), max_length=200, blank=True)
    details = models.JSONField(_("detalles"), default=dict, blank=True)

    class Meta:
        verbose_name = _("paso del trámite")
        verbose_name_plural = _("pasos del trámite")
        ordering = ["at", "id"]
        triggers = [
            pgtrigger.Protect(
                name="case_step_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class CaseDocument(models.Model):
    """A supporting document uploaded to a case."""

    class Kind(models.TextChoices):
        ACT = "act", _("Acto administrativo debidamente ejecutoriado")
        JUDICIAL_ORDER = "judicial_order", _("Orden judicial")
        FORMAT_1271 = "format_1271", _("Formato 1271 Situación interna RUT")
        MOTIVATED_REQUEST = "motivated_request", _("Solicitud motivada")
        REGISTRATION_DOCUMENTS = (
            "registration_documents",
            _("Documentos del artículo 1.6.1.2.11 del DUR 1625 de 2016"),
        )
        DEATH_RECORD = "death_record", _("Registro civil de defunción")
        IDENTITY_SCAN = "identity_scan", _("Documento de identidad escaneado")
        PASSPORT_EXIT_PAGE = (
            "passport_exit_page",
            _("Página del pasaporte con la fecha de salida del país"),
        )
        VAT_CESSATION_CERTIFICATE = (
            "vat_cessation_certificate",
            _("Certificación de contador o revisor fiscal del cese de actividades gravadas"),
        )
        OTHER = "other", _("Otro soporte")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("tipo"), max_length=30, choices=Kind.choices)
    file = models.FileField(_("archivo"), upload_to="cases/%Y/%m/")
    sha256 = models.CharField(max_length=64, editable=False)
    description = models.CharField(_("descripción"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("soporte")
        verbose_name_plural = _("soportes")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case_id})"


class OfficialFormat(models.Model):
    """Formatos 1767, 1529 and 1271 produced by a case; rendered as PDF by the documents module."""

    class Kind(models.TextChoices):
        F1767 = "1767", _("Formato 1767 Solicitud actuación de oficio")
        F1529 = "1529", _("Formato 1529 Actuaciones de oficio")
        F1271 = "1271", _("Formato 1271 Situación interna RUT")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="formats")
    kind = models.CharField(_("formato"), max_length=4, choices=Kind.choices)
    number = models.CharField(_("número"), max_length=20, unique=True)
    content = models.JSONField(_("contenido"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("formato oficial")
        verbose_name_plural = _("formatos oficiales")
        triggers = [
            pgtrigger.Protect(
                name="official_format_immutable", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} N.º {self.number}"


class Communication(models.Model):
    """A communication of a decision (procedure, activity 12), stored and sent by email."""

    class Kind(models.TextChoices):
        TO_REGISTRANT = "to_registrant", _("Comunicación al inscrito")
        TO_REQUESTER = "to_requester", _("Comunicación al solicitante")
        TO_SECCIONAL = "to_seccional", _("Aviso a seccional (últimos cinco años)")
        TO_JUDICIAL_AUTHORITY = "to_judicial_authority", _("Oficio a la autoridad judicial")
        TO_CUSTOMS = "to_customs", _("Aviso a los procesos de aduanas")
        REJECTION = "rejection", _("Comunicación de rechazo por requisitos")
        CERTIFIED_RUT = "certified_rut", _("RUT certificado enviado al correo")
        FORWARDING = "forwarding", _("Oficio remisorio a la seccional competente")
        FORWARDING_NOTICE = "forwarding_notice", _("Aviso de remisión al solicitante")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="communications")
    kind = models.CharField(_("tipo"), max_length=30, choices=Kind.choices)
    recipient_name = models.CharField(_("destinatario"), max_length=200)
    recipient_email = models.EmailField(_("correo"), blank=True)
    seccional = models.ForeignKey(
        Seccional, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    form_version = models.ForeignKey(
        "registry.FormVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Formulario 001 adjunto"),
    )
    subject = models.CharField(_("asunto"), max_length=200)
    body = models.TextField(_("texto"))
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("enviada"), null=True, blank=True)

    class Meta:
        verbose_name = _("comunicación")
        verbose_name_plural = _("comunicaciones")
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.recipient_name}"


# Communications addressed to a seccional (not to a person): the five-year notice of a
# cancelación de oficio (procedure, activity 12), the oficio remisorio of a forwarded case
# (activity 4) and the notice to the customs processes. Today they have no email: the receiving
# seccional reads them in its inbox of notices and acknowledges them.
NOTICE_KINDS = frozenset(
    {
        Communication.Kind.TO_SECCIONAL,
        Communication.Kind.FORWARDING,
        Communication.Kind.TO_CUSTOMS,
    }
)


class NoticeAcknowledgment(models.Model):
    """Who of the receiving seccional acknowledged a notice, and when."""

    communication = models.OneToOneField(
        Communication, on_delete=models.PROTECT, related_name="acknowledgment"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recibido por"),
    )
    at = models.DateTimeField(_("recibido el"))

    class Meta:
        verbose_name = _("acuse de recibo de aviso")
        verbose_name_plural = _("acuses de recibo de avisos")

    def __str__(self) -> str:
        return f"{self.communication_id} {self.at:%Y-%m-%d %H:%M}"


class PendingObligation(models.Model):
    """An obligation an official found pending; it blocks a cancellation on request.

    Recorded on a reactivation, it is one of the obligations that motivated it.
    """

    registrant = models.ForeignKey(
        Registrant, on_delete=models.PROTECT, related_name="pending_obligations"
    )
    description = models.CharField(_("obligación"), max_length=300)
    period = models.CharField(_("periodo"), max_length=40, blank=True)
    # The case it was recorded in. On a reactivation: an obligation that motivated it, which a
    # new cancellation request waits for (procedure of cancelación de oficio y reactivación, 3.2).
    case = models.ForeignKey(
        "Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="obligations",
        verbose_name=_("trámite"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(_("cumplida"), null=True, blank=True)

    class Meta:
        verbose_name = _("obligación pendiente")
        verbose_name_plural = _("obligaciones pendientes")
        indexes = [
            models.Index(
                fields=["registrant"],
                condition=Q(resolved_at__isnull=True),
                name="open_obligations",
            )
        ]

    def __str__(self) -> str:
        return self.description


class VerificationVisit(models.Model):
    """A verification visit (art. 11, 12, 15): scheduled, then its result recorded."""

    class Result(models.TextChoices):
        CONFIRMED = "confirmed", _("Datos confirmados")
        ADDRESS_NOT_FOUND = (
            "address_not_found",
            _("La dirección no existe o el inscrito no fue localizado"),
        )
        INACCURATE_DATA = "inaccurate_data", _("Datos inexactos")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    registrant = models.ForeignKey(Registrant, on_delete=models.PROTECT, related_name="visits")
    scheduled_for = models.DateField(_("programada para"), null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    visited_on = models.DateField(_("fecha de la visita"), null=True, blank=True)
    result = models.CharField(_("resultado"), max_length=20, choices=Result.choices, blank=True)
    notes = models.TextField(_("observaciones"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("visita de verificación")
        verbose_name_plural = _("visitas de verificación")

    def __str__(self) -> str:
        return f"{self.visited_on or self.scheduled_for} {self.get_result_display()}"


class RequirementCheck(models.Model):
    """One item of the document checklist (art. 10) as seen by an official or the system."""

    class Status(models.TextChoices):
        MET = "met", _("Cumplido")
        NOT_MET = "not_met", _("No cumplido")
        EXEMPT = "exempt", _("Exento")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="requirement_checks")
    code = models.CharField(_("requisito"), max_length=40)
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices)
    document_date = models.DateField(_("fecha de expedición del documento"), null=True, blank=True)
    notes = models.CharField(_("observaciones"), max_length=300, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("verificación de requisito")
        verbose_name_plural = _("verificaciones de requisitos")
        ordering = ["case_id", "code", "id"]

    def __str__(self) -> str:
        return f"{self.code}: {self.get_status_display()}"


@cache
def _case_state_fields() -> tuple[FSMFieldMixin, ...]:
    return tuple(field for field in Case._meta.fields if isinstance(field, FSMFieldMixin))


class Petition(ConcurrentTransitionMixin, models.Model):
    """A PQSRD petition: what a request becomes when it arrives by an unauthorised channel."""

    class State(models.TextChoices):
        RECEIVED = "received", _("Recibida")
        ANSWERED = "answered", _("Respondida")

    number = models.CharField(_("número"), max_length=20, unique=True)
    state = FSMField(_("estado"), default=State.RECEIVED, choices=State.choices, protected=True)
    subject = models.CharField(_("asunto"), max_length=200)
    requested_case_type = models.CharField(
        _("trámite pedido"), max_length=30, choices=CaseType.choices, blank=True
    )
    channel = models.CharField(_("canal"), max_length=20, choices=Channel.choices)
    registrant = models.ForeignKey(
        Registrant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("inscrito"),
    )
    requester_name = models.CharField(_("peticionario"), max_length=200)
    requester_email = models.EmailField(_("correo"), blank=True)
    seccional = models.ForeignKey(Seccional, on_delete=models.PROTECT, related_name="petitions")
    received_at = models.DateTimeField(_("recibida"), auto_now_add=True)
    answer = models.TextField(_("respuesta"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("respondida por"),
    )
    answered_at = models.DateTimeField(_("respondida el"), null=True, blank=True)
    # A filing from abroad (Decreto 2460 de 2013, art. 9 par.): who files it, from where, what
    # is asked, and the case it was formalised into at the desk.
    from_abroad = models.BooleanField(_("desde el exterior (art. 9 par.)"), default=False)
    document_type = models.ForeignKey(
        DocumentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tipo de documento"),
    )
    document_number = models.CharField(_("número de documento"), max_length=20, blank=True)
    residence_country = models.CharField(_("país de residencia"), max_length=2, blank=True)
    details = models.TextField(_("lo que solicita"), blank=True)
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trámite formalizado"),
    )

    class Meta:
        verbose_name = _("petición (PQSRD)")
        verbose_name_plural = _("peticiones (PQSRD)")

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @transition(
        field=state,
        source=State.RECEIVED,
        target=State.ANSWERED,
        permission="procedures.process_case",
    )
    def respond(self, *, answer: str, by: User, at: datetime) -> None:
        self.answer, self.answered_by, self.answered_at = answer, by, at


class PetitionAttachment(models.Model):
    """A file that came with a petition: for a filing from abroad, the scanned identity
    document and the passport page with the exit date (art. 9 par.)."""

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("tipo"), max_length=30, choices=CaseDocument.Kind.choices)
    file = models.FileField(_("archivo"), upload_to="petitions/%Y/%m/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("anexo de la petición")
        verbose_name_plural = _("anexos de la petición")

    def __str__(self) -> str:
        return f"{self.petition_id} {self.get_kind_display()}"


class Referral(models.Model):
    """A matter sent to another area and tracked until it is closed.

    Fiscalización: inaccurate data found on a verification visit (art. 11).
    División de Gestión Jurídica: conduct that may be a crime (art. 20, deber de denuncia).
    """

    class Kind(models.TextChoices):
        AUDIT = "audit", _("Remisión a fiscalización (datos inexactos)")
        CRIMINAL_REPORT = "criminal_report", _("Deber de denuncia (División de Gestión Jurídica)")

    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    registrant = models.ForeignKey(Registrant, on_delete=models.PROTECT, related_name="referrals")
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    visit = models.ForeignKey(
        VerificationVisit, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    reason = models.TextField(_("hechos"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("cerrada"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(_("resultado"), blank=True)

    class Meta:
        verbose_name = _("remisión")
        verbose_name_plural = _("remisiones")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.registrant_id})"
