"""'¿Quién consultó mis datos?': the two append-only logs of reads of a citizen's record.

Officials' views of the record (registry DataAccessLog, data protection policy) and queries of
entities with an agreement (agreements QueryLog, Decreto 2460 de 2013, art. 4 par. 2) are
merged newest first. The citizen sees the institution (DIAN and the official's seccional, or the
entity), the purpose and the case number when there is one; never the official's name.
Nothing here writes: both logs stay append-only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from django.core.paginator import Page, Paginator
from django.db.models import CharField, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import QueryLog
from agreements.services import QUERYABLE_FIELDS
from procedures.models import Case
from registry.models import DataAccessLog, Registrant

PAGE_SIZE = 25
OFFICIAL = "official"
ENTITY = "entity"


@dataclass(frozen=True)
class Consultation:
    """One read of the citizen's data, as the citizen is told about it."""

    at: datetime
    source: str  # OFFICIAL or ENTITY
    institution: str
    purpose: str
    detail: str
    case_number: str


def _entity_queries(registrant: Registrant) -> QuerySet[QueryLog]:
    scope = Q(registrant=registrant)
    if registrant.nit:  # a query by NIT that matched no linked row is still about this NIT
        scope |= Q(registrant__isnull=True, nit=registrant.nit)
    return QueryLog.objects.filter(scope)


Key = tuple[datetime, int, str]


def _merged(registrant: Registrant) -> QuerySet[DataAccessLog, Key]:
    """(at, id, source) of both logs, newest first, as one SQL UNION the paginator can count."""
    officials = (
        DataAccessLog.objects.filter(registrant=registrant)
        .annotate(source=Value(OFFICIAL, output_field=CharField()))
        .values_list("at", "id", "source")
        .order_by()  # SQLite refuses an ORDER BY (the models' default) inside a UNION
    )
    entities = (
        _entity_queries(registrant)
        .annotate(source=Value(ENTITY, output_field=CharField()))
        .values_list("at", "id", "source")
        .order_by()
    )
    merged: QuerySet[DataAccessLog, Key] = officials.union(entities, all=True)  # type: ignore[arg-type]
    return merged.order_by("-at", "-id")


def _institution(entry: DataAccessLog) -> str:
    profile = getattr(entry.user, "official_profile", None)
    if profile is None:
        return _("DIAN")
    if profile.seccional_id is None:
        return _("DIAN – Nivel central")
    return _("DIAN – %(seccional)s") % {"seccional": profile.seccional.name}


def _case_of(entry: DataAccessLog, cases: Sequence[Case]) -> Case | None:
    """The case of the record open at the moment of the view, handled by that official or their
    seccional: the reason the official had to look (None when the view had no case)."""
    profile = getattr(entry.user, "official_profile", None)
    seccional = profile.seccional_id if profile is not None else None
    for case in cases:  # newest first
        if case.received_at > entry.at or (case.closed_at and case.closed_at < entry.at):
            continue
        if case.assigned_to_id == entry.user_id or (seccional and case.seccional_id == seccional):
            return case
    return None


def _rows(registrant: Registrant, keys: Iterable[Key]) -> list[Consultation]:
    keys = list(keys)
    official_ids = [pk for _at, pk, source in keys if source == OFFICIAL]
    entity_ids = [pk for _at, pk, source in keys if source == ENTITY]
    views = DataAccessLog.objects.select_related("user__official_profile__seccional").in_bulk(
        official_ids
    )
    queries = QueryLog.objects.select_related("entity").in_bulk(entity_ids)
    cases: list[Case] = (
        list(Case.objects.filter(registrant=registrant).order_by("-received_at", "-id"))
        if official_ids
        else []
    )
    rows = []
    for _at, pk, source in keys:
        if source == OFFICIAL:
            view = views[pk]
            case = _case_of(view, cases)
            purpose = (
                _("Atención del trámite: %(type)s") % {"type": case.get_case_type_display()}
                if case
                else _("Consulta del registro por un funcionario")
            )
            rows.append(
                Consultation(
                    at=view.at,
                    source=source,
                    institution=_institution(view),
                    purpose=purpose,
                    detail=view.what,
                    case_number=case.number if case else "",
                )
            )
        else:
            query = queries[pk]
            detail = _("Datos entregados: %(fields)s") % {
                "fields": ", ".join(
                    QUERYABLE_FIELDS.get(str(f), str(f)).lower() for f in query.fields_returned
                )
                or "—"
            }
            rows.append(
                Consultation(query.at, source, query.entity.name, query.purpose, detail, "")
            )
    return rows


def consultations_page(
    registrant: Registrant, *, page: int | str | None
) -> tuple[Page, list[Consultation]]:
    """One page of '¿Quién consultó mis datos?', newest first (an out-of-range page: the last)."""
    paginator = Paginator(_merged(registrant), PAGE_SIZE)
    found = paginator.get_page(page)
    return found, _rows(registrant, cast("list[Key]", found.object_list))


def all_consultations(registrant: Registrant) -> list[Consultation]:
    """Every consultation of the record, newest first (the CSV download)."""
    return _rows(registrant, _merged(registrant))


def _csv_header() -> list[str]:
    return [
        _("Fecha y hora"),
        _("Entidad o dependencia"),
        _("Finalidad"),
        _("Qué consultó"),
        _("Trámite"),
    ]


def _cell(value: str) -> str:
    # A spreadsheet runs a cell that starts with = + - @ as a formula; entities type purposes.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def consultations_csv(rows: Sequence[Consultation]) -> str:
    """The rows as CSV (UTF-8 with BOM so spreadsheets read the accents), local times."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(_csv_header())
    for row in rows:
        writer.writerow(
            [
                timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M"),
                *(_cell(v) for v in (row.institution, row.purpose, row.detail, row.case_number)),
            ]
        )
    return out.getvalue()
