import pytest

from procedures.models import CaseStep
from procedures.services.assignment import assign_case, declare_impediment, take_case
from procedures.services.intake import receive_case
from rut_portal.errors import Conflict, DomainError, NotAllowed
from tests.factories import judicial_cancellation_request, make_natural

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(official):
    return receive_case(judicial_cancellation_request(make_natural(by=official)), by=official)


def test_an_official_takes_an_unassigned_case_once(case, official, other_official):
    case = take_case(case, by=official)
    assert case.assigned_to == official
    with pytest.raises(Conflict):
        take_case(case, by=other_official)


def test_an_official_of_another_seccional_cannot_take_it(case, official_of_other_seccional):
    with pytest.raises(NotAllowed) as error:
        take_case(case, by=official_of_other_seccional)
    assert "pertenece a la Dirección Seccional de Impuestos de Bogotá" in error.value.message


def test_an_impediment_returns_the_case_to_the_chief_who_reassigns_it(
    case, official, other_official, director
):
    case = take_case(case, by=official)
    case = declare_impediment(case, by=official, reason="Es mi cuñado.")
    assert case.assigned_to is None
    step = case.steps.get(kind=CaseStep.Kind.IMPEDIMENT)
    assert (step.actor, step.reason) == (official, "Es mi cuñado.")

    with pytest.raises(DomainError):
        assign_case(case, by=director, to=official)
    with pytest.raises(NotAllowed):
        assign_case(case, by=other_official, to=other_official)
    case = assign_case(case, by=director, to=other_official)
    assert case.assigned_to == other_official
