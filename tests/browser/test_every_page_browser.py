"""Every page the demo's citizen, funcionario and director reach, at desktop and phone width.

The demo (load_demo_data) is loaded, each user signs in, and the pages are found by following the
links of each page from the user's start page (breadth first, GET links of the site only). Each
page is photographed at 1280 and 390 px (tests/browser/screenshots/, gitignored) and must have no
serious or critical axe-core finding and no sideways scrolling of the page itself at 390 px (a wide
table scrolls inside its own box). The HTML of the portal's own pages (the public pages and Mi
RUT, not Django's admin) then goes through the Nu Html Checker (vnu.jar, tests/browser/vnu.py):
no errors.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from functools import partial
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from demo.portal import DOCUMENT_NUMBER
from demo.registry import DEMO_PASSWORD
from tests.browser.vnu import validate_html

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SERIOUS = ("serious", "critical")
# Links that end the session, change data by GET, or are files rather than pages.
SKIPPED = re.compile(
    r"(/salir/|/logout/|/password_change/|/delete/|/history/|\.pdf$|/pdf/|\.csv$|/csv/|"
    r"\?|\.json$|/autoguardar/|/descartar/|/jsi18n/|/formulario-001/|/soporte/|/static/|/media/)"
)
# Per user, enough pages to reach every kind of page (lists, records, cases, forms) without
# photographing every row of every list.
PAGES_PER_USER = 20
ADMIN = ("/admin/",)
SAME_KIND = re.compile(r"/\d+/")


@pytest.fixture
def demo(reference_data: None) -> None:
    call_command("load_demo_data", stdout=StringIO())


def _kind(path: str) -> str:
    """Two records of the same list are the same kind of page: visit one of them."""
    return SAME_KIND.sub("/N/", path)


def _crawl(page: Any, start: str, prefixes: tuple[str, ...], name: str, screenshot: Any) -> dict:
    """Visit pages breadth first from start; return {path: (findings, html)}."""
    seen_kinds: set[str] = set()
    queue: deque[str] = deque([start])
    found: dict[str, tuple[list[str], str]] = {}
    origin = urlparse(page.url)
    while queue and len(found) < PAGES_PER_USER:
        path = queue.popleft()
        if _kind(path) in seen_kinds:
            continue
        seen_kinds.add(_kind(path))
        response = page.goto(path)
        assert response is not None and response.status < 400, f"{name}: {path} answered {response}"
        findings: list[str] = []
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "inicio"
            screenshot(page, f"every-{name}-{slug}-{label}")
            violations = Axe().run(page).response["violations"]
            findings += [
                f"{label}: {v['id']} ({v['impact']}) at {[n['target'] for n in v['nodes']][:3]}"
                for v in violations
                if v.get("impact") in SERIOUS
            ]
            if size is PHONE:
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    findings.append(f"phone: the page is {width} px wide")
        page.set_viewport_size(DESKTOP)
        found[path] = (findings, page.content())
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            url = urlparse(urldefrag(href)[0])
            if url.netloc != origin.netloc or SKIPPED.search(url.path + ("?" if url.query else "")):
                continue
            if url.path.startswith(prefixes) and _kind(url.path) not in seen_kinds:
                queue.append(url.path)
    return found


def _sign_in_official(page: Any, *, as_user: str) -> None:
    page.goto("/admin/login/")
    page.fill("#id_username", as_user)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def _sign_in_citizen(page: Any) -> None:
    page.goto("/mi-rut/ingresar/")
    page.get_by_label("Número de documento").fill(DOCUMENT_NUMBER)
    page.get_by_label("Contraseña", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_url("**/mi-rut/")


def test_every_page_of_each_demo_user_is_accessible_and_fits_a_phone(
    demo: None, browser: Any, live_server: Any, screenshot: Any, tmp_path: Path
) -> None:
    visited: dict[str, dict] = {}
    users: list[tuple[str, Callable[[Any], None], str, tuple[str, ...]]] = [
        ("ciudadano", _sign_in_citizen, "/mi-rut/", ("/mi-rut/", "/estadisticas/")),
        ("funcionario", partial(_sign_in_official, as_user="funcionario.bogota"), "/admin/", ADMIN),
        ("director", partial(_sign_in_official, as_user="director.bogota"), "/admin/", ADMIN),
        ("publico", lambda page: None, "/", ("/consulta-rut/", "/estadisticas/", "/documentos/")),
    ]
    for name, sign_in, start, prefixes in users:
        context = browser.new_context(viewport=DESKTOP, locale="es-CO", base_url=live_server.url)
        page = context.new_page()
        sign_in(page)
        visited[name] = _crawl(page, start, prefixes, name, screenshot)
        context.close()

    assert len(visited["funcionario"]) >= 12, sorted(visited["funcionario"])
    assert len(visited["director"]) >= 12, sorted(visited["director"])
    assert len(visited["ciudadano"]) >= 8, sorted(visited["ciudadano"])
    problems = [
        f"{name} {path}: {finding}"
        for name, pages in visited.items()
        for path, (findings, _html) in pages.items()
        for finding in findings
    ]
    assert not problems, "\n".join(problems)

    own_pages = {
        f"{name}{path}": html
        for name, pages in visited.items()
        for path, (_findings, html) in pages.items()
        if not path.startswith("/admin/")
    }
    errors = validate_html(own_pages, tmp_path)
    assert not errors, "\n".join(errors)


@pytest.mark.django_db(transaction=False)
def test_the_html_checker_reports_the_errors_of_a_page(tmp_path: Path) -> None:
    head = "<!DOCTYPE html><html lang=es><head><title>x</title></head>"
    page = head + "<body><p><div></p></body></html>"
    fine = head + "<body><p>x</p></body></html>"

    errors = validate_html({"rota": page, "bien": fine}, tmp_path)

    assert errors and all(error.startswith("rota 1: ") for error in errors), errors
    assert any("Unclosed element" in error for error in errors)
