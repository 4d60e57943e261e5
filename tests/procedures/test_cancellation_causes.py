"""Each causal of Decreto 2460 de 2013, art. 17 only for the kinds of inscrito it is written for."""

import pytest

from procedures.models import (
    CaseType,
    Cause,
    Channel,
    RequesterKind,
    cause_applies,
    causes_for,
)
from procedures.services.intake import CaseRequest, receive_case
from registry.models import PersonType, RegistrantKind
from rut_portal.errors import InvalidData
from tests.factories import judicial_cancellation_request, make_legal, make_natural

K = RegistrantKind
NATURAL, LEGAL = PersonType.NATURAL, PersonType.LEGAL


@pytest.mark.parametrize(
    ("cause", "kind", "person_type", "applies"),
    [
        (Cause.LIQUIDATION, K.LEGAL_ENTITY, LEGAL, True),
        (Cause.LIQUIDATION, K.DE_FACTO_PARTNERSHIP, LEGAL, True),
        (Cause.LIQUIDATION, K.NATURAL_PERSON, NATURAL, False),
        (Cause.LIQUIDATION, K.ESTATE, NATURAL, False),
        (Cause.LIQUIDATION, K.CONSORTIUM, LEGAL, False),
        (Cause.ESTATE_SETTLED, K.ESTATE, NATURAL, True),
        (Cause.ESTATE_SETTLED, K.NATURAL_PERSON, NATURAL, False),
        (Cause.ESTATE_SETTLED, K.LEGAL_ENTITY, LEGAL, False),
        (Cause.CONSORTIUM_ENDED, K.CONSORTIUM, LEGAL, True),
        (Cause.CONSORTIUM_ENDED, K.TEMPORARY_UNION, LEGAL, True),
        (Cause.CONSORTIUM_ENDED, K.NIT_ONLY, LEGAL, True),
        (Cause.CONSORTIUM_ENDED, K.NIT_ONLY, NATURAL, False),
        (Cause.CONSORTIUM_ENDED, K.LEGAL_ENTITY, LEGAL, False),
        (Cause.CONSORTIUM_ENDED, K.NATURAL_PERSON, NATURAL, False),
        (Cause.FOREIGN_INVESTMENT_ENDED, K.NATURAL_PERSON, NATURAL, True),
        (Cause.FOREIGN_INVESTMENT_ENDED, K.FOREIGN_INVESTOR_LEGAL, LEGAL, True),
        (Cause.AUTHORITY_ORDER, K.NATURAL_PERSON, NATURAL, True),
        (Cause.AUTHORITY_ORDER, K.CONSORTIUM, LEGAL, True),
        (Cause.DECEASED, K.NATURAL_PERSON, NATURAL, True),
        (Cause.DECEASED, K.LEGAL_ENTITY, LEGAL, False),
        (Cause.ENTITY_LIQUIDATED, K.NONPROFIT, LEGAL, True),
        (Cause.ENTITY_LIQUIDATED, K.NATURAL_PERSON, NATURAL, False),
        (Cause.IMPERSONATION, K.NATURAL_PERSON, NATURAL, True),
    ],
)
def test_it_ties_only_the_causes_the_decree_writes_for_a_kind(cause, kind, person_type, applies):
    assert cause_applies(cause, kind=kind, person_type=person_type) is applies


@pytest.mark.django_db
def test_a_persona_natural_is_offered_no_cause_of_a_company_or_consortium(official):
    person = make_natural(by=official)

    assert causes_for(CaseType.CANCELLATION_ON_REQUEST, person) == [
        Cause.FOREIGN_INVESTMENT_ENDED,
        Cause.AUTHORITY_ORDER,
    ]


@pytest.mark.django_db
def test_intake_refuses_a_company_liquidation_for_a_persona_natural(official):
    person = make_natural(by=official)

    with pytest.raises(InvalidData) as error:
        receive_case(
            CaseRequest(
                case_type=CaseType.CANCELLATION_ON_REQUEST,
                channel=Channel.IN_PERSON,
                cause=Cause.LIQUIDATION,
                requester_kind=RequesterKind.USER,
                requester_name="El inscrito",
                registrant=person,
            ),
            by=official,
        )

    assert error.value.errors["cause"] == [
        "La causal «Liquidación, fusión o escisión de la persona jurídica» no aplica a este "
        "inscrito, que es persona natural (Decreto 2460 de 2013, art. 17)."
    ]


@pytest.mark.django_db
def test_intake_refuses_a_death_for_a_company(official):
    company = make_legal(by=official, department="11", municipality="11001")

    with pytest.raises(InvalidData) as error:
        receive_case(judicial_cancellation_request(company, cause=Cause.DECEASED), by=official)

    assert "«Persona natural fallecida» no aplica" in error.value.errors["cause"][0]
