"""The small reference tables, read once per process instead of once per request.

Seccionales, departamentos, municipios (DIVIPOLA), document types, CIIU classes,
responsabilidades and customs qualities change only when the reference data is reloaded or an
administrator edits a row. Lookups, validation and Formulario 001 snapshots read them on every
call; a query each time costs more than the work around it. Each table is loaded whole on first
use and kept for REFERENCE_CACHE_SECONDS; a save or delete in this process, and
`load_reference_data`, clear it at once. Other processes see an edit within that time.

The cached rows are shared: treat them as read-only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import TypeVar, cast

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, post_save

from registry.models import (
    CustomsQuality,
    Department,
    DocumentType,
    EconomicActivity,
    Municipality,
    Responsibility,
    Seccional,
)

M = TypeVar("M", bound=models.Model)

CACHED_MODELS: tuple[type[models.Model], ...] = (
    Seccional,
    Department,
    Municipality,
    DocumentType,
    EconomicActivity,
    Responsibility,
    CustomsQuality,
)

_lock = threading.Lock()
_tables: dict[type[models.Model], tuple[float, Mapping[str, models.Model]]] = {}


def table(model: type[M]) -> dict[str, M]:
    """Every row of a reference table by primary key (loaded on first use, then cached)."""
    now = time.monotonic()
    cached = _tables.get(model)
    if cached is not None and now - cached[0] < settings.REFERENCE_CACHE_SECONDS:
        # Each model's entry holds rows of that model: a tie the dict's type cannot express.
        return cast(dict[str, M], cached[1])
    rows: dict[str, M] = {row.pk: row for row in model._default_manager.all()}
    with _lock:
        _tables[model] = (now, rows)
    return rows


def get(model: type[M], pk: str | None) -> M | None:
    """One row by primary key, or None for an empty or unknown key."""
    if not pk:
        return None
    return table(model).get(pk)


def clear(model: type[models.Model] | None = None) -> None:
    """Forget one table (or all): the next read loads it again."""
    with _lock:
        if model is None:
            _tables.clear()
        else:
            _tables.pop(model, None)


def _on_change(sender: type[models.Model], **kwargs: object) -> None:
    clear(sender)


for _model in CACHED_MODELS:
    post_save.connect(_on_change, sender=_model, dispatch_uid=f"reference_cache_{_model.__name__}")
    post_delete.connect(
        _on_change, sender=_model, dispatch_uid=f"reference_cache_del_{_model.__name__}"
    )
