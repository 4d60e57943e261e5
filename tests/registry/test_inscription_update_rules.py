"""Inscripción y actualización (Decreto 2460 de 2013): each rule enforced in registry.services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from registry.models import Registrant
from registry.services.provisional_nit import activate_provisional_nit
from registry.services.registration import formalize_registration, pre_register
from registry.services.updates import update_registrant
from registry.validation import data_from_registrant
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
