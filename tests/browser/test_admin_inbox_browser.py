"""The admin case inbox at a laptop's width, with the filter sidebar open."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from procedures.models import Case, CaseDocument
from procedures.services.assignment import take_case
from procedures.services.intake import attach_document, check_requirements, receive_case
from tests.factories import judicial_cancellation_request, make_natural, pdf_upload

pytestmark = pytest.mark.browser

WIDTH = 1280


@pytest.mark.parametrize("viewer", ["official", "central"])
def test_the_take_button_of_every_row_is_within_the_viewport(
    open_page: Any, screenshot: Any, official: Any, request: pytest.FixtureRequest, viewer: str
) -> None:
    # open_page first: it reloads the reference tables the previous transactional test emptied.
    page = open_page("/admin/login/?next=/admin/procedures/case/", width=WIDTH)
    for n in range(3):
        person = make_natural(
            by=official,
            first_name="MARÍA DE LOS ÁNGELES",
            other_names="GUADALUPE",
            first_surname="VILLAMIZAR",
            second_surname=f"ECHEVERRI-BUITRAGO {n}",
        )
        receive_case(judicial_cancellation_request(person), by=official)
    # The widest cells the inbox shows: a long state badge, an official's name, arrears.
    worked = receive_case(judicial_cancellation_request(make_natural(by=official)), by=official)
    take_case(worked, by=official)
    attach_document(worked, kind=CaseDocument.Kind.JUDICIAL_ORDER, file=pdf_upload(), by=official)
    check_requirements(worked, by=official, met=True)
    Case.objects.filter(pk=worked.pk).update(due_on=timezone.localdate() - timedelta(days=120))
    user = request.getfixturevalue(viewer)

    page.get_by_label("Nombre de usuario").fill(user.username)
    page.get_by_label("Contraseña").fill("x")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url("**/admin/procedures/case/")
    screenshot(page, f"admin_inbox_{viewer}_{WIDTH}")

    assert page.locator("#changelist-filter").is_visible()
    # The table scrolls inside its container when too wide: the button must be in the part shown.
    shown = page.locator("#changelist .results").bounding_box()
    assert shown is not None
    right_edge = min(WIDTH, shown["x"] + shown["width"])
    buttons = page.get_by_role("link", name="Tomar", exact=True)
    assert buttons.count() == 3
    for index in range(3):
        box = buttons.nth(index).bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= right_edge
    results = "document.querySelector('#changelist .results')"
    assert page.evaluate(f"{results}.scrollWidth <= {results}.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
