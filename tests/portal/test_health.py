"""'Salud de mi RUT': each check warns before DIAN's own rule hits, and offers its fix."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deadlines.rules import update_due_on
from portal.health import rut_health
from portal.models import CitizenAccount, PendingFiling
from procedures.models import CaseType, Cause, Channel, PendingObligation, RequesterKind
from procedures.services.intake import (
    CaseRequest,
    check_requirements,
    decide_jurisdiction,
    receive_case,
)
from procedures.services.processing import grant_case
from registry.models import Registrant
from registry.services.states import change_state
from registry.services.updates import update_registrant
from registry.validation import data_from_registrant
from rut_portal.business_days import add_months
from tests.clock import TODAY
from tests.factories import make_legal, make_natural
from tests.portal.conftest import PASSWORD, last_code

pytestmark = pytest.mark.django_db


def _link(account: CitizenAccount, registrant: Registrant) -> CitizenAccount:
    CitizenAccount.objects.filter(pk=account.pk).update(registrant=registrant)
    return CitizenAccount.objects.select_related("registrant").get(pk=account.pk)


@pytest.fixture
def linked(account):
    registrant = make_natural(document_number=account.document_number, email=account.email)
    return _link(account, registrant)


def _codes(account, today=TODAY):
    return [check.code for check in rut_health(account, today=today)]


def _receive(registrant, official, **values):
    defaults = dict(
        channel=Channel.INTERNAL,
        requester_kind=RequesterKind.DIAN_AREA,
        requester_name="Fiscalización",
        registrant=registrant,
    )
    defaults.update(values)
    return receive_case(CaseRequest(**defaults), by=official)


def test_a_healthy_rut_has_no_warnings(linked):
    assert rut_health(linked, today=TODAY) == []


def test_an_account_without_rut_has_no_panel(account):
    assert rut_health(account, today=TODAY) == []


# --- email --------------------------------------------------------------------------------------


def test_a_rut_without_email_is_warned_with_a_one_click_fix(account):
    account = _link(
        account,
        make_natural(
            document_number=account.document_number, email="", responsibilities=["05", "49"]
        ),
    )

    [check] = rut_health(account, today=TODAY)

    assert check.code == "email" and check.level == "danger"
    assert check.title == "Su RUT no tiene un correo electrónico confirmado"
    assert account.email in check.message
    assert check.action_method == "post"
    assert check.action_url == reverse("portal:health_email_fix")


def test_an_email_in_the_rut_the_citizen_never_confirmed_is_warned(account, official):
    registrant = make_natural(document_number=account.document_number, email=account.email)
    data = data_from_registrant(registrant)
    data.email = "otro@example.co"
    registrant = update_registrant(
        registrant, by=official, data=data, expected_revision=registrant.revision
    )
    account = _link(account, registrant)

    [check] = rut_health(account, today=TODAY)

    assert check.code == "email"
    assert "otro@example.co" in check.message


def test_a_cancelled_rut_without_email_is_not_warned(account):
    registrant = make_natural(
        document_number=account.document_number, email="", responsibilities=["05", "49"]
    )
    registrant = change_state(registrant, transition_name="cancel", by=None)
    account = _link(account, registrant)

    assert "email" not in _codes(account)


def test_the_email_fix_signed_with_its_code_puts_the_confirmed_email_in_the_rut_and_clears(
    client, account, django_capture_on_commit_callbacks
):
    registrant = make_natural(
        document_number=account.document_number, email="", responsibilities=["05", "49"]
    )
    _link(account, registrant)
    client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": account.document_number, "password": PASSWORD},
    )
    assert 'data-check="email"' in client.get(reverse("portal:home")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:health_email_fix"))
    filing = PendingFiling.objects.get(account=account)
    assert response["Location"] == reverse("portal:sign", args=[filing.pk])
    assert filing.summary[0] == ["Correo electrónico", "", account.email]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {"code": last_code(account.email)})

    registrant.refresh_from_db()
    assert registrant.email == account.email
    page = client.get(reverse("portal:home")).content.decode()
    assert 'data-check="email"' not in page
    assert "Todo en orden" in page


def test_the_email_fix_when_nothing_is_wrong_changes_nothing(client, linked):
    client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": linked.document_number, "password": PASSWORD},
    )

    response = client.post(reverse("portal:health_email_fix"), follow=True)

    assert "No cambió ningún dato." in response.content.decode()
    assert not PendingFiling.objects.exists()


def test_the_email_fix_is_a_post(client, linked):
    client.force_login(linked.user)

    assert client.get(reverse("portal:health_email_fix")).status_code == 405


# --- update due after a fact --------------------------------------------------------------------


def _rejected_update(registrant, official, fact_date):
    case = _receive(
        registrant,
        official,
        case_type=CaseType.UPDATE,
        cause=Cause.DIAN_AREA_REQUEST,
        fact_date=fact_date,
        data=data_from_registrant(registrant),
    )
    return check_requirements(case, by=official, met=False, reason="Falta el soporte.")


def test_a_rejected_update_warns_of_the_month_after_the_fact(linked, official):
    case = _rejected_update(linked.registrant, official, TODAY - timedelta(days=10))

    [check] = rut_health(linked, today=TODAY)

    assert check.code == "update_due" and check.level == "warning"
    assert case.number in check.message
    due = update_due_on(TODAY - timedelta(days=10))  # the month after, to a business day
    assert due.strftime("%d/%m/%Y") in check.message
    assert f"quedan {(due - TODAY).days} días" in check.message
    assert check.action_url == reverse("portal:update")


def test_a_missed_update_month_is_a_danger(linked, official):
    _rejected_update(linked.registrant, official, TODAY - timedelta(days=60))

    [check] = rut_health(linked, today=TODAY)

    assert check.code == "update_due" and check.level == "danger"
    assert "venció" in check.message


def test_an_update_still_in_process_needs_no_warning(linked, official):
    _receive(
        linked.registrant,
        official,
        case_type=CaseType.UPDATE,
        cause=Cause.DIAN_AREA_REQUEST,
        fact_date=TODAY - timedelta(days=10),
        data=data_from_registrant(linked.registrant),
    )

    assert "update_due" not in _codes(linked)


def test_an_unsigned_request_is_pointed_to_its_signature(linked):
    filing = PendingFiling.objects.create(account=linked, kind=PendingFiling.Kind.UPDATE)

    [check] = rut_health(linked, today=TODAY)

    assert check.code == "unsigned_filing"
    assert check.action_url == reverse("portal:sign", args=[filing.pk])


# --- provisional NIT ----------------------------------------------------------------------------


def test_a_provisional_nit_shows_its_remaining_days(account):
    company = make_legal(bank_certificate_date=None)
    assert company.state == Registrant.State.PROVISIONAL
    account = _link(account, company)
    issued = timezone.localdate(company.provisional_nit_issued_at)

    [check] = [c for c in rut_health(account, today=issued) if c.code == "provisional_nit"]

    assert "Su NIT provisional vence el" in check.title
    assert "Le quedan" in check.message and "cuenta bancaria" in check.message
    assert check.legal_basis == "Decreto 2460 de 2013, art. 10 lit. a"


def test_the_last_days_of_a_provisional_nit_are_a_danger(account):
    from registry.services.provisional_nit import provisional_nit_expires_on

    company = make_legal(bank_certificate_date=None)
    account = _link(account, company)
    expires = provisional_nit_expires_on(company)

    [check] = [c for c in rut_health(account, today=expires) if c.code == "provisional_nit"]

    assert check.level == "danger"
    assert "Le quedan 0 días" in check.message


# --- obligations after a reactivation -----------------------------------------------------------


def test_obligations_pending_after_a_reactivation_are_listed(linked, official):
    registrant = change_state(linked.registrant, transition_name="cancel", by=None)
    change_state(registrant, transition_name="reactivate", by=None)
    PendingObligation.objects.create(
        registrant=registrant,
        description="Declaración de renta",
        period="2025",
        recorded_by=official,
    )

    [check] = rut_health(linked, today=TODAY)

    assert check.code == "pending_obligations"
    assert check.title == "Tiene 1 obligación pendiente"
    assert "Su RUT se reactivó, pero siguen pendientes: Declaración de renta 2025." in check.message


def test_resolved_obligations_are_not_listed(linked, official):
    PendingObligation.objects.create(
        registrant=linked.registrant,
        description="Declaración de renta",
        recorded_by=official,
        resolved_at=timezone.now(),
    )

    assert rut_health(linked, today=TODAY) == []


# --- suspension ---------------------------------------------------------------------------------


def _suspend(registrant, official, cause):
    extra = {}
    if cause == Cause.FICTITIOUS_SUPPLIER:
        extra = dict(act_published_on=TODAY - timedelta(days=10))  # art. 15 par. 1
    if cause == Cause.AUTHORITY_ORDER:
        extra = dict(
            requester_kind=RequesterKind.JUDICIAL_AUTHORITY,
            requester_name="Juzgado 3 Civil",
            act_number="Auto 2026-001",
            act_date=TODAY - timedelta(days=3),
            act_issuer="Juzgado 3 Civil del Circuito",
            act_is_final=True,
        )
    case = _receive(registrant, official, case_type=CaseType.SUSPENSION, cause=cause, **extra)
    case = decide_jurisdiction(check_requirements(case, by=official, met=True), by=official)
    case = grant_case(case, by=official)
    registrant.refresh_from_db()
    assert registrant.state == Registrant.State.SUSPENDED
    return case


def test_a_suspension_for_a_fictitious_supplier_says_when_it_can_be_lifted(linked, official):
    case = _suspend(linked.registrant, official, Cause.FICTITIOUS_SUPPLIER)

    [check] = rut_health(linked, today=TODAY)

    assert check.code == "suspended" and check.level == "danger"
    eligible = add_months(case.act_published_on, 60)  # five years from publication
    assert f"desde el {eligible:%d/%m/%Y}" in check.message
    assert case.number in check.message


def test_a_suspension_by_an_authority_is_lifted_by_its_order(linked, official):
    case = _suspend(linked.registrant, official, Cause.AUTHORITY_ORDER)

    [check] = rut_health(linked, today=TODAY)

    assert "orden de levantamiento" in check.message
    assert check.action_url == reverse("portal:case", args=[case.number])


def test_a_suspension_for_an_address_not_found_asks_to_prove_the_address(linked, official):
    _suspend(linked.registrant, official, Cause.ADDRESS_NOT_FOUND)

    [check] = rut_health(linked, today=TODAY)

    assert "acredite su dirección real" in check.message
    assert "motivo=identification" in check.action_url


def test_the_panel_on_the_home_page_lists_the_checks(client, linked, official):
    _suspend(linked.registrant, official, Cause.ADDRESS_NOT_FOUND)
    client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": linked.document_number, "password": PASSWORD},
    )

    page = client.get(reverse("portal:home")).content.decode()

    assert "Salud de mi RUT" in page
    assert 'data-check="suspended"' in page
    assert "Su RUT está suspendido" in page


def test_the_home_page_runs_each_check_its_facts_query_finds_may_fail(client, linked, official):
    """The home reads in one statement which checks may fail and skips the others: a check that
    does fail is never skipped."""
    _rejected_update(linked.registrant, official, TODAY - timedelta(days=10))
    PendingObligation.objects.create(
        registrant=linked.registrant, description="Declaración de renta", recorded_by=official
    )
    PendingFiling.objects.create(account=linked, kind=PendingFiling.Kind.UPDATE)
    client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": linked.document_number, "password": PASSWORD},
    )

    page = client.get(reverse("portal:home")).content.decode()

    for code in ("update_due", "pending_obligations", "unsigned_filing"):
        assert f'data-check="{code}"' in page
