"""Plain factories with unique defaults. Paths that matter go through the real services."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from django.utils import timezone

from registry.models import Registrant, RegistrantKind
from registry.services.registration import register_registrant
from registry.validation import ActivityData, RegistrantData, RepresentativeData

_sequence = itertools.count(1)


def natural_data(**overrides: Any) -> RegistrantData:
    n = next(_sequence)
    values: dict[str, Any] = dict(
        kind=RegistrantKind.NATURAL_PERSON,
        document_type="13",
        document_number=str(79_000_000 + n * 7),
        document_issue_date=date(2000, 1, 15),
        first_surname="PÉREZ",
        second_surname="GÓMEZ",
        first_name="JUAN",
        other_names="CARLOS",
        birth_date=date(1980, 5, 17),
        country="CO",
        department="11",
        municipality="11001",
        address="CL 26 69 76",
        email=f"persona{n}@example.co",
        phone_1="3001234567",
        activities=[ActivityData(code="6201", started_on=date(2020, 1, 1))],
        responsibilities=["05"],
    )
    values.update(overrides)
    return RegistrantData(**values)


def legal_data(**overrides: Any) -> RegistrantData:
    n = next(_sequence)
    values: dict[str, Any] = dict(
        kind=RegistrantKind.LEGAL_ENTITY,
        business_name=f"COMERCIALIZADORA ANDINA {n} S.A.S.",
        acronym="CA",
        country="CO",
        department="05",
        municipality="05001",
        address="CR 43A 1 50",
        email=f"empresa{n}@example.co",
        phone_1="6044440000",
        activities=[ActivityData(code="4659", started_on=date(2024, 3, 1))],
        responsibilities=["05", "48"],
        representatives=[
            RepresentativeData(
                role="legal_rep",
                document_type="13",
                document_number=str(43_000_000 + n),
                name="LUZ MARINA ROJAS",
            )
        ],
    )
    values.update(overrides)
    return RegistrantData(**values)


def make_natural(
    *, by: Any = None, bank_certificate_date: date | None = None, **overrides: Any
) -> Registrant:
    """A persona natural; one responsible for IVA or consumo, or a customs user, shows a bank
    certificate of today unless told otherwise (art. 10 lit. b num. 2)."""
    data = natural_data(**overrides)
    bank_bound = {"48", "33", "32", "11"} & set(data.responsibilities) or data.customs_qualities
    if bank_certificate_date is None and bank_bound:
        bank_certificate_date = timezone.localdate()
    return register_registrant(data, by=by, bank_certificate_date=bank_certificate_date)


_TODAY: Any = object()


def make_legal(
    *, by: Any = None, bank_certificate_date: date | None = _TODAY, **overrides: Any
) -> Registrant:
    """A legal entity; by default with a bank certificate of today (art. 10: one month)."""
    if bank_certificate_date is _TODAY:
        bank_certificate_date = timezone.localdate()
    return register_registrant(
        legal_data(**overrides), by=by, bank_certificate_date=bank_certificate_date
    )


def pdf_upload(name: str = "acto.pdf") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\n% acto administrativo\n", "application/pdf")


def judicial_cancellation_request(registrant: Registrant, **overrides: Any) -> Any:
    from procedures.models import CaseType, Cause, Channel, RequesterKind
    from procedures.services.intake import CaseRequest

    values: dict[str, Any] = dict(
        case_type=CaseType.CANCELLATION_EX_OFFICIO,
        channel=Channel.OFFICIAL_MAIL,
        cause=Cause.AUTHORITY_ORDER,
        requester_kind=RequesterKind.JUDICIAL_AUTHORITY,
        requester_name="Juzgado 12 Civil del Circuito de Bogotá",
        requester_email="j12cctobta@cendoj.example.co",
        registrant=registrant,
        act_number="Sentencia 2026-00123",
        act_date=date(2026, 11, 10),
        act_issuer="Juzgado 12 Civil del Circuito",
        act_is_final=True,
    )
    values.update(overrides)
    return CaseRequest(**values)


def make_appointment(registrant: Registrant, *, at: Any, reason: str) -> Any:
    """A video appointment booked through the portal's service by the inscrito's own account,
    at `at` (an aware datetime) in the inscrito's seccional."""
    from django.contrib.auth.models import User

    from portal.models import CitizenAccount, Slot
    from portal.services import appointments

    n = next(_sequence)
    account = CitizenAccount.objects.create(
        user=User.objects.create_user(username=f"ciudadano{n}"),
        document_type_id=registrant.document_type_id or "13",
        document_number=registrant.document_number or str(1_000_000 + n),
        first_name=registrant.first_name or "ANA",
        last_name=registrant.first_surname or "ROJAS",
        email=registrant.email or f"ciudadano{n}@example.co",
        mobile="3001234567",
        email_confirmed_at=timezone.now(),
        registrant=registrant,
    )
    slot, _created = Slot.objects.get_or_create(
        seccional_id=registrant.seccional_id, starts_at=at, defaults={"capacity": 2}
    )
    return appointments.book(account, slot_id=slot.pk, reason=reason)
