"""Playwright driving Debian's chromium against pytest-django's live_server.

`playwright install` is never run: the tests use /usr/bin/chromium. Tests marked `browser` skip
when it is missing (fail under CI), through the `_real_services` fixture in tests/conftest.py,
which runs before the function-scoped fixtures below.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

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


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS
        )
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
def screenshot() -> Callable[[Any, str], Path]:
    def _take(page: Any, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _take
