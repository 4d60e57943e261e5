"""Decreto 2460 de 2013, art. 15 par. 1: five years from the publication of the act."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deadlines.rules import fictitious_suspension_ends
from procedures.models import CaseType, Cause, Channel, RequesterKind
from procedures.services.intake import (
    CaseRequest,
    check_requirements,
    decide_jurisdiction,
    receive_case,
)
from procedures.services.processing import (
    grant_case,
    record_act_publication,
)
from rut_portal.business_days import add_months
from rut_portal.errors import DomainError
from tests.clock import TODAY
from tests.factories import make_natural

pytestmark = pytest.mark.django_db


def _suspension(official, **values):
    person = make_natural(by=official)
    request = CaseRequest(
        case_type=CaseType.SUSPENSION,
        channel=Channel.INTERNAL,
        cause=Cause.FICTITIOUS_EXPORTER,
        requester_kind=RequesterKind.DIAN_AREA,
        requester_name="Fiscalización",
        registrant=person,
        **values,
    )
    case = receive_case(request, by=official)
    return decide_jurisdiction(check_requirements(case, by=official, met=True), by=official)


def test_art_15_par_1_the_suspension_is_not_applied_without_the_publication_date(official):
    case = _suspension(official)

    with pytest.raises(DomainError) as refused:
        grant_case(case, by=official)

    assert refused.value.field == "act_published_on"
    case.registrant.refresh_from_db()
    assert case.registrant.state == "active"


def test_art_15_par_1_five_years_run_from_the_acts_publication(official):
    published = TODAY - timedelta(days=20)
    case = _suspension(official)
    case = record_act_publication(case, by=official, published_on=published)

    case = grant_case(case, by=official)

    assert fictitious_suspension_ends(case) == add_months(published, 60)
    assert case.act_published_on == published
