"""A cancelación de oficio worked end to end in the admin, in headless Chromium.

The official receives the judicial order, checks the requirements uploading the order, takes
the case, updates the record with Formato 1767 and registers the cancellation; the director
signs the approval with their password and the decision is communicated.
"""

from __future__ import annotations

from typing import Any

import pytest

from procedures.models import Case, Communication, OfficialFormat
from registry.models import Registrant
from tests.factories import make_natural

pytestmark = pytest.mark.browser


def _log_in(open_page: Any, user: Any, password: str = "x") -> Any:
    page = open_page("/admin/login/?next=/admin/procedures/case/")
    page.get_by_label("Nombre de usuario").fill(user.username)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url("**/admin/procedures/case/")
    return page


def _state(page: Any) -> str:
    return page.get_by_test_id("case-state").first.inner_text()


def _act(page: Any, button: str) -> None:
    """Open an action from the case page, then confirm it on its own page."""
    page.get_by_role("link", name=button, exact=True).click()
    page.wait_for_url("**/accion/**")


def _confirm(page: Any) -> None:
    page.get_by_role("button", name="Confirmar").click()
    page.wait_for_url("**/procedures/case/*/change/")


def test_an_official_and_a_director_cancel_an_inscripcion_by_judicial_order(
    open_page, screenshot, official, director, tmp_path
) -> None:
    # open_page first: it reloads the reference tables the previous transactional test emptied.
    registrant = make_natural(
        by=official, first_name="HERNANDO", first_surname="VILLAMIZAR", email="hernando@example.co"
    )
    order = tmp_path / "sentencia.pdf"
    order.write_bytes(b"%PDF-1.4\n% Sentencia 2026-00123\n")

    # The official receives the order through the admin's "add" form.
    page = _log_in(open_page, official)
    screenshot(page, "admin_inbox_empty")
    page.get_by_role("link", name="Recibir un trámite").first.click()
    page.get_by_label("Tipo de trámite").select_option("cancellation_ex_officio")
    page.get_by_label("Causal").select_option("authority_order")
    page.get_by_label("Canal por el que llegó").select_option("official_mail")
    page.get_by_label("NIT del inscrito").fill(registrant.formatted_nit)
    page.locator("#id_requester_kind").select_option("judicial_authority")
    page.get_by_label("Nombre del solicitante").fill("Juzgado 12 Civil del Circuito de Bogotá")
    page.get_by_label("Correo del solicitante").fill("j12cctobta@cendoj.example.co")
    page.get_by_label("Número del acto u orden").fill("Sentencia 2026-00123")
    page.get_by_label("Fecha del acto").fill("2026-11-10")
    page.get_by_label("Quién expidió el acto").fill("Juzgado 12 Civil del Circuito")
    page.get_by_label("El acto está debidamente ejecutoriado").check()
    screenshot(page, "admin_receive_form")
    page.get_by_role("button", name="Recibir el trámite").click()
    page.wait_for_url("**/procedures/case/*/change/")
    assert _state(page) == "Recibido"
    case = Case.objects.get()
    assert page.locator(".messagelist").inner_text() == f"Trámite {case.number} recibido."

    # Requirements: the judicial order is uploaded with the check.
    _act(page, "Requisitos cumplidos")
    page.get_by_label("Tipo de soporte").select_option("judicial_order")
    page.get_by_label("Archivo (PDF, JPG o PNG)").set_input_files(str(order))
    page.get_by_label("Observaciones").fill("Orden ejecutoriada, firmada por el juez.")
    screenshot(page, "admin_check_requirements")
    _confirm(page)
    assert _state(page) == "Requisitos verificados"

    _act(page, "Tomar el trámite")
    _confirm(page)
    _act(page, "Decidir la competencia")
    _confirm(page)
    assert _state(page) == "En trámite"

    # The record is updated first, with Formato 1767.
    _act(page, "Actualizar el RUT (Formato 1767)")
    page.get_by_label("Dirección principal (casilla 41)").fill("CL 100 15 20")
    page.get_by_label("Hechos que originan la actualización").fill(
        "La sentencia informa la última dirección conocida del inscrito."
    )
    page.get_by_label("Pruebas").fill("Sentencia 2026-00123 del Juzgado 12 Civil")
    page.get_by_label("Jefe que autoriza").fill("Jefe GIT Registro Bogotá")
    screenshot(page, "admin_formato_1767")
    _confirm(page)
    assert "RUT actualizado con el Formato 1767" in page.locator(".messagelist").inner_text()

    _act(page, "Registrar la cancelación")
    page.get_by_label("Motivo u observaciones").fill("Cancelación por orden judicial.")
    _confirm(page)
    assert _state(page) == "Pendiente de aprobación"
    assert "Aprobar" not in page.locator(".rut-actions-panel").inner_text()
    screenshot(page, "admin_case_awaiting_approval")

    # The director reviews the queue and signs with the password.
    page = _log_in(open_page, director)
    screenshot(page, "admin_inbox_director")
    page.get_by_role("link", name="Aprobaciones").first.click()
    page.wait_for_url("**/aprobaciones/")
    assert case.number in page.get_by_test_id("approval-queue").inner_text()
    screenshot(page, "admin_approval_queue")
    page.get_by_role("link", name="Revisar").first.click()
    page.wait_for_url("**/procedures/case/*/change/")
    _act(page, "Aprobar")
    page.get_by_label("Su contraseña (firma de la aprobación)").fill("no-es-la-clave")
    page.get_by_role("button", name="Confirmar").click()
    assert "La contraseña no es correcta" in page.locator(".rut-field-errors").inner_text()
    page.get_by_label("Su contraseña (firma de la aprobación)").fill("x")
    screenshot(page, "admin_approve_signature")
    _confirm(page)
    assert _state(page) == "Decidido"
    assert page.get_by_test_id("registrant-state").inner_text() == "Cancelado"
    assert "Formato 1529" in page.get_by_test_id("formats").inner_text()

    _act(page, "Comunicar la decisión")
    _confirm(page)
    assert _state(page) == "Comunicado"
    shown = page.get_by_test_id("communications").inner_text()
    for label in (
        "Comunicación al inscrito",
        "Comunicación al solicitante",
        "Aviso a seccional (últimos cinco años)",
        "Oficio a la autoridad judicial",
    ):
        assert label in shown
    screenshot(page, "admin_case_communicated")
    page.get_by_role("link", name="Tablero").first.click()
    page.wait_for_url("**/tablero/")
    assert page.get_by_test_id("by-type").inner_text().count("Cancelación de oficio") == 1
    screenshot(page, "admin_dashboard")

    # What an auditor checks in the database.
    registrant.refresh_from_db()
    case.refresh_from_db()
    assert registrant.state == Registrant.State.CANCELLED
    assert registrant.address == "CL 100 15 20"
    assert (case.prepared_by, case.decided_by, case.assigned_to) == (official, director, official)
    assert case.documents.get().kind == "judicial_order"
    assert sorted(case.formats.values_list("kind", flat=True)) == [
        OfficialFormat.Kind.F1529,
        OfficialFormat.Kind.F1767,
    ]
    assert sorted(Communication.objects.filter(case=case).values_list("kind", flat=True)) == [
        "to_judicial_authority",
        "to_registrant",
        "to_requester",
        "to_seccional",
    ]
    assert registrant.form_versions.latest("version").state == Registrant.State.CANCELLED
