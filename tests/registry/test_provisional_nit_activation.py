"""Activation of a provisional NIT with the bank certificate (Decreto 2460 de 2013, art. 10 lit. a):
one service for the back office and the agreements API."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from registry.models import AuditEntry, FormVersion, Registrant
from registry.services.provisional_nit import activate_provisional_nit, activation_refusal
from rut_portal.errors import Conflict, DomainError
from tests.factories import make_legal

pytestmark = pytest.mark.django_db


@pytest.fixture
def provisional(official_of_other_seccional) -> Registrant:
    company = make_legal(by=official_of_other_seccional, bank_certificate_date=None)
    assert company.state == Registrant.State.PROVISIONAL
    return company


def test_art_10_lit_a_the_bank_certificate_makes_the_nit_definitive_with_a_new_form(
    provisional, official_of_other_seccional
) -> None:
    nit = provisional.nit
    versions = provisional.form_versions.count()

    activated = activate_provisional_nit(
        provisional,
        by=official_of_other_seccional,
        certificate_date=date(2026, 11, 17),
        bank="Banco de Bogotá",
        account_number="0012-3456-7890",
    )

    assert activated.state == Registrant.State.ACTIVE
    assert activated.nit == nit  # the same number, now definitive
    assert activated.bank_certificate_date == date(2026, 11, 17)
    latest = activated.form_versions.latest("version")
    assert activated.form_versions.count() == versions + 1
    assert latest.concept == FormVersion.Concept.REGISTRATION
    entry = AuditEntry.objects.get(registrant=activated, action="activate_provisional_nit")
    assert entry.legal_basis == "Decreto 2460 de 2013, art. 10 lit. a"
    assert entry.actor == official_of_other_seccional
    assert entry.form_version == latest
    assert entry.changes == {
        "bank_certificate": {"date": "2026-11-17", "bank": "Banco de Bogotá", "account": "****7890"}
    }
    assert "17/11/2026 (Banco de Bogotá, ****7890)" in entry.reason
    assert "001234567890" not in str(entry.changes) + entry.reason  # never the full account


def test_art_10_lit_a_a_nit_that_is_not_provisional_is_refused_in_spanish(
    official_of_other_seccional,
) -> None:
    company = make_legal(by=official_of_other_seccional)  # with its certificate: active
    assert company.state == Registrant.State.ACTIVE
    with pytest.raises(Conflict) as error:
        activate_provisional_nit(
            company, by=official_of_other_seccional, certificate_date=date(2026, 11, 17)
        )
    assert error.value.message == (
        "Solo un NIT provisional se activa con la certificación bancaria; el inscrito está en "
        "estado «Activo»."
    )
    assert not AuditEntry.objects.filter(action="activate_provisional_nit").exists()


def test_art_10_lit_a_after_the_term_the_activation_is_refused(
    provisional, official_of_other_seccional
) -> None:
    issued = timezone.make_aware(datetime(2026, 10, 1, 9, 0))
    Registrant.objects.filter(pk=provisional.pk).update(provisional_nit_issued_at=issued)
    provisional.refresh_from_db()
    assert activation_refusal(provisional) is not None
    with pytest.raises(Conflict) as error:
        activate_provisional_nit(
            provisional, by=official_of_other_seccional, certificate_date=date(2026, 10, 5)
        )
    assert "El NIT provisional venció el" in error.value.message
    provisional.refresh_from_db()
    assert provisional.state == Registrant.State.PROVISIONAL


def test_a_future_certificate_is_refused_on_its_field(
    provisional, official_of_other_seccional
) -> None:
    with pytest.raises(DomainError) as error:
        activate_provisional_nit(
            provisional, by=official_of_other_seccional, certificate_date=date(2026, 11, 19)
        )
    assert error.value.field == "certificate_date"
    provisional.refresh_from_db()
    assert provisional.state == Registrant.State.PROVISIONAL


def test_someone_without_the_permission_cannot_activate(provisional, citizen) -> None:
    with pytest.raises(DomainError) as error:
        activate_provisional_nit(provisional, by=citizen, certificate_date=date(2026, 11, 17))
    assert error.value.status_code == 403
