"""Decreto 2460 de 2013, art. 4: the places of issue and birth of a persona natural."""

from __future__ import annotations

import pytest

from registry.validation import RegistrantData, validate_registrant_data
from rut_portal.errors import InvalidData


@pytest.mark.django_db
def test_art_4_a_place_abroad_is_a_country_without_a_municipio():
    data = RegistrantData(
        kind="PN",
        document_type="41",
        document_number="PA1",
        first_name="JOHN",
        first_surname="SMITH",
        country="US",
        document_issue_place="11001",
        document_issue_country="US",
        birth_country="XX",
    )

    with pytest.raises(InvalidData) as refused:
        validate_registrant_data(data)

    errors = refused.value.as_field_errors()
    assert errors["document_issue_place"] == [
        "Un lugar en el exterior se indica solo con el país, sin municipio."
    ]
    assert errors["birth_country"] == ["El país «XX» no existe."]
