import base64

import pytest

from documents.fetcher import ResourceRefused, StaticOnlyFetcher, static_base_url
from documents.rendering import html_to_pdf, qr_png


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/logo.png",
        "ftp://example.com/x.css",
        "data:text/css,body{}",
        "data:image/svg+xml;base64," + base64.b64encode(b"<svg/>").decode(),
        "data:image/png;base64," + base64.b64encode(b"<svg/>").decode(),  # not a PNG
        "data:image/png;base64,iVBORw0KGgo%%%",
        "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(20_000)).decode(),
        "file:///etc/passwd",
        "file://otro-servidor/static/css/documents.css",
        static_base_url() + "../manage.py",
        static_base_url() + "css/../../rut_portal/settings.py",
        static_base_url() + "css/no-existe.css",
    ],
)
def test_the_fetcher_refuses_anything_but_our_static_assets(url):
    with pytest.raises(ResourceRefused):
        StaticOnlyFetcher().fetch(url)


def test_the_fetcher_serves_our_fonts_and_stylesheet():
    fetcher = StaticOnlyFetcher()

    font = fetcher.fetch(static_base_url() + "fonts/dejavu-sans-condensed-latin.ttf")
    css = fetcher.fetch(static_base_url() + "css/documents.css")

    assert font.read()[:4] == b"\x00\x01\x00\x00"  # a TrueType file
    assert b"RUT Sans" in css.read()


def test_the_fetcher_serves_the_inline_qr_png_without_fetching_anything():
    url = qr_png("http://localhost:8000/documentos/verificar/ABCD1234EFGH/")

    png = StaticOnlyFetcher().fetch(url)

    assert png.read() == base64.b64decode(url.split(",", 1)[1])
    assert png.headers["Content-Type"] == "image/png"


def test_user_text_cannot_make_the_renderer_fetch_anything(monkeypatch):
    requested = []
    original = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        requested.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    html = (
        '<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/x.png">'
        '<div style="background: url(file:///etc/hostname)">x</div>'
        '<link rel="stylesheet" href="https://example.com/x.css"></body></html>'
    )

    rendered = html_to_pdf(html)

    assert rendered.pages == 1
    assert requested and all(u.startswith(("http", "file:///etc")) for u in requested)
    assert b"/Image" not in rendered.content
