"""Mass changes of the RUT: one batch, many inscritos, the director's four eyes.

A batch (lote) names what to do (suspend, cancel, or add or withdraw one responsibility), to whom
(a criterion such as "every inscrito without email", or the NITs listed in an act), why (reason,
act, legal basis) and who proposed it.
The inscritos it covers are frozen at the proposal as numbered items; the director sees a random
sample of them and approves or rejects the batch. It then runs in chunks of consecutive items,
each inside its own transaction, and `chunks_done` says how far it got: a run that dies mid-way
is resumed from the first chunk not done.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from registry.models import FormVersion, Registrant, Responsibility, Seccional


class MassChange(ConcurrentTransitionMixin, models.Model):
    """A lote de cambio masivo del RUT: suspensión, cancelación o actualización de oficio."""

    class Kind(models.TextChoices):
        SUSPENSION = "suspend", _("Suspensión masiva")
        CANCELLATION = "cancel", _("Cancelación masiva de oficio")
        EX_OFFICIO_UPDATE = "update", _("Actualización masiva de oficio")

    class ResponsibilityAction(models.TextChoices):
        ADD = "add", _("Agregar la responsabilidad")
        REMOVE = "remove", _("Retirar la responsabilidad")

    class Criterion(models.TextChoices):
        WITHOUT_EMAIL = "without_email", _("Inscritos sin correo electrónico")
        NIT_LIST = "nit_list", _("NIT relacionados en el acto (archivo CSV)")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Propuesto")
        APPROVED = "approved", _("Aprobado")
        RUNNING = "running", _("En ejecución")
        DONE = "done", _("Terminado")
        REJECTED = "rejected", _("Rechazado")
        CANCELLED = "cancelled", _("Anulado")

    kind = models.CharField(_("cambio"), max_length=10, choices=Kind.choices)
    criterion = models.CharField(_("criterio"), max_length=20, choices=Criterion.choices)
    state = FSMField(_("estado"), default=State.PROPOSED, choices=State.choices, protected=True)
    # None: the whole country (a proposal of the central level).
    seccional = models.ForeignKey(
        Seccional,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("seccional"),
    )
    # What an actualización de oficio changes in every record: one casilla 53 code, added or
    # withdrawn (empty for the other kinds).
    responsibility = models.ForeignKey(
        Responsibility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsabilidad"),
    )
    responsibility_action = models.CharField(
        _("cambio de la responsabilidad"),
        max_length=6,
        choices=ResponsibilityAction.choices,
        blank=True,
    )
    reason = models.TextField(_("motivo"))
    legal_basis = models.CharField(_("fundamento legal"), max_length=200)
    act_reference = models.CharField(_("acto que lo ordena"), max_length=200)
    total = models.PositiveIntegerField(_("inscritos"), default=0)
    chunk_size = models.PositiveIntegerField(_("tamaño del bloque"), default=5000)
    # Positions of the items shown to the director, drawn at random when the batch is proposed.
    sample = models.JSONField(_("muestra"), default=list, blank=True)
    chunks_done = models.PositiveIntegerField(_("bloques aplicados"), default=0)
    changed = models.PositiveIntegerField(_("inscritos cambiados"), default=0)
    skipped = models.PositiveIntegerField(_("omitidos (ya no estaban en el estado)"), default=0)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("propuesto por"),
    )
    proposed_at = models.DateTimeField(_("propuesto"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decidido por"),
    )
    decided_at = models.DateTimeField(_("decidido"), null=True, blank=True)
    decision_notes = models.TextField(_("observaciones de la decisión"), blank=True)
    started_at = models.DateTimeField(_("inicio de la ejecución"), null=True, blank=True)
    finished_at = models.DateTimeField(_("fin de la ejecución"), null=True, blank=True)

    class Meta:
        verbose_name = _("cambio masivo")
        verbose_name_plural = _("cambios masivos")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="update", responsibility__isnull=False) & ~Q(responsibility_action="")
                )
                | (~Q(kind="update") & Q(responsibility__isnull=True, responsibility_action="")),
                name="mass_change_update_names_its_responsibility",
            )
        ]
        permissions = [
            ("propose_masschange", _("Puede proponer cambios masivos de estado")),
            ("approve_masschange", _("Puede aprobar cambios masivos de estado")),
        ]

    def __str__(self) -> str:
        return f"{_('Lote')} {self.pk}: {self.get_kind_display()}"

    @property
    def chunks(self) -> int:
        return -(-self.total // self.chunk_size)

    @property
    def progress_percent(self) -> int:
        return 100 if not self.total else (self.chunks_done * 100) // self.chunks

    # --- State machine. Bodies only set this row's fields; services do the rest. ---

    @transition(field=state, source=State.PROPOSED, target=State.APPROVED)
    def approve(self, *, by_id: int, at: datetime, notes: str) -> None:
        self.decided_by_id, self.decided_at, self.decision_notes = by_id, at, notes

    @transition(field=state, source=State.PROPOSED, target=State.REJECTED)
    def reject(self, *, by_id: int, at: datetime, notes: str) -> None:
        self.decided_by_id, self.decided_at, self.decision_notes = by_id, at, notes

    @transition(
        field=state, source=[State.PROPOSED, State.APPROVED, State.RUNNING], target=State.CANCELLED
    )
    def cancel(self, *, at: datetime) -> None:
        self.finished_at = at

    @transition(field=state, source=State.APPROVED, target=State.RUNNING)
    def start(self, *, at: datetime) -> None:
        self.started_at = at

    @transition(field=state, source=State.RUNNING, target=State.DONE)
    def finish(self, *, at: datetime) -> None:
        self.finished_at = at


class MassChangeItem(models.Model):
    """One inscrito of a batch, numbered from 0 in id order; chunk k holds positions
    [k × chunk_size, (k + 1) × chunk_size)."""

    # No index of its own: both constraints below lead with it.
    batch = models.ForeignKey(
        MassChange, on_delete=models.CASCADE, related_name="items", db_index=False
    )
    position = models.PositiveIntegerField(_("posición"))
    registrant = models.ForeignKey(
        Registrant, on_delete=models.PROTECT, related_name="+", verbose_name=_("inscrito")
    )

    class Meta:
        verbose_name = _("inscrito del lote")
        verbose_name_plural = _("inscritos del lote")
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="mass_item_position"),
            models.UniqueConstraint(fields=["batch", "registrant"], name="mass_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}#{self.position}"


class MassChangeNotice(models.Model):
    """The communication of the change to one inscrito, written with its Formulario 001 version
    and emailed by a task queued when its chunk commits."""

    # No index of its own: mass_notice_chunk and mass_notice_once lead with it (one index fewer
    # written per inscrito a batch changes).
    batch = models.ForeignKey(
        MassChange, on_delete=models.PROTECT, related_name="notices", db_index=False
    )
    chunk = models.PositiveIntegerField(_("bloque"))
    registrant = models.ForeignKey(
        Registrant, on_delete=models.PROTECT, related_name="+", verbose_name=_("inscrito")
    )
    form_version = models.ForeignKey(
        FormVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("Formulario 001")
    )
    recipient_email = models.EmailField(_("correo"), blank=True)
    created_at = models.DateTimeField(_("creada"))
    sent_at = models.DateTimeField(_("enviada"), null=True, blank=True)

    class Meta:
        verbose_name = _("comunicación del cambio masivo")
        verbose_name_plural = _("comunicaciones del cambio masivo")
        indexes = [models.Index(fields=["batch", "chunk"], name="mass_notice_chunk")]
        constraints = [
            models.UniqueConstraint(fields=["batch", "registrant"], name="mass_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} → {self.registrant_id}"

    @classmethod
    def queue(
        cls, batch: MassChange, chunk: int, registrant: Registrant, *, at: datetime
    ) -> MassChangeNotice:
        """The communication of the inscrito's newest Formulario 001 version (the one-by-one
        path; the set-based one inserts them with INSERT … SELECT)."""
        return cls.objects.create(
            batch=batch,
            chunk=chunk,
            registrant=registrant,
            form_version=registrant.form_versions.latest("version"),
            recipient_email=registrant.email,
            created_at=at,
        )
