"""Reads of the published statistics: only Snapshot rows, never the cases themselves."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from open_data.models import CaseFigure, Level, RegistrantFigure, Snapshot
from procedures.models import CaseType
from registry.models import Registrant, RegistrantKind

MONTHS_ON_PAGE = 24


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    counts: tuple[int, ...]  # one per state, in StatisticsPage.states order
    total: int


@dataclass(frozen=True)
class StatisticsPage:
    snapshot: Snapshot
    total: CaseFigure
    months: list[CaseFigure]  # the last MONTHS_ON_PAGE months, oldest first
    first_month: CaseFigure | None  # the first month with figures, whether shown or not
    by_type: list[CaseFigure]
    by_seccional: list[CaseFigure]
    states: list[tuple[str, str, int]]  # state, label, inscritos
    kinds: list[KindRow]
    registrants: int


def latest_snapshot() -> Snapshot | None:
    """The newest published snapshot, or None before the first publication."""
    return Snapshot.objects.order_by("-computed_at").first()


def statistics_page(snapshot: Snapshot) -> StatisticsPage:
    """The figures of the public page: every level but the detailed one (three queries)."""
    figures = list(
        snapshot.case_figures.exclude(level=Level.DETAIL)
        .select_related("seccional")
        .order_by("level", "month", "case_type", "seccional_id")
    )
    by_level: dict[str, list[CaseFigure]] = {level: [] for level in Level}
    for figure in figures:
        by_level[figure.level].append(figure)
    months = by_level[Level.MONTH]
    states, kinds, registrants = _registrant_tables(snapshot)
    type_order = {value: index for index, value in enumerate(CaseType.values)}
    return StatisticsPage(
        snapshot=snapshot,
        total=by_level[Level.TOTAL][0] if by_level[Level.TOTAL] else CaseFigure(level=Level.TOTAL),
        months=months[-MONTHS_ON_PAGE:],
        first_month=months[0] if months else None,
        by_type=sorted(by_level[Level.CASE_TYPE], key=lambda f: type_order.get(f.case_type, 99)),
        by_seccional=by_level[Level.SECCIONAL],
        states=states,
        kinds=kinds,
        registrants=registrants,
    )


def _registrant_tables(
    snapshot: Snapshot,
) -> tuple[list[tuple[str, str, int]], list[KindRow], int]:
    counts = {(f.state, f.kind): f.count for f in snapshot.registrant_figures.all()}
    states = [
        (state.value, str(state.label), sum(n for (s, _k), n in counts.items() if s == state))
        for state in Registrant.State
    ]
    kinds = []
    for kind in RegistrantKind:
        row = tuple(counts.get((state.value, kind.value), 0) for state in Registrant.State)
        if sum(row):
            label = str(kind.label)
            kinds.append(KindRow(kind=kind.value, label=label, counts=row, total=sum(row)))
    return states, kinds, sum(counts.values())


def case_figures_for_download(snapshot: Snapshot) -> QuerySet[CaseFigure]:
    """Every case figure of the snapshot, level by level, for the CSV and JSON files."""
    return snapshot.case_figures.select_related("seccional").order_by(
        "level", "month", "case_type", "seccional_id"
    )


def registrant_figures_for_download(snapshot: Snapshot) -> Iterator[RegistrantFigure]:
    return iter(snapshot.registrant_figures.order_by("state", "kind"))
