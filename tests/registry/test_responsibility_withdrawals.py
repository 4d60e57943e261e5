"""IVA (48) and consumo (33) leave a record only through their own withdrawal request.

Decreto 2460 de 2013, art. 13 par. 3: ceasing IVA activities is an actualización with its own
supports, so an ordinary actualización, by any channel, cannot drop the responsibility.
"""

from __future__ import annotations

import pytest

from registry.models import AuditEntry, FormVersion
from registry.services.updates import update_registrant
from registry.validation import data_from_registrant
from rut_portal.errors import DomainError
from tests.factories import make_natural

pytestmark = pytest.mark.django_db

VAT_MESSAGE = (
    "La responsabilidad 48 (impuesto sobre las ventas - IVA) solo se retira con la solicitud "
    "de retiro de IVA, que acredita el cese de actividades gravadas (Decreto 2460 de 2013, "
    "art. 13 par. 3)."
)


def _codes(registrant) -> set[str]:
    return set(registrant.responsibilities.values_list("code", flat=True))


def _history(registrant) -> tuple[int, int]:
    return (
        FormVersion.objects.filter(registrant=registrant).count(),
        AuditEntry.objects.filter(registrant=registrant).count(),
    )


@pytest.mark.parametrize("assisted", [True, False])
def test_an_update_cannot_drop_vat_outside_its_withdrawal_request(official, assisted) -> None:
    person = make_natural(by=official, responsibilities=["05", "48"])
    before = _history(person)
    data = data_from_registrant(person)
    data.responsibilities = ["05", "49"]

    with pytest.raises(DomainError) as error:
        update_registrant(
            person,
            by=official if assisted else None,
            data=data,
            expected_revision=person.revision,
            assisted=assisted,
        )

    assert error.value.message == VAT_MESSAGE
    assert error.value.field == "responsibilities"
    assert _codes(person) == {"05", "48"}
    assert _history(person) == before


def test_an_update_cannot_drop_consumption_outside_its_withdrawal_request(official) -> None:
    person = make_natural(by=official, responsibilities=["05", "33"])
    data = data_from_registrant(person)
    data.responsibilities = ["05"]

    with pytest.raises(DomainError) as error:
        update_registrant(person, by=official, data=data, expected_revision=person.revision)

    assert error.value.message == (
        "La responsabilidad 33 (impuesto nacional al consumo) solo se retira con la solicitud "
        "de retiro del impuesto al consumo (Decreto 2460 de 2013, art. 13)."
    )
    assert _codes(person) == {"05", "33"}


def test_the_vat_withdrawal_request_removes_vat(official) -> None:
    person = make_natural(by=official, responsibilities=["05", "48"])
    data = data_from_registrant(person)
    data.responsibilities = ["05", "49"]

    person = update_registrant(
        person, by=official, data=data, expected_revision=person.revision, withdrawal="48"
    )

    assert _codes(person) == {"05", "49"}
    entry = person.audit_entries.filter(action="update").get()
    assert entry.changes["responsibilities"] == [["05", "48"], ["05", "49"]]


def test_a_vat_withdrawal_request_cannot_drop_consumption(official) -> None:
    person = make_natural(by=official, responsibilities=["05", "33", "48"])
    data = data_from_registrant(person)
    data.responsibilities = ["05", "49"]

    with pytest.raises(DomainError) as error:
        update_registrant(
            person, by=official, data=data, expected_revision=person.revision, withdrawal="48"
        )

    assert "La responsabilidad 33 (impuesto nacional al consumo)" in error.value.message
    assert _codes(person) == {"05", "33", "48"}


def test_an_update_may_still_add_vat_and_change_other_responsibilities(official) -> None:
    person = make_natural(by=official, responsibilities=["05", "48"])
    data = data_from_registrant(person)
    data.responsibilities = ["05", "48", "52"]

    person = update_registrant(person, by=official, data=data, expected_revision=person.revision)

    assert _codes(person) == {"05", "48", "52"}
