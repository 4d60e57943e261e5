"""An inscription appointment attended from the agenda in headless Chromium: "Iniciar trámite"
opens the assisted inscription prefilled with the citizen's account, the pre-inscription is
radicada by the video channel, the case page links back to the appointment, and the dashboard
counts the day's appointments."""

from __future__ import annotations

import re
from datetime import datetime, time

import pytest
from django.contrib.auth.models import User

from portal.models import Appointment, AppointmentReason, CitizenAccount, Slot
from portal.services import appointments
from procedures.models import Case
from tests.browser.test_officials_desk_browser import _log_in
from tests.clock import BOGOTA, TODAY

pytestmark = pytest.mark.browser


def test_an_inscription_appointment_becomes_an_assisted_inscription(
    open_page, screenshot, official
) -> None:
    page = _log_in(open_page, official)  # first: it reloads the reference tables
    account = CitizenAccount.objects.create(
        user=User.objects.create_user(username="marta"),
        document_type_id="13",
        document_number="52333444",
        first_name="Marta Lucía",
        last_name="Quintero Díaz",
        email="marta@example.co",
        mobile="3157778899",
    )
    slot = Slot.objects.create(
        seccional_id="32",  # the official's seccional (Bogotá)
        starts_at=datetime.combine(TODAY, time(11, 0), tzinfo=BOGOTA),
        capacity=2,
    )
    appointment = appointments.book(account, slot_id=slot.pk, reason=AppointmentReason.INSCRIPTION)

    page.get_by_role("link", name="Agenda de videoatención").first.click()
    page.locator(f"#cita-{appointment.pk}").get_by_role("link", name="11:00").click()
    page.wait_for_url("**/admin/portal/appointment/*/change/")
    page.get_by_role("link", name="Iniciar trámite").click()
    page.wait_for_url("**/admin/procedures/case/inscripcion-asistida/?cita=*")

    assert page.get_by_label("Número de identificación (casilla 26)").input_value() == "52333444"
    assert page.get_by_label("Primer nombre (casilla 33)").input_value() == "MARTA"
    assert page.get_by_label("Otros nombres (casilla 34)").input_value() == "LUCÍA"
    assert page.get_by_label("Primer apellido (casilla 31)").input_value() == "QUINTERO"
    assert page.get_by_label("Segundo apellido (casilla 32)").input_value() == "DÍAZ"
    assert page.get_by_label("Teléfono 1 (casilla 44)").input_value() == "3157778899"
    assert "Desde la cita de videoatención de Marta Lucía Quintero Díaz" in page.content()
    screenshot(page, "agenda_inscription_prefilled")

    page.get_by_label("Departamento (casilla 39)").select_option("11")
    page.get_by_label("Municipio (casilla 40)").select_option("11001")
    page.get_by_label("Dirección principal (casilla 41)").fill("cl 45 13 20")
    page.locator('input[name="responsibilities"][value="49"]').check()
    page.locator("#id_activities-0-code").fill("4711")
    page.locator("#id_activities-0-role").select_option("principal")
    page.get_by_role("button", name="Radicar la inscripción").click()
    page.wait_for_url(re.compile(r".*/admin/procedures/case/\d+/change/$"))
    screenshot(page, "agenda_inscription_case")

    case = Case.objects.get()
    assert case.channel == "video"
    link = page.get_by_test_id("case-appointment")
    assert "Inscripción que requiere un funcionario" in link.inner_text()
    link.click()
    page.wait_for_url(f"**/admin/portal/appointment/{appointment.pk}/change/")
    appointment.refresh_from_db()
    assert (appointment.case, appointment.state) == (case, Appointment.State.ATTENDED)

    page.goto("/admin/procedures/case/tablero/")
    assert page.get_by_test_id("appointments-today").inner_text() == "1"
    screenshot(page, "agenda_inscription_dashboard")
