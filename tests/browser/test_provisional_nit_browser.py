"""A funcionaria activates a provisional NIT with the bank certificate (Decreto 2460 de 2013,
art. 10 lit. a) from the inscrito's admin page, then downloads the new Formulario 001."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime

import pytest
from django.utils import timezone

from registry.models import Registrant
from tests.factories import make_legal

pytestmark = pytest.mark.browser


def test_a_funcionaria_activates_a_provisional_nit_and_downloads_the_new_form(
    open_page, screenshot, official_of_other_seccional, tmp_path
) -> None:
    page = open_page("/admin/login/?next=/admin/registry/registrant/")
    company = make_legal(bank_certificate_date=None, business_name="TOSTADORA DEL MACIZO S.A.S.")
    assert company.state == Registrant.State.PROVISIONAL  # Medellín, like the funcionario
    page.get_by_label("Nombre de usuario").fill(official_of_other_seccional.username)
    page.get_by_label("Contraseña").fill("x")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url("**/admin/registry/registrant/")

    page.goto(f"/admin/registry/registrant/{company.pk}/change/")
    page.get_by_role("link", name="Activar NIT (certificado bancario)").click()
    page.wait_for_url("**/activar-nit/")
    page.get_by_label("Entidad financiera").fill("Bancolombia")
    page.get_by_label("Número de cuenta").fill("123456789012")
    page.get_by_label("Fecha de la certificación bancaria").fill("2026-11-17")
    screenshot(page, "admin_activate_provisional_nit")
    page.get_by_role("button", name="Activar NIT definitivo").click()
    page.wait_for_url(f"**/admin/registry/registrant/{company.pk}/change/")
    assert "quedó definitivo" in page.content()

    company.refresh_from_db()
    assert company.state == Registrant.State.ACTIVE
    latest = company.form_versions.latest("version").version
    text = _pdf_text(page, latest, tmp_path)
    flat = re.sub(r"[\s.]", "", text)
    assert company.nit is not None and company.nit in flat
    assert "Prueba de la inscripción en el RUT (Decreto 2460 de 2013, art. 19)" in " ".join(
        text.split()
    )
    assert "NIT provisional" not in text
    assert "NIT provisional" in _pdf_text(page, latest - 1, tmp_path)  # the form before


def test_b_a_provisional_nit_past_its_term_is_refused_activation_with_the_reason(
    open_page, screenshot, official_of_other_seccional
) -> None:
    company = make_legal(bank_certificate_date=None, business_name="PANADERÍA DEL RÍO S.A.S.")
    Registrant.objects.filter(pk=company.pk).update(  # issued before the term (art. 10 lit. a)
        provisional_nit_issued_at=timezone.make_aware(datetime(2026, 10, 1, 9, 0))
    )
    page = open_page("/admin/login/?next=/admin/registry/registrant/")
    page.get_by_label("Nombre de usuario").fill(official_of_other_seccional.username)
    page.get_by_label("Contraseña").fill("x")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url("**/admin/registry/registrant/")

    page.goto(f"/admin/registry/registrant/{company.pk}/change/")
    page.get_by_role("link", name="Activar NIT (certificado bancario)").click()
    page.wait_for_url("**/activar-nit/")
    screenshot(page, "admin_activate_provisional_nit_after_the_term")

    assert "El NIT provisional venció el" in page.content()
    assert page.get_by_role("button", name="Activar NIT definitivo").count() == 0
    company.refresh_from_db()
    assert company.state == Registrant.State.PROVISIONAL


def _pdf_text(page, version: int, tmp_path) -> str:
    """Download a version's Certificado from its link on the inscrito's page; its text."""
    link = page.get_by_test_id(f"f001-pdf-v{version}-certificado")
    response = page.context.request.get(link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / f"formulario-v{version}.pdf"
    pdf.write_bytes(response.body())
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
