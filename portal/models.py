"""The citizen's side of the portal: accounts, one-time codes, drafts, signatures, appointments.

Account rules follow NIST SP 800-63B and the ClaveÚnica guides summarised in the portal issue:
codes from a CSPRNG, stored hashed, single use, the newest one only, blocked after five wrong
attempts (the code, never the person).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import DocumentType, Registrant, Seccional


class CitizenAccount(models.Model):
    """A person's account in the portal, identified by their identity document."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen_account"
    )
    document_type = models.ForeignKey(
        DocumentType,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tipo de documento"),
    )
    document_number = models.CharField(_("número de documento"), max_length=20)
    first_name = models.CharField(_("nombres"), max_length=120)
    last_name = models.CharField(_("apellidos"), max_length=120)
    email = models.EmailField(_("correo electrónico"))
    mobile = models.CharField(_("celular"), max_length=20)
    email_confirmed_at = models.DateTimeField(_("correo confirmado"), null=True, blank=True)
    mobile_confirmed_at = models.DateTimeField(_("celular confirmado"), null=True, blank=True)
    # The RUT this account may see and act on: set when the account inscribes itself, or when
    # its confirmed email is the one registered in the RUT for the same document.
    registrant = models.OneToOneField(
        Registrant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citizen_account",
        verbose_name=_("RUT vinculado"),
    )
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)

    class Meta:
        verbose_name = _("cuenta de ciudadano")
        verbose_name_plural = _("cuentas de ciudadanos")
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "document_number"], name="citizen_account_unique_document"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_type_id} {self.document_number}"

    @property
    def is_activated(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class CodePurpose(models.TextChoices):
    ACTIVATION = "activation", _("Activación de la cuenta")
    RECOVERY = "recovery", _("Recuperación de la contraseña")
    SIGNATURE = "signature", _("Firma de una solicitud")
    EMAIL_CHANGE = "email_change", _("Cambio de correo electrónico")
    MOBILE_CHANGE = "mobile_change", _("Cambio de celular")


class OneTimeCode(models.Model):
    """A code sent by email. Only the newest code of an account and purpose is ever checked."""

    account = models.ForeignKey(CitizenAccount, on_delete=models.CASCADE, related_name="codes")
    purpose = models.CharField(_("propósito"), max_length=20, choices=CodePurpose.choices)
    code_hash = models.CharField(max_length=64)  # HMAC-SHA256 keyed with SECRET_KEY
    # What the code is for: the new email, the filing it signs ... A code for one thing never
    # confirms another.
    context = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    blocked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("código de un solo uso")
        verbose_name_plural = _("códigos de un solo uso")
        indexes = [models.Index(fields=["account", "purpose", "-id"], name="code_newest")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class SignIn(models.Model):
    """One sign-in attempt on an account, shown to its owner."""

    account = models.ForeignKey(CitizenAccount, on_delete=models.CASCADE, related_name="sign_ins")
    at = models.DateTimeField(_("fecha"), default=timezone.now)
    succeeded = models.BooleanField(_("exitoso"))
    ip_address = models.GenericIPAddressField(_("dirección IP"), null=True, blank=True)
    user_agent = models.CharField(_("navegador"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ingreso")
        verbose_name_plural = _("ingresos")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.account_id} {self.at:%Y-%m-%d %H:%M} {self.succeeded}"


class ThrottleCounter(models.Model):
    """Failed attempts per key (a typed document, an address) in a fixed time window."""

    scope = models.CharField(max_length=20)
    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("contador de intentos")
        verbose_name_plural = _("contadores de intentos")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key", "window_start"], name="throttle_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}@{self.window_start:%H:%M}={self.hits}"


class DataPolicyConsent(models.Model):
    """Autorización de tratamiento de datos personales (Ley 1581 de 2012, art. 9)."""

    class Context(models.TextChoices):
        SIGN_UP = "sign_up", _("Creación de la cuenta")
        INSCRIPTION = "inscription", _("Inscripción en el RUT")

    account = models.ForeignKey(CitizenAccount, on_delete=models.CASCADE, related_name="consents")
    version = models.CharField(_("versión de la política"), max_length=20)
    context = models.CharField(_("momento"), max_length=20, choices=Context.choices)
    at = models.DateTimeField(_("fecha"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("dirección IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("autorización de datos personales")
        verbose_name_plural = _("autorizaciones de datos personales")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.account_id} v{self.version} {self.at:%Y-%m-%d}"


class Draft(models.Model):
    """The inscription wizard's data, saved on every step so it can be resumed later."""

    account = models.ForeignKey(CitizenAccount, on_delete=models.CASCADE, related_name="drafts")
    kind = models.CharField(max_length=20, default="inscription")
    data = models.JSONField(default=dict)
    step = models.CharField(max_length=30, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("borrador")
        verbose_name_plural = _("borradores")
        constraints = [
            models.UniqueConstraint(fields=["account", "kind"], name="one_draft_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.kind} {self.step}"


class PendingFiling(models.Model):
    """A filled request waiting for its signature code; signing turns it into a case."""

    class Kind(models.TextChoices):
        UPDATE = "update", _("Actualización del RUT")
        CANCELLATION = "cancellation", _("Solicitud de cancelación del RUT")
        VAT_WITHDRAWAL = "vat_withdrawal", _("Retiro de la responsabilidad de IVA")
        CONSUMPTION_WITHDRAWAL = (
            "consumption_withdrawal",
            _("Retiro de la responsabilidad de impuesto al consumo"),
        )

    account = models.ForeignKey(CitizenAccount, on_delete=models.CASCADE, related_name="filings")
    kind = models.CharField(_("solicitud"), max_length=30, choices=Kind.choices)
    payload = models.JSONField(default=dict)
    summary = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("solicitud por firmar")
        verbose_name_plural = _("solicitudes por firmar")

    def __str__(self) -> str:
        return f"{self.account_id} {self.kind}"


class PendingDocument(models.Model):
    """A supporting document uploaded with a filing before it is signed."""

    filing = models.ForeignKey(PendingFiling, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=30)
    file = models.FileField(upload_to="portal/pending/%Y/%m/")
    name = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("soporte por firmar")
        verbose_name_plural = _("soportes por firmar")

    def __str__(self) -> str:
        return self.name


class Signature(models.Model):
    """The electronic signature of a filing: which case, with which code, when, over what."""

    case = models.OneToOneField(
        "procedures.Case", on_delete=models.PROTECT, related_name="citizen_signature"
    )
    account = models.ForeignKey(CitizenAccount, on_delete=models.PROTECT, related_name="signatures")
    code = models.ForeignKey(OneTimeCode, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("firmado"), default=timezone.now)
    # SHA-256 of the signed content (the filing's payload as canonical JSON).
    content_sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("firma electrónica")
        verbose_name_plural = _("firmas electrónicas")

    def __str__(self) -> str:
        return f"{self.case_id} {self.signed_at:%Y-%m-%d %H:%M}"


class Slot(models.Model):
    """A videoatención time of a seccional; capacity is enforced by the database itself."""

    seccional = models.ForeignKey(Seccional, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("hora"))
    minutes = models.PositiveSmallIntegerField(_("duración (minutos)"), default=30)
    capacity = models.PositiveSmallIntegerField(_("cupos"))
    booked = models.PositiveSmallIntegerField(_("reservados"), default=0)

    class Meta:
        verbose_name = _("horario de videoatención")
        verbose_name_plural = _("horarios de videoatención")
        ordering = ["seccional_id", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["seccional", "starts_at"], name="slot_unique_time"),
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="slot_never_overbooked"
            ),
            models.CheckConstraint(condition=Q(booked__gte=0), name="slot_booked_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.seccional_id} {self.starts_at:%Y-%m-%d %H:%M} {self.booked}/{self.capacity}"

    @property
    def free(self) -> int:
        return self.capacity - self.booked


class AppointmentReason(models.TextChoices):
    """When a video appointment applies (DIAN self-service bulletin, February 2022)."""

    INSCRIPTION = "inscription", _("Inscripción que requiere un funcionario")
    TECHNICAL_FAILURE = "technical_failure", _("Falla técnica al inscribirse en línea")
    IDENTIFICATION = "identification", _("Actualización de datos de identificación")
    RESPONSIBILITIES = "responsibilities", _("Retiro de responsabilidades")
    CUSTOMS = "customs", _("Agregar o retirar calidades aduaneras")
    VAT_WITHDRAWAL = "vat_withdrawal", _("Retiro de IVA sin firma electrónica")
    CONSUMPTION_WITHDRAWAL = (
        "consumption_withdrawal",
        _("Retiro de impuesto al consumo sin firma electrónica"),
    )
    CANCELLATION = "cancellation", _("Cancelación del RUT (sucesión liquidada)")
    ACCOUNT_ACCESS = "account_access", _("Sin acceso a la cuenta o sin correo en el RUT")


class Appointment(models.Model):
    class State(models.TextChoices):
        BOOKED = "booked", _("Reservada")
        CANCELLED = "cancelled", _("Cancelada")
        ATTENDED = "attended", _("Atendida")
        NO_SHOW = "no_show", _("No asistió")

    account = models.ForeignKey(
        CitizenAccount, on_delete=models.CASCADE, related_name="appointments"
    )
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments")
    reason = models.CharField(_("motivo"), max_length=30, choices=AppointmentReason.choices)
    notes = models.CharField(_("detalle"), max_length=300, blank=True)
    state = models.CharField(
        _("estado"), max_length=12, choices=State.choices, default=State.BOOKED
    )
    meeting_url = models.URLField(_("enlace de la videollamada"))
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The official who closed the appointment (attended or no-show) and when.
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("atendida por"),
    )
    closed_at = models.DateTimeField(_("cerrada"), null=True, blank=True)
    case = models.ForeignKey(
        "procedures.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("trámite iniciado"),
    )

    class Meta:
        verbose_name = _("cita de videoatención")
        verbose_name_plural = _("citas de videoatención")
        ordering = ["slot__starts_at"]
        constraints = [
            # A double click cannot book one slot twice for one account (booking is idempotent).
            models.UniqueConstraint(
                fields=["account", "slot"],
                condition=Q(state="booked"),
                name="appointment_once_per_account_and_slot",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.slot}"
