"""Mi RUT's privacy and health pages end to end in headless Chromium.

- an official opens the record in the admin and the citizen sees that view appear in
  '¿Quién consultó mis datos?' (with the seccional, never the official's name);
- the 'Salud de mi RUT' panel shows a missing-email warning, and its one-click fix, signed with
  the emailed code, clears it;
- the certificate of the RUT on a past date of a record with three versions prints the version
  then in force, and its QR leads to the verification page that vouches for it.
"""

from __future__ import annotations

import io
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import qrcode
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from pypdf import PdfReader

from registry.services.registration import formalize_registration, pre_register
from registry.services.updates import update_registrant
from registry.validation import data_from_registrant
from tests.browser.test_portal_journeys import last_code, make_account, sign_in
from tests.clock import TODAY, morning
from tests.factories import make_natural, natural_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SERIOUS = ("serious", "critical")


def _accessible(page: Any) -> None:
    """No serious or critical axe-core violation, as the other portal journeys check."""
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    assert not serious, results.generate_report()


def _admin_log_in(open_page: Any, user: Any, path: str) -> Any:
    page = open_page(f"/admin/login/?next={path}")
    page.get_by_label("Nombre de usuario").fill(user.username)
    page.get_by_label("Contraseña").fill("x")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(f"**{path}")
    return page


def _citizen(open_page: Any, number: str) -> Any:
    page = open_page("/mi-rut/ingresar/")
    sign_in(page, number)
    return page


def _update(registrant: Any, by: Any, **values: Any) -> Any:
    data = data_from_registrant(registrant)
    for name, value in values.items():
        setattr(data, name, value)
    return update_registrant(registrant, by=by, data=data, expected_revision=registrant.revision)


def test_a_citizen_sees_an_officials_view_of_their_record(open_page, screenshot, official):
    make_account("79111222", "lucia@example.co")
    registrant = make_natural(document_number="79111222", email="lucia@example.co")
    citizen = _citizen(open_page, "79111222")
    citizen.get_by_role("link", name="¿Quién consultó mis datos?").click()
    citizen.wait_for_url("**/mi-rut/consultas/")
    assert "Nadie ha consultado sus datos personales." in citizen.content()

    admin = _admin_log_in(
        open_page, official, f"/admin/registry/registrant/{registrant.pk}/change/"
    )
    assert registrant.nit in admin.content().replace(".", "")

    citizen.reload()
    row = citizen.get_by_test_id("consultations").locator("tbody tr").first
    assert row.get_attribute("data-source") == "official"
    text = row.inner_text()
    assert "DIAN – Dirección Seccional de Impuestos de Bogotá" in text
    assert "Ficha del inscrito" in text
    assert official.first_name not in citizen.content()
    assert official.last_name not in citizen.content()
    screenshot(citizen, "portal-consultas")
    _accessible(citizen)
    csv = citizen.context.request.get("/mi-rut/consultas/?formato=csv")
    assert csv.ok and "Dirección Seccional de Impuestos de Bogotá" in csv.text()


def test_the_health_panel_shows_and_clears_a_missing_email_warning(open_page, screenshot, official):
    make_account("79333444", "jorge@example.co")
    # Simplified regime: the only natural persons who may be left without email (art. 4 par. 1).
    registrant = make_natural(
        document_number="79333444", email="jorge@example.co", responsibilities=["05", "49"]
    )
    page = _citizen(open_page, "79333444")  # signing in links the RUT: same email
    assert page.locator('[data-check="ok"]').count() == 1
    _update(registrant, official, email="")  # an official's update left the RUT without email

    page.reload()
    warning = page.locator('[data-check="email"]')
    assert warning.count() == 1
    assert "Su RUT no tiene un correo electrónico confirmado" in warning.inner_text()
    screenshot(page, "portal-salud-correo")
    _accessible(page)
    warning.get_by_role("button", name="Registrar jorge@example.co en el RUT").click()
    page.wait_for_url("**/firmar/*/")
    page.get_by_label("Código").fill(last_code("jorge@example.co"))
    page.get_by_role("button", name="Firmar y radicar").click()
    page.wait_for_url("**/tramites/*/")

    page.goto("/mi-rut/")
    assert page.locator('[data-check="email"]').count() == 0
    assert page.locator('[data-check="ok"]').count() == 1
    registrant.refresh_from_db()
    assert registrant.email == "jorge@example.co"
    screenshot(page, "portal-salud-en-orden")


def _qr_modules(pdf: bytes, modules: int) -> list[list[bool]]:
    [image] = PdfReader(io.BytesIO(pdf)).pages[0].images
    picture = Image.open(io.BytesIO(image.data)).convert("L")
    step = picture.width // modules

    def dark(x: int, y: int) -> bool:
        grey = picture.getpixel((x * step + step // 2, y * step + step // 2))
        assert isinstance(grey, int)
        return grey < 128

    return [[dark(x, y) for x in range(modules)] for y in range(modules)]


def test_a_past_date_certificate_shows_the_version_then_in_force_and_verifies_by_its_qr(
    open_page, screenshot, official, clock, tmp_path: Path
):
    v1_on, v2_on, v3_on = (TODAY - timedelta(days=d) for d in (90, 50, 10))
    clock.move_to(morning(v1_on))
    registrant = pre_register(
        natural_data(document_number="79555666", email="sara@example.co", address="CL 1 1 1"),
        by=official,
    )
    clock.move_to(morning(v2_on))
    registrant = formalize_registration(registrant, by=official)
    clock.move_to(morning(v3_on))
    _update(registrant, official, address="CL 3 3 3")
    clock.move_to(morning(TODAY))
    assert registrant.form_versions.count() == 3
    make_account("79555666", "sara@example.co")

    page = _citizen(open_page, "79555666")
    page.get_by_role("link", name="Mi RUT en una fecha").click()
    day = v2_on + timedelta(days=7)
    page.get_by_label("Fecha").fill(day.isoformat())
    screenshot(page, "portal-rut-en-una-fecha")
    _accessible(page)
    with page.expect_response(lambda r: "fecha=" in r.url) as answer:
        page.get_by_role("button", name="Descargar el certificado (PDF)").click()
    assert answer.value.headers["content-type"] == "application/pdf"
    # Chromium shows the PDF in its viewer; fetch the same address with the same session.
    fetched = page.context.request.get(answer.value.url)
    assert fetched.ok
    path = tmp_path / "rut.pdf"
    path.write_bytes(fetched.body())
    pdf = path.read_bytes()

    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    printed = " ".join(text.stdout.decode().split())
    until = v3_on - timedelta(days=1)
    assert f"VIGENTE DEL {v2_on:%d/%m/%Y} AL {until:%d/%m/%Y}" in printed
    assert f"RUT al {day:%d/%m/%Y}" in printed
    assert "01 Inscripción" in printed and "CL 1 1 1" in printed and "CL 3 3 3" not in printed
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(path),
            str(tmp_path / "p1"),
        ],
        check=True,
    )
    screenshot_dir = Path(__file__).resolve().parent / "screenshots"
    screenshot_dir.mkdir(exist_ok=True)
    (screenshot_dir / "pdf-rut-en-una-fecha.png").write_bytes((tmp_path / "p1.png").read_bytes())

    # The QR: the URL printed in the footer, and the printed QR must encode exactly that URL.
    verify_url = next(
        w for w in printed.split() if "/documentos/verificar/" in w and w.count("/") > 5
    )
    expected = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    expected.add_data(verify_url)
    expected.make(fit=True)
    matrix = expected.get_matrix()
    assert _qr_modules(pdf, len(matrix)) == matrix

    page.goto(urlsplit(verify_url).path)
    body = page.content()
    assert "Documento auténtico" in body
    assert "Certificado del RUT en una fecha" in body
    assert page.get_by_test_id("validity").inner_text() == (
        f"Vigente del {v2_on:%d/%m/%Y} al {until:%d/%m/%Y}"
    )
    screenshot(page, "portal-verificar-rut-en-una-fecha")

    # An official of the seccional draws the RUT on the first version's day from the admin...
    record = f"/admin/registry/registrant/{registrant.pk}/change/"
    admin = _admin_log_in(open_page, official, record)
    admin.get_by_role("link", name="RUT en una fecha").click()
    admin.get_by_label("Fecha").fill(v1_on.isoformat())
    with admin.expect_response(lambda r: "fecha=" in r.url) as drawn:
        admin.get_by_role("button", name="Generar el certificado (PDF)").click()
    assert drawn.value.headers["content-type"] == "application/pdf"
    # ...and the citizen sees that consultation.
    page.goto("/mi-rut/consultas/")
    assert (
        f"Certificado del RUT al {v1_on:%d/%m/%Y}"
        in page.get_by_test_id("consultations").inner_text()
    )
