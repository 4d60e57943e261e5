"""Use cases that write the registry. They are the only writers of Registrant and its children."""

from __future__ import annotations

import unicodedata
from dataclasses import fields as dataclass_fields
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from procedures.deadlines import add_months, due_date, provisional_nit_term
from registry import reference_cache
from registry.models import (
    DOCUMENT_AS_NIT,
    PROVISIONAL_NIT_KINDS,
    AuditEntry,
    DataAccessLog,
    Establishment,
    FormVersion,
    Municipality,
    Partner,
    PersonType,
    Registrant,
    RegistrantActivity,
    Representative,
    SeccionalAssignment,
)
from registry.nit import Nit, allocate_form_number, allocate_nit, check_digit
from registry.snapshots import CHILDREN, build_snapshot
from registry.validation import IDENTIFICATION_FIELDS, RegistrantData, validate_registrant_data
from rut_portal.errors import Conflict, DomainError, NotAllowed

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class DuplicateRegistrant(Conflict):
    """Asignación errada de NIT: the person or entity already has one."""


DEFAULT_SECCIONAL = "32"  # Bogotá: inscritos domiciled abroad (art. 9 par.)


def normalize_name(text: str) -> str:
    """Upper case, no accents, single spaces: the key used for search and homonymy checks."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.upper().replace(".", "").replace(",", " ").split())


# --- Writing the record -------------------------------------------------------------------------

_SCALAR_FIELDS = [
    f.name for f in dataclass_fields(RegistrantData) if f.name not in {*CHILDREN, "seccional"}
]
_FK_FIELDS = {"document_type", "document_issue_place", "birth_place", "department", "municipality"}


def _field_value(data: RegistrantData, name: str) -> Any:
    value = data.resolved_person_type if name == "person_type" else getattr(data, name)
    if name == "country":
        return value.upper()
    if name in _FK_FIELDS:
        return value or None
    return value


def _set_scalars(registrant: Registrant, data: RegistrantData) -> dict[str, list[Any]]:
    """Copy the scalar fields onto the row and return what changed ({field: [old, new]})."""
    changes: dict[str, list[Any]] = {}
    for name in _SCALAR_FIELDS:
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


def _link(through: Any, column: str, registrant: Registrant, codes: list[str]) -> None:
    """Insert many-to-many rows directly: the caller's record has none yet, nothing to diff."""
    through.objects.bulk_create(
        [through(registrant_id=registrant.pk, **{column: c}) for c in codes]
    )


def _create_children(registrant: Registrant, data: RegistrantData) -> None:
    """Write the activities, responsibilities, qualities, people and establishments of `data`.

    The record has none yet (new, or cleared by _replace_children). An empty list sends no query.
    """
    RegistrantActivity.objects.bulk_create(
        [
            RegistrantActivity(
                registrant=registrant, activity_id=a.code, role=a.role, started_on=a.started_on
            )
            for a in data.activities
        ]
    )
    _link(
        Registrant.responsibilities.through, "responsibility_id", registrant, data.responsibilities
    )
    _link(
        Registrant.customs_qualities.through,
        "customsquality_id",
        registrant,
        data.customs_qualities,
    )
    Representative.objects.bulk_create(
        [
            Representative(
                registrant=registrant,
                role=r.role,
                document_type_id=r.document_type,
                document_number=r.document_number,
                name=r.name,
                professional_card=r.professional_card,
                since=r.since,
            )
            for r in data.representatives
        ]
    )
    Partner.objects.bulk_create(
        [
            Partner(
                registrant=registrant,
                document_type_id=p.document_type,
                document_number=p.document_number,
                nit=p.nit,
                name=p.name,
                nationality=p.nationality,
                share_percentage=p.share_percentage,
                since=p.since,
            )
            for p in data.partners
        ]
    )
    Establishment.objects.bulk_create(
        [
            Establishment(
                registrant=registrant,
                kind_code=e.kind_code,
                name=e.name,
                activity_id=e.activity or None,
                department_id=e.department,
                municipality_id=e.municipality,
                address=e.address,
                phone=e.phone,
                opened_on=e.opened_on,
            )
            for e in data.establishments
        ]
    )


def _replace_children(registrant: Registrant, data: RegistrantData) -> dict[str, list[Any]]:
    """Replace the children of an existing record; returns what changed ({what: [old, new]})."""
    before = _classification_summary(registrant)
    registrant.activities.all().delete()
    registrant.responsibilities.clear()
    registrant.customs_qualities.clear()
    registrant.representatives.all().delete()
    registrant.partners.all().delete()
    registrant.establishments.all().delete()
    _create_children(registrant, data)
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


def _seccional_for(data: RegistrantData) -> str:
    if data.seccional:
        return data.seccional
    municipality = reference_cache.get(Municipality, data.municipality)
    if municipality is not None and municipality.seccional_id:
        return municipality.seccional_id
    return DEFAULT_SECCIONAL


def _check_not_registered(data: RegistrantData, *, exclude_pk: int | None = None) -> None:
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


def _issue_form_version(
    registrant: Registrant,
    *,
    concept: str,
    by: User | None,
    first: bool = False,
    previous: FormVersion | None = None,
) -> FormVersion:
    """Number and store a new immutable Formulario 001 (the caller holds the row lock).

    `first` for a record created in this transaction: it has no earlier version to count.
    `previous`: the version issued earlier in this transaction; the children (activities,
    responsibilities, people, establishments) have not changed since, so they are not read again.
    """
    if previous is not None:
        last = previous.version
        children = {key: previous.snapshot[key] for key in CHILDREN}
    else:
        last = 0 if first else registrant.form_versions.aggregate(n=Max("version"))["n"] or 0
        children = None
    return FormVersion.objects.create(
        registrant=registrant,
        form_number=allocate_form_number(),
        version=last + 1,
        concept=concept,
        state=registrant.state,
        snapshot=build_snapshot(registrant, children=children),
        created_by=acting_user(by),
    )


def record_audit(
    registrant: Registrant | None,
    *,
    action: str,
    by: User | None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    legal_basis: str = "",
    act_reference: str = "",
    case_number: str = "",
    form_version: FormVersion | None = None,
    changes: dict[str, Any] | None = None,
    self_service: bool = False,
) -> AuditEntry:
    """Append one entry to the audit trail (inside the caller's transaction)."""
    return AuditEntry.objects.create(
        registrant=registrant,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=acting_user(by),
        reason=reason,
        legal_basis=legal_basis,
        act_reference=act_reference,
        case_number=case_number,
        form_version=form_version,
        changes=changes or {},
        self_service=self_service,
    )


def acting_user(by: User | None) -> User | None:
    """The user to record as author: None for the system actor or an anonymous request."""
    return by if by is not None and by.is_authenticated else None


def _settle_deadlines(registrant: Registrant) -> None:
    """Cancel the inscrito's pending terms its new state makes moot (provisional NIT, ...)."""
    from deadlines.services import settle_registrant_deadlines  # deadlines imports this module

    settle_registrant_deadlines(registrant)


def _lock(registrant: Registrant) -> Registrant:
    return Registrant.objects.select_for_update().get(pk=registrant.pk)


def _require_perm(registrant: Registrant, method_name: str, by: User | None) -> None:
    if by is not None and not has_transition_perm(getattr(registrant, method_name), by):
        raise NotAllowed(_("No tiene permiso para esta actuación sobre el RUT."))


def _require_state(registrant: Registrant, method_name: str) -> None:
    if not can_proceed(getattr(registrant, method_name)):
        raise Conflict(
            _("La acción no procede: el inscrito está en estado «%(state)s».")
            % {"state": registrant.get_state_display()}
        )


def _save(registrant: Registrant, fields: list[str]) -> None:
    try:
        with transaction.atomic():
            registrant.save(update_fields=fields)
    except IntegrityError as exc:
        raise _integrity_to_domain(exc, registrant) from exc


def _integrity_to_domain(exc: IntegrityError, registrant: Registrant) -> DomainError:
    text = str(exc)
    if "nit" in text.lower():
        return DuplicateRegistrant(
            _("El NIT %(nit)s ya está asignado a otro inscrito.")
            % {"nit": registrant.formatted_nit},
            field="nit",
        )
    return DuplicateRegistrant(_("Ya existe un inscrito con esos datos de identificación."))


# --- Inscription --------------------------------------------------------------------------------


@transaction.atomic
def pre_register(data: RegistrantData, *, by: User | None) -> Registrant:
    """Pre-inscripción: store the filled form (no NIT yet, no validity) with its form number."""
    registrant, _version = _pre_register(data, by=by)
    return registrant


def _pre_register(data: RegistrantData, *, by: User | None) -> tuple[Registrant, FormVersion]:
    validate_registrant_data(data)
    _check_not_registered(data)
    registrant = Registrant(seccional_id=_seccional_for(data))
    _set_scalars(registrant, data)
    try:
        with transaction.atomic():
            registrant.save()
    except IntegrityError as exc:
        raise _integrity_to_domain(exc, registrant) from exc
    _create_children(registrant, data)
    SeccionalAssignment.objects.create(
        registrant=registrant, seccional_id=registrant.seccional_id, started_at=timezone.now()
    )
    version = _issue_form_version(
        registrant, concept=FormVersion.Concept.PRE_REGISTRATION, by=by, first=True
    )
    record_audit(
        registrant,
        action="pre_register",
        by=by,
        to_state=registrant.state,
        form_version=version,
        legal_basis="Decreto 2460 de 2013, art. 6",
    )
    return registrant, version


def _nit_for(registrant: Registrant) -> Nit:
    if registrant.is_natural and registrant.document_type_id in DOCUMENT_AS_NIT:
        number = registrant.document_number.lstrip("0")
        return Nit(number=number, check_digit=check_digit(number))
    return allocate_nit()


@transaction.atomic
def formalize_registration(
    registrant: Registrant,
    *,
    by: User | None,
    bank_certificate_date: date | None = None,
    case_number: str = "",
) -> Registrant:
    """Formalise a pre-inscripción: assign the NIT and issue the Formulario 001 (Certificado).

    New legal entities without a bank certificate get a provisional NIT (art. 10 lit. a).
    `by=None` is the system acting on a self-service filing it has verified.
    """
    return _formalize(
        _lock(registrant),
        by=by,
        bank_certificate_date=bank_certificate_date,
        case_number=case_number,
    )


def _formalize(
    registrant: Registrant,
    *,
    by: User | None,
    bank_certificate_date: date | None,
    case_number: str,
    previous: FormVersion | None = None,
) -> Registrant:
    """formalize_registration on a row the caller holds locked (or created in its transaction).

    `previous`: the pre-inscription version issued in the same transaction (see
    _issue_form_version).
    """
    provisional = registrant.kind in PROVISIONAL_NIT_KINDS and bank_certificate_date is None
    method = "issue_provisional_nit" if provisional else "formalize"
    _require_state(registrant, method)
    _require_perm(registrant, method, by)
    nit = _nit_for(registrant)
    holder = Registrant.objects.filter(nit=nit.number).exclude(pk=registrant.pk).first()
    if holder is not None:
        raise DuplicateRegistrant(
            _("El NIT %(nit)s ya pertenece a %(name)s.")
            % {"nit": str(nit), "name": holder.display_name},
            field="document_number",
        )
    now = timezone.now()
    if provisional:
        registrant.issue_provisional_nit(nit=nit.number, check_digit=nit.check_digit, at=now)
        concept, fields = FormVersion.Concept.PROVISIONAL, ["provisional_nit_issued_at"]
    else:
        registrant.formalize(nit=nit.number, check_digit=nit.check_digit, at=now)
        registrant.bank_certificate_date = bank_certificate_date
        concept, fields = (
            FormVersion.Concept.REGISTRATION,
            ["formalized_at", "bank_certificate_date"],
        )
    registrant.state_changed_at = now
    _save(registrant, ["state", "nit", "check_digit", "state_changed_at", *fields])
    version = _issue_form_version(registrant, concept=concept, by=by, previous=previous)
    if provisional:
        from deadlines.services import schedule_provisional_nit  # deadlines imports this module

        schedule_provisional_nit(registrant)
    record_audit(
        registrant,
        action=method,
        by=by,
        from_state=Registrant.State.PRE_REGISTERED,
        to_state=registrant.state,
        form_version=version,
        case_number=case_number,
        legal_basis="Decreto 2460 de 2013, art. 8 y 10",
        changes={"nit": [None, str(nit)]},
    )
    return registrant


@transaction.atomic
def register_registrant(
    data: RegistrantData,
    *,
    by: User | None,
    bank_certificate_date: date | None = None,
    case_number: str = "",
) -> Registrant:
    """Inscripción in one step (assisted, or by agreement): pre-inscription and formalisation.

    The record is created in this transaction, so nobody else can see it yet: no lock to take.
    """
    registrant, version = _pre_register(data, by=by)
    return _formalize(
        registrant,
        by=by,
        bank_certificate_date=bank_certificate_date,
        case_number=case_number,
        previous=version,
    )


def provisional_nit_expires_on(registrant: Registrant) -> date | None:
    if registrant.provisional_nit_issued_at is None:
        return None
    issued = timezone.localdate(registrant.provisional_nit_issued_at)
    return due_date(issued, provisional_nit_term())


@transaction.atomic
def activate_provisional_nit(
    registrant: Registrant, *, by: User | None, certificate_date: date, today: date | None = None
) -> Registrant:
    """Make a provisional NIT definitive with the bank account certificate (art. 10 lit. a)."""
    registrant = _lock(registrant)
    _require_state(registrant, "activate_provisional_nit")
    _require_perm(registrant, "activate_provisional_nit", by)
    today = today or timezone.localdate()
    expires = provisional_nit_expires_on(registrant)
    if expires is not None and today > expires:
        raise Conflict(
            _(
                "El NIT provisional venció el %(date)s: ya no tiene validez y debe "
                "inscribirse de nuevo."
            )
            % {"date": expires.strftime("%d/%m/%Y")}
        )
    if certificate_date > today:
        raise DomainError(
            _("La certificación bancaria no puede tener fecha futura."), field="certificate_date"
        )
    registrant.activate_provisional_nit(certificate_date=certificate_date, at=timezone.now())
    registrant.state_changed_at = timezone.now()
    _save(registrant, ["state", "bank_certificate_date", "formalized_at", "state_changed_at"])
    version = _issue_form_version(registrant, concept=FormVersion.Concept.REGISTRATION, by=by)
    _settle_deadlines(registrant)
    record_audit(
        registrant,
        action="activate_provisional_nit",
        by=by,
        from_state=Registrant.State.PROVISIONAL,
        to_state=registrant.state,
        form_version=version,
        legal_basis="Decreto 2460 de 2013, art. 10 lit. a",
    )
    return registrant


@transaction.atomic
def lapse_provisional_nit(registrant: Registrant, *, today: date) -> bool:
    """Take validity from a provisional NIT whose term ran out; a second call changes nothing."""
    registrant = _lock(registrant)
    expires = provisional_nit_expires_on(registrant)
    if registrant.state != Registrant.State.PROVISIONAL or expires is None or today <= expires:
        return False
    registrant.lapse_provisional_nit()
    registrant.state_changed_at = timezone.now()
    _save(registrant, ["state", "state_changed_at"])
    version = _issue_form_version(registrant, concept=FormVersion.Concept.LAPSE, by=None)
    record_audit(
        registrant,
        action="lapse_provisional_nit",
        by=None,
        from_state=Registrant.State.PROVISIONAL,
        to_state=registrant.state,
        form_version=version,
        legal_basis="Decreto 2460 de 2013, art. 10 lit. a",
        reason=_("Vencieron %(n)s días sin certificación bancaria.")
        % {"n": settings.PROVISIONAL_NIT_DAYS},
    )
    return True


# --- Actualización ------------------------------------------------------------------------------


@transaction.atomic
def update_registrant(
    registrant: Registrant,
    *,
    by: User | None,
    data: RegistrantData,
    expected_revision: int,
    assisted: bool = True,
    reason: str = "",
    case_number: str = "",
) -> Registrant:
    """Actualización: change the record, keep the state, issue a new Formulario 001.

    `expected_revision` is the revision the person was looking at; if someone saved in between,
    the update is refused instead of silently overwriting their change.
    """
    registrant = _lock(registrant)
    if registrant.revision != expected_revision:
        raise Conflict(
            _(
                "Otra persona actualizó este RUT mientras usted editaba; revise los datos "
                "actuales y vuelva a intentarlo."
            )
        )
    _require_state(registrant, "update")
    _require_perm(registrant, "update", by)
    validate_registrant_data(data)
    _check_not_registered(data, exclude_pk=registrant.pk)
    if registrant.nit and registrant.document_type_id in DOCUMENT_AS_NIT and registrant.is_natural:
        if (data.document_type, data.document_number) != (
            registrant.document_type_id,
            registrant.document_number,
        ):
            raise DomainError(
                _("El número de documento es el NIT: no se puede cambiar por actualización."),
                field="document_number",
            )
    changes = _set_scalars(registrant, data)
    if not assisted and any(name in IDENTIFICATION_FIELDS for name in changes):
        raise NotAllowed(
            _(
                "Los datos de identificación solo se cambian con la asistencia de un "
                "funcionario; solicite una cita."
            )
        )
    if not assisted and ADDRESS_FIELDS & changes.keys():
        check_virtual_address_changes(registrant)
    changes.update(_replace_children(registrant, data))
    if not changes:
        raise DomainError(_("No hay cambios que registrar."))
    registrant.update()
    new_seccional = (
        _seccional_for(data)
        if data.seccional or "municipality" in changes
        else registrant.seccional_id
    )
    if new_seccional != registrant.seccional_id:
        changes["seccional"] = [registrant.seccional_id, new_seccional]
        _move_seccional(registrant, new_seccional)
    registrant.revision += 1
    _save(
        registrant,
        [
            *(_attname(n) for n in _SCALAR_FIELDS),
            "business_name_key",
            "search_name",
            "revision",
            "seccional",
        ],
    )
    version = _issue_form_version(registrant, concept=FormVersion.Concept.UPDATE, by=by)
    record_audit(
        registrant,
        action="update",
        by=by,
        from_state=registrant.state,
        to_state=registrant.state,
        form_version=version,
        reason=reason,
        case_number=case_number,
        changes=changes,
        self_service=not assisted,
        legal_basis="Decreto 2460 de 2013, art. 13",
    )
    return registrant


ADDRESS_FIELDS = frozenset({"country", "department", "municipality", "address", "postal_code"})
MAX_VIRTUAL_ADDRESS_CHANGES = 2
VIRTUAL_ADDRESS_WINDOW_MONTHS = 6


def check_virtual_address_changes(registrant: Registrant) -> None:
    """At most two address changes by self-service in six months; then only assisted."""
    since = add_months(timezone.localdate(), -VIRTUAL_ADDRESS_WINDOW_MONTHS)
    address_changed = Q()
    for name in ADDRESS_FIELDS:
        address_changed |= Q(changes__has_key=name)
    done = registrant.audit_entries.filter(
        address_changed, action="update", self_service=True, at__date__gt=since
    ).count()
    if done >= MAX_VIRTUAL_ADDRESS_CHANGES:
        raise NotAllowed(
            _(
                "Ya cambió la dirección %(n)s veces en los últimos seis meses por autogestión; "
                "el siguiente cambio se hace con la asistencia de un funcionario."
            )
            % {"n": done},
            field="address",
        )


def _attname(name: str) -> str:
    return f"{name}_id" if name in _FK_FIELDS else name


def _move_seccional(registrant: Registrant, seccional: str) -> None:
    now = timezone.now()
    SeccionalAssignment.objects.filter(registrant=registrant, ended_at__isnull=True).update(
        ended_at=now
    )
    SeccionalAssignment.objects.create(
        registrant=registrant, seccional_id=seccional, started_at=now
    )
    registrant.seccional_id = seccional


# --- State changes driven by cases (suspensión, cancelación, reactivación) --------------------

_CONCEPT_FOR = {
    "suspend": FormVersion.Concept.SUSPENSION,
    "lift_suspension": FormVersion.Concept.LIFT_SUSPENSION,
    "cancel": FormVersion.Concept.CANCELLATION,
    "reactivate": FormVersion.Concept.REACTIVATION,
}


@transaction.atomic
def change_state(
    registrant: Registrant,
    *,
    transition_name: str,
    by: User | None,
    reason: str = "",
    legal_basis: str = "",
    act_reference: str = "",
    case_number: str = "",
) -> Registrant:
    """Apply suspend / lift_suspension / cancel / reactivate with its form version and audit."""
    if transition_name not in _CONCEPT_FOR:
        raise ValueError(transition_name)
    registrant = _lock(registrant)
    _require_state(registrant, transition_name)
    _require_perm(registrant, transition_name, by)
    before = registrant.state
    getattr(registrant, transition_name)()
    registrant.state_changed_at = timezone.now()
    _save(registrant, ["state", "state_changed_at"])
    version = _issue_form_version(registrant, concept=_CONCEPT_FOR[transition_name], by=by)
    _settle_deadlines(registrant)
    record_audit(
        registrant,
        action=transition_name,
        by=by,
        from_state=before,
        to_state=registrant.state,
        reason=reason,
        legal_basis=legal_basis,
        act_reference=act_reference,
        case_number=case_number,
        form_version=version,
    )
    return registrant


def log_data_access(*, user: User, registrant: Registrant, what: str) -> DataAccessLog:
    """Data protection policy: record who looked at an inscrito's personal data, and what."""
    return DataAccessLog.objects.create(user=user, registrant=registrant, what=what[:200])
