"""The only way WeasyPrint may load a resource while rendering our documents.

The templates print text that citizens and officials typed. Django escapes it, but a renderer
that follows any URL would still be one template mistake away from fetching intranet addresses
or local files (server-side request forgery). This fetcher answers only for our own fonts and
stylesheets, read from the project's static directory, and for small inline PNG images (the QR
code; its bytes travel in the URL itself, so nothing is fetched); every other URL is refused.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

ALLOWED_SUFFIXES = frozenset({".css", ".ttf", ".otf", ".woff", ".woff2", ".svg", ".png"})
PNG_DATA_URI_PREFIX = "data:image/png;base64,"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_INLINE_PNG_BYTES = 16_384  # a QR code takes one or two kilobytes


class ResourceRefused(ValueError):
    """WeasyPrint logs it and leaves the resource out; the document still renders."""


def static_root() -> Path:
    """The directory our document assets come from (the project's `static/`)."""
    return (Path(settings.BASE_DIR) / "static").resolve()


def static_base_url() -> str:
    """Base URL for the templates: relative `fonts/...` and `css/...` resolve inside static/."""
    return static_root().as_uri() + "/"


class StaticOnlyFetcher(URLFetcher):
    """Serve `file:` URLs that point inside static/ with an asset suffix; refuse the rest."""

    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols=["file"], allow_redirects=False)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith(PNG_DATA_URI_PREFIX):
            return URLFetcherResponse(
                url, body=self.inline_png(url), headers={"Content-Type": "image/png"}
            )
        path = self.resolve(url)
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime_type})

    @staticmethod
    def resolve(url: str) -> Path:
        """The static file `url` names, or ResourceRefused."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ResourceRefused(f"Recurso externo rechazado: {url[:200]}")
        root = static_root()
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(root) or path.suffix.lower() not in ALLOWED_SUFFIXES:
            raise ResourceRefused(f"Recurso fuera de los estáticos del portal: {url[:200]}")
        if not path.is_file():
            raise ResourceRefused(f"Recurso inexistente: {url[:200]}")
        return path

    @staticmethod
    def inline_png(url: str) -> bytes:
        """The bytes of a small `data:image/png;base64,` URL that hold a PNG, or ResourceRefused."""
        encoded = url[len(PNG_DATA_URI_PREFIX) :]
        if len(encoded) > MAX_INLINE_PNG_BYTES * 4 // 3 + 4:
            raise ResourceRefused("Imagen en línea demasiado grande")
        try:
            data = base64.b64decode(encoded, validate=True)
        except binascii.Error as error:
            raise ResourceRefused("Imagen en línea mal codificada") from error
        if not data.startswith(PNG_SIGNATURE):
            raise ResourceRefused("Imagen en línea que no es PNG")
        return data
