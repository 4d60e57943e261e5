"""The content of a Formulario 001 version: the whole record, frozen as JSON with its casillas."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

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


def written_children_snapshot(
    *,
    activities: list[RegistrantActivity],
    responsibilities: list[str],
    customs_qualities: list[str],
    representatives: list[Representative],
    partners: list[Partner],
    establishments: list[Establishment],
) -> dict[str, Any]:
    """The CHILDREN part of a snapshot from rows just inserted (with their ids), not read back.

    Sorted as snapshot_children's queries sort them; codes are named from the reference cache.
    """
    return children_snapshot(
        activities=sorted(activities, key=lambda a: (a.role, a.pk)),
        responsibilities=[_row(Responsibility, code) for code in sorted(responsibilities)],
        customs_qualities=[_row(CustomsQuality, code) for code in sorted(customs_qualities)],
        representatives=sorted(representatives, key=lambda p: (p.role, p.pk)),
        partners=sorted(partners, key=lambda p: p.pk),
        establishments=sorted(establishments, key=lambda e: e.pk),
    )


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
            {
                "role": a.role,
                "code": a.activity_id,
                "name": _name(EconomicActivity, a.activity_id),
                "started_on": _iso(a.started_on),
            }
            for a in activities
        ],
        "responsibilities": [{"code": x.code, "name": x.name} for x in responsibilities],
        "customs_qualities": [{"code": x.code, "name": x.name} for x in customs_qualities],
        "representatives": [
            {
                "role": p.role,
                "role_label": _label(Representative.Role, p.role),
                "document_type": p.document_type_id,
                "document_number": p.document_number,
                "name": p.name,
                "professional_card": p.professional_card,
                "since": _iso(p.since),
            }
            for p in representatives
        ],
        "partners": [
            {
                "document_type": p.document_type_id,
                "document_number": p.document_number,
                "nit": p.nit,
                "name": p.name,
                "nationality": p.nationality,
                "share_percentage": _share(p.share_percentage),
                "since": _iso(p.since),
            }
            for p in partners
        ],
        "establishments": [
            {
                "kind_code": e.kind_code,
                "name": e.name,
                "activity": e.activity_id or "",
                "department": e.department_id,
                "municipality": e.municipality_id,
                "municipality_name": _name(Municipality, e.municipality_id),
                "address": e.address,
                "phone": e.phone,
                "opened_on": _iso(e.opened_on),
            }
            for e in establishments
        ],
    }
