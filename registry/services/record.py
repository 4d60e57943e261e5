"""Writing a record's fields and children (activities, responsibilities, people, establishments)."""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from datetime import date, datetime
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from registry import reference_cache
from registry.models import (
    Establishment,
    Municipality,
    Partner,
    PersonType,
    Registrant,
    RegistrantActivity,
    Representative,
)
from registry.responsibilities import (
    CONSUMPTION_SIMPLIFIED_REGIME,
    NOT_CONSUMPTION_RESPONSIBLE,
    NOT_VAT_RESPONSIBLE,
    VAT_SIMPLIFIED_REGIME,
)
from registry.services.common import DEFAULT_SECCIONAL, DuplicateRegistrant, normalize_name
from registry.snapshots import CHILDREN
from registry.validation import RegistrantData
from rut_portal.errors import InvalidData

SCALAR_FIELDS = [
    f.name for f in dataclass_fields(RegistrantData) if f.name not in {*CHILDREN, "seccional"}
]
_FK_FIELDS = {"document_type", "document_issue_place", "birth_place", "department", "municipality"}


def _field_value(data: RegistrantData, name: str) -> Any:
    value = data.resolved_person_type if name == "person_type" else getattr(data, name)
    if name in ("country", "document_issue_country", "birth_country"):
        return value.upper()
    if name in _FK_FIELDS:
        return value or None
    return value


def set_scalars(registrant: Registrant, data: RegistrantData) -> dict[str, list[Any]]:
    """Copy the scalar fields onto the row and return what changed ({field: [old, new]})."""
    changes: dict[str, list[Any]] = {}
    for name in SCALAR_FIELDS:
        attname = f"{name}_id" if name in _FK_FIELDS else name
        new = _field_value(data, name)
        old = getattr(registrant, attname)
        if old != new:
            changes[name] = [_jsonable(old), _jsonable(new)]
            setattr(registrant, attname, new)
    registrant.business_name_key = (
        normalize_name(registrant.business_name)
        if registrant.person_type == PersonType.LEGAL
        else ""
    )
    registrant.search_name = normalize_name(registrant.display_name)
    return changes


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def children_rows(data: RegistrantData) -> dict[type[Model], list[dict[str, Any]]]:
    """The rows of each child table `data` describes, in its order, without the registrant column.

    Keys are the child models (the many-to-many tables' `through` included); values map
    attnames to values. Both writers of a new record's children use them: create_children, and
    registry.services.new_record's single statement.
    """
    return {
        RegistrantActivity: [
            {"activity_id": a.code, "role": a.role, "started_on": a.started_on}
            for a in data.activities
        ],
        Registrant.responsibilities.through: [
            {"responsibility_id": code} for code in data.responsibilities
        ],
        Registrant.customs_qualities.through: [
            {"customsquality_id": code} for code in data.customs_qualities
        ],
        Representative: [
            {
                "role": r.role,
                "document_type_id": r.document_type,
                "document_number": r.document_number,
                "name": r.name,
                "professional_card": r.professional_card,
                "since": r.since,
            }
            for r in data.representatives
        ],
        Partner: [
            {
                "document_type_id": p.document_type,
                "document_number": p.document_number,
                "nit": p.nit,
                "name": p.name,
                "nationality": p.nationality,
                "share_percentage": p.share_percentage,
                "since": p.since,
            }
            for p in data.partners
        ],
        Establishment: [
            {
                "kind_code": e.kind_code,
                "name": e.name,
                "activity_id": e.activity or None,
                "department_id": e.department,
                "municipality_id": e.municipality,
                "address": e.address,
                "phone": e.phone,
                "opened_on": e.opened_on,
            }
            for e in data.establishments
        ],
    }


def create_children(registrant: Registrant, data: RegistrantData) -> None:
    """Write the activities, responsibilities, qualities, people and establishments of `data`.

    The record has none yet (new, or cleared by replace_children). An empty list sends no query.
    """
    for model, rows in children_rows(data).items():
        if rows:
            model._default_manager.bulk_create(
                [model(registrant_id=registrant.pk, **row) for row in rows]
            )


def replace_children(registrant: Registrant, data: RegistrantData) -> dict[str, list[Any]]:
    """Replace the children of an existing record; returns what changed ({what: [old, new]})."""
    before = _classification_summary(registrant)
    registrant.activities.all().delete()
    registrant.responsibilities.clear()
    registrant.customs_qualities.clear()
    registrant.representatives.all().delete()
    registrant.partners.all().delete()
    registrant.establishments.all().delete()
    create_children(registrant, data)
    after = _classification_summary(registrant)
    return {k: [before[k], after[k]] for k in after if before[k] != after[k]}


def _classification_summary(registrant: Registrant) -> dict[str, list[str]]:
    if registrant.pk is None:
        return {key: [] for key in CHILDREN}
    return {
        "activities": sorted(f"{a.role}:{a.activity_id}" for a in registrant.activities.all()),
        "responsibilities": sorted(registrant.responsibilities.values_list("code", flat=True)),
        "customs_qualities": sorted(registrant.customs_qualities.values_list("code", flat=True)),
        "representatives": sorted(
            f"{r.role}:{r.document_number}" for r in registrant.representatives.all()
        ),
        "partners": sorted(
            f"{p.document_number}:{p.share_percentage}" for p in registrant.partners.all()
        ),
        "establishments": sorted(
            f"{e.name}:{e.municipality_id}" for e in registrant.establishments.all()
        ),
    }


def seccional_for(data: RegistrantData) -> str:
    if data.seccional:
        return data.seccional
    municipality = reference_cache.get(Municipality, data.municipality)
    if municipality is not None and municipality.seccional_id:
        return municipality.seccional_id
    return DEFAULT_SECCIONAL


def check_not_registered(data: RegistrantData, *, exclude_pk: int | None = None) -> None:
    """Refuse a second record for the same document or legal entity, naming the existing NIT."""
    existing = Registrant.objects.exclude(pk=exclude_pk)
    if data.document_number:
        found = existing.filter(
            document_type_id=data.document_type, document_number=data.document_number
        ).first()
        if found:
            raise DuplicateRegistrant(_duplicate_message(found), field="document_number")
    if data.resolved_person_type == PersonType.LEGAL and data.business_name:
        found = (
            existing.filter(
                person_type=PersonType.LEGAL, business_name_key=normalize_name(data.business_name)
            )
            .exclude(state__in=[Registrant.State.CANCELLED, Registrant.State.LAPSED])
            .first()
        )
        if found:
            raise DuplicateRegistrant(_duplicate_message(found), field="business_name")


def _duplicate_message(found: Registrant) -> str:
    if found.nit:
        return _("Ya está inscrito con el NIT %(nit)s (%(name)s); no se asigna otro NIT.") % {
            "nit": found.formatted_nit,
            "name": found.display_name,
        }
    return _("Ya existe una pre-inscripción para %(name)s; continúe esa solicitud.") % {
        "name": found.display_name
    }


def attname(name: str) -> str:
    return f"{name}_id" if name in _FK_FIELDS else name


# Art. 4 par. 1: the simplified regimes (today "no responsable" of IVA or of consumo).
SIMPLIFIED_REGIME_RESPONSIBILITIES = frozenset(
    {
        VAT_SIMPLIFIED_REGIME,
        NOT_VAT_RESPONSIBLE,
        CONSUMPTION_SIMPLIFIED_REGIME,
        NOT_CONSUMPTION_RESPONSIBLE,
    }
)


def email_required(data: RegistrantData, *, electronic: bool) -> bool:
    """Whether the record must carry an email (Decreto 2460 de 2013, art. 4 par. 1).

    Every filing made through the electronic channels needs one. Otherwise only a persona
    natural of the simplified regime, or one left without responsibilities, may go without.
    """
    if electronic:
        return True
    return needs_email(
        person_type=data.resolved_person_type, responsibilities=set(data.responsibilities)
    )


def needs_email(*, person_type: str, responsibilities: set[str]) -> bool:
    """Art. 4 par. 1 outside the electronic channels: only a persona natural of the simplified
    regime, or one without responsibilities, may go without email."""
    if person_type != PersonType.NATURAL:
        return True
    return bool(responsibilities) and not responsibilities & SIMPLIFIED_REGIME_RESPONSIBILITIES


def check_contact_email(data: RegistrantData, *, electronic: bool) -> None:
    """Refuse a record without email when art. 4 par. 1 makes it mandatory (every channel)."""
    if data.email.strip() or not email_required(data, electronic=electronic):
        return
    if electronic:
        message = _(
            "Indique el correo electrónico: es obligatorio en los trámites por medios "
            "electrónicos (Decreto 2460 de 2013, art. 4 par. 1)."
        )
    else:
        message = _(
            "Indique el correo electrónico: solo las personas naturales del régimen "
            "simplificado o sin responsabilidades pueden omitirlo (Decreto 2460 de 2013, "
            "art. 4 par. 1)."
        )
    raise InvalidData({"email": [message]})
