"""Inscripción y actualización (Decreto 2460 de 2013): each rule enforced in registry.services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from procedures.selectors import sanction_indicators
from registry.models import Registrant
from registry.services.provisional_nit import activate_provisional_nit
from registry.services.registration import (
    formalize_registration,
    income_tax_filing_deadline,
    pre_register,
    registration_due_on,
)
from registry.services.updates import update_registrant
from registry.validation import ActivityData, data_from_registrant
from rut_portal.errors import DomainError, InvalidData
from tests.factories import legal_data, make_legal, make_natural

pytestmark = pytest.mark.django_db


def test_art_4_par_1_an_electronic_update_cannot_leave_the_record_without_email() -> None:
    registrant = make_natural(responsibilities=["49"])
    data = data_from_registrant(registrant)
    data.email = ""

    with pytest.raises(InvalidData) as refused:
        update_registrant(
            registrant, by=None, data=data, expected_revision=registrant.revision, assisted=False
        )

    assert "medios electrónicos" in refused.value.errors["email"][0]
    registrant.refresh_from_db()
    assert registrant.email


def test_art_4_par_1_an_assisted_update_of_a_simplified_regime_person_may_drop_the_email(
    official,
) -> None:
    registrant = make_natural(responsibilities=["49"])
    data = data_from_registrant(registrant)
    data.email = ""

    update_registrant(registrant, by=official, data=data, expected_revision=registrant.revision)

    registrant.refresh_from_db()
    assert registrant.email == ""


def test_art_10_an_official_cannot_formalise_with_a_bank_certificate_over_a_month_old(
    official,
) -> None:
    registrant = pre_register(legal_data(), by=official)

    with pytest.raises(DomainError) as refused:
        formalize_registration(
            registrant, by=official, bank_certificate_date=timezone.localdate() - timedelta(days=40)
        )

    assert refused.value.field == "bank_certificate_date"
    registrant.refresh_from_db()
    assert registrant.state == Registrant.State.PRE_REGISTERED


def test_art_10_a_provisional_nit_is_not_activated_with_a_stale_certificate(official) -> None:
    registrant = make_legal(by=official, bank_certificate_date=None)

    with pytest.raises(DomainError, match="más de un mes"):
        activate_provisional_nit(
            registrant, by=official, certificate_date=timezone.localdate() - timedelta(days=40)
        )


def test_art_7_a_new_income_tax_filer_may_register_until_the_filing_deadline() -> None:
    started = timezone.localdate() - timedelta(days=30)
    activity = [ActivityData(code="6201", started_on=started)]
    filer = make_natural(responsibilities=["05"], activities=activity)
    vat_payer = make_natural(responsibilities=["05", "48"], activities=activity)

    assert "late_registration" not in [i.code for i in sanction_indicators(filer)]
    assert "late_registration" in [i.code for i in sanction_indicators(vat_payer)]
    assert registration_due_on(
        person_type="2", responsibilities={"05"}, activity_started_on=started
    ) == income_tax_filing_deadline(started.year)
