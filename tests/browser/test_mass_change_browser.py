"""Mass changes in headless Chromium (a suspension, an actualización de oficio): a funcionario
proposes the batch, the director reviews its random sample and signs the approval; the batch
runs and the page shows it done."""

from __future__ import annotations

from typing import Any

import pytest

from mass_changes.models import MassChange
from registry.models import Registrant
from tests.factories import make_natural

pytestmark = pytest.mark.browser

LIST = "/admin/mass_changes/masschange/"


def _log_in(open_page: Any, user: Any) -> Any:
    page = open_page(f"/admin/login/?next={LIST}")
    page.get_by_label("Nombre de usuario").fill(user.username)
    page.get_by_label("Contraseña").fill("x")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(f"**{LIST}")
    return page


def test_the_director_approves_a_mass_suspension_after_seeing_its_sample(
    open_page, screenshot, official, director
) -> None:
    # open_page first: it reloads the reference tables the previous transactional test emptied.
    page = _log_in(open_page, official)
    people = [
        make_natural(first_name=name, email="", responsibilities=["49"])
        for name in ("ROSA", "PEDRO", "LUCIA")
    ]

    page.goto(f"{LIST}add/")
    # The responsibility is asked only for an actualización de oficio, the file only for a list.
    responsibility = page.get_by_label("Responsabilidad (casilla 53)")
    nit_file = page.get_by_label("Archivo CSV de NIT del acto")
    assert responsibility.is_hidden() and nit_file.is_hidden()
    page.get_by_label("Cambio").select_option("update")
    assert responsibility.is_visible() and nit_file.is_hidden()
    page.get_by_label("NIT relacionados en el acto (archivo CSV)").check()
    assert nit_file.is_visible()
    page.get_by_label("Cambio").select_option("suspend")
    page.get_by_label("Inscritos sin correo electrónico").check()
    assert responsibility.is_hidden() and nit_file.is_hidden()
    page.get_by_label("Acto administrativo que lo ordena").fill("Resolución 000777 de 2026")
    page.get_by_label("Motivo").fill("No atendieron el requerimiento de registrar su correo.")
    page.get_by_role("button", name="Proponer el lote").click()
    page.wait_for_url("**/masschange/*/change/")
    assert page.get_by_test_id("batch-state").inner_text() == "Propuesto"
    assert page.get_by_test_id("approve-form").count() == 0  # the proposer does not approve

    director_page = _log_in(open_page, director)
    director_page.get_by_role("link", name="Lote").first.click()
    director_page.wait_for_url("**/masschange/*/change/")
    sample = director_page.get_by_test_id("batch-sample")
    for person in people:
        assert person.formatted_nit in sample.inner_text()
    screenshot(director_page, "mass_change_sample_for_director")
    director_page.get_by_label("Su contraseña (firma de la aprobación)").fill("x")
    director_page.get_by_role("button", name="Aprobar y aplicar").click()
    director_page.wait_for_url("**/masschange/*/change/")

    assert director_page.get_by_test_id("batch-state").inner_text() == "Terminado"
    assert "3 inscritos cambiados" in director_page.get_by_test_id("batch-facts").inner_text()
    screenshot(director_page, "mass_change_done")
    batch = MassChange.objects.get()
    assert (batch.state, batch.decided_by_id) == (MassChange.State.DONE, director.pk)
    assert set(Registrant.objects.values_list("state", flat=True)) == {"suspended"}


def test_the_director_approves_a_mass_update_that_withdraws_a_responsibility(
    open_page, screenshot, official, director
) -> None:
    page = _log_in(open_page, official)
    people = [
        make_natural(first_name=name, responsibilities=["05", "14"]) for name in ("ANA", "LUIS")
    ]
    nits = "NIT\n" + "\n".join(p.formatted_nit for p in people)

    page.goto(f"{LIST}add/")
    page.get_by_label("Cambio").select_option("update")
    page.get_by_label("Retirar la responsabilidad").check()
    page.get_by_label("Responsabilidad (casilla 53)").select_option("14")
    page.get_by_label("NIT relacionados en el acto (archivo CSV)").check()
    page.get_by_label("Archivo CSV de NIT del acto").set_input_files(
        {"name": "acto.csv", "mimeType": "text/csv", "buffer": nits.encode()}
    )
    page.get_by_label("Acto administrativo que lo ordena").fill("Resolución 000912 de 2026")
    page.get_by_label("Motivo").fill("Ya no están obligados a informar exógena.")
    screenshot(page, "mass_update_proposal")
    page.get_by_role("button", name="Proponer el lote").click()
    page.wait_for_url("**/masschange/*/change/")
    assert page.get_by_test_id("batch-change").inner_text() == (
        "Actualización masiva de oficio: retirar la responsabilidad 14 Informante de exógena"
    )

    director_page = _log_in(open_page, director)
    director_page.get_by_role("link", name="Lote").first.click()
    director_page.wait_for_url("**/masschange/*/change/")
    assert "05, 14" in director_page.get_by_test_id("batch-sample").inner_text()
    director_page.get_by_label("Su contraseña (firma de la aprobación)").fill("x")
    director_page.get_by_role("button", name="Aprobar y aplicar").click()
    director_page.wait_for_url("**/masschange/*/change/")

    assert director_page.get_by_test_id("batch-state").inner_text() == "Terminado"
    assert "2 inscritos cambiados" in director_page.get_by_test_id("batch-facts").inner_text()
    screenshot(director_page, "mass_update_done")
    for person in people:
        assert list(person.responsibilities.values_list("code", flat=True)) == ["05"]
        assert person.audit_entries.filter(action="update").get().act_reference == (
            "Resolución 000912 de 2026"
        )
