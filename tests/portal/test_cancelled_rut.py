"""What an inscrito may request depends on the state of the RUT (procedures.selectors
.requests_open_to): a cancelled RUT is not updated, withdrawn from or cancelled again; it comes
back only by reactivation, asked with an official (Decreto 2460 de 2013, art. 13 and 17;
procedure of cancelación de oficio y reactivación, 3.2). Refused before any code is sent."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from portal.models import PendingFiling
from portal.services import filings
from procedures.models import CaseType
from procedures.selectors import requests_open_to
from registry.models import Registrant
from registry.services.states import change_state
from registry.validation import data_from_registrant
from rut_portal.errors import Conflict
from tests.clock import TODAY
from tests.factories import make_natural
from tests.portal.conftest import PASSWORD

pytestmark = pytest.mark.django_db

REFUSAL = "está en estado «Cancelado»: no admite"


@pytest.fixture
def cancelled(account):
    registrant = make_natural(
        document_number=account.document_number,
        email=account.email,
        responsibilities=["05", "48"],
    )
    return change_state(
        registrant,
        transition_name="cancel",
        by=None,
        reason="Terminación de la inversión extranjera",
        legal_basis="Decreto 2460 de 2013, art. 17",
    )


@pytest.fixture
def signed_in(client, account, cancelled):
    client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": account.document_number, "password": PASSWORD},
    )
    account.refresh_from_db()
    assert account.registrant == cancelled
    return client


def test_a_cancelled_rut_may_only_ask_for_reactivation(cancelled):
    assert requests_open_to(cancelled) == {CaseType.REACTIVATION}
    active = make_natural()
    assert CaseType.UPDATE in requests_open_to(active)
    assert CaseType.CANCELLATION_ON_REQUEST in requests_open_to(active)
    assert CaseType.REACTIVATION not in requests_open_to(active)


def test_mi_rut_offers_a_cancelled_inscrito_no_update_withdrawal_or_cancellation(signed_in):
    page = signed_in.get(reverse("portal:home")).content.decode()

    assert "Su RUT está cancelado" in page
    for tile in ("Actualizar el RUT", "Retiro de IVA", "Cancelar el RUT"):
        assert tile not in page
    assert "Agendar videoatención" in page


@pytest.mark.parametrize(
    ("url", "args"),
    [
        ("portal:update", []),
        ("portal:update_section", ["direccion"]),
        ("portal:withdrawal", ["iva"]),
        ("portal:cancellation", []),
    ],
)
def test_the_request_pages_refuse_a_cancelled_rut_before_any_code(signed_in, url, args):
    mail.outbox.clear()

    responses = [signed_in.get(reverse(url, args=args))]
    if args:  # the update menu only shows the sections
        responses.append(
            signed_in.post(
                reverse(url, args=args),
                {"declaration_0": "on", "cause": "foreign_investment_ended", "address": "CL 1 1"},
            )
        )

    for response in responses:
        assert response.status_code == 409
        assert REFUSAL in response.content.decode()
        assert "pida la reactivación de manera asistida" in response.content.decode()
    assert not PendingFiling.objects.exists()
    assert mail.outbox == []


def test_the_filing_services_refuse_a_cancelled_rut(signed_in, account, cancelled):
    with pytest.raises(Conflict) as error:
        filings.start_withdrawal(
            account,
            kind=PendingFiling.Kind.VAT_WITHDRAWAL,
            data=data_from_registrant(cancelled),
            base_revision=cancelled.revision,
            facts="",
            fact_date=TODAY,
        )

    assert REFUSAL in error.value.message
    assert not PendingFiling.objects.exists()
    assert Registrant.objects.get(pk=cancelled.pk).state == Registrant.State.CANCELLED
