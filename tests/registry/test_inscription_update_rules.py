"""Inscripción y actualización (Decreto 2460 de 2013): each rule enforced in registry.services."""

import pytest

from registry.services.updates import update_registrant
from registry.validation import data_from_registrant
from rut_portal.errors import InvalidData
from tests.factories import make_natural

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
