"""Open statistics: the figures published at /estadisticas/, precomputed by a periodic task.

A Snapshot holds every figure of one publication; the public page and the downloads read only
these rows, never the cases or the inscritos themselves, so they cost the same whatever the size
of the registry. Only counts and durations are kept: no row names a person.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from procedures.models import CaseType
from registry.models import Registrant, RegistrantKind, Seccional


class Snapshot(models.Model):
    """One publication of the open statistics; the newest is the one shown."""

    computed_at = models.DateTimeField(_("calculado"), db_index=True)
    seconds = models.FloatField(_("segundos de cálculo"))

    class Meta:
        verbose_name = _("publicación de estadísticas")
        verbose_name_plural = _("publicaciones de estadísticas")
        ordering = ["-computed_at"]

    def __str__(self) -> str:
        return f"{self.computed_at:%Y-%m-%d %H:%M}"


class Level(models.TextChoices):
    """How far a CaseFigure is broken down. Medians and percentiles of a coarser level cannot be
    derived from the finer rows, so every level is computed from the cases themselves."""

    DETAIL = "mes_tipo_seccional", _("Mes, tipo de trámite y seccional")
    MONTH = "mes", _("Mes (todo el país, todos los tipos)")
    CASE_TYPE = "tipo", _("Tipo de trámite (todo el periodo)")
    SECCIONAL = "seccional", _("Seccional (todo el periodo)")
    TOTAL = "total", _("Total")


class CaseFigure(models.Model):
    """Cases received and decided in one cell of a Level.

    `received` counts the cases received in `month`; every other figure is about the cases
    decided in `month` (a decision, whether granted, denied or rejected for requirements).
    Days to decide are calendar days between the Bogotá dates of reception and decision.
    """

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="case_figures")
    level = models.CharField(_("nivel"), max_length=20, choices=Level.choices)
    month = models.DateField(_("mes"), null=True, blank=True)
    case_type = models.CharField(_("tipo"), max_length=30, choices=CaseType.choices, blank=True)
    seccional = models.ForeignKey(
        Seccional,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("seccional que tramita"),
    )
    received = models.PositiveIntegerField(_("recibidos"), default=0)
    decided = models.PositiveIntegerField(_("decididos"), default=0)
    decided_with_term = models.PositiveIntegerField(_("decididos con término legal"), default=0)
    decided_within_term = models.PositiveIntegerField(_("decididos dentro del término"), default=0)
    median_days = models.FloatField(_("mediana de días para decidir"), null=True, blank=True)
    p90_days = models.FloatField(_("percentil 90 de días para decidir"), null=True, blank=True)

    class Meta:
        verbose_name = _("cifra de trámites")
        verbose_name_plural = _("cifras de trámites")
        ordering = ["level", "month", "case_type", "seccional_id"]
        indexes = [models.Index(fields=["snapshot", "level"], name="open_data_figure_level")]

    def __str__(self) -> str:
        return f"{self.level} {self.month} {self.case_type} {self.seccional_id}"

    @property
    def within_term_share(self) -> float | None:
        """Share (0-1) of the decided cases with a legal term that were decided within it."""
        if not self.decided_with_term:
            return None
        return self.decided_within_term / self.decided_with_term

    @property
    def within_term_percent(self) -> float | None:
        share = self.within_term_share
        return None if share is None else 100 * share


class RegistrantFigure(models.Model):
    """How many inscritos are in one state and of one kind when the snapshot was taken."""

    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.CASCADE, related_name="registrant_figures"
    )
    state = models.CharField(_("estado"), max_length=20, choices=Registrant.State.choices)
    kind = models.CharField(_("clase de inscrito"), max_length=4, choices=RegistrantKind.choices)
    count = models.PositiveIntegerField(_("inscritos"))

    class Meta:
        verbose_name = _("cifra de inscritos")
        verbose_name_plural = _("cifras de inscritos")
        ordering = ["state", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "state", "kind"], name="open_data_one_registrant_figure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.state} {self.kind}: {self.count}"
