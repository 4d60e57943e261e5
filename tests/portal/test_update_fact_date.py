"""Decreto 2460 de 2013, art. 13: an update is due within the month after its fact."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from portal.models import PendingFiling
from procedures.models import Case, CaseType, Cause, Channel, Mode, RequesterKind
from procedures.selectors import sanction_indicators
from procedures.services.intake import CaseRequest, receive_case
from registry.validation import data_from_registrant
from rut_portal.errors import InvalidData
from tests.clock import TODAY
from tests.factories import make_natural
from tests.portal.test_filings import _address, _sign, registrant, signed_in

pytestmark = pytest.mark.django_db
__all__ = ["registrant", "signed_in"]  # fixtures shared with test_filings


def test_art_13_the_portal_asks_the_fact_date_and_flags_a_late_update(
    signed_in, registrant, django_capture_on_commit_callbacks
):
    two_months_ago = TODAY - timedelta(days=65)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            reverse("portal:update_section", args=["direccion"]),
            {
                "department": "11",
                "municipality": "11001",
                "address": "KR 7 32 16",
                "postal_code": "",
                "fact_date": two_months_ago.isoformat(),
            },
            follow=True,
        )
    _sign(signed_in, django_capture_on_commit_callbacks, response)

    case = Case.objects.get(registrant=registrant, case_type=CaseType.UPDATE)
    assert case.fact_date == two_months_ago
    assert "late_update" in [i.code for i in sanction_indicators(registrant)]


def test_art_13_an_update_without_the_fact_date_is_not_sent_to_signature(signed_in):
    page = signed_in.post(
        reverse("portal:update_section", args=["direccion"]),
        {"department": "11", "municipality": "11001", "address": "KR 7 32 16"},
    ).content.decode()

    assert "Fecha del hecho que origina la actualización" in page
    assert not PendingFiling.objects.exists()


def test_art_13_the_fact_date_is_on_the_signature_page(
    signed_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = _address(signed_in, "KR 7 32 16").content.decode()

    assert "Fecha del hecho" in page


def test_art_13_a_self_service_update_request_needs_its_fact_date() -> None:
    person = make_natural(responsibilities=["49"])
    request = CaseRequest(
        case_type=CaseType.UPDATE,
        channel=Channel.WEB,
        cause=Cause.INSCRITO_REQUEST,
        requester_kind=RequesterKind.USER,
        requester_name=person.display_name,
        registrant=person,
        mode=Mode.SELF_SERVICE,
        data=data_from_registrant(person),
    )

    with pytest.raises(InvalidData) as refused:
        receive_case(request, by=None)

    assert "art. 13" in refused.value.errors["fact_date"][0]
    assert not Case.objects.exists()
