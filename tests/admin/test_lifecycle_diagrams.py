"""The lifecycle diagrams drawn from the state machines, on the case and the inscrito pages."""

import re
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from backoffice.lifecycle import lifecycle
from procedures.models import Case
from registry.models import Registrant
from tests.admin.conftest import OWN, cancellation, client_for, registrant_in

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def _svg(page: str) -> ElementTree.Element:
    match = re.search(r"<svg [^>]*rut-lifecycle-svg.*?</svg>", page, re.S)
    assert match, "no diagram on the page"
    return ElementTree.fromstring(match.group(0))


def test_every_state_and_transition_of_the_machine_is_drawn() -> None:
    diagram = lifecycle(Registrant, Registrant.State.SUSPENDED)
    svg = ElementTree.fromstring(diagram.svg)

    drawn = {g.get("data-state") for g in svg.iter(f"{SVG}g")}
    assert drawn == set(Registrant.State.values)
    assert ("Suspendido", "levantar suspensión", "Activo") in diagram.transitions
    assert ("Cancelado", "reactivar", "Activo") in diagram.transitions
    arrows = [p for p in svg.iter(f"{SVG}path") if p.get("marker-end")]
    assert len(arrows) == len(diagram.transitions) == 9  # "update" keeps the state: no arrow


def test_the_case_diagram_merges_two_transitions_between_the_same_states() -> None:
    diagram = lifecycle(Case, Case.State.AWAITING_APPROVAL)

    assert (
        "Pendiente de aprobación",
        "aprobar / aprobar que no procede",
        "Decidido",
    ) in diagram.transitions


def test_the_diagram_has_a_title_a_description_and_only_the_current_state_highlighted() -> None:
    svg = ElementTree.fromstring(lifecycle(Registrant, Registrant.State.ACTIVE).svg)

    assert svg.get("role") == "img"
    assert svg.findtext(f"{SVG}title") == "Ciclo de vida: inscrito"
    assert svg.findtext(f"{SVG}desc", "").startswith("Estado actual: Activo. Transiciones:")
    current = [g.get("data-state") for g in svg.iter(f"{SVG}g") if g.get("data-current")]
    assert current == ["active"]


def test_the_case_page_shows_the_case_lifecycle_at_its_state(official) -> None:
    case = cancellation(registrant_in(OWN), "in_process")

    page = client_for(official).get(reverse("admin:procedures_case_change", args=[case.pk]))

    content = page.content.decode()
    assert "Ciclo de vida" in content and "Transiciones en texto" in content
    svg = _svg(content)
    current = [g.get("data-state") for g in svg.iter(f"{SVG}g") if g.get("data-current")]
    assert current == ["in_process"]


def test_the_inscrito_page_shows_the_registrant_lifecycle_at_its_state(official) -> None:
    registrant = registrant_in(OWN)

    page = client_for(official).get(
        reverse("admin:registry_registrant_change", args=[registrant.pk])
    )

    svg = _svg(page.content.decode())
    current = [g.get("data-state") for g in svg.iter(f"{SVG}g") if g.get("data-current")]
    assert current == ["active"]
