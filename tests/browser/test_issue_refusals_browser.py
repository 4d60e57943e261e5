"""Refusals seen in the browser: the citizens' form offers no authority's order (procedure 3.2),
an order is refused only with the director's approval (four eyes both ways), and a cancelled RUT
is offered nothing to update, withdraw or cancel (Decreto 2460 de 2013, art. 13 and 17)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from procedures.models import Case
from registry.models import Registrant
from registry.services.states import change_state
from tests.admin.conftest import OWN, cancellation, registrant_in
from tests.browser.test_admin_cancellation_browser import _act, _confirm, _log_in, _state
from tests.browser.test_portal_journeys import make_account, sign_in
from tests.factories import make_natural

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_citizens_cancellation_form_offers_no_authoritys_order(open_page: Any) -> None:
    make_account("79111222", "pilar@example.co")
    make_natural(document_number="79111222", email="pilar@example.co")
    page = open_page("/mi-rut/ingresar/")
    sign_in(page, "79111222")

    page.get_by_role("link", name="Cancelar el RUT").click()

    options = page.get_by_label("Causal de cancelación").locator("option").all_inner_texts()
    assert "Terminación de la inversión extranjera" in options
    assert "Orden de autoridad competente" not in options


def test_an_official_proposes_that_an_order_does_not_proceed_and_the_director_approves(
    open_page: Any, official: Any, director: Any
) -> None:
    case = cancellation(registrant_in(OWN), "in_process")
    page = _log_in(open_page, official)
    page.goto(reverse("admin:procedures_case_change", args=[case.pk]))

    panel = page.locator(".rut-actions-panel").inner_text()
    assert "Decidir: no procede" not in panel
    _act(page, "Proponer: no procede")
    page.get_by_label("Motivo").fill("La orden no está ejecutoriada.")
    _confirm(page)
    assert _state(page) == "Pendiente de aprobación"
    assert "Aprobar: no procede" not in page.locator(".rut-actions-panel").inner_text()

    page = _log_in(open_page, director)
    page.goto(reverse("admin:procedures_case_change", args=[case.pk]))
    _act(page, "Aprobar: no procede")
    page.get_by_label("Su contraseña (firma de la aprobación)").fill("x")
    _confirm(page)

    assert _state(page) == "Decidido"
    case.refresh_from_db()
    assert (case.decision, case.prepared_by, case.decided_by) == ("denied", official, director)
    assert Registrant.objects.get(pk=case.registrant_id).state == Registrant.State.ACTIVE


def test_mi_rut_offers_a_cancelled_rut_nothing_to_update_withdraw_or_cancel(
    open_page: Any,
) -> None:
    make_account("79333444", "tomas@example.co")
    registrant = make_natural(
        document_number="79333444", email="tomas@example.co", responsibilities=["05", "48"]
    )
    change_state(registrant, transition_name="cancel", by=None)
    page = open_page("/mi-rut/ingresar/")
    sign_in(page, "79333444")

    assert page.get_by_role("heading", name="Su RUT está cancelado").is_visible()
    for tile in ("Actualizar el RUT", "Retiro de IVA", "Cancelar el RUT"):
        assert page.get_by_role("link", name=tile).count() == 0
    page.goto("/mi-rut/retiro/iva/")
    assert "no admite actualización" in page.get_by_role("alert").inner_text()
    assert not Case.objects.exists()
