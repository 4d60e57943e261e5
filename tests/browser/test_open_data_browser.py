"""A visitor reads the open statistics: the chart is drawn, described and backed by a table."""

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from open_data.models import Level
from open_data.services.statistics import publish_statistics
from tests.factories import make_natural
from tests.open_data.cases import insert_cases, plan_cases

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 390}


def _assert_accessible(page: Any) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("device", WIDTHS)
def test_a_visitor_reads_the_statistics_from_the_footer(
    open_page, screenshot, official, device
) -> None:
    # open_page first: it reloads the reference tables (seccionales) the cases need.
    page = open_page("/", width=WIDTHS[device])
    insert_cases(plan_cases(400, days=300))
    make_natural(by=official)
    snapshot = publish_statistics().snapshot
    months = list(snapshot.case_figures.filter(level=Level.MONTH).order_by("month"))

    page.get_by_role("link", name="Estadísticas abiertas del RUT").click()
    page.wait_for_url("**/estadisticas/")

    assert page.locator("h1").inner_text() == "Estadísticas abiertas del RUT"
    chart = page.get_by_role("img", name="Trámites recibidos y decididos por mes")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
    assert chart.locator("rect.chart__bar").count() == 2 * len(months)
    bar = chart.locator("rect.chart__bar--0").last
    assert float(bar.get_attribute("height") or 0) > 0
    description = chart.locator("desc").text_content() or ""
    assert description.startswith("Gráfico de barras de los trámites recibidos y decididos")

    table = page.get_by_role("table", name="Trámites de los últimos")
    rows = table.locator("tbody tr")
    assert rows.count() == len(months)
    last = rows.last.locator("td").first.inner_text()
    assert last == f"{months[-1].received:,}".replace(",", ".")
    assert page.get_by_role("img", name="Inscritos en el RUT por estado").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _assert_accessible(page)
    screenshot(page, f"statistics_{device}")

    with page.expect_download() as download:
        page.get_by_role("link", name="Trámites (CSV)").click()
    assert download.value.suggested_filename.startswith("estadisticas-rut-tramites-")
