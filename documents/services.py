"""Render official documents to PDF and store each one once per content.

Every public function returns the StoredDocument for its source: the stored one when the same
content (same source data, same template version) was rendered before, a new one otherwise.
Rendering costs about a tenth of a CPU-second per page, so call these from the "pdf" Celery queue
(documents.tasks) rather than inside a request or a long transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.codes import display_code, verification_code
from documents.contexts import (
    DocumentSpec,
    cancellation_resolution_spec,
    communication_spec,
    formulario_001_spec,
    official_format_spec,
    rut_as_of_spec,
    version_period_on,
)
from documents.models import StoredDocument
from documents.rendering import qr_png, render_pdf, template_version
from rut_portal.errors import Conflict, DomainError

if TYPE_CHECKING:
    from datetime import date

    from procedures.models import Case, Communication, OfficialFormat
    from registry.models import FormVersion, Registrant

logger = logging.getLogger(__name__)


def formulario_001_pdf(form_version: FormVersion, *, copy: bool) -> StoredDocument:
    """Formulario 001 of a version: "Certificado" (copy=False) or "Copia Certificado"."""
    return _stored(formulario_001_spec(form_version, copy=copy))


def stored_formulario_001_pdf(form_version: FormVersion, *, copy: bool) -> StoredDocument | None:
    """The document formulario_001_pdf would return if it is already stored; never renders."""
    key = content_key(formulario_001_spec(form_version, copy=copy))
    return StoredDocument.objects.filter(content_key=key).first()


def official_format_pdf(official_format: OfficialFormat) -> StoredDocument:
    """Formato 1529, 1271 or 1767 as the case stored it."""
    return _stored(official_format_spec(official_format))


def communication_pdf(communication: Communication) -> StoredDocument:
    """The letter of a communication (activity 12)."""
    return _stored(communication_spec(communication))


def cancellation_resolution_pdf(case: Case) -> StoredDocument:
    """The resolution of an approved cancellation; NoApprovedCancellation otherwise."""
    return _stored(cancellation_resolution_spec(case))


def rut_as_of_pdf(registrant: Registrant, *, on: date, today: date) -> StoredDocument:
    """Certificado del RUT en una fecha: the Formulario 001 version in force at the end of `on`.

    Raises DomainError (field "fecha") for a future day or a day before the first version.
    """
    if on > today:
        raise DomainError(_("Elija la fecha de hoy o una fecha pasada."), field="fecha")
    period = version_period_on(registrant.pk, on)
    if period is None:
        first = registrant.form_versions.order_by("version").values_list("created_at", flat=True)
        message = _("El %(on)s este RUT aún no tenía Formulario 001.") % {
            "on": on.strftime("%d/%m/%Y")
        }
        if first:
            message += " " + _("El primero es del %(first)s.") % {
                "first": timezone.localdate(first[0]).strftime("%d/%m/%Y")
            }
        raise DomainError(message, field="fecha")
    return _stored(rut_as_of_spec(period, on=on, issued_on=today))


def content_key(spec: DocumentSpec) -> str:
    """sha256 over what the document prints and the template version that prints it."""
    payload = json.dumps(
        {
            "kind": spec.kind,
            "template": spec.template,
            "title": spec.title,
            "created": spec.created.isoformat(),
            "context": spec.context,
            "facts": spec.facts.as_json(),
            "template_version": template_version(),
        },
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def verification_url(code: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("documents:verify", args=[code])


def _document_context(spec: DocumentSpec, code: str) -> dict[str, object]:
    url = verification_url(code)
    legend = spec.context.get("legend")
    return {
        "title": spec.title,
        "created": spec.created.replace(microsecond=0).isoformat(),
        "code": code,
        "code_display": display_code(code),
        "verify_url": url,
        "verify_base": settings.SITE_URL.rstrip("/") + reverse("documents:verify_form"),
        "qr": qr_png(url),
        "watermark": legend.get("watermark", "") if isinstance(legend, dict) else "",
    }


def _stored(spec: DocumentSpec) -> StoredDocument:
    key = content_key(spec)
    existing = StoredDocument.objects.filter(content_key=key).first()
    if existing is not None:
        return existing
    code = verification_code(key)
    started = time.perf_counter()
    rendered = render_pdf(spec.template, {**spec.context, "doc": _document_context(spec, code)})
    elapsed_ms = round((time.perf_counter() - started) * 1000)
    return _save(
        spec,
        key=key,
        code=code,
        content=rendered.content,
        pages=rendered.pages,
        elapsed_ms=elapsed_ms,
    )


def _save(
    spec: DocumentSpec, *, key: str, code: str, content: bytes, pages: int, elapsed_ms: int
) -> StoredDocument:
    """Store the file and its row; if another worker stored the same content first, use theirs."""
    path = f"documentos/{spec.kind}/{key[:2]}/{key}.pdf"
    saved = default_storage.save(path, ContentFile(content))
    try:
        with transaction.atomic():
            document = StoredDocument.objects.create(
                kind=spec.kind,
                content_key=key,
                template_version=template_version(),
                code=code,
                file=saved,
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
                pages=pages,
                render_ms=elapsed_ms,
                number=spec.facts.number,
                nit=spec.facts.nit,
                name=spec.facts.name[:400],
                state_label=spec.facts.state,
                issued_on=spec.facts.issued_on,
                validity=spec.facts.validity,
                **spec.sources,
            )
    except IntegrityError as exc:
        default_storage.delete(saved)
        winner = StoredDocument.objects.filter(content_key=key).first()
        if winner is None:  # not our race: a 60-bit code collided with another document's
            raise Conflict(
                _("No se pudo registrar el documento: el código %(code)s ya existe.")
                % {"code": code}
            ) from exc
        return winner
    logger.info(
        "documents: rendered %s %s in %d ms (%d pages, %d bytes)",
        spec.kind,
        spec.facts.number,
        elapsed_ms,
        pages,
        len(content),
    )
    return document
