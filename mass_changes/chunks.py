"""What the set-based chunks of every kind of mass change share."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mass_changes.models import MassChange
from rut_portal.errors import Conflict


def require_whole_chunk(counts: Any, rows: int, batch: MassChange, chunk: int) -> None:
    """The chunk's statement wrote a version, an audit entry and a notice for each of its `rows`
    inscritos (`counts`); otherwise one had no Formulario 001 to number from, and the chunk is
    refused (it rolls back)."""
    if counts != (rows, rows, rows):
        raise Conflict(
            _("El bloque %(chunk)s del lote %(pk)s no se aplicó: hay inscritos sin Formulario 001.")
            % {"chunk": chunk, "pk": batch.pk}
        )
