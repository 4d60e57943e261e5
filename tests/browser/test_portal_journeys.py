"""The citizen portal end to end in headless Chromium: what a person does, page by page.

Codes are read from django.core.mail.outbox (locmem backend, tests/conftest.py): the live
server runs in this process, and tasks run eagerly after commit. Each main page is
photographed at desktop and phone width (tests/browser/screenshots/, gitignored) and checked
with axe-core: no serious or critical violations.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail

from portal.models import Appointment, AppointmentReason, CitizenAccount, Slot
from portal.services import accounts, appointments
from procedures.models import Case, CaseType
from procedures.services.communications import communicate_decision
from procedures.services.intake import check_requirements, decide_jurisdiction
from procedures.services.processing import approve_cancellation, submit_for_approval
from rut_portal.business_days import next_business_day
from tests.clock import TODAY
from tests.factories import make_natural

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mi casa tiene un patio con naranjos"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CODE = re.compile(r"^ {4}([A-Z]{6}|\d{6})$", re.MULTILINE)
SERIOUS = ("serious", "critical")


@pytest.fixture
def site(browser: Any, live_server: Any, reference_data: None, screenshot: Any):
    """New browser contexts (a closed browser = a closed context) and page checks."""
    contexts: list[Any] = []

    class Site:
        url = live_server.url

        def context(self) -> Any:
            context = browser.new_context(viewport=DESKTOP, locale="es-CO", base_url=self.url)
            contexts.append(context)
            return context

        def page(self) -> Any:
            return self.context().new_page()

        def check(self, page: Any, name: str) -> None:
            """Screenshot at desktop and phone width, with an axe-core check at each."""
            for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
                page.set_viewport_size(size)
                screenshot(page, f"portal-{name}-{label}")
                results = Axe().run(page)
                serious = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
                assert not serious, f"{name} ({label}): " + results.generate_report()
            page.set_viewport_size(DESKTOP)

    yield Site()
    for context in contexts:
        context.close()


def last_code(to: str) -> str:
    for message in reversed(mail.outbox):
        if to in message.to and (found := CODE.search(str(message.body))):
            return found.group(1)
    raise AssertionError(f"no code emailed to {to}")


def sign_in(page: Any, number: str, password: str = PASSWORD) -> None:
    page.goto("/mi-rut/ingresar/")
    page.get_by_label("Número de documento").fill(number)
    page.get_by_label("Contraseña", exact=True).fill(password)
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_url("**/mi-rut/")


def choose_municipio(page: Any, prefix: str, department: str, municipality: str) -> None:
    """A departamento, then one of its municipios once portal.js has loaded them."""
    page.locator(f"#id_{prefix}_department").select_option(label=department)
    page.locator(f"#id_{prefix}_municipality option", has_text=municipality).first.wait_for(
        state="attached"
    )
    page.locator(f"#id_{prefix}_municipality").select_option(label=municipality)


def make_account(number: str, email: str) -> CitizenAccount:
    accounts.sign_up(
        accounts.SignUpData("13", number, "Luis", "Pardo Gil", email, "3104445566"),
        ip_address="127.0.0.1",
    )
    account = accounts.activate("13", number, submitted=last_code(email), decoy=accounts.Decoy())
    accounts.set_password(account, password=PASSWORD)
    return CitizenAccount.objects.get(pk=account.pk)


def test_sign_up_activation_inscription_with_a_resumed_draft_nit_and_rut_pdf(site):
    page = site.page()
    page.goto("/mi-rut/")
    site.check(page, "bienvenida")
    page.get_by_role("link", name="Crear cuenta").click()
    page.get_by_label("Número de documento").fill("1020304050")
    page.get_by_label("Nombres").fill("Ana María")
    page.get_by_label("Apellidos").fill("Rojas Díaz")
    page.get_by_label("Correo electrónico").fill("ana@example.co")
    page.get_by_label("Celular").fill("300 123 4567")
    site.check(page, "registro")
    page.get_by_label("Autorizo el tratamiento").check()
    page.get_by_role("button", name="Crear cuenta").click()

    page.wait_for_url("**/mi-rut/activar/")
    assert page.get_by_label("Número de documento").input_value() == "1020304050"
    page.get_by_label("Código").fill(last_code("ana@example.co").lower())
    site.check(page, "activar")
    page.get_by_role("button", name="Activar").click()
    page.wait_for_url("**/activar/contrasena/")
    page.get_by_label("Nueva contraseña").fill(PASSWORD)
    page.get_by_label("Repita la contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Guardar contraseña").click()
    page.wait_for_url("**/mi-rut/")
    assert "Su cuenta quedó activa" in page.content()
    site.check(page, "inicio-sin-rut")

    page.get_by_role("link", name="Empezar la inscripción").click()
    page.get_by_label("Primer apellido").fill("Rojas")
    page.get_by_label("Segundo apellido").fill("Díaz")
    page.get_by_label("Primer nombre").fill("Ana")
    page.get_by_label("Fecha de expedición del documento").fill("01/03/2010")
    choose_municipio(page, "issue", "BOGOTÁ, D.C.", "BOGOTÁ, D.C.")
    page.get_by_label("Fecha de nacimiento").fill("01/02/1990")
    choose_municipio(page, "birth", "ANTIOQUIA", "MEDELLÍN")
    site.check(page, "inscripcion-1-identificacion")
    page.get_by_role("button", name="Guardar y continuar").click()

    page.wait_for_url("**/inscripcion/ubicacion/")
    page.get_by_label("Departamento").select_option(label="ANTIOQUIA")
    # The municipios came by JavaScript, without reloading (a locator, not a string predicate:
    # the page's CSP refuses what Playwright would evaluate).
    page.locator("#id_municipality option").nth(100).wait_for(state="attached")
    page.get_by_label("Municipio").select_option(label="MEDELLÍN")
    page.get_by_label("Dirección").fill("CR 43A 1 50")
    site.check(page, "inscripcion-2-ubicacion")
    page.get_by_role("button", name="Guardar y continuar").click()

    page.wait_for_url("**/inscripcion/actividades/")
    page.get_by_label("Código o palabras").fill("desarrollo programas informaticos")
    page.get_by_role("button", name="Usar como principal 6201").click()
    assert page.get_by_label("Código CIIU de la actividad principal").input_value() == "6201"
    page.get_by_label("Fecha de inicio de la actividad principal").fill("01/01/2020")
    site.check(page, "inscripcion-3-actividades")
    page.get_by_role("button", name="Guardar y continuar").click()
    page.wait_for_url("**/inscripcion/establecimientos/")
    page.get_by_role("button", name="Guardar y continuar").click()
    page.wait_for_url("**/inscripcion/responsabilidades/")
    page.context.close()  # the person closes the browser in the middle of the inscription

    page = site.page()
    sign_in(page, "1020304050")
    page.get_by_role("link", name="Continuar la inscripción").click()
    page.wait_for_url("**/inscripcion/responsabilidades/")
    page.get_by_role("link", name="Actividades económicas").click()
    assert page.get_by_label("Código CIIU de la actividad principal").input_value() == "6201"
    page.get_by_role("button", name="Guardar y continuar").click()
    page.wait_for_url("**/inscripcion/establecimientos/")
    page.get_by_role("button", name="Guardar y continuar").click()
    page.wait_for_url("**/inscripcion/responsabilidades/")
    page.get_by_label("05 Impuesto sobre la renta").check()
    page.get_by_label("49 No responsable de IVA").check()
    site.check(page, "inscripcion-4-responsabilidades")
    page.get_by_role("button", name="Guardar y continuar").click()

    page.wait_for_url("**/inscripcion/confirmar/")
    assert "MEDELLÍN" in page.content() and "6201" in page.content()
    site.check(page, "inscripcion-5-confirmar")
    page.get_by_label("Declaro que los datos son verdaderos").check()
    page.get_by_role("button", name="Enviar inscripción").click()

    page.wait_for_url("**/inscripcion/resultado/")
    assert "1.020.304.050-" in page.locator(".nit--big").inner_text()
    site.check(page, "inscripcion-resultado")
    pdf = page.context.request.get(
        page.get_by_role("link", name="Descargar el RUT (PDF)").get_attribute("href")
    )
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    page.goto("/mi-rut/")
    site.check(page, "inicio-con-rut")
    account = CitizenAccount.objects.get(document_number="1020304050")
    assert account.registrant.seccional_id == "11"  # Medellín


def test_recovery_by_document_and_code_sets_a_new_password(site):
    make_account("52123456", "luis@example.co")
    page = site.page()
    page.goto("/mi-rut/ingresar/")
    page.get_by_role("link", name="Olvidé mi contraseña").click()
    page.get_by_label("Número de documento").fill("52123456")
    site.check(page, "recuperar")
    page.get_by_role("button", name="Enviar código").click()
    page.wait_for_url("**/recuperar/codigo/")
    page.get_by_label("Código").fill(last_code("luis@example.co"))
    page.get_by_role("button", name="Continuar").click()
    page.get_by_label("Nueva contraseña").fill("una frase distinta y bastante larga")
    page.get_by_label("Repita la contraseña").fill("una frase distinta y bastante larga")
    page.get_by_role("button", name="Guardar contraseña").click()

    page.wait_for_url("**/mi-rut/")
    assert "Cambió su contraseña" in page.content()
    assert "acaba de cambiar" in mail.outbox[-1].body


def test_the_fifth_wrong_code_blocks_it(site):
    accounts.sign_up(
        accounts.SignUpData("13", "80111222", "Eva", "Mora", "eva@example.co", "3001112233"),
        ip_address="127.0.0.1",
    )
    right = last_code("eva@example.co")
    wrong = "QWERTY" if right != "QWERTY" else "ASDFGH"
    page = site.page()
    page.goto("/mi-rut/activar/")
    page.get_by_label("Número de documento").fill("80111222")
    for attempt in range(1, 6):
        page.get_by_label("Código").fill(wrong)
        page.get_by_role("button", name="Activar").click()
        if attempt == 1:
            assert "Le quedan 4 intentos" in page.content()
            site.check(page, "activar-error")
    assert "quedó bloqueado" in page.content()
    page.get_by_label("Código").fill(right)
    page.get_by_role("button", name="Activar").click()
    assert "bloqueado" in page.content()
    assert not CitizenAccount.objects.get(document_number="80111222").is_activated


def test_an_update_of_contact_data_signed_with_a_code(site):
    account = make_account("79555444", "pedro@example.co")
    registrant = make_natural(document_number="79555444", email="pedro@example.co")
    page = site.page()
    sign_in(page, "79555444")
    page.get_by_role("link", name="Actualizar el RUT").click()
    site.check(page, "actualizar")
    page.get_by_role("link", name="Correo y teléfonos").click()
    page.get_by_label("Teléfono 1").fill("6017654321")
    page.get_by_label("Fecha del hecho que origina la actualización").fill(str(TODAY))
    site.check(page, "actualizar-contacto")
    page.get_by_role("button", name="Continuar a la firma").click()
    page.wait_for_url("**/firmar/*/")
    site.check(page, "firmar")
    page.get_by_label("Código").fill(last_code("pedro@example.co"))
    page.get_by_role("button", name="Firmar y radicar").click()

    page.wait_for_url("**/tramites/*/")
    assert page.locator("[data-case-state]").get_attribute("data-case-state") == "closed"
    site.check(page, "tramite-actualizacion")
    registrant.refresh_from_db()
    assert registrant.phone_1 == "6017654321"
    assert account.pk


def test_a_cancellation_request_followed_to_its_decision(site, official, director, tmp_path):
    make_account("79666777", "rosa@example.co")
    registrant = make_natural(document_number="79666777", email="rosa@example.co")
    support = tmp_path / "sentencia.pdf"
    support.write_bytes(b"%PDF-1.4\n% sentencia que ordena cancelar el RUT\n")
    page = site.page()
    sign_in(page, "79666777")
    page.get_by_role("link", name="Cancelar el RUT").click()
    page.get_by_label("Causal de cancelación").select_option("foreign_investment_ended")
    page.get_by_label("Explique los hechos").fill("Cancelé definitivamente mi inversión.")
    page.get_by_label("Fecha del hecho").fill("2026-01-15")
    page.get_by_label("Tipo de soporte").select_option("other")
    page.get_by_label("Soporte", exact=True).set_input_files(str(support))
    site.check(page, "cancelacion")
    page.get_by_role("button", name="Continuar a la firma").click()
    page.get_by_label("Código").fill(last_code("rosa@example.co"))
    page.get_by_role("button", name="Firmar y radicar").click()
    page.wait_for_url("**/tramites/*/")
    assert page.locator("[data-case-state]").get_attribute("data-case-state") == "received"

    # The officials of the seccional process it, as they would in the admin.
    case = Case.objects.get(registrant=registrant, case_type=CaseType.CANCELLATION_ON_REQUEST)
    case = check_requirements(case, by=official, met=True)
    case = decide_jurisdiction(case, by=official)
    case = submit_for_approval(case, by=official)
    case = approve_cancellation(case, by=director)
    communicate_decision(case, by=official)

    page.reload()
    assert page.locator("[data-case-state]").get_attribute("data-case-state") == "communicated"
    assert page.locator("[data-case-decision]").get_attribute("data-case-decision") == "granted"
    site.check(page, "tramite-cancelacion-decidido")
    page.get_by_role("link", name="Notificaciones").click()
    assert case.number in page.content()
    site.check(page, "notificaciones")
    letter = page.get_by_role("link", name="Descargar la comunicación (PDF)").first
    pdf = page.context.request.get(letter.get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")


def test_an_appointment_booked_until_the_quota_is_full(site):
    day = next_business_day(next_business_day(datetime.now(ZoneInfo("America/Bogota")).date()))
    appointments.open_day("32", day, times=(time(9, 0), time(9, 30)), capacity=1)
    first = make_account("10101010", "uno@example.co")
    early = Slot.objects.filter(seccional_id="32").order_by("starts_at").first()  # 9:00
    appointments.book(first, slot_id=early.pk, reason=AppointmentReason.TECHNICAL_FAILURE)
    make_account("20202020", "dos@example.co")

    page = site.page()
    sign_in(page, "20202020")
    page.goto(
        f"/mi-rut/citas/nueva/?motivo=identification&seccional=32&reason=identification&day={day:%Y-%m-%d}"
    )
    assert "reservadas: 1" in page.content()
    site.check(page, "cita-nueva")
    page.get_by_label("09:30").check()
    page.get_by_role("button", name="Reservar").click()

    page.wait_for_url("**/mi-rut/citas/**")
    assert "Reservó su cita" in page.content()
    site.check(page, "citas")
    assert Appointment.objects.filter(slot__starts_at__date=day).count() == 2
    assert "Enlace de la videollamada" in mail.outbox[-1].body
    page.goto(f"/mi-rut/citas/nueva/?seccional=32&reason=identification&day={day:%Y-%m-%d}")
    assert page.get_by_label("09:00").is_disabled() and page.get_by_label("09:30").is_disabled()
    assert "reservadas: 2" in page.content()
