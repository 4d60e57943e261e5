"""Acceptance of the officials' ex officio procedures in headless Chromium (issue 15, (d)-(f)):
an inscripción de oficio after a recorded visit, communicated (Decreto 2460 de 2013, art. 12); an
actualización de oficio valid on its communication (art. 14); a reactivation followed by its
Formato 1767 update (procedure, activities 9-11)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from procedures.models import Case, Communication
from registry.models import Registrant
from tests.admin.conftest import reactivation
from tests.clock import TODAY
from tests.factories import make_natural

pytestmark = pytest.mark.browser

CONFIRM = re.compile(r"^Confirmar")


def _sign_in(page: Any, user: Any) -> None:
    page.get_by_label("Nombre de usuario").fill(user.username)
    page.get_by_label("Contraseña").fill("x")
    page.get_by_role("button", name="Iniciar sesión").click()


def _act(page: Any, label: str, *, more: bool = False) -> None:
    """Open an action of the case page and confirm it (the form is already filled or empty)."""
    if more:
        page.get_by_text("Más acciones sobre el expediente").click()
    page.get_by_role("link", name=label, exact=True).click()
    page.wait_for_url("**/accion/**")


def _confirm(page: Any) -> None:
    page.get_by_role("button", name=CONFIRM).click()
    page.wait_for_url(re.compile(r".*/admin/procedures/case/\d+/change/$"))


def _order_file(tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4\n% orden\n")
    return str(path)


def _pdf_text(page: Any, case: Case, kind: str, tmp_path: Path) -> str:
    """The text of the PDF of the case's communication of this kind, opened from its page."""
    communication = case.communications.get(kind=kind)
    table = page.get_by_test_id("communications")
    row = table.locator("tr", has_text=communication.recipient_name).first
    response = page.context.request.get(
        row.get_by_role("link", name="Ver PDF").get_attribute("href")
    )
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / f"{kind}.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    return " ".join(text.split())


def test_d_an_ex_officio_inscription_after_a_recorded_visit_is_communicated(
    open_page, screenshot, official, tmp_path
) -> None:
    page = open_page("/admin/login/?next=/admin/procedures/case/")
    _sign_in(page, official)
    page.wait_for_url("**/admin/procedures/case/")
    page.get_by_role("link", name="Inscripción de oficio").click()
    page.wait_for_url("**/inscripcion-de-oficio/")

    page.get_by_label("Autoridad que ordena").select_option("judicial_authority")
    page.get_by_label("Nombre de la autoridad").fill("Juzgado 5 Laboral de Bogotá")
    page.get_by_label("Correo de la autoridad").fill("j05lbta@cendoj.example.co")
    page.get_by_label("Número de la orden").fill("Auto 2026-0451")
    page.get_by_label("Fecha de la orden").fill(TODAY.replace(day=1).isoformat())
    page.get_by_label("Quién la expidió").fill("Juzgado 5 Laboral del Circuito")
    page.get_by_label("Copia de la orden").set_input_files(_order_file(tmp_path, "auto.pdf"))
    page.get_by_label("Tipo de documento (casilla 25)").select_option("13")
    page.get_by_label("Número de identificación (casilla 26)").fill("80123457")
    page.get_by_label("Primer apellido").fill("Quintero")
    page.get_by_label("Segundo apellido").fill("Lara")
    page.get_by_label("Primer nombre").fill("Andrés")
    page.get_by_label("Departamento (casilla 39)").select_option("11")
    page.get_by_label("Municipio (casilla 40)").select_option("11001")
    page.get_by_label("Correo electrónico (casilla 42)").fill("andres.quintero@example.co")
    page.get_by_label("Actividad económica principal (casilla 46)").select_option("6201")
    page.get_by_label("Fecha de inicio de la actividad (casilla 47)").fill("2024-02-01")
    page.locator("input[name=responsibilities][value='05']").check()
    # Without the address the order does not locate the obligado: refused field by field.
    page.get_by_role("button", name="Iniciar la inscripción de oficio").click()
    page.wait_for_load_state()
    error = page.locator("div#id_address_error")
    assert "Este campo es requerido." in error.inner_text()
    screenshot(page, "ex_officio_registration_refused")
    assert not Case.objects.exists()

    page.get_by_label("Copia de la orden").set_input_files(_order_file(tmp_path, "auto.pdf"))
    page.get_by_label("Dirección principal (casilla 41)").fill("CL 45 13 20")
    page.get_by_role("button", name="Iniciar la inscripción de oficio").click()
    page.wait_for_url(re.compile(r".*/admin/procedures/case/\d+/change/$"))
    assert "Registre la visita de verificación" in page.content()
    case = Case.objects.get()
    screenshot(page, "ex_officio_registration_case")

    _act(page, "Registrar resultado de visita", more=True)
    page.get_by_label("Fecha en que se visitó").fill(TODAY.isoformat())
    page.get_by_label("Resultado").select_option("confirmed")
    page.get_by_label("Observaciones").fill("El obligado atiende en la dirección de la orden.")
    _confirm(page)
    _act(page, "Decidir: procede")
    _confirm(page)
    registrant = Registrant.objects.get(pk=case.registrant_id)
    assert registrant.state == Registrant.State.ACTIVE
    _act(page, "Comunicar la decisión")
    _confirm(page)
    assert "Decisión comunicada" in page.content()
    screenshot(page, "ex_officio_registration_communicated")

    case.refresh_from_db()
    assert case.state == Case.State.COMMUNICATED
    letter = _pdf_text(page, case, Communication.Kind.TO_REGISTRANT, tmp_path)
    assert "Comunicación de la inscripción de oficio en el RUT" in letter
    assert "plena validez legal (Decreto 2460 de 2013, art. 12)" in letter
    assert registrant.formatted_nit in letter
    entry = registrant.audit_entries.get(action="formalize")
    assert entry.legal_basis == "Decreto 2460 de 2013, art. 12"


def test_e_an_ex_officio_update_is_valid_on_its_communication(
    open_page, screenshot, official, tmp_path
) -> None:
    person = make_natural(first_name="MARÍA", first_surname="SALAZAR", address="CL 26 69 76")
    page = open_page(f"/admin/login/?next=/admin/registry/registrant/{person.pk}/change/")
    _sign_in(page, official)
    page.wait_for_url(f"**/admin/registry/registrant/{person.pk}/change/")
    page.get_by_role("link", name="Actualización de oficio (art. 14)").click()
    page.wait_for_url("**/actualizacion-de-oficio/")

    page.locator("input[name=cause][value=data_outdated]").check()
    page.get_by_label("Área de la DIAN, autoridad o entidad").fill("División de Fiscalización")
    page.get_by_label("Dirección principal (casilla 41)").fill("KR 7 32 16 OF 501")
    page.get_by_label("Soporte (acto").set_input_files(_order_file(tmp_path, "cruce.pdf"))
    page.get_by_label("Hechos que originan la actualización").fill(
        "El cruce con la información exógena 2025 muestra otra dirección."
    )
    page.get_by_label("Jefe que autoriza").fill("Jefe de la División de Servicio al Ciudadano")
    screenshot(page, "ex_officio_update_form")
    page.get_by_role("button", name="Iniciar la actualización de oficio").click()
    page.wait_for_url(re.compile(r".*/admin/procedures/case/\d+/change/$"))
    case = Case.objects.get(registrant=person)

    _act(page, "Decidir: procede")
    _confirm(page)
    person.refresh_from_db()
    assert person.address == "CL 26 69 76"  # decided, not communicated: not in force yet
    screenshot(page, "ex_officio_update_decided")

    _act(page, "Comunicar la decisión")
    _confirm(page)
    person.refresh_from_db()
    assert person.address == "KR 7 32 16 OF 501"
    case.refresh_from_db()
    letter = _pdf_text(page, case, Communication.Kind.TO_REGISTRANT, tmp_path)
    assert "Comunicación de la actualización de oficio del RUT" in letter
    assert "Decreto 2460 de 2013, art. 14" in letter

    page.goto(f"/admin/registry/registrant/{person.pk}/change/")
    history = page.get_by_test_id("state-history")
    assert "Decreto 2460 de 2013, art. 14" in history.inner_text()
    assert case.number in history.inner_text()
    screenshot(page, "ex_officio_update_registrant_history")


def test_f_a_reactivation_is_followed_by_its_formato_1767_update(
    open_page, screenshot, official, tmp_path
) -> None:
    case = reactivation("32", decide=False)
    person = case.registrant
    assert person is not None and person.state == Registrant.State.CANCELLED
    page = open_page(f"/admin/login/?next=/admin/procedures/case/{case.pk}/change/")
    _sign_in(page, official)
    page.wait_for_url(f"**/admin/procedures/case/{case.pk}/change/")
    assert page.get_by_role("link", name="Actualizar el RUT (Formato 1767)").count() == 0

    _act(page, "Decidir: procede")
    _confirm(page)
    person.refresh_from_db()
    assert person.state == Registrant.State.ACTIVE
    _act(page, "Actualizar el RUT (Formato 1767)")
    page.get_by_label("Dirección principal (casilla 41)").fill("AV 68 13 40")
    page.get_by_label("Hechos que originan la actualización").fill(
        "Al reactivar, el inscrito informa su nueva sede."
    )
    page.get_by_label("Pruebas").fill("Certificado de existencia y contrato de arrendamiento.")
    page.get_by_label("Jefe que autoriza").fill("Jefe del GIT de Gestión")
    _confirm(page)
    assert "RUT actualizado con el Formato 1767" in page.content()
    screenshot(page, "reactivation_then_1767")

    person.refresh_from_db()
    assert person.address == "AV 68 13 40"
    assert case.formats.filter(kind="1767").count() == 1
    _act(page, "Comunicar la decisión")
    _confirm(page)
    assert page.get_by_role("link", name="Actualizar el RUT (Formato 1767)").count() == 0
    screenshot(page, "reactivation_then_1767_communicated")
