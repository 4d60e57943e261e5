"""The open data files: one row shape for CSV and JSON, with Spanish column names.

Numbers are written for machines (a dot as decimal separator, no grouping); months as YYYY-MM.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from open_data.models import CaseFigure, Level, RegistrantFigure, Snapshot

CASE_COLUMNS = (
    "nivel",
    "mes",
    "tipo_tramite",
    "tipo_tramite_nombre",
    "seccional",
    "seccional_nombre",
    "recibidos",
    "decididos",
    "decididos_con_termino",
    "decididos_en_termino",
    "porcentaje_en_termino",
    "mediana_dias",
    "percentil_90_dias",
)
REGISTRANT_COLUMNS = ("estado", "estado_nombre", "clase", "clase_nombre", "inscritos")

Row = dict[str, str | int | float | None]


def _rounded(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


def case_row(figure: CaseFigure) -> Row:
    share = figure.within_term_share
    return {
        "nivel": figure.level,
        "mes": figure.month.strftime("%Y-%m") if figure.month else None,
        "tipo_tramite": figure.case_type or None,
        "tipo_tramite_nombre": figure.get_case_type_display() if figure.case_type else None,
        "seccional": figure.seccional_id,
        "seccional_nombre": figure.seccional.name if figure.seccional else None,
        "recibidos": figure.received,
        "decididos": figure.decided,
        "decididos_con_termino": figure.decided_with_term,
        "decididos_en_termino": figure.decided_within_term,
        "porcentaje_en_termino": None if share is None else round(100 * share, 1),
        "mediana_dias": _rounded(figure.median_days),
        "percentil_90_dias": _rounded(figure.p90_days),
    }


def registrant_row(figure: RegistrantFigure) -> Row:
    return {
        "estado": figure.state,
        "estado_nombre": figure.get_state_display(),
        "clase": figure.kind,
        "clase_nombre": figure.get_kind_display(),
        "inscritos": figure.count,
    }


def to_csv(rows: Iterable[Row], columns: tuple[str, ...]) -> str:
    """CSV text; an empty figure (no decision, no term) is an empty cell."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: "" if row[name] is None else row[name] for name in columns})
    return out.getvalue()


def to_json_document(
    snapshot: Snapshot, case_rows: Iterable[Row], registrant_rows: Iterable[Row]
) -> dict[str, object]:
    return {
        "calculado": snapshot.computed_at.isoformat(),
        "niveles": {level.value: str(level.label) for level in Level},
        "definiciones": {name: str(text) for name, text in DEFINITIONS.items()},
        "tramites": list(case_rows),
        "inscritos": list(registrant_rows),
    }


DEFINITIONS = {
    "recibidos": _("Trámites radicados en el mes (hora de Bogotá)."),
    "decididos": _(
        "Trámites con decisión en el mes: procede, no procede o rechazo por requisitos."
    ),
    "decididos_con_termino": _("Decididos cuyo trámite tiene un término legal para decidir."),
    "decididos_en_termino": _(
        "De ellos, los decididos a más tardar el día en que vencía el término."
    ),
    "porcentaje_en_termino": _("decididos_en_termino / decididos_con_termino × 100."),
    "mediana_dias": _(
        "Mediana de los días calendario entre la radicación y la decisión de los decididos "
        "en el mes (percentil continuo, interpolación lineal)."
    ),
    "percentil_90_dias": _("Percentil 90 de los mismos días (mismo método)."),
    "inscritos": _("Inscritos en el RUT por estado y clase en el momento del cálculo."),
}
