"""The proof-of-work captcha solves itself in Chromium, under the CSP, with nothing to do."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ask_recovery(page: Any) -> None:
    page.goto("/mi-rut/recuperar/")
    page.get_by_label("Número de documento").fill("52123456")
    page.get_by_role("button", name="Enviar código").click()
    page.wait_for_url("**/recuperar/codigo/")


def test_the_second_recovery_waits_for_the_captcha_then_goes_through(open_page, screenshot):
    page = open_page("/mi-rut/recuperar/")
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    _ask_recovery(page)

    page.goto("/mi-rut/recuperar/")
    status = page.locator("[data-captcha-status]")
    page.get_by_label("Número de documento").fill("52123456")
    page.wait_for_function(
        "document.querySelector('input[name=captcha]').value.includes(':')", timeout=30_000
    )
    assert "Verificación completa" in status.inner_text()
    assert page.get_by_role("button", name="Enviar código").is_enabled()
    screenshot(page, "captcha-recuperar")
    serious = [
        v for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert not serious
    page.get_by_role("button", name="Enviar código").click()
    page.wait_for_url("**/recuperar/codigo/")

    assert "Revise lo siguiente" not in page.content()
    assert errors == []
    assert mail.outbox == []  # the document has no account: nothing is sent, as always
