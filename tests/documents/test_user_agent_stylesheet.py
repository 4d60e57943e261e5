"""Our small user-agent stylesheet must change how fast documents render, never how they look."""

import io
import subprocess

import pytest
import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from PIL import Image, ImageChops
from pypdf import PdfReader
from weasyprint.text.fonts import FontConfiguration

from documents import rendering
from documents.codes import verification_code
from documents.contexts import (
    cancellation_resolution_spec,
    communication_spec,
    formulario_001_spec,
    official_format_spec,
)
from documents.fetcher import StaticOnlyFetcher, static_base_url, static_root
from documents.services import _document_context, content_key
from procedures.models import OfficialFormat
from tests.factories import make_natural

pytestmark = pytest.mark.django_db


def _html(spec):
    context = {**spec.context, "doc": _document_context(spec, verification_code(content_key(spec)))}
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(f"{rendering.PDF_TEMPLATE_DIR}/{spec.template}", context)


def _with_full_user_agent_stylesheet(html):
    """The same document through plain weasyprint.HTML, WeasyPrint's own HTML defaults."""
    fetcher, fonts = StaticOnlyFetcher(), FontConfiguration()
    stylesheet = weasyprint.CSS(
        filename=str(static_root() / rendering.STYLESHEET), url_fetcher=fetcher, font_config=fonts
    )
    return weasyprint.HTML(string=html, base_url=static_base_url(), url_fetcher=fetcher).write_pdf(
        stylesheets=[stylesheet], font_config=fonts, pdf_identifier=False
    )


def _pages(pdf, tmp_path, name):
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", path, tmp_path / name], check=True)
    return [Image.open(p).convert("RGB") for p in sorted(tmp_path.glob(f"{name}-*.png"))]


def _outline(pdf):
    return [item.title for item in PdfReader(io.BytesIO(pdf)).outline if not isinstance(item, list)]


def test_every_document_looks_the_same_as_with_weasyprints_own_defaults(
    official, full_legal_version, judicial_cancellation, special_cancellation, tmp_path
):
    formats = {f.kind: f for f in [*judicial_cancellation.formats.all()]}
    specs = {
        "persona_natural": formulario_001_spec(
            make_natural(by=official).form_versions.latest("version"), copy=False
        ),
        "sociedad": formulario_001_spec(full_legal_version, copy=True),
        "formato_1767": official_format_spec(formats[OfficialFormat.Kind.F1767]),
        "formato_1529": official_format_spec(formats[OfficialFormat.Kind.F1529]),
        "formato_1271": official_format_spec(
            special_cancellation.formats.get(kind=OfficialFormat.Kind.F1271)
        ),
        "communication": communication_spec(judicial_cancellation.communications.first()),
        "resolution": cancellation_resolution_spec(judicial_cancellation),
    }

    for name, spec in specs.items():
        html = _html(spec)
        ours = rendering.html_to_pdf(html).content
        reference = _with_full_user_agent_stylesheet(html)

        ours_pages = _pages(ours, tmp_path, f"{name}-ours")
        reference_pages = _pages(reference, tmp_path, f"{name}-reference")
        assert len(ours_pages) == len(reference_pages), name
        for page, (mine, theirs) in enumerate(zip(ours_pages, reference_pages, strict=True)):
            assert ImageChops.difference(mine, theirs).getbbox() is None, f"{name} page {page + 1}"
        assert _outline(ours) == _outline(reference), name
    assert _outline(ours)  # the resolution's headings still make an outline


def test_the_renderer_really_uses_the_small_stylesheet(monkeypatch):
    asked = []
    original = rendering._DocumentHTML._ua_stylesheets

    def spy(self, forms=False):
        asked.append(forms)
        return original(self, forms)

    monkeypatch.setattr(rendering._DocumentHTML, "_ua_stylesheets", spy)

    rendering.html_to_pdf("<!DOCTYPE html><html><body><p>Hola</p></body></html>")

    # If a WeasyPrint upgrade stops asking, documents still look right but render slower.
    assert asked
