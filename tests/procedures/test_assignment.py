import pytest

from procedures.models import CaseStep
from procedures.services.assignment import (
    assign_case,
    declare_impediment,
    evaluate_impediment,
    pending_impediment,
    take_case,
)
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


@pytest.fixture
def director_of_other_seccional(db):
    from accounts.models import Role
    from accounts.services import create_official

    return create_official(
        username="director_medellin", password="x", role=Role.DIRECTOR, seccional="11"
    )


@pytest.fixture
def impeded(case, official):
    """Procedimiento 3.3: the assigned official declares an impediment."""
    case = take_case(case, by=official)
    return declare_impediment(case, by=official, reason="Es mi cuñado.")


def test_a_declared_impediment_waits_for_the_director_and_keeps_the_case(impeded, official):
    assert impeded.assigned_to == official
    step = pending_impediment(impeded)
    assert step is not None
    assert (step.actor, step.reason) == (official, "Es mi cuñado.")
    assert step.legal_basis == "Procedimiento, numeral 3.3"
    with pytest.raises(Conflict):
        declare_impediment(impeded, by=official, reason="Otra vez.")


def test_the_director_accepts_the_impediment_and_reassigns_the_case(
    impeded, official, other_official, director
):
    with pytest.raises(DomainError) as missing:
        evaluate_impediment(impeded, by=director, accept=True, reason="Procede.")
    assert missing.value.field == "reassign_to"
    with pytest.raises(DomainError):
        evaluate_impediment(
            impeded, by=director, accept=True, reason="Procede.", reassign_to=official
        )

    case = evaluate_impediment(
        impeded, by=director, accept=True, reason="Procede.", reassign_to=other_official
    )

    assert case.assigned_to == other_official
    assert pending_impediment(case) is None
    step = case.steps.get(kind=CaseStep.Kind.IMPEDIMENT_ACCEPTED)
    assert (step.actor, step.reason, step.legal_basis) == (
        director,
        "Procede.",
        "Procedimiento, numeral 3.3",
    )
    assert step.details["to"] == other_official.get_username()
    with pytest.raises(DomainError):
        assign_case(case, by=director, to=official)


def test_the_director_rejects_the_impediment_and_the_case_stays(impeded, official, director):
    with pytest.raises(DomainError):
        evaluate_impediment(impeded, by=director, accept=False, reason="  ")

    case = evaluate_impediment(
        impeded, by=director, accept=False, reason="El parentesco no es de ley."
    )

    assert case.assigned_to == official
    assert pending_impediment(case) is None
    step = case.steps.get(kind=CaseStep.Kind.IMPEDIMENT_REJECTED)
    assert (step.actor, step.legal_basis) == (director, "Procedimiento, numeral 3.3")
    with pytest.raises(Conflict):
        evaluate_impediment(case, by=director, accept=False, reason="De nuevo.")


def test_the_declarer_cannot_evaluate_their_own_impediment(case, director, other_official):
    case = assign_case(case, by=director, to=director)
    case = declare_impediment(case, by=director, reason="Es mi hermano.")
    with pytest.raises(NotAllowed) as error:
        evaluate_impediment(
            case, by=director, accept=True, reason="Sí.", reassign_to=other_official
        )
    assert "su propio impedimento" in error.value.message
    assert pending_impediment(case) is not None


def test_an_official_cannot_evaluate_an_impediment(impeded, other_official):
    with pytest.raises(NotAllowed):
        evaluate_impediment(
            impeded, by=other_official, accept=True, reason="Sí.", reassign_to=other_official
        )
    assert pending_impediment(impeded) is not None


def test_a_director_of_another_seccional_cannot_evaluate_it(
    impeded, other_official, director_of_other_seccional
):
    with pytest.raises(NotAllowed):
        evaluate_impediment(
            impeded,
            by=director_of_other_seccional,
            accept=True,
            reason="Sí.",
            reassign_to=other_official,
        )
    assert pending_impediment(impeded) is not None


def test_the_director_can_still_reassign_while_ordinary_officials_cannot(
    case, official, other_official, director
):
    case = take_case(case, by=official)
    with pytest.raises(NotAllowed):
        assign_case(case, by=other_official, to=other_official)
    case = assign_case(case, by=director, to=other_official)
    assert case.assigned_to == other_official
