"""The Formulario 001's casillas are declared once (backoffice.forms.Formulario001Fields) and each
officials' form says only which of them it must have."""

from __future__ import annotations

from django import forms

from backoffice.ex_officio_forms import ExOfficioRegistrationForm, ExOfficioUpdateForm
from backoffice.forms import Formulario001Fields, RegistrantUpdateForm, f001_field
from backoffice.inscription_forms import InscriptionForm
from backoffice.views.abroad import AbroadUpdateForm
from registry.models import PersonType


def _required(form: forms.BaseForm, names: list[str]) -> list[str]:
    return [name for name in names if form.fields[name].required]


def test_a_form_that_must_have_a_casilla_leaves_the_others_optional() -> None:
    address = f001_field("address", required=True)

    assert address.required
    assert not Formulario001Fields.base_fields["address"].required
    assert address.label == Formulario001Fields.base_fields["address"].label
    assert address is not Formulario001Fields.base_fields["address"]


def test_each_form_requires_its_own_casillas() -> None:
    location = ["country", "department", "municipality", "address", "email", "phone_1"]
    natural = RegistrantUpdateForm(person_type=PersonType.NATURAL)
    legal = RegistrantUpdateForm(person_type=PersonType.LEGAL)

    assert _required(InscriptionForm(), location) == ["country"]
    assert _required(natural, location) == ["country", "address"]
    assert _required(natural, ["first_surname", "second_surname", "document_type"]) == [
        "first_surname",
        "document_type",
    ]
    assert _required(legal, ["business_name", "trade_name"]) == ["business_name"]
    assert _required(ExOfficioUpdateForm(), location) == ["country", "address"]
    assert _required(AbroadUpdateForm(), location) == ["country", "address", "email"]
    assert _required(ExOfficioRegistrationForm(), location[1:]) == [
        "department",
        "municipality",
        "address",
    ]
