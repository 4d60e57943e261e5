"""Playwright driving Debian's chromium against pytest-django's live_server.

`playwright install` is never run: the tests use /usr/bin/chromium. Tests marked `browser` skip
when it is missing (fail under CI), like any other missing service (tests/conftest.py).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from tests.conftest import missing

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the
# test itself (creating inscritos) would otherwise refuse to run "in an async context".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"  # gitignored
TAKE_SCREENSHOTS = os.environ.get("SCREENSHOTS", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One Chromium for the whole package: starting Playwright and the browser costs seconds,
    a fresh context per test (below, and in the tests' own fixtures) costs little and shares no
    cookies, storage or cache with the test before it."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        missing("needs Debian's chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        # While Playwright's event loop runs, Django gives the test its own connections, apart
        # from the thread's usual ones. Nothing else closes them, and one left open blocks the
        # DROP of the test database at the end of the run.
        connections.close_all()


@pytest.fixture
def open_page(browser: Any, live_server: Any, reference_data: None) -> Iterator[Callable[..., Any]]:
    """Open a page of the live server in a fresh browser context of the given width."""
    contexts: list[Any] = []

    def _open(path: str, *, width: int = 1280, height: int = 900) -> Any:
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="es-CO", base_url=live_server.url
        )
        contexts.append(context)
        page = context.new_page()
        page.goto(path)
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot() -> Callable[[Any, str], None]:
    """Full-page screenshots into tests/browser/screenshots/ for people to look at, taken when
    SCREENSHOTS=1 (`SCREENSHOTS=1 scripts/test tests/browser`). No test reads them, and the
    walks take hundreds (every page at two widths), so a plain run leaves them out."""

    def _take(page: Any, name: str) -> None:
        if not TAKE_SCREENSHOTS:
            return
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return _take
