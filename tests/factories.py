"""Plain factories with unique defaults. Paths that matter go through the real services."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from registry.models import Registrant, RegistrantKind
from registry.services import register_registrant
from registry.validation import ActivityData, RegistrantData, RepresentativeData

_sequence = itertools.count(1)


def natural_data(**overrides: Any) -> RegistrantData:
    n = next(_sequence)
    values: dict[str, Any] = dict(
        kind=RegistrantKind.NATURAL_PERSON, document_type="13",
        document_number=str(79_000_000 + n * 7), document_issue_date=date(2000, 1, 15),
        first_surname="PÉREZ", second_surname="GÓMEZ", first_name="JUAN", other_names="CARLOS",
        birth_date=date(1980, 5, 17), country="CO", department="11", municipality="11001",
        address="CL 26 69 76", email=f"persona{n}@example.co", phone_1="3001234567",
        activities=[ActivityData(code="6201", started_on=date(2020, 1, 1))],
        responsibilities=["05"],
    )
    values.update(overrides)
    return RegistrantData(**values)


def legal_data(**overrides: Any) -> RegistrantData:
    n = next(_sequence)
    values: dict[str, Any] = dict(
        kind=RegistrantKind.LEGAL_ENTITY, business_name=f"COMERCIALIZADORA ANDINA {n} S.A.S.",
        acronym="CA", country="CO", department="05", municipality="05001",
        address="CR 43A 1 50", email=f"empresa{n}@example.co", phone_1="6044440000",
        activities=[ActivityData(code="4659", started_on=date(2024, 3, 1))],
        responsibilities=["05", "48"],
        representatives=[RepresentativeData(role="legal_rep", document_type="13",
                                            document_number=str(43_000_000 + n), name="LUZ MARINA ROJAS")],
    )
    values.update(overrides)
    return RegistrantData(**values)


def make_natural(*, by: Any = None, **overrides: Any) -> Registrant:
    return register_registrant(natural_data(**overrides), by=by)


def make_legal(*, by: Any = None, bank_certificate_date: date | None = date(2026, 11, 20),
               **overrides: Any) -> Registrant:
    return register_registrant(legal_data(**overrides), by=by,
                               bank_certificate_date=bank_certificate_date)
