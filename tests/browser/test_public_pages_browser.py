from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import make_legal

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 390}


def _assert_accessible(page: Any) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def _assert_fits_the_screen(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("device", WIDTHS)
def test_a_visitor_looks_up_a_nit_from_the_home_page(
    open_page, screenshot, official, device
) -> None:
    # open_page comes first among the arguments: it reloads the reference tables the flush
    # of the previous transactional test emptied, and the official and company need them.
    company = make_legal(
        by=official, business_name="TEJIDOS DEL ORIENTE S.A.S.", email="reservado@example.co"
    )

    page = open_page("/", width=WIDTHS[device])
    assert page.locator("h1").inner_text() == "Registro Único Tributario"
    assert page.locator("html").get_attribute("lang") == "es-CO"
    _assert_fits_the_screen(page)
    _assert_accessible(page)
    screenshot(page, f"home_{device}")

    page.get_by_label("NIT").fill(company.formatted_nit)
    page.get_by_role("button", name="Consultar").click()
    page.wait_for_url("**/consulta-rut/?nit=*")

    record = page.locator("article.record")
    assert record.locator("h2").inner_text() == "TEJIDOS DEL ORIENTE S.A.S."
    assert company.formatted_nit in record.inner_text()
    assert "Activo" in record.inner_text()
    assert "MEDELLÍN" in record.inner_text()
    assert "reservado@example.co" not in page.content()
    _assert_fits_the_screen(page)
    _assert_accessible(page)
    screenshot(page, f"lookup_{device}")


@pytest.mark.parametrize("device", WIDTHS)
def test_a_wrong_dv_is_explained_next_to_the_field(open_page, screenshot, device) -> None:
    page = open_page("/consulta-rut/", width=WIDTHS[device])

    page.get_by_label("NIT").fill("900.373.913-5")
    page.get_by_role("button", name="Consultar").click()
    page.wait_for_url("**/consulta-rut/?nit=*")

    field = page.get_by_label("NIT")
    assert field.get_attribute("aria-invalid") == "true"
    assert field.input_value() == "900.373.913-5"
    error = page.locator("#id_nit_error")
    assert error.inner_text() == "El dígito de verificación del NIT 900.373.913 es 4, no 5."
    assert "id_nit_error" in (field.get_attribute("aria-describedby") or "")
    _assert_fits_the_screen(page)
    _assert_accessible(page)
    screenshot(page, f"lookup_error_{device}")
