"""The content of a Formulario 001 version: the whole record, frozen as JSON with its casillas."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models

from registry import reference_cache
from registry.models import (
    CustomsQuality,
    Department,
    DocumentType,
    EconomicActivity,
    Establishment,
    Municipality,
    Partner,
    Registrant,
    RegistrantActivity,
    RegistrantKind,
    Representative,
    Responsibility,
    Seccional,
)

if TYPE_CHECKING:
    from registry.validation import RegistrantData


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def _name(model: type[models.Model], code: str | None) -> str:
    """The name of a reference row (from the cache); empty for no code or an unknown one."""
    row = reference_cache.get(model, code)
    return row.name if row is not None else ""  # type: ignore[attr-defined]


def _department_of(municipality: str | None) -> str:
    """The name of a DIVIPOLA municipio's departamento; empty for none."""
    row = reference_cache.get(Municipality, municipality)
    return _name(Department, row.department_id) if row is not None else ""


def _label(choices: type[models.Choices], value: str) -> str:
    """What get_FOO_display shows, without hashing every lazy label of the field's choices."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _share(value: Decimal | None) -> str:
    """A partner's share as the column stores it (a value just written has not been rounded)."""
    if value is None:
        return ""
    places = Partner._meta.get_field("share_percentage").decimal_places  # type: ignore[union-attr]
    return str(value.quantize(Decimal(1).scaleb(-places)))


CHILDREN = (
    "activities",
    "responsibilities",
    "customs_qualities",
    "representatives",
    "partners",
    "establishments",
)


def build_snapshot(
    registrant: Registrant, *, children: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Everything the form shows, read once (callers pass a freshly locked registrant).

    `children`: the CHILDREN lists of an earlier snapshot of the same transaction, when the
    activities, responsibilities, people and establishments have not changed since.
    Names of seccionales, places, document types and activities come from the reference cache.
    """
    r = registrant
    return {
        "kind": r.kind,
        "kind_label": _label(RegistrantKind, r.kind),
        "state": r.state,
        "state_label": _label(Registrant.State, r.state),
        "seccional": {"code": r.seccional_id, "name": _name(Seccional, r.seccional_id)},
        "identification": {
            "5": r.nit or "",
            "6": "" if r.check_digit is None else str(r.check_digit),
            "24": r.person_type,
            "25": r.document_type_id or "",
            "25_label": _name(DocumentType, r.document_type_id),
            "26": r.document_number,
            "27": _iso(r.document_issue_date),
            # "28" keeps the municipio's name, as in the versions issued before the country.
            "28": _name(Municipality, r.document_issue_place_id),
            "issue_country": r.document_issue_country
            or ("CO" if r.document_issue_place_id else ""),
            "issue_department": _department_of(r.document_issue_place_id),
            "31": r.first_surname,
            "32": r.second_surname,
            "33": r.first_name,
            "34": r.other_names,
            "35": r.business_name,
            "36": r.trade_name,
            "37": r.acronym,
            "birth_date": _iso(r.birth_date),
            "birth_place": _name(Municipality, r.birth_place_id),
            "birth_country": r.birth_country or ("CO" if r.birth_place_id else ""),
            "foreign_tax_number": r.foreign_tax_number,
            "display_name": r.display_name,
        },
        "location": {
            "38": r.country,
            "39": _name(Department, r.department_id),
            "39_code": r.department_id or "",
            "40": _name(Municipality, r.municipality_id),
            "40_code": r.municipality_id or "",
            "41": r.address,
            "42": r.email,
            "43": r.postal_code,
            "44": r.phone_1,
            "45": r.phone_2,
        },
        **(children if children is not None else snapshot_children(r)),
        "formalized_at": _iso(r.formalized_at),
        "provisional_nit_issued_at": _iso(r.provisional_nit_issued_at),
    }


def snapshot_children(registrant: Registrant) -> dict[str, Any]:
    """The CHILDREN part of a snapshot, read from the database."""
    r = registrant
    return children_snapshot(
        activities=r.activities.order_by("role", "id"),
        responsibilities=r.responsibilities.order_by("code"),
        customs_qualities=r.customs_qualities.order_by("code"),
        representatives=r.representatives.order_by("role", "id"),
        partners=r.partners.order_by("id"),
        establishments=r.establishments.order_by("id"),
    )


def data_children_snapshot(data: RegistrantData) -> dict[str, Any]:
    """The CHILDREN part of a snapshot from the data about to be written (nothing read back).

    Sorted as snapshot_children's queries sort them: rows are inserted in the order of `data`,
    so their ids follow it and a stable sort on the role gives ORDER BY role, id. Codes are
    named from the reference cache.
    """
    return {
        "activities": [
            _activity(role=a.role, code=a.code, started_on=a.started_on)
            for a in sorted(data.activities, key=lambda a: a.role)
        ],
        "responsibilities": [
            _coded(_row(Responsibility, code)) for code in sorted(data.responsibilities)
        ],
        "customs_qualities": [
            _coded(_row(CustomsQuality, code)) for code in sorted(data.customs_qualities)
        ],
        "representatives": [
            _representative(
                role=p.role,
                document_type=p.document_type,
                document_number=p.document_number,
                name=p.name,
                professional_card=p.professional_card,
                since=p.since,
            )
            for p in sorted(data.representatives, key=lambda p: p.role)
        ],
        "partners": [
            _partner(
                document_type=p.document_type,
                document_number=p.document_number,
                nit=p.nit,
                name=p.name,
                nationality=p.nationality,
                share_percentage=p.share_percentage,
                since=p.since,
            )
            for p in data.partners
        ],
        "establishments": [
            _establishment(
                kind_code=e.kind_code,
                name=e.name,
                activity=e.activity,
                department=e.department,
                municipality=e.municipality,
                address=e.address,
                phone=e.phone,
                opened_on=e.opened_on,
            )
            for e in data.establishments
        ],
    }


def _row(model: type[models.Model], code: str) -> Any:
    row = reference_cache.get(model, code)
    if row is None:
        raise model.DoesNotExist(code)  # type: ignore[attr-defined]
    return row


def children_snapshot(
    *,
    activities: Iterable[RegistrantActivity],
    responsibilities: Iterable[Responsibility],
    customs_qualities: Iterable[CustomsQuality],
    representatives: Iterable[Representative],
    partners: Iterable[Partner],
    establishments: Iterable[Establishment],
) -> dict[str, Any]:
    """The CHILDREN part of a snapshot from the rows given, in the order given."""
    return {
        "activities": [
            _activity(role=a.role, code=a.activity_id, started_on=a.started_on) for a in activities
        ],
        "responsibilities": [_coded(x) for x in responsibilities],
        "customs_qualities": [_coded(x) for x in customs_qualities],
        "representatives": [
            _representative(
                role=p.role,
                document_type=p.document_type_id,
                document_number=p.document_number,
                name=p.name,
                professional_card=p.professional_card,
                since=p.since,
            )
            for p in representatives
        ],
        "partners": [
            _partner(
                document_type=p.document_type_id,
                document_number=p.document_number,
                nit=p.nit,
                name=p.name,
                nationality=p.nationality,
                share_percentage=p.share_percentage,
                since=p.since,
            )
            for p in partners
        ],
        "establishments": [
            _establishment(
                kind_code=e.kind_code,
                name=e.name,
                activity=e.activity_id,
                department=e.department_id,
                municipality=e.municipality_id,
                address=e.address,
                phone=e.phone,
                opened_on=e.opened_on,
            )
            for e in establishments
        ],
    }


# One entry of each child list, from the row's values (read back, or about to be written).


def _activity(*, role: str, code: str, started_on: date | None) -> dict[str, Any]:
    return {
        "role": role,
        "code": code,
        "name": _name(EconomicActivity, code),
        "started_on": _iso(started_on),
    }


def _coded(row: Responsibility | CustomsQuality) -> dict[str, str]:
    return {"code": row.code, "name": row.name}


def _representative(
    *,
    role: str,
    document_type: str,
    document_number: str,
    name: str,
    professional_card: str,
    since: date | None,
) -> dict[str, Any]:
    return {
        "role": role,
        "role_label": _label(Representative.Role, role),
        "document_type": document_type,
        "document_number": document_number,
        "name": name,
        "professional_card": professional_card,
        "since": _iso(since),
    }


def _partner(
    *,
    document_type: str,
    document_number: str,
    nit: str,
    name: str,
    nationality: str,
    share_percentage: Decimal | None,
    since: date | None,
) -> dict[str, Any]:
    return {
        "document_type": document_type,
        "document_number": document_number,
        "nit": nit,
        "name": name,
        "nationality": nationality,
        "share_percentage": _share(share_percentage),
        "since": _iso(since),
    }


def _establishment(
    *,
    kind_code: str,
    name: str,
    activity: str | None,
    department: str,
    municipality: str,
    address: str,
    phone: str,
    opened_on: date | None,
) -> dict[str, Any]:
    return {
        "kind_code": kind_code,
        "name": name,
        "activity": activity or "",
        "department": department,
        "municipality": municipality,
        "municipality_name": _name(Municipality, municipality),
        "address": address,
        "phone": phone,
        "opened_on": _iso(opened_on),
    }
