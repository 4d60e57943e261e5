"""Rendered official documents: each PDF is stored once per content and verified by its code."""

from __future__ import annotations

import pgtrigger
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from documents.contexts import DocumentKind
from procedures.models import Case, Communication, OfficialFormat
from registry.models import FormVersion

SOURCE_FIELDS = ("form_version", "official_format", "communication", "case")


def _exactly_one_source() -> Q:
    condition = Q(pk__in=[])
    for chosen in SOURCE_FIELDS:
        term = Q(**{f"{chosen}__isnull": False})
        for other in SOURCE_FIELDS:
            if other != chosen:
                term &= Q(**{f"{other}__isnull": True})
        condition |= term
    return condition


class StoredDocument(models.Model):
    """A rendered PDF. Immutable: a new content (or template) gives a new row and a new code."""

    Kind = DocumentKind

    kind = models.CharField(_("tipo de documento"), max_length=30, choices=DocumentKind.choices)
    form_version = models.ForeignKey(
        FormVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("Formulario 001"),
    )
    official_format = models.ForeignKey(
        OfficialFormat,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("formato oficial"),
    )
    communication = models.ForeignKey(
        Communication,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("comunicación"),
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolutions",
        verbose_name=_("trámite (resolución)"),
    )
    # sha256 of kind + printed content + template version: the "render once" key.
    content_key = models.CharField(_("clave de contenido"), max_length=64, unique=True)
    template_version = models.CharField(_("versión de plantilla"), max_length=64)
    code = models.CharField(_("código de verificación"), max_length=12, unique=True)
    file = models.FileField(_("archivo"), upload_to="documentos/", max_length=200)
    sha256 = models.CharField(_("SHA-256 del archivo"), max_length=64)
    size = models.PositiveIntegerField(_("tamaño (bytes)"))
    pages = models.PositiveSmallIntegerField(_("páginas"))
    render_ms = models.PositiveIntegerField(_("tiempo de generación (ms)"))
    # Public facts, copied at render time so verification reads one row and nothing reserved.
    number = models.CharField(_("número"), max_length=40)
    nit = models.CharField(_("NIT"), max_length=20, blank=True)
    name = models.CharField(_("nombre o razón social"), max_length=400, blank=True)
    state_label = models.CharField(_("estado"), max_length=60, blank=True)
    issued_on = models.DateField(_("fecha del documento"))
    validity = models.CharField(_("vigencia de la versión"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("generado"), auto_now_add=True)

    class Meta:
        verbose_name = _("documento oficial")
        verbose_name_plural = _("documentos oficiales")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one_source(), name="document_one_source"),
        ]
        indexes = [models.Index(fields=["kind", "number"], name="document_kind_number")]
        triggers = [
            pgtrigger.Protect(
                name="stored_document_immutable", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} N.º {self.number} ({self.code})"

    @property
    def code_display(self) -> str:
        """The code in groups of four, as printed: ABCD-EFGH-JKMN."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))
