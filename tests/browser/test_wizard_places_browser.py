"""The inscription wizard in headless Chromium with the places of issue and birth, one
establishment and DIAN's responsibilities help, to the Formulario 001 PDF read by poppler."""

from __future__ import annotations

import subprocess

import pytest

from portal.models import CitizenAccount
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_portal_journeys import (  # noqa: F401 (site is a fixture)
    choose_municipio,
    make_account,
    sign_in,
    site,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_shopkeeper_inscribed_with_places_and_an_establishment_gets_them_on_the_rut(
    site,  # noqa: F811 (the fixture imported above)
    tmp_path,
):
    make_account("1030405060", "luis@example.co")
    page = site.page()
    sign_in(page, "1030405060")
    page.get_by_role("link", name="Empezar la inscripción").click()

    page.get_by_label("Primer apellido").fill("Pardo")
    page.get_by_label("Primer nombre").fill("Luis")
    page.get_by_label("Fecha de expedición del documento").fill("15/07/2008")
    choose_municipio(page, "issue", "BOGOTÁ, D.C.", "BOGOTÁ, D.C.")
    page.get_by_label("Fecha de nacimiento").fill("20/11/1989")
    choose_municipio(page, "birth", "ANTIOQUIA", "ENVIGADO")
    site.check(page, "lugares-1-identificacion")
    page.get_by_role("button", name="Guardar y continuar").click()

    page.wait_for_url("**/inscripcion/ubicacion/")
    page.get_by_label("Departamento").select_option(label="ANTIOQUIA")
    page.locator("#id_municipality option", has_text="MEDELLÍN").first.wait_for(state="attached")
    page.get_by_label("Municipio").select_option(label="MEDELLÍN")
    page.get_by_label("Dirección").fill("CR 43A 1 50")
    page.get_by_role("button", name="Guardar y continuar").click()

    page.wait_for_url("**/inscripcion/actividades/")
    page.get_by_label("Código CIIU de la actividad principal").fill("4711")
    page.get_by_label("Fecha de inicio de la actividad principal").fill("01/02/2019")
    page.get_by_role("button", name="Guardar y continuar").click()

    page.wait_for_url("**/inscripcion/establecimientos/")
    page.get_by_label("Nombre del establecimiento").fill("Tienda La Esquina")
    choose_municipio(page, "establishment", "ANTIOQUIA", "ITAGÜÍ")
    page.get_by_label("Dirección del establecimiento").fill("CL 50 51 20")
    page.get_by_label("Fecha de apertura").fill("01/02/2019")
    page.get_by_role("button", name="Agregar establecimiento").click()
    page.wait_for_url("**/inscripcion/establecimientos/")
    assert "TIENDA LA ESQUINA" in page.locator("main").inner_text()
    site.check(page, "lugares-4-establecimientos")
    page.get_by_role("button", name="Guardar y continuar").click()

    page.wait_for_url("**/inscripcion/responsabilidades/")
    page.get_by_role("button", name="Guardar y continuar").click()
    assert page.get_by_role("alert").filter(has_text="No eligió ninguna responsabilidad").count()
    site.check(page, "lugares-5-sin-responsabilidades")
    help_box = page.locator("details")
    help_box.get_by_role(
        "group", name="¿Vende bienes o presta servicios gravados con IVA?"
    ).get_by_label("Sí").check()
    help_box.get_by_role("group", name="superan 3.500 UVT").get_by_label("No").check()
    help_box.get_by_role("group", name="¿Debe declarar renta").get_by_label("Sí").check()
    page.get_by_role("button", name="Sugerir responsabilidades").click()
    assert page.get_by_label("05 Impuesto sobre la renta").is_checked()
    assert page.get_by_label("49 No responsable de IVA").is_checked()
    site.check(page, "lugares-5-sugerencias")
    page.get_by_role("button", name="Guardar y continuar").click()

    page.wait_for_url("**/inscripcion/confirmar/")
    review = page.locator("main").inner_text()
    assert "15/07/2008" in review and "20/11/1989" in review and "01/02/2019" in review
    assert "ENVIGADO (ANTIOQUIA)" in review and "TIENDA LA ESQUINA" in review
    site.check(page, "lugares-6-confirmar")
    page.get_by_label("Declaro que los datos son verdaderos").check()
    page.get_by_role("button", name="Enviar inscripción").click()

    page.wait_for_url("**/inscripcion/resultado/")
    assert "Qué sigue" in page.locator("main").inner_text()
    site.check(page, "lugares-resultado")
    pdf = page.context.request.get(
        page.get_by_role("link", name="Descargar el RUT (PDF)").get_attribute("href")
    )
    assert pdf.ok
    path = tmp_path / "rut.pdf"
    path.write_bytes(pdf.body())
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout.split()
    )
    assert "COLOMBIA" in text and "ENVIGADO, COLOMBIA" in text
    assert "52. Número de establecimientos 1" in text
    assert "TIENDA LA ESQUINA" in text and "ITAGÜÍ" in text
    SCREENSHOTS.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(path), str(SCREENSHOTS / "lugares-rut-pdf")],
        check=True,
    )
    registrant = CitizenAccount.objects.get(document_number="1030405060").registrant
    assert registrant.birth_place_id == "05266"  # Envigado
    assert registrant.establishments.get().municipality_id == "05360"  # Itagüí
