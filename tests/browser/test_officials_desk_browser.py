"""The officials' desk in headless Chromium (issue 15, acceptance g and h).

(g) A video appointment from the seccional's agenda turned into an assisted update: the case is
started prefilled from the appointment and carried through the existing Formato 1767 update.
(h) An impediment declared by a funcionario and rejected by the director (procedure 3.3).
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

import pytest

from portal.models import Appointment, AppointmentReason
from procedures.models import Case, CaseDocument, CaseStep
from procedures.services.intake import (
    attach_document,
    check_requirements,
    decide_jurisdiction,
    receive_case,
)
from registry.models import AuditEntry, Registrant
from tests.clock import BOGOTA, TODAY
from tests.factories import (
    judicial_cancellation_request,
    make_appointment,
    make_natural,
    pdf_upload,
)

pytestmark = pytest.mark.browser


def _log_in(open_page: Any, user: Any) -> Any:
    page = open_page("/admin/login/?next=/admin/procedures/case/")
    page.get_by_label("Nombre de usuario").fill(user.username)
    page.get_by_label("Contraseña").fill("x")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url("**/admin/procedures/case/")
    return page


def _act(page: Any, button: str) -> None:
    page.get_by_role("link", name=button, exact=True).click()
    page.wait_for_url("**/accion/**")


def _confirm(page: Any) -> None:
    page.get_by_role("button", name="Confirmar").click()
    page.wait_for_url("**/procedures/case/*/change/")


def _state(page: Any) -> str:
    return page.get_by_test_id("case-state").first.inner_text()


def test_g_an_appointment_from_the_agenda_becomes_an_assisted_update(
    open_page, screenshot, official
) -> None:
    page = _log_in(open_page, official)  # first: it reloads the reference tables
    registrant = make_natural(
        by=official,
        first_name="GLORIA",
        first_surname="CASTAÑEDA",
        responsibilities=["05", "48"],
        email="gloria@example.co",
    )
    appointment = make_appointment(
        registrant,
        at=datetime.combine(TODAY, time(10, 0), tzinfo=BOGOTA),
        reason=AppointmentReason.VAT_WITHDRAWAL,
    )

    # The agenda of the seccional, from the officials' navigation.
    page.get_by_role("link", name="Agenda de videoatención").first.click()
    page.wait_for_url("**/admin/portal/appointment/")
    row = page.locator(f"#cita-{appointment.pk}")
    assert "GLORIA" in row.inner_text() and "Reservada" in row.inner_text()
    screenshot(page, "desk_g_agenda")
    row.get_by_role("link", name="10:00").click()
    page.wait_for_url("**/admin/portal/appointment/*/change/")
    assert "Actualización (retiro 48)" in page.locator("#content").inner_text()
    screenshot(page, "desk_g_appointment")

    # "Iniciar trámite": Recibir un trámite, prefilled from the appointment.
    page.get_by_role("link", name="Iniciar trámite").click()
    page.wait_for_url("**/admin/procedures/case/add/?cita=*")
    assert page.get_by_label("Tipo de trámite").input_value() == "update"
    assert page.get_by_label("Canal por el que llegó").input_value() == "video"
    assert page.get_by_label("NIT del inscrito").input_value() == registrant.formatted_nit
    assert page.get_by_label("Retiro de responsabilidad").input_value() == "48"
    page.get_by_label("Hechos").fill("Cesó la venta de bienes gravados con IVA.")
    screenshot(page, "desk_g_receive_prefilled")
    page.get_by_role("button", name="Recibir el trámite").click()
    page.wait_for_url("**/procedures/case/*/change/")
    case = Case.objects.get()
    assert case.channel == "video"

    # Carried through the existing update action (Formato 1767).
    _act(page, "Requisitos cumplidos")
    _confirm(page)
    _act(page, "Tomar el trámite")
    _confirm(page)
    _act(page, "Decidir la competencia")
    _confirm(page)
    assert _state(page) == "En trámite"
    _act(page, "Actualizar el RUT (Formato 1767)")
    page.get_by_label("Dirección principal (casilla 41)").fill("CR 7 45 10 OF 301")
    page.get_by_label("Hechos que originan la actualización").fill(
        "En la videoatención la inscrita informó su nueva dirección."
    )
    page.get_by_label("Pruebas").fill("Cita de videoatención y documento de identidad")
    page.get_by_label("Jefe que autoriza").fill("Jefe GIT Registro Bogotá")
    _confirm(page)
    assert "RUT actualizado con el Formato 1767" in page.locator(".messagelist").inner_text()
    screenshot(page, "desk_g_case_updated")

    # Back on the agenda: attended, with its case.
    page.get_by_role("link", name="Agenda de videoatención").first.click()
    row = page.locator(f"#cita-{appointment.pk}")
    assert "Atendida" in row.inner_text() and case.number in row.inner_text()
    screenshot(page, "desk_g_agenda_after")

    appointment.refresh_from_db()
    registrant.refresh_from_db()
    assert (appointment.state, appointment.case, appointment.closed_by) == (
        Appointment.State.ATTENDED,
        case,
        official,
    )
    assert registrant.address == "CR 7 45 10 OF 301"
    assert AuditEntry.objects.filter(
        action="appointment_case_started", case_number=case.number, actor=official
    ).exists()
    assert registrant.state == Registrant.State.ACTIVE


def test_h_an_impediment_declared_by_a_funcionario_is_rejected_by_the_director(
    open_page, screenshot, official, director
) -> None:
    page = _log_in(open_page, official)  # first: it reloads the reference tables
    registrant = make_natural(by=official, first_name="RODRIGO", first_surname="PARDO")
    case = receive_case(judicial_cancellation_request(registrant), by=official)
    attach_document(case, kind=CaseDocument.Kind.JUDICIAL_ORDER, file=pdf_upload(), by=official)
    check_requirements(case, by=official, met=True)

    page.goto(f"/admin/procedures/case/{case.pk}/change/")
    _act(page, "Tomar el trámite")
    _confirm(page)
    _act(page, "Declararse impedido")
    page.get_by_label("Motivo").fill("El inscrito es mi primo hermano.")
    screenshot(page, "desk_h_declare_impediment")
    _confirm(page)
    assert "pendiente de la evaluación del director" in page.locator(".messagelist").inner_text()
    assert page.get_by_role("link", name="Evaluar impedimento", exact=True).count() == 0

    page = _log_in(open_page, director)
    page.goto(f"/admin/procedures/case/{case.pk}/change/")
    _act(page, "Evaluar impedimento")
    page.get_by_label("Rechazar").check()
    page.get_by_label("Motivo").fill("El parentesco es de cuarto grado: no configura impedimento.")
    screenshot(page, "desk_h_evaluate_impediment")
    _confirm(page)
    assert "Impedimento rechazado" in page.locator(".messagelist").inner_text()
    screenshot(page, "desk_h_impediment_rejected")

    case.refresh_from_db()
    assert case.assigned_to == official
    evaluation = case.steps.get(kind=CaseStep.Kind.IMPEDIMENT_REJECTED)
    assert evaluation.actor == director
    assert evaluation.reason == "El parentesco es de cuarto grado: no configura impedimento."
    assert not case.steps.filter(kind=CaseStep.Kind.IMPEDIMENT_ACCEPTED).exists()


def test_a_filing_from_abroad_is_recorded_and_formalised_and_a_notice_acknowledged(
    open_page, screenshot, official, official_of_other_seccional, tmp_path
) -> None:
    page = _log_in(open_page, official)  # first: it reloads the reference tables
    registrant = make_natural(
        by=official, first_name="CAMILA", first_surname="ORTIZ", email="camila@example.es"
    )
    scan, passport = tmp_path / "cedula.pdf", tmp_path / "pasaporte.pdf"
    scan.write_bytes(b"%PDF-1.4\n% cedula\n")
    passport.write_bytes(b"%PDF-1.4\n% pasaporte\n")

    # Art. 9 par.: what arrived through the PQSRD system, with its two attachments.
    page.get_by_role("link", name="Peticiones").first.click()
    page.get_by_role("link", name="Radicar solicitud desde el exterior").click()
    page.locator("#id_requested_case_type").select_option("update")
    page.get_by_label("Nombre del solicitante").fill("Camila Ortiz")
    page.get_by_label("Correo informado").fill("camila@example.es")
    page.get_by_label("Tipo de documento").select_option(registrant.document_type_id or "13")
    page.get_by_label("Número de documento").fill(registrant.document_number)
    page.get_by_label("País de residencia (código de dos letras)").fill("ES")
    page.get_by_label("Lo que solicita").fill("Vivo en Madrid desde marzo: nueva dirección.")
    page.get_by_label("Documento de identidad escaneado").set_input_files(str(scan))
    page.get_by_label("Página del pasaporte con la fecha de salida del país").set_input_files(
        str(passport)
    )
    screenshot(page, "desk_abroad_receive")
    page.get_by_role("button", name="Radicar la solicitud").click()
    page.wait_for_url("**/admin/procedures/petition/*/change/")
    assert "Documento de identidad escaneado" in page.get_by_test_id("abroad-filing").inner_text()
    screenshot(page, "desk_abroad_petition")

    page.get_by_role("link", name="Formalizar", exact=True).click()
    page.get_by_label("País (casilla 38)").fill("ES")
    page.get_by_label("Departamento (casilla 39)").select_option("")
    page.get_by_label("Municipio (casilla 40)").select_option("")
    page.get_by_label("Dirección principal (casilla 41)").fill("CALLE MAYOR 1, MADRID")
    screenshot(page, "desk_abroad_formalize")
    page.get_by_role("button", name="Formalizar").click()
    page.wait_for_url("**/procedures/case/*/change/")
    case = Case.objects.get()
    assert case.from_abroad and case.channel == "pqsrd"
    screenshot(page, "desk_abroad_case")

    # A notice to Medellín: the oficio remisorio of a case forwarded there.
    other = make_natural(by=official, department="05", municipality="05001", first_name="IVÁN")
    forwarded = receive_case(judicial_cancellation_request(other), by=official)
    attach_document(
        forwarded, kind=CaseDocument.Kind.JUDICIAL_ORDER, file=pdf_upload(), by=official
    )
    decide_jurisdiction(check_requirements(forwarded, by=official, met=True), by=official)

    page = _log_in(open_page, official_of_other_seccional)
    page.get_by_role("link", name="Avisos de seccionales").first.click()
    assert "1 aviso pendiente" in page.get_by_test_id("notices-pending").inner_text()
    screenshot(page, "desk_notices_pending")
    page.get_by_role("button", name="Acusar recibo").click()
    assert "Acusó recibo del aviso" in page.locator(".messagelist").inner_text()
    assert "Recibido" in page.get_by_test_id("notices").inner_text()
    screenshot(page, "desk_notices_acknowledged")
