"""HTML to PDF with WeasyPrint, made reproducible: same template and context, same bytes.

What would otherwise vary between runs or machines is fixed here:
- fonts: only the subsetted DejaVu files shipped in static/fonts (see static/fonts/README.md);
- metadata: creation and modification dates come from the source's own date, never the clock;
- the trailer's /ID, required by PDF/A, is a digest of the file's own bytes (pydyf), and the
  PDF/A-3b XMP packet holds no random identifier.
Every document is PDF/A-3b (archival: fonts embedded, sRGB output intent, XMP metadata) and
tagged (a structure tree, its language and reading order) for screen readers.
Resources are loaded only through documents.fetcher, which serves our static files alone (and
the QR code, an inline PNG).

Speed: WeasyPrint spends most of a render in Python, per element and per box, so the templates
keep both few, and the renderer replaces WeasyPrint's full HTML user-agent stylesheet by the
few rules our documents use (static/css/documents-ua.css). The full one gives every element
six pseudo-element styles (::marker, footnote and note calls) that our documents never show.
"""

from __future__ import annotations

import base64
import hashlib
import io
import threading
from dataclasses import dataclass
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import qrcode
import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from PIL import Image
from weasyprint.text.fonts import FontConfiguration

from documents.fetcher import (
    PNG_DATA_URI_PREFIX,
    StaticOnlyFetcher,
    static_base_url,
    static_root,
)

PDF_TEMPLATE_DIR = "documents/pdf"
STYLESHEET = "css/documents.css"
USER_AGENT_STYLESHEET = "css/documents-ua.css"
QR_PIXELS_PER_MODULE = 8
PDF_VARIANT = "pdf/a-3b"


def _template_dir() -> Path:
    return Path(settings.BASE_DIR) / "templates" / PDF_TEMPLATE_DIR


def _versioned_files() -> list[Path]:
    """Everything that shapes a document's bytes besides its content."""
    here = Path(__file__).resolve().parent
    files = [
        *sorted(_template_dir().rglob("*.html")),
        static_root() / STYLESHEET,
        static_root() / USER_AGENT_STYLESHEET,
        *sorted((static_root() / "fonts").glob("*.ttf")),
        *sorted((here / "contexts").glob("*.py")),
        here / "rendering.py",
        here / "formatting.py",
    ]
    return files


_template_version: str | None = None


def template_version() -> str:
    """Digest of the templates, stylesheet, fonts, layout code and renderer versions.

    Part of every content key: changing any of them renders new documents (with new codes)
    instead of serving files made by the old layout as if they were the new one.
    """
    global _template_version
    if _template_version is None:
        digest = hashlib.sha256()
        for path in _versioned_files():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        for package in ("weasyprint", "pydyf", "qrcode", "fonttools", "pillow"):
            digest.update(f"{package}=={package_version(package)}".encode())
        _template_version = digest.hexdigest()
    return _template_version


def qr_png(data: str) -> str:
    """A QR code (error correction M) for `data` as a PNG data URI; deterministic.

    A raster is far cheaper for WeasyPrint than an SVG, whose path it parses and draws on every
    render. Each module is QR_PIXELS_PER_MODULE pixels square (about 300 dpi at the printed
    size), so viewers that smooth scaled images, whatever the PDF asks, blur only the edges.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    modules = len(matrix)
    image = Image.new("L", (modules, modules))  # WeasyPrint embeds grey images, not 1-bit ones
    image.putdata([0 if dark else 255 for row in matrix for dark in row])
    size = modules * QR_PIXELS_PER_MODULE
    png = io.BytesIO()
    image.resize((size, size), Image.Resampling.NEAREST).save(png, format="PNG")
    return PNG_DATA_URI_PREFIX + base64.b64encode(png.getvalue()).decode("ascii")


class _DocumentHTML(weasyprint.HTML):
    """weasyprint.HTML with our small user-agent stylesheet instead of the full HTML one.

    `_ua_stylesheets` is the hook WeasyPrint's own tests override. Should a later WeasyPrint stop
    calling it, documents render the same (our sheet agrees with the full one on every element
    our templates use), only slower; tests/documents/test_user_agent_stylesheet.py checks both.
    """

    def _ua_stylesheets(self, forms: bool = False) -> list[weasyprint.CSS]:
        return [_get_renderer().user_agent_stylesheet]


class _Renderer(threading.local):
    """Per thread: parsed stylesheet and font configuration, reused across documents."""

    def __init__(self) -> None:
        self.fetcher = StaticOnlyFetcher()
        self.font_config = FontConfiguration()
        self.user_agent_stylesheet = weasyprint.CSS(
            filename=str(static_root() / USER_AGENT_STYLESHEET), url_fetcher=self.fetcher
        )
        self.stylesheet = weasyprint.CSS(
            filename=str(static_root() / STYLESHEET),
            url_fetcher=self.fetcher,
            font_config=self.font_config,
        )


_renderer: _Renderer | None = None


def _get_renderer() -> _Renderer:
    global _renderer
    if _renderer is None:
        _renderer = _Renderer()
    return _renderer


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


def html_to_pdf(html: str) -> RenderedPdf:
    """Render an HTML string (metadata comes from its <meta> tags) to PDF bytes."""
    renderer = _get_renderer()
    document = _DocumentHTML(
        string=html, base_url=static_base_url(), url_fetcher=renderer.fetcher
    ).render(stylesheets=[renderer.stylesheet], font_config=renderer.font_config)
    content = document.write_pdf(
        pdf_variant=PDF_VARIANT, pdf_tags=True, pdf_identifier=True, uncompressed_pdf=False
    )
    return RenderedPdf(content=content, pages=len(document.pages))


def render_pdf(template: str, context: dict[str, Any]) -> RenderedPdf:
    """Render templates/documents/pdf/<template> with `context`, always in Spanish."""
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(f"{PDF_TEMPLATE_DIR}/{template}", context)
    return html_to_pdf(html)
