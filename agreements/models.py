"""Entities that talk to the registry by API under an agreement (Decreto 2460 de 2013, art. 21).

Chambers of commerce register companies, courts and authorities send orders, the civil registry
reports deaths and public entities query the registry beyond its public data (art. 4 par. 2).
Each entity acts through tokens, within the scopes its agreement grants.
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from procedures.models import Case, RequesterKind
from registry.models import Registrant


class EntityKind(models.TextChoices):
    CHAMBER_OF_COMMERCE = "chamber_of_commerce", _("Cámara de comercio")
    JUDICIAL_AUTHORITY = "judicial_authority", _("Autoridad judicial")
    ADMINISTRATIVE_AUTHORITY = "administrative_authority", _("Autoridad administrativa")
    CIVIL_REGISTRY = "civil_registry", _("Registraduría Nacional del Estado Civil")
    PUBLIC_ENTITY = "public_entity", _("Entidad pública con convenio")


# Who the entity is when it files a case (procedures.models.RequesterKind).
REQUESTER_KIND: dict[str, str] = {
    EntityKind.CHAMBER_OF_COMMERCE: RequesterKind.CHAMBER_OF_COMMERCE,
    EntityKind.JUDICIAL_AUTHORITY: RequesterKind.JUDICIAL_AUTHORITY,
    EntityKind.ADMINISTRATIVE_AUTHORITY: RequesterKind.ADMINISTRATIVE_AUTHORITY,
    EntityKind.CIVIL_REGISTRY: RequesterKind.CIVIL_REGISTRY,
    EntityKind.PUBLIC_ENTITY: RequesterKind.ADMINISTRATIVE_AUTHORITY,
}


class Scope(models.TextChoices):
    """What an agreement lets the entity do through the API."""

    REGISTRATIONS = "registrations", _("Inscribir en el RUT")
    ORDERS = "orders", _("Enviar órdenes de suspensión, levantamiento, cancelación o reactivación")
    DEATH_FEED = "death_feed", _("Reportar personas fallecidas")
    REGISTRY_QUERY = "registry_query", _("Consultar el RUT más allá de los datos básicos")


class AgreementEntity(models.Model):
    """An entity with an agreement; it acts in the registry as its own (non-staff) user."""

    name = models.CharField(_("nombre"), max_length=200)
    kind = models.CharField(_("tipo de entidad"), max_length=30, choices=EntityKind.choices)
    nit = models.CharField(_("NIT"), max_length=15, blank=True)
    email = models.EmailField(_("correo de contacto"), blank=True)
    agreement_number = models.CharField(_("número del convenio"), max_length=60, blank=True)
    # The actor recorded on audit entries, form versions and case steps the entity causes.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="agreement_entity",
        verbose_name=_("usuario de servicio"),
    )
    scopes = models.JSONField(_("alcances"), default=list, blank=True)
    # Registry fields beyond the public data this entity may query (Scope.REGISTRY_QUERY).
    allowed_fields = models.JSONField(_("campos autorizados"), default=list, blank=True)
    is_active = models.BooleanField(_("activa"), default=True)
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)

    class Meta:
        verbose_name = _("entidad con convenio")
        verbose_name_plural = _("entidades con convenio")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def requester_kind(self) -> str:
        return REQUESTER_KIND[self.kind]

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class ApiToken(models.Model):
    """A secret an entity sends as `Authorization: Bearer <token>`; only its SHA-256 is stored."""

    entity = models.ForeignKey(AgreementEntity, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(_("nombre"), max_length=100, blank=True)
    # The tokens are 256-bit random strings: a fast hash is enough, nothing to brute-force.
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("inicio del token"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    expires_at = models.DateTimeField(_("vence"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revocado"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("último uso"), null=True, blank=True)

    class Meta:
        verbose_name = _("token de API")
        verbose_name_plural = _("tokens de API")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.entity})"


class IdempotencyKey(models.Model):
    """The first answer to a POST with an Idempotency-Key, replayed to every retry of it."""

    entity = models.ForeignKey(
        AgreementEntity, on_delete=models.CASCADE, related_name="idempotency_keys"
    )
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    path = models.CharField(max_length=200)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("clave de idempotencia")
        verbose_name_plural = _("claves de idempotencia")
        constraints = [
            models.UniqueConstraint(fields=["entity", "key"], name="idempotency_key_per_entity")
        ]

    def __str__(self) -> str:
        return f"{self.entity_id}:{self.key}"


class AgreementInscription(models.Model):
    """An inscription an entity made under its agreement (Decreto 2460 de 2013, art. 8)."""

    entity = models.ForeignKey(
        AgreementEntity, on_delete=models.PROTECT, related_name="inscriptions"
    )
    registrant = models.OneToOneField(
        Registrant, on_delete=models.PROTECT, related_name="agreement_inscription"
    )
    form_number = models.CharField(_("número de formulario"), max_length=12)
    created_at = models.DateTimeField(_("fecha"), auto_now_add=True)

    class Meta:
        verbose_name = _("inscripción por convenio")
        verbose_name_plural = _("inscripciones por convenio")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.entity}: {self.registrant}"


class DeathFeedUpload(models.Model):
    """A file of deceased persons from the civil registry, processed in the background."""

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        JSON_LINES = "jsonl", _("JSON lines")

    class State(models.TextChoices):
        RECEIVED = "received", _("Recibido")
        PROCESSING = "processing", _("En proceso")
        DONE = "done", _("Procesado")
        FAILED = "failed", _("Falló")

    entity = models.ForeignKey(
        AgreementEntity, on_delete=models.PROTECT, related_name="death_feeds"
    )
    file = models.FileField(_("archivo"), upload_to="death_feeds/%Y/%m/")
    original_name = models.CharField(_("nombre del archivo"), max_length=200)
    file_format = models.CharField(_("formato"), max_length=5, choices=Format.choices)
    sha256 = models.CharField(max_length=64, editable=False)
    size = models.PositiveBigIntegerField(_("tamaño (bytes)"))
    state = models.CharField(
        _("estado"), max_length=12, choices=State.choices, default=State.RECEIVED
    )
    total_rows = models.PositiveIntegerField(_("filas"), null=True, blank=True)
    processed_rows = models.PositiveIntegerField(_("filas procesadas"), default=0)
    cases_created = models.PositiveIntegerField(_("trámites creados"), default=0)
    needs_official = models.PositiveIntegerField(_("para funcionario"), default=0)
    not_found = models.PositiveIntegerField(_("no inscritos"), default=0)
    skipped = models.PositiveIntegerField(_("ya tramitados o cancelados"), default=0)
    invalid_rows = models.PositiveIntegerField(_("filas inválidas"), default=0)
    error = models.TextField(_("error"), blank=True)
    received_at = models.DateTimeField(_("recibido"), auto_now_add=True)
    started_at = models.DateTimeField(_("inicio del proceso"), null=True, blank=True)
    finished_at = models.DateTimeField(_("fin del proceso"), null=True, blank=True)

    class Meta:
        verbose_name = _("reporte de defunciones")
        verbose_name_plural = _("reportes de defunciones")
        ordering = ["-received_at", "-id"]
        constraints = [
            # The same file sent twice is the same report: it is processed once.
            models.UniqueConstraint(fields=["entity", "sha256"], name="death_feed_once_per_file")
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_state_display()})"


class DeathFeedEntry(models.Model):
    """What became of one row of a death feed: a case, or a line of the report for an official."""

    class Outcome(models.TextChoices):
        CASE_CREATED = "case_created", _("Trámite de cancelación de oficio creado")
        NEEDS_OFFICIAL = "needs_official", _("Tiene responsabilidades: lo tramita un funcionario")
        NOT_NATURAL_PERSON = "not_natural_person", _("El documento no es de una persona natural")
        NOT_CANCELLABLE = "not_cancellable", _("El estado del inscrito no admite cancelación")
        NOT_FOUND = "not_found", _("No está inscrito en el RUT")
        ALREADY_CANCELLED = "already_cancelled", _("Ya estaba cancelado")
        ALREADY_IN_PROCESS = "already_in_process", _("Ya tiene un trámite por fallecimiento")
        INVALID = "invalid", _("Fila inválida")

    upload = models.ForeignKey(DeathFeedUpload, on_delete=models.PROTECT, related_name="entries")
    line = models.PositiveIntegerField(_("línea"))
    document_type = models.CharField(_("tipo de documento"), max_length=2, blank=True)
    document_number = models.CharField(_("número de identificación"), max_length=20, blank=True)
    death_date = models.DateField(_("fecha de defunción"), null=True, blank=True)
    death_certificate_number = models.CharField(
        _("registro civil de defunción"), max_length=60, blank=True
    )
    outcome = models.CharField(_("resultado"), max_length=20, choices=Outcome.choices)
    detail = models.CharField(_("detalle"), max_length=300, blank=True)
    registrant = models.ForeignKey(
        Registrant, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("fila del reporte de defunciones")
        verbose_name_plural = _("filas del reporte de defunciones")
        ordering = ["upload_id", "line"]
        constraints = [
            models.UniqueConstraint(fields=["upload", "line"], name="death_feed_entry_once")
        ]
        indexes = [models.Index(fields=["upload", "outcome", "line"], name="death_feed_report")]

    def __str__(self) -> str:
        return f"{self.upload_id}:{self.line} {self.outcome}"


class QueryLog(models.Model):
    """Every query of a public entity beyond the basic data (art. 4 par. 2): who, why, what."""

    entity = models.ForeignKey(AgreementEntity, on_delete=models.PROTECT, related_name="queries")
    nit = models.CharField(_("NIT consultado"), max_length=20)
    registrant = models.ForeignKey(
        Registrant, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    purpose = models.CharField(_("finalidad"), max_length=300)
    fields_returned = models.JSONField(_("campos entregados"), default=list)
    at = models.DateTimeField(_("cuándo"), auto_now_add=True)

    class Meta:
        verbose_name = _("consulta de entidad pública")
        verbose_name_plural = _("consultas de entidades públicas")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["entity", "-at"], name="query_log_by_entity")]
        constraints = [
            models.CheckConstraint(condition=~Q(purpose=""), name="query_log_has_purpose")
        ]
        triggers = [
            pgtrigger.Protect(
                name="query_log_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.entity_id} {self.nit}"


class WebhookEndpoint(models.Model):
    """A URL of the entity's where the registry POSTs its change feed, signed with `secret`.

    Endpoints are registered by the DIAN (`manage.py create_webhook_endpoint`), never by the
    entity through the API: the registry only calls addresses an agreement names.
    """

    entity = models.ForeignKey(
        AgreementEntity, on_delete=models.PROTECT, related_name="webhook_endpoints"
    )
    url = models.URLField(_("URL"), max_length=500)
    # Kept in clear: it is the HMAC key every delivery is signed with. Shown once at creation.
    secret = models.CharField(max_length=100, editable=False)
    is_active = models.BooleanField(_("activo"), default=True)
    # Id of the last change feed event queued for this endpoint (agreements.events).
    cursor = models.BigIntegerField(_("último evento encolado"), default=0)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["entity_id", "id"]

    def __str__(self) -> str:
        return f"{self.url} ({self.entity})"


class WebhookDelivery(models.Model):
    """One event for one endpoint, sent until the endpoint answers 2xx or the attempts run out."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pendiente")
        DELIVERED = "delivered", _("Entregado")
        FAILED = "failed", _("Fallido")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.PROTECT, related_name="deliveries"
    )
    event_id = models.BigIntegerField(_("evento"))
    event_type = models.CharField(_("tipo de evento"), max_length=30)
    # The event as it is sent, frozen when queued: every attempt sends the same body.
    payload = models.JSONField(_("contenido"))
    state = models.CharField(
        _("estado"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("intentos"), default=0)
    next_attempt_at = models.DateTimeField(_("próximo intento"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("última respuesta"), null=True)
    last_error = models.CharField(_("último error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("entregado"), null=True, blank=True)

    class Meta:
        verbose_name = _("entrega de webhook")
        verbose_name_plural = _("entregas de webhook")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhook_delivery_once_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.endpoint_id}:{self.event_id} {self.state}"


class WebhookAttempt(models.Model):
    """One POST of a delivery and what the endpoint answered: the log the entity reads."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveSmallIntegerField(_("intento"))
    at = models.DateTimeField(_("cuándo"))
    status_code = models.PositiveSmallIntegerField(_("respuesta HTTP"), null=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(_("duración (ms)"))

    class Meta:
        verbose_name = _("intento de entrega")
        verbose_name_plural = _("intentos de entrega")
        ordering = ["delivery_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_once")
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id}#{self.number} {self.status_code or self.error}"
