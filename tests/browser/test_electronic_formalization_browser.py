"""Decreto 2460 de 2013, art. 9 in the browser: moving into IVA online waits for an official."""

from __future__ import annotations

from typing import Any

import pytest

from procedures.models import Case, CaseType
from tests.browser.test_portal_journeys import last_code, make_account, sign_in, site
from tests.clock import TODAY
from tests.factories import make_natural

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["site"]  # the fixture, shared with the portal journeys


def test_art_9_an_online_switch_from_49_to_48_is_filed_for_an_official(site: Any) -> None:
    make_account("79888111", "marta@example.co")
    registrant = make_natural(
        document_number="79888111", email="marta@example.co", responsibilities=["05", "49"]
    )
    page = site.page()
    sign_in(page, "79888111")
    page.get_by_role("link", name="Actualizar el RUT").click()
    page.get_by_role("link", name="Responsabilidades").click()
    page.get_by_label("49 No responsable de IVA").uncheck()
    page.get_by_label("48 Impuesto sobre las ventas").check()
    page.get_by_label("Fecha del hecho que origina la actualización").fill(str(TODAY))
    page.get_by_role("button", name="Continuar a la firma").click()
    page.wait_for_url("**/firmar/*/")
    page.get_by_label("Código").fill(last_code("marta@example.co"))
    page.get_by_role("button", name="Firmar y radicar").click()

    page.wait_for_url("**/tramites/*/")
    assert page.locator("[data-case-state]").get_attribute("data-case-state") == "received"
    registrant.refresh_from_db()
    assert set(registrant.responsibilities.values_list("code", flat=True)) == {"05", "49"}
    assert Case.objects.get(registrant=registrant, case_type=CaseType.UPDATE).decision == ""
