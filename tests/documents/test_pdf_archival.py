"""Every document is PDF/A-3b and tagged, as poppler (independent of WeasyPrint) reads it.

No PDF/A validator installs from the package registries here (veraPDF is neither in Debian nor
on PyPI), so the checks are those a validator starts with: the XMP identification, the output
intent, embedded fonts, the structure tree and its language, a file identifier.
"""

import io
import subprocess
from typing import Any

import pytest
from pypdf import PdfReader

from documents.rendering import html_to_pdf
from documents.services import formulario_001_pdf
from tests.factories import make_natural

pytestmark = pytest.mark.django_db


@pytest.fixture
def form_pdf(official):
    registrant = make_natural(by=official)
    document = formulario_001_pdf(registrant.form_versions.latest("version"), copy=False)
    return document.file.path


def _poppler(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_the_formulario_declares_pdf_a_3b_in_its_xmp_metadata(form_pdf) -> None:
    xmp = _poppler("pdfinfo", "-meta", form_pdf)

    assert 'pdfaid:part="3"' in xmp or "<pdfaid:part>3</pdfaid:part>" in xmp
    assert 'pdfaid:conformance="B"' in xmp or "<pdfaid:conformance>B" in xmp


def test_the_formulario_is_tagged_for_screen_readers_in_spanish(form_pdf) -> None:
    info = _poppler("pdfinfo", form_pdf)

    assert "Tagged:          yes" in info
    root = PdfReader(form_pdf).root_object
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]).lower().startswith("es")


def test_every_font_is_embedded_and_the_output_intent_is_srgb(form_pdf) -> None:
    fonts = _poppler("pdffonts", form_pdf).splitlines()[2:]

    assert fonts
    assert all(line.split()[-5] == "yes" for line in fonts)  # the "emb" column
    root: Any = PdfReader(form_pdf).root_object
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"


def test_the_file_has_an_identifier_and_the_same_content_gives_the_same_bytes() -> None:

    html = "<html lang='es-CO'><head><title>Prueba</title></head><body><p>Hola</p></body></html>"
    first, second = html_to_pdf(html).content, html_to_pdf(html).content

    assert first == second
    assert "/ID" in PdfReader(io.BytesIO(first)).trailer
