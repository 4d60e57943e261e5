"""Legal deadlines: each term a case or an inscrito is under, stored as a row (the source of
truth), with what the sweeper does when it falls due.

The sweeper (deadlines.services.sweep_due_deadlines, run by Celery beat every minute and by the
`sweep_deadlines` command) claims pending rows whose next_attempt_at has passed, runs their action
once and records the outcome. Timers never live only in the broker.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from procedures.models import Case
from registry.models import Registrant


class Rule(models.TextChoices):
    """Which legal term a deadline stands for; its unit and basis live in deadlines/rules.py."""

    EX_OFFICIO_CANCELLATION = "ex_officio_cancellation", _("Resolver la cancelación de oficio")
    FORWARDING = "forwarding", _("Remitir a la seccional competente")
    SUSPENSION = "suspension", _("Hacer efectiva la suspensión")
    REACTIVATION = "reactivation", _("Reactivar el RUT")
    PROVISIONAL_NIT = "provisional_nit", _("Activar el NIT provisional")
    FICTITIOUS_SUSPENSION = (
        "fictitious_suspension",
        _("Fin de los cinco años de suspensión por proveedor o exportador ficticio"),
    )
    ACTIVATION_CODE = "activation_code", _("Vencimiento del código de activación")
    RECOVERY_CODE = "recovery_code", _("Vencimiento del código de recuperación")
    APPOINTMENT_REMINDER = "appointment_reminder", _("Recordatorio de cita")
    NOTICE = "notice", _("Aviso por correo electrónico")


class Deadline(FSMModelMixin, models.Model):
    """One legal term: when it ends, what happens then, and what happened."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pendiente")
        DONE = "done", _("Ejecutado")
        SKIPPED = "skipped", _("Omitido")
        CANCELLED = "cancelled", _("Cancelado")

    rule = models.CharField(_("término"), max_length=30, choices=Rule.choices)
    # Unique per rule: "case:<id>", "registrant:<id>", or the caller's own (an appointment id).
    key = models.CharField(_("clave"), max_length=120)
    action = models.CharField(
        _("acción al vencer"),
        max_length=40,
        help_text=_("Nombre de la acción registrada en deadlines.actions."),
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name=_("trámite"),
    )
    registrant = models.ForeignKey(
        Registrant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name=_("inscrito"),
    )
    priority = models.PositiveSmallIntegerField(
        _("prioridad"), default=0, help_text=_("Las órdenes judiciales son preferentes.")
    )
    term = models.CharField(_("plazo"), max_length=60, blank=True)
    legal_basis = models.CharField(_("fundamento"), max_length=200, blank=True)
    starts_on = models.DateField(_("desde"), null=True, blank=True)
    due_on = models.DateField(_("vence"), null=True, blank=True)
    due_at = models.DateTimeField(_("se ejecuta"), null=True, blank=True)
    state = FSMField(
        _("estado"), default=State.PENDING, choices=State.choices, protected=True, max_length=10
    )
    # When the sweeper may claim it next: due_at at first, then the end of a claim's lease or of
    # a retry's back-off. Only pending rows have one.
    next_attempt_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveIntegerField(_("intentos"), default=0)
    last_error = models.TextField(_("último error"), blank=True)
    payload = models.JSONField(_("datos de la acción"), default=dict, blank=True)
    result = models.TextField(_("resultado"), blank=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    done_at = models.DateTimeField(_("terminado"), null=True, blank=True)

    class Meta:
        verbose_name = _("término legal")
        verbose_name_plural = _("términos legales")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "key"], name="deadline_unique_rule_key"),
            models.CheckConstraint(
                condition=~Q(state="pending")
                | Q(due_at__isnull=False, next_attempt_at__isnull=False),
                name="deadline_pending_has_times",
            ),
        ]
        indexes = [
            # The sweeper's claim: a range scan over what is due, pending rows only.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="deadline_claim",
            ),
            models.Index(fields=["due_on"], name="deadline_due_on"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} ({self.key})"

    # --- State machine: bodies only set this row's fields; services save. ---

    @transition(field=state, source=State.PENDING, target=State.DONE)
    def complete(self, *, result: str, at: datetime) -> None:
        self.result = result
        self.done_at = at
        self.next_attempt_at = None

    @transition(field=state, source=State.PENDING, target=State.SKIPPED)
    def skip(self, *, reason: str, at: datetime) -> None:
        self.result = reason
        self.done_at = at
        self.next_attempt_at = None

    @transition(field=state, source=State.PENDING, target=State.CANCELLED)
    def cancel(self, *, reason: str, at: datetime) -> None:
        self.result = reason
        self.done_at = at
        self.next_attempt_at = None
