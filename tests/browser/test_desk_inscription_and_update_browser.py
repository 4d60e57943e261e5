"""The officials' desk in headless Chromium (issue 15, acceptance a and c).

(a) A funcionaria inscribes a S.A.S. at the desk with the whole Formulario 001, verifies its
art. 10 checklist and formalises it with a provisional NIT (Decreto 2460 de 2013, art. 10
lit. a); two days later she records the bank certificate and the NIT becomes definitive with a
new Formulario 001. (c) She changes a persona natural's surname and document issue date at the
desk with the inscrito's signed request (art. 13).
"""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from procedures.models import Case
from registry.models import AuditEntry, Registrant
from tests.clock import TODAY, morning
from tests.factories import make_natural

pytestmark = pytest.mark.browser


def _sign_in(page: Any, username: str) -> None:
    page.goto("/admin/login/?next=/admin/procedures/case/")
    page.get_by_label("Nombre de usuario").fill(username)
    page.get_by_label("Contraseña").fill("x")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url("**/admin/procedures/case/")


def _act(page: Any, label: str, fill: dict[str, str] | None = None) -> None:
    """Open an action of the case page, fill its form, confirm, and come back to the case."""
    case_url = page.url
    page.get_by_role("link", name=label, exact=True).click()
    page.wait_for_url("**/accion/**")
    for field, value in (fill or {}).items():
        page.get_by_label(field, exact=True).fill(value)
    page.get_by_role("button", name=f"Confirmar: {label}").click()
    page.wait_for_url(case_url)


def _verify_document(page: Any, code: str, document_date: str = "") -> None:
    case_url = page.url
    page.get_by_text("Más acciones sobre el expediente").click()
    page.get_by_role("link", name="Verificar un requisito documental").click()
    page.wait_for_url("**/accion/**")
    page.get_by_label("Requisito").select_option(code)
    page.get_by_label("Cumplido", exact=True).check()
    if document_date:
        page.get_by_label("Fecha de expedición del documento").fill(document_date)
    page.get_by_role("button", name="Confirmar: Verificar un requisito documental").click()
    page.wait_for_url(case_url)


def _fill_row(page: Any, section: str, index: int, values: dict[str, str]) -> None:
    for name, value in values.items():
        locator = page.locator(f"#id_{section}-{index}-{name}")
        if locator.evaluate("e => e.tagName") == "SELECT":
            locator.select_option(value)
        else:
            locator.fill(value)


def test_a_sas_inscribed_at_the_desk_gets_a_provisional_then_a_definitive_nit(
    open_page, screenshot, official, clock, tmp_path: Path
) -> None:
    page = open_page("/admin/login/")
    _sign_in(page, official.username)
    page.get_by_role("link", name="Nueva inscripción asistida").click()
    page.wait_for_url("**/inscripcion-asistida/")

    page.get_by_label("Clase de inscrito").select_option("PJ")
    page.get_by_label("Razón social (casilla 35)").fill("Tostadora del Macizo S.A.S.")
    page.get_by_label("Sigla (casilla 37)").fill("TDM")
    page.get_by_label("Departamento (casilla 39)").select_option("11")
    page.get_by_label("Municipio (casilla 40)").select_option("11001")
    page.get_by_label("Dirección principal (casilla 41)").fill("cr 7 12 30")
    page.get_by_label("Correo electrónico (casilla 42)").fill("gerencia@tostadora.co")
    page.locator('input[name="responsibilities"][value="05"]').check()
    page.locator('input[name="responsibilities"][value="48"]').check()
    _fill_row(page, "activities", 0, {"code": "1061", "started_on": TODAY.isoformat()})
    _fill_row(
        page,
        "representatives",
        0,
        {
            "role": "legal_rep",
            "document_type": "13",
            "document_number": "52111222",
            "name": "Luz Marina Rojas",
        },
    )
    for index, (number, name, share) in enumerate(
        [("52111222", "Luz Marina Rojas", "60"), ("79555444", "Pedro Díaz", "40")]
    ):
        _fill_row(
            page,
            "partners",
            index,
            {
                "document_type": "13",
                "document_number": number,
                "name": name,
                "share_percentage": share,
            },
        )
    _fill_row(
        page,
        "establishments",
        0,
        {"name": "Tostadora centro", "department": "11", "municipality": "11001"},
    )
    page.locator("#id_establishments-0-address").fill("cl 19 4 20")
    page.get_by_label("Quién presenta la solicitud").fill("Luz Marina Rojas")
    screenshot(page, "desk_inscription_form")
    page.get_by_role("button", name="Radicar la inscripción").click()
    page.wait_for_url(re.compile(r".*/admin/procedures/case/\d+/change/$"))
    assert "Pre-inscripción" in page.content()

    _verify_document(page, "legal_rep_id")
    _verify_document(page, "existence_certificate", TODAY.isoformat())
    _act(page, "Requisitos cumplidos")
    _act(page, "Decidir la competencia")
    _act(page, "Decidir: procede")
    assert "Inscripción formalizada con el NIT provisional" in page.content()
    screenshot(page, "desk_inscription_provisional_nit")
    company = Registrant.objects.get(business_name="TOSTADORA DEL MACIZO S.A.S.")
    assert company.state == Registrant.State.PROVISIONAL
    assert (company.partners.count(), company.establishments.count()) == (2, 1)

    later = TODAY + timedelta(days=2)
    clock.move_to(morning(later))
    _sign_in(page, official.username)  # the session of two days ago has ended
    page.goto(f"/admin/registry/registrant/{company.pk}/change/")
    page.get_by_role("link", name="Activar NIT (certificado bancario)").click()
    page.wait_for_url("**/activar-nit/")
    page.get_by_label("Entidad financiera").fill("Banco de Bogotá")
    page.get_by_label("Número de cuenta").fill("123456789012")
    page.get_by_label("Fecha de la certificación bancaria").fill(later.isoformat())
    page.get_by_role("button", name="Activar NIT definitivo").click()
    page.wait_for_url(f"**/admin/registry/registrant/{company.pk}/change/")
    assert "quedó definitivo" in page.content()
    screenshot(page, "desk_inscription_definitive_nit")

    company.refresh_from_db()
    assert company.state == Registrant.State.ACTIVE
    latest = company.form_versions.latest("version").version
    text = _pdf_text(page, latest, tmp_path)
    assert company.nit is not None and company.nit in re.sub(r"[\s.]", "", text)
    assert "TOSTADORA DEL MACIZO S.A.S." in text
    assert "NIT provisional" not in text


def test_a_surname_and_document_issue_date_change_at_the_desk(
    open_page, screenshot, official
) -> None:
    person = make_natural(first_surname="PÉREZ", document_number="79123456")
    page = open_page("/admin/login/")
    _sign_in(page, official.username)
    page.get_by_role("link", name="Recibir un trámite").click()
    page.get_by_label("Tipo de trámite").select_option("update")
    page.get_by_label("Causal").select_option("inscrito_request")
    page.get_by_label("Modalidad").select_option("assisted")
    page.get_by_label("Canal por el que llegó").select_option("in_person")
    page.get_by_label("NIT del inscrito").fill(person.nit or "")
    page.get_by_label("Fecha del hecho que origina la actualización").fill("2026-11-10")
    page.locator("#id_requester_kind").select_option("user")
    page.get_by_label("Nombre del solicitante").fill(person.display_name)
    page.get_by_role("button", name="Recibir el trámite").click()
    page.wait_for_url(re.compile(r".*/admin/procedures/case/\d+/change/$"))

    _verify_document(page, "applicant_id")
    _act(page, "Requisitos cumplidos")
    _act(page, "Decidir la competencia")
    case_url = page.url
    page.get_by_role("link", name="Actualizar el RUT (Formato 1767)").click()
    page.get_by_label("Primer apellido (casilla 31)").fill("Pérez de la Hoz")
    page.get_by_label("Fecha de expedición del documento (casilla 27)").fill("2000-02-15")
    page.locator("#id_support").select_option("signed_request")
    page.get_by_label("Hechos que originan la actualización").fill(
        "Corrección del apellido y de la fecha de expedición según la cédula."
    )
    page.get_by_label("Jefe que autoriza").fill("Jefe GIT Registro")
    page.get_by_label("Solicitud firmada del inscrito (PDF, JPG o PNG)").set_input_files(
        files=[
            {
                "name": "solicitud.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n% solicitud firmada\n",
            }
        ]
    )
    screenshot(page, "desk_identification_change_form")
    page.get_by_role("button", name="Confirmar: Actualizar el RUT (Formato 1767)").click()
    page.wait_for_url(case_url)
    assert "RUT actualizado con el Formato 1767" in page.content()
    _act(page, "Decidir: procede")
    screenshot(page, "desk_identification_change_done")

    person.refresh_from_db()
    assert person.first_surname == "PÉREZ DE LA HOZ"
    assert person.document_issue_date is not None
    assert person.document_issue_date.isoformat() == "2000-02-15"
    entry = AuditEntry.objects.get(registrant=person, action="update")
    assert entry.legal_basis == "Decreto 2460 de 2013, art. 13"
    assert Case.objects.get(registrant=person).decision == "granted"


def _pdf_text(page: Any, version: int, tmp_path: Path) -> str:
    """Download a version's Certificado from its link on the inscrito's page; its text."""
    link = page.get_by_test_id(f"f001-pdf-v{version}-certificado")
    response = page.context.request.get(link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / f"formulario-v{version}.pdf"
    pdf.write_bytes(response.body())
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
