import base64
import io
import re
from urllib.parse import urlsplit

import pytest
import qrcode
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation
from PIL import Image
from pypdf import PdfReader

from documents.contexts import formulario_001_spec
from documents.rendering import render_pdf
from documents.selectors import verify_document
from documents.services import (
    _document_context,
    cancellation_resolution_pdf,
    communication_pdf,
    content_key,
    formulario_001_pdf,
    official_format_pdf,
)
from portal import shells
from portal.verification.views import VERIFICATION_PART
from registry.services.states import change_state
from tests.documents.conftest import pdf_text
from tests.factories import make_natural

pytestmark = pytest.mark.django_db


@pytest.fixture
def registrant(official):
    return make_natural(by=official, first_name="MARÍA", other_names="", first_surname="LÓPEZ")


@pytest.fixture
def document(registrant):
    return formulario_001_pdf(registrant.form_versions.latest("version"), copy=True)


def _qr_matrix(data_uri: str, modules: int) -> list[list[bool]]:
    """Read back the modules of our QR PNG: the colour at the centre of each module's square."""
    assert data_uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(data_uri.split(",", 1)[1]))).convert("L")
    assert image.width == image.height and image.width % modules == 0
    step = image.width // modules

    def dark(x: int, y: int) -> bool:
        grey = image.getpixel((x * step + step // 2, y * step + step // 2))
        assert isinstance(grey, int)  # mode L: one grey level a pixel
        return grey < 128

    return [[dark(x, y) for x in range(modules)] for y in range(modules)]


def test_the_qr_leads_to_the_verification_page_of_that_document(client, registrant, document):
    spec = formulario_001_spec(registrant.form_versions.latest("version"), copy=True)
    doc = _document_context(spec, document.code)
    expected = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    expected.add_data(doc["verify_url"])
    expected.make(fit=True)
    matrix = expected.get_matrix()
    assert _qr_matrix(doc["qr"], len(matrix)) == matrix  # the QR encodes verify_url
    with document.file.open("rb") as handle:
        assert len(PdfReader(io.BytesIO(handle.read())).pages[0].images) == 1  # and is printed
    assert doc["verify_url"] in pdf_text(document)  # and the footer prints it too
    assert content_key(spec) == document.content_key

    response = client.get(urlsplit(doc["verify_url"]).path)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Documento auténtico" in page
    assert document.number in page and registrant.formatted_nit in page
    assert "MARÍA LÓPEZ" in page and "Activo" in page
    assert document.issued_on.strftime("%d/%m/%Y") in page


def test_the_verification_page_shows_nothing_reserved(client, registrant, document):
    page = client.get(reverse("documents:verify", args=[document.code])).content.decode()

    for reserved in (registrant.address, registrant.email, registrant.phone_1):
        assert reserved not in page
    # The activity code as a word (the page's SHA-256 may contain the digits by chance).
    assert not re.search(r"\b6201\b", page)


def test_the_verification_page_reads_no_file(client, document, monkeypatch):
    def no_file_read(*args, **kwargs):
        raise AssertionError("the verification page opened a stored file")

    monkeypatch.setattr(default_storage, "open", no_file_read)
    monkeypatch.setattr(default_storage, "exists", no_file_read)

    response = client.get(reverse("documents:verify", args=[document.code]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Documento auténtico" in page
    assert document.sha256 in page  # recorded at render time, to compare with one's copy


def test_an_altered_file_is_flagged_where_it_would_be_served(client, official, document):
    with default_storage.open(document.file.name, "wb") as handle:
        handle.write(document.file.open("rb").read().replace(b"%%EOF", b"%%EOF\n% x"))
    document.file.close()
    client.force_login(official)

    response = client.get(reverse("documents:download", args=[document.code]))

    assert verify_document(document).integrity == "altered"
    assert response.status_code == 409
    assert "el archivo fue alterado" in response.content.decode()
    assert "Documento auténtico" not in response.content.decode()


def test_a_missing_file_is_flagged_where_it_would_be_served(client, official, document):
    default_storage.delete(document.file.name)
    client.force_login(official)

    response = client.get(reverse("documents:download", args=[document.code]))

    assert verify_document(document).integrity == "missing"
    assert response.status_code == 409
    assert "El archivo no está disponible" in response.content.decode()


def test_an_unknown_code_is_a_clear_404(client):
    response = client.get(reverse("documents:verify", args=["ZZZZZZZZZZZZ"]))

    assert response.status_code == 404
    assert "Documento no encontrado" in response.content.decode()
    assert client.get("/documentos/verificar/no-es-un-codigo/").status_code == 404


def test_a_typed_code_is_normalised_and_redirected(client, document):
    typed = f" {document.code_display.lower().replace('1', 'l')} "

    response = client.get(reverse("documents:verify_form"), {"codigo": typed})

    assert response.status_code == 302
    assert response["Location"] == reverse("documents:verify", args=[document.code])


def test_a_malformed_typed_code_shows_the_error_by_the_field(client):
    response = client.get(reverse("documents:verify_form"), {"codigo": "ABC"})

    assert response.status_code == 200
    assert "El código tiene 12 letras y números" in response.content.decode()


def test_rendering_again_reproduces_the_stored_file_byte_for_byte(document, registrant):
    spec = formulario_001_spec(registrant.form_versions.latest("version"), copy=True)
    rendered = render_pdf(
        spec.template, {**spec.context, "doc": _document_context(spec, document.code)}
    )
    assert rendered.content == document.file.open("rb").read()


def test_art_19_the_verification_page_also_shows_the_ruts_state_today(client, registrant, document):
    change_state(registrant, transition_name="suspend", by=None, reason="Orden judicial")

    page = client.get(reverse("documents:verify", args=[document.code])).content.decode()

    assert "Estado actual del RUT" in page
    assert "Este documento muestra el estado a la fecha de expedición (Activo)" in page
    assert "hoy el RUT está en estado «Suspendido»" in page


def test_documents_of_a_case_show_the_ruts_state_today_whatever_their_source(
    client, judicial_cancellation
):
    case = judicial_cancellation
    documents = {
        "case": cancellation_resolution_pdf(case),
        "communication": communication_pdf(case.communications.first()),
        "official format": official_format_pdf(case.formats.first()),
    }

    for source, document in documents.items():
        page = client.get(reverse("documents:verify", args=[document.code])).content.decode()
        assert "<dd data-current-state>Cancelado</dd>" in page, source


def test_the_verification_pages_frame_and_labels_are_rendered_once_and_the_facts_every_time(
    client, registrant, document
):
    shells._frames.clear()  # as in a new process
    shells._parts.clear()
    url = reverse("documents:verify", args=[document.code])

    first = client.get(url)
    change_state(registrant, transition_name="suspend", by=None, reason="Orden judicial")
    again = client.get(url)

    assert {"documents/verify.html", "documents/_verification.html"} <= {
        t.name for t in first.templates
    }
    assert again.templates == []
    html = again.content.decode()
    assert html.count("<title>Verificación de documento · Portal RUT</title>") == 1
    assert "<dd data-current-state>Suspendido</dd>" in html
    assert "hoy el RUT está en estado «Suspendido»" in html
    assert "<dd data-current-state>Activo</dd>" in first.content.decode()
    assert document.sha256 in html


def test_another_document_shows_its_own_facts_in_the_labels_kept(client, official, document):
    other = formulario_001_pdf(
        make_natural(by=official, first_name="PEDRO", first_surname="RUIZ").form_versions.latest(
            "version"
        ),
        copy=True,
    )
    client.get(reverse("documents:verify", args=[document.code]))

    response = client.get(reverse("documents:verify", args=[other.code]))

    assert response.templates == []
    html = response.content.decode()
    assert other.name in html and other.nit in html and other.sha256 in html
    assert document.name not in html and document.sha256 not in html
    assert f"<dd>{other.issued_on:%d/%m/%Y}</dd>" in html


def _part_values(document, **changed: str) -> dict[str, str]:
    values = {
        "kind": "Formulario 001",
        "number": document.number,
        "nit": document.nit,
        "name": document.name,
        "state_label": document.state_label,
        "current_state": "",
        "issued_on": "03/12/2026",
        "validity": "",
        "code_display": document.code_display,
        "sha256": document.sha256,
        "download_url": "",
    }
    return {**values, **changed}


def test_the_facts_are_escaped_in_the_labels_kept(document):
    part = VERIFICATION_PART.render(
        {"integrity": ""}, _part_values(document, name="<b>A & B</b>", current_state="<i>")
    )

    assert "<dd>&lt;b&gt;A &amp; B&lt;/b&gt;</dd>" in part
    assert "hoy el RUT está en estado «&lt;i&gt;»" in part
    assert "<b>" not in part and "\x00" not in part


def test_an_empty_fact_is_shown_as_a_dash_and_a_present_one_again_after_it(document):
    without_nit = VERIFICATION_PART.render({"integrity": ""}, _part_values(document, nit=""))
    with_nit = VERIFICATION_PART.render({"integrity": ""}, _part_values(document))

    assert '<dd class="nit">—</dd>' in without_nit
    assert f'<dd class="nit">{document.nit}</dd>' in with_nit


def test_each_language_gets_its_own_part(document):
    shells._parts.clear()

    with translation.override("es-co"):
        VERIFICATION_PART.render({"integrity": ""}, _part_values(document))
    with translation.override("en"):
        VERIFICATION_PART.render({"integrity": ""}, _part_values(document))

    assert {key[1] for key in shells._parts} == {"es-co", "en"}
