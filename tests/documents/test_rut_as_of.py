"""The RUT as it stood on a date: the version then in force, its period, its own code and QR."""

from __future__ import annotations

import io
import subprocess
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import qrcode
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from documents.models import StoredDocument
from documents.services import formulario_001_pdf, rut_as_of_pdf, verification_url
from registry.models import DataAccessLog
from registry.services.registration import formalize_registration, pre_register
from registry.services.updates import update_registrant
from registry.validation import data_from_registrant
from rut_portal.errors import DomainError
from tests.clock import TODAY, morning
from tests.documents.conftest import ink_ratio, page_1_png
from tests.factories import natural_data

pytestmark = pytest.mark.django_db

V1_ON, V2_ON, V3_ON = (
    TODAY - timedelta(days=100),
    TODAY - timedelta(days=60),
    TODAY - timedelta(days=20),
)


def _update_address(registrant, official, address):
    data = data_from_registrant(registrant)
    data.address = address
    return update_registrant(
        registrant, by=official, data=data, expected_revision=registrant.revision
    )


@pytest.fixture
def registrant(official, clock):
    """Three versions of Formulario 001: pre-inscripción at V1_ON, inscripción (NIT) at V2_ON,
    and at V3_ON an actualización of the address."""
    clock.move_to(morning(V1_ON))
    person = pre_register(
        natural_data(first_name="MARÍA", other_names="", address="CL 1 1 1"), by=official
    )
    clock.move_to(morning(V2_ON))
    person = formalize_registration(person, by=official)
    clock.move_to(morning(V3_ON))
    person = _update_address(person, official, "CL 3 3 3")
    clock.move_to(morning(TODAY))
    assert list(person.form_versions.values_list("version", flat=True)) == [1, 2, 3]
    return person


def pdftotext(document: StoredDocument) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", document.file.path, "-"], check=True, capture_output=True
    )
    return " ".join(out.stdout.decode().split())


def _qr_image_matrix(document: StoredDocument, modules: int) -> list[list[bool]]:
    with document.file.open("rb") as handle:
        [image] = PdfReader(io.BytesIO(handle.read())).pages[0].images
    picture = Image.open(io.BytesIO(image.data)).convert("L")
    step = picture.width // modules

    def dark(x: int, y: int) -> bool:
        value = picture.getpixel((x * step + step // 2, y * step + step // 2))
        assert isinstance(value, int)  # a greyscale ("L") pixel
        return value < 128

    return [[dark(x, y) for x in range(modules)] for y in range(modules)]


def test_a_day_in_the_second_versions_period_certifies_the_second_version(registrant):
    day = V2_ON + timedelta(days=10)

    document = rut_as_of_pdf(registrant, on=day, today=TODAY)

    text = pdftotext(document)
    assert document.kind == StoredDocument.Kind.RUT_AS_OF
    assert document.form_version == registrant.form_versions.get(version=2)
    assert "CL 1 1 1" in text and "CL 3 3 3" not in text
    assert "Inscripción" in text and "Sin validez" not in text
    assert registrant.nit in text.replace(".", "")
    until = V3_ON - timedelta(days=1)
    validity = f"Vigente del {V2_ON:%d/%m/%Y} al {until:%d/%m/%Y}"
    assert validity.upper() in text.upper()
    assert f"RUT al {day:%d/%m/%Y}" in text
    assert document.validity == validity
    assert document.issued_on == TODAY


def test_the_day_a_version_was_issued_already_shows_it(registrant):
    document = rut_as_of_pdf(registrant, on=V2_ON, today=TODAY)

    assert document.form_version.version == 2


def test_the_current_version_is_in_force_to_the_issue_date(registrant):
    document = rut_as_of_pdf(registrant, on=TODAY, today=TODAY)

    assert document.form_version.version == 3
    assert document.validity == (
        f"Vigente del {V3_ON:%d/%m/%Y} a la fecha de expedición ({TODAY:%d/%m/%Y})"
    )


def test_the_first_version_runs_to_the_day_before_the_second(registrant):
    document = rut_as_of_pdf(registrant, on=V1_ON, today=TODAY)

    assert document.validity.endswith(f"al {V2_ON - timedelta(days=1):%d/%m/%Y}")
    assert "00 Pre-inscripción" in pdftotext(document)


def test_a_day_before_the_inscription_is_refused_with_the_first_date(registrant):
    with pytest.raises(DomainError) as refused:
        rut_as_of_pdf(registrant, on=V1_ON - timedelta(days=1), today=TODAY)

    assert refused.value.message == (
        f"El {V1_ON - timedelta(days=1):%d/%m/%Y} este RUT aún no tenía Formulario 001. "
        f"El primero es del {V1_ON:%d/%m/%Y}."
    )
    assert not StoredDocument.objects.exists()


def test_a_future_day_is_refused(registrant):
    with pytest.raises(DomainError, match="Elija la fecha de hoy o una fecha pasada."):
        rut_as_of_pdf(registrant, on=TODAY + timedelta(days=1), today=TODAY)


def test_it_has_its_own_code_and_its_qr_verifies_it(client, registrant):
    copy = formulario_001_pdf(registrant.form_versions.get(version=2), copy=True)
    document = rut_as_of_pdf(registrant, on=V2_ON + timedelta(days=1), today=TODAY)
    again = rut_as_of_pdf(registrant, on=V2_ON + timedelta(days=1), today=TODAY)
    other_day = rut_as_of_pdf(registrant, on=V2_ON + timedelta(days=2), today=TODAY)

    assert document == again  # rendered once per content
    assert len({copy.code, document.code, other_day.code}) == 3
    url = verification_url(document.code)
    expected = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    expected.add_data(url)
    expected.make(fit=True)
    matrix = expected.get_matrix()
    assert _qr_image_matrix(document, len(matrix)) == matrix  # the printed QR encodes url

    page = client.get(urlsplit(url).path).content.decode()

    assert "Documento auténtico" in page
    assert "Certificado del RUT en una fecha" in page
    assert document.validity in page


def test_page_1_is_drawn(registrant, tmp_path):
    document = rut_as_of_pdf(registrant, on=V2_ON, today=TODAY)

    assert document.pages >= 1
    assert ink_ratio(page_1_png(document, tmp_path)) > 0.02


# --- the citizen's page --------------------------------------------------------------------------


@pytest.fixture
def citizen_client(client, registrant, django_user_model):
    """A signed-in citizen whose account is linked to the registrant (only the state matters)."""
    from django.utils import timezone

    from portal.models import CitizenAccount
    from portal.views.common import SIGNED_IN_AT

    user = django_user_model.objects.create_user(username="maria", password="x")
    CitizenAccount.objects.create(
        user=user,
        document_type_id="13",
        document_number=registrant.document_number,
        first_name="María",
        last_name="Pérez",
        email="maria@example.co",
        mobile="3001234567",
        email_confirmed_at=timezone.now(),
        registrant=registrant,
    )
    client.force_login(user)
    session = client.session
    session[SIGNED_IN_AT] = int(timezone.now().timestamp())
    session.save()
    return client


def test_the_citizen_downloads_their_rut_on_a_date(citizen_client, registrant):
    url = reverse("portal:rut_as_of")

    response = citizen_client.get(url, {"fecha": (V2_ON + timedelta(days=5)).isoformat()})

    assert response["Content-Type"] == "application/pdf"
    document = StoredDocument.objects.get(kind=StoredDocument.Kind.RUT_AS_OF)
    assert document.form_version.version == 2
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_citizen_sees_why_a_date_is_refused(citizen_client):
    response = citizen_client.get(
        reverse("portal:rut_as_of"), {"fecha": (TODAY + timedelta(days=3)).isoformat()}
    )

    assert response.status_code == 200
    assert "Elija la fecha de hoy o una fecha pasada." in response.content.decode()


# --- the official's page -------------------------------------------------------------------------


def test_an_official_of_the_seccional_draws_it_and_the_view_is_logged(client, official, registrant):
    client.force_login(official)
    url = reverse("documents:official_rut_as_of", args=[registrant.pk])

    form = client.get(url)
    response = client.get(url, {"fecha": V1_ON.isoformat()})

    assert "RUT en una fecha" in form.content.decode()
    assert response["Content-Type"] == "application/pdf"
    [entry] = DataAccessLog.objects.filter(registrant=registrant)
    assert entry.user == official
    assert entry.what == f"Certificado del RUT al {V1_ON:%d/%m/%Y}"


def test_an_official_of_another_seccional_is_refused(
    client, official_of_other_seccional, registrant
):
    client.force_login(official_of_other_seccional)

    response = client.get(
        reverse("documents:official_rut_as_of", args=[registrant.pk]), {"fecha": V1_ON.isoformat()}
    )

    assert response.status_code == 403
    assert "no puede consultar sus datos" in response.content.decode()
    assert not DataAccessLog.objects.exists()
    assert not StoredDocument.objects.exists()


def test_a_citizen_session_is_sent_to_the_admin_login(client, citizen, registrant):
    client.force_login(citizen)

    response = client.get(reverse("documents:official_rut_as_of", args=[registrant.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_registrant_page_links_to_it(client, official, registrant):
    client.force_login(official)

    page = client.get(reverse("admin:registry_registrant_change", args=[registrant.pk]))

    assert reverse("documents:official_rut_as_of", args=[registrant.pk]) in page.content.decode()
