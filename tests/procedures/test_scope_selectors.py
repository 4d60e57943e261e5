"""Which official may see which case and inscrito: the selectors every channel calls."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from procedures.models import Case, CaseType, Cause, Channel, RequesterKind
from procedures.selectors import registrant_visible_to, scope_cases
from procedures.services.intake import CaseRequest, receive_case
from registry.models import Registrant
from registry.selectors import registrant_search
from registry.services.states import change_state
from tests.factories import judicial_cancellation_request, make_natural

# Seccional 11; the default is Bogotá, 32.
MEDELLIN: dict[str, Any] = {"department": "05", "municipality": "05001"}


def _case(registrant: Registrant) -> Case:
    return receive_case(
        judicial_cancellation_request(registrant), by=None, seccional=registrant.seccional_id
    )


def _reactivation_received_by(official: User, registrant: Registrant) -> Case:
    change_state(registrant, transition_name="cancel", by=None)
    return receive_case(
        CaseRequest(
            case_type=CaseType.REACTIVATION,
            channel=Channel.IN_PERSON,
            cause=Cause.INSCRITO_REQUEST,
            requester_kind=RequesterKind.USER,
            requester_name=registrant.display_name,
            registrant=registrant,
        ),
        by=official,
    )


def test_scope_cases_lists_the_officials_seccional_and_everything_for_the_central_level(
    official: User, central: User, citizen: User
) -> None:
    here = _case(make_natural())
    there = _case(make_natural(**MEDELLIN))

    assert list(scope_cases(Case.objects.all(), official)) == [here]
    assert set(scope_cases(Case.objects.all(), central)) == {here, there}
    assert list(scope_cases(Case.objects.all(), citizen)) == []


def test_an_inscrito_of_another_seccional_is_visible_only_while_a_case_here_is_open(
    official: User, official_of_other_seccional: User
) -> None:
    registrant = make_natural(**MEDELLIN)
    assert registrant.seccional_id == "11"
    assert registrant_visible_to(official_of_other_seccional, registrant)
    assert not registrant_visible_to(official, registrant)

    _reactivation_received_by(official, registrant)

    assert registrant_visible_to(official, registrant)


def test_registrant_search_finds_by_nit_with_dv_document_number_and_name(db: None) -> None:
    registrant = make_natural()
    other = make_natural(document_number="52999888", first_surname="OTRA")
    found = Registrant.objects.filter

    assert list(found(registrant_search(registrant.formatted_nit))) == [registrant]
    assert list(found(registrant_search(registrant.document_number))) == [registrant]
    assert list(found(registrant_search(" 52.999.888 "))) == [other]
    assert list(found(registrant_search("otra"))) == [other]
    assert set(found(registrant_search("   "))) == {registrant, other}
