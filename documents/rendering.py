"""HTML to PDF with WeasyPrint, made reproducible: same template and context, same bytes.

What would otherwise vary between runs or machines is fixed here:
- fonts: only the subsetted DejaVu files shipped in static/fonts (see static/fonts/README.md);
- metadata: creation and modification dates come from the source's own date, never the clock;
- the trailer: no /ID (WeasyPrint only writes one when asked), no XMP packet (PDF/A variants
  add one with a random UUID, so they are not used).
Resources are loaded only through documents.fetcher, which serves our static files alone.
"""

from __future__ import annotations

import hashlib
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
from django.utils.html import format_html
from django.utils.safestring import SafeString
from weasyprint.text.fonts import FontConfiguration

from documents.fetcher import StaticOnlyFetcher, static_base_url, static_root

PDF_TEMPLATE_DIR = "documents/pdf"
QR_SIZE = "22mm"
STYLESHEET = "css/documents.css"


def _template_dir() -> Path:
    return Path(settings.BASE_DIR) / "templates" / PDF_TEMPLATE_DIR


def _versioned_files() -> list[Path]:
    """Everything that shapes a document's bytes besides its content."""
    here = Path(__file__).resolve().parent
    files = [
        *sorted(_template_dir().rglob("*.html")),
        static_root() / STYLESHEET,
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
        for package in ("weasyprint", "pydyf", "qrcode", "fonttools"):
            digest.update(f"{package}=={package_version(package)}".encode())
        _template_version = digest.hexdigest()
    return _template_version


def qr_svg(data: str) -> SafeString:
    """An inline SVG QR code (error correction M) for `data`; deterministic.

    Each horizontal run of dark modules is one rectangle in a single path: several times
    fewer path commands than one square per module, which WeasyPrint parses on every render.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    commands = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            commands.append(f"M{start} {y}h{x - start}v1h{start - x}z")
    size = len(matrix)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}">'
        '<path d="{}" fill="#000"/></svg>',
        QR_SIZE,
        QR_SIZE,
        size,
        size,
        "".join(commands),
    )


class _Renderer(threading.local):
    """Per thread: parsed stylesheet and font configuration, reused across documents."""

    def __init__(self) -> None:
        self.fetcher = StaticOnlyFetcher()
        self.font_config = FontConfiguration()
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
    document = weasyprint.HTML(
        string=html, base_url=static_base_url(), url_fetcher=renderer.fetcher
    ).render(stylesheets=[renderer.stylesheet], font_config=renderer.font_config)
    content = document.write_pdf(pdf_identifier=False, uncompressed_pdf=False)
    return RenderedPdf(content=content, pages=len(document.pages))


def render_pdf(template: str, context: dict[str, Any]) -> RenderedPdf:
    """Render templates/documents/pdf/<template> with `context`, always in Spanish."""
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(f"{PDF_TEMPLATE_DIR}/{template}", context)
    return html_to_pdf(html)
