"""Decreto 2460 de 2013, art. 9: the system formalises only simplified-regime personas naturales."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from procedures.models import Case, CaseType
from procedures.services.intake import check_requirements, decide_jurisdiction
from procedures.services.processing import grant_case
from registry.models import Registrant
from rut_portal.errors import NotAllowed
from tests.factories import make_natural
from tests.portal.conftest import PASSWORD
from tests.portal.test_filings import FACT_DATE, _sign
from tests.portal.test_inscription import STEPS, _post

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, account):
    client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": account.document_number, "password": PASSWORD},
    )
    return client


def _wizard(client, responsibilities):
    for step, data in {
        **STEPS,
        "responsabilidades": {"responsibilities": responsibilities},
    }.items():
        assert _post(client, step, data).status_code == 302
    return _post(client, "confirmar", {"accept_policy": "on"})


def test_art_9_the_wizard_leaves_an_iva_responsible_person_pre_inscribed_for_an_official(
    signed_in, account
):
    _wizard(signed_in, ["05", "48"])

    account.refresh_from_db()
    registrant = account.registrant
    assert registrant.state == Registrant.State.PRE_REGISTERED
    assert registrant.nit is None
    case = Case.objects.get(registrant=registrant)
    assert case.state == Case.State.RECEIVED
    page = signed_in.get(reverse("portal:inscription_result")).content.decode()
    assert "art. 9" in page


@override_settings(ELECTRONIC_FORMALIZATION_EXCLUDED_RESPONSIBILITIES=["05"])
def test_art_9_the_scope_is_a_setting(signed_in, account):
    _wizard(signed_in, ["05", "49"])

    account.refresh_from_db()
    assert account.registrant.state == Registrant.State.PRE_REGISTERED


def test_art_9_the_system_actor_cannot_grant_a_self_service_iva_inscription(signed_in, account):
    _wizard(signed_in, ["05", "48"])
    account.refresh_from_db()
    case = Case.objects.get(registrant=account.registrant)
    case = check_requirements(case, by=None, met=True)
    case = decide_jurisdiction(case, by=None)

    with pytest.raises(NotAllowed, match="art. 9"):
        grant_case(case, by=None)


def test_art_9_an_online_switch_from_49_to_48_waits_for_an_official(
    signed_in, account, django_capture_on_commit_callbacks
):
    registrant = make_natural(
        document_number=account.document_number,
        email=account.email,
        responsibilities=["05", "49"],
    )
    signed_in.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": account.document_number, "password": PASSWORD},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            reverse("portal:update_section", args=["responsabilidades"]),
            {"responsibilities": ["05", "48"], "fact_date": FACT_DATE},
            follow=True,
        )
    assert "Firmar la solicitud" in response.content.decode()

    _sign(signed_in, django_capture_on_commit_callbacks, response)

    registrant.refresh_from_db()
    assert set(registrant.responsibilities.values_list("code", flat=True)) == {"05", "49"}
    case = Case.objects.get(registrant=registrant, case_type=CaseType.UPDATE)
    assert case.state == Case.State.RECEIVED
    assert case.decision == ""
