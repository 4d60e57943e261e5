"""Public pages of the open statistics: /estadisticas/ and its CSV and JSON files.

They read only the newest Snapshot (open_data.selectors); the figures are computed by the
periodic task publish_statistics, never per request.
"""

from __future__ import annotations

import json
import textwrap
from datetime import date

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from open_data import downloads
from open_data.charts import BarChart, Label, Series, bar_chart
from open_data.models import Snapshot
from open_data.selectors import (
    StatisticsPage,
    case_figures_for_download,
    latest_snapshot,
    registrant_figures_for_download,
    statistics_page,
)

TABLES = {"tramites", "inscritos"}


def _number(value: float) -> str:
    if float(value).is_integer():
        value = int(value)
    return number_format(value, force_grouping=True)


def _month_name(month: date) -> str:
    """«noviembre de 2026»: Spanish month names are not capitalised mid-sentence."""
    return _("%(month)s de %(year)s") % {
        "month": date_format(month, "F").lower(),
        "year": month.year,
    }


def _month_label(month: date, *, first: bool) -> Label:
    # The year under January and under the first bar only, so 24 months stay readable.
    short = date_format(month, "b")
    lines = (short, str(month.year)) if first or month.month == 1 else (short,)
    return Label(name=_month_name(month), lines=lines)


def _cases_chart(page: StatisticsPage) -> BarChart | None:
    if not page.months:
        return None
    first, last = page.months[0].month, page.months[-1].month
    assert first and last
    busiest = max(page.months, key=lambda figure: figure.received)
    description = _(
        "Gráfico de barras de los trámites recibidos y decididos en cada mes, de %(first)s a "
        "%(last)s. El mes con más trámites recibidos fue %(busiest)s, con %(count)s. Las mismas "
        "cifras están en la tabla que sigue al gráfico."
    ) % {
        "first": _month_name(first),
        "last": _month_name(last),
        "busiest": _month_name(busiest.month) if busiest.month else "",
        "count": _number(busiest.received),
    }
    return bar_chart(
        slug="grafico-tramites",
        title=_("Trámites recibidos y decididos por mes"),
        description=description,
        categories=[
            _month_label(figure.month, first=index == 0)
            for index, figure in enumerate(page.months)
            if figure.month
        ],
        series=[
            Series(_("Recibidos"), [figure.received for figure in page.months]),
            Series(_("Decididos"), [figure.decided for figure in page.months]),
        ],
        number=_number,
    )


def _registrants_chart(page: StatisticsPage) -> BarChart | None:
    if not page.registrants:
        return None
    parts = ", ".join(f"{label}: {_number(count)}" for _state, label, count in page.states)
    return bar_chart(
        slug="grafico-inscritos",
        title=_("Inscritos en el RUT por estado"),
        description=_(
            "Gráfico de barras de los %(total)s inscritos según el estado de su RUT (%(parts)s). "
            "La tabla siguiente los desglosa por clase de inscrito."
        )
        % {"total": _number(page.registrants), "parts": parts},
        categories=[
            Label(name=label, lines=tuple(textwrap.wrap(label, 16)))
            for _state, label, _count in page.states
        ],
        series=[Series(_("Inscritos"), [count for _state, _label, count in page.states])],
        number=_number,
    )


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    snapshot = latest_snapshot()
    context: dict[str, object] = {"page": None, "definitions": downloads.DEFINITIONS}
    if snapshot is not None:
        page = statistics_page(snapshot)
        context.update(
            page=page,
            cases_chart=_cases_chart(page),
            registrants_chart=_registrants_chart(page),
        )
    return render(request, "open_data/statistics.html", context)


def _published() -> Snapshot:
    snapshot = latest_snapshot()
    if snapshot is None:
        raise Http404(_("Aún no se han publicado estadísticas."))
    return snapshot


def _filename(snapshot: Snapshot, name: str, extension: str) -> str:
    day = timezone.localtime(snapshot.computed_at).date().isoformat()
    return f"estadisticas-rut-{name}-{day}.{extension}"


@require_GET
def download_csv(request: HttpRequest) -> HttpResponse:
    """?tabla=tramites (the default) or ?tabla=inscritos; UTF-8 with a BOM for spreadsheets."""
    table = request.GET.get("tabla", "tramites")
    if table not in TABLES:
        return HttpResponseBadRequest(
            _("La tabla debe ser «tramites» o «inscritos»."), content_type="text/plain"
        )
    snapshot = _published()
    if table == "tramites":
        rows = map(downloads.case_row, case_figures_for_download(snapshot))
        text = downloads.to_csv(rows, downloads.CASE_COLUMNS)
    else:
        rows = map(downloads.registrant_row, registrant_figures_for_download(snapshot))
        text = downloads.to_csv(rows, downloads.REGISTRANT_COLUMNS)
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    filename = _filename(snapshot, table, "csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def download_json(request: HttpRequest) -> HttpResponse:
    snapshot = _published()
    document = downloads.to_json_document(
        snapshot,
        map(downloads.case_row, case_figures_for_download(snapshot)),
        map(downloads.registrant_row, registrant_figures_for_download(snapshot)),
    )
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{_filename(snapshot, "datos", "json")}"'
    return response
