"""Pieces every registry service uses: locking, permissions, the audit trail, form versions."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from registry.models import AuditEntry, FormVersion, Registrant
from registry.nit import allocate_form_number
from registry.snapshots import build_snapshot
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


def issue_form_version(
    registrant: Registrant,
    *,
    concept: str,
    by: User | None,
    form_number: str | None = None,
) -> FormVersion:
    """Number and store a new immutable Formulario 001 (the caller holds the row lock).

    `form_number`: one the caller drew already (with the NIT, in one round trip).
    """
    last = registrant.form_versions.aggregate(n=Max("version"))["n"] or 0
    return FormVersion.objects.create(
        registrant=registrant,
        **form_version_fields(
            form_number=form_number or allocate_form_number(),
            version=last + 1,
            concept=concept,
            state=registrant.state,
            snapshot=build_snapshot(registrant),
            by=by,
        ),
    )


def form_version_fields(
    *,
    form_number: str,
    version: int,
    concept: str,
    state: str,
    snapshot: dict[str, Any],
    by: User | None,
) -> dict[str, Any]:
    """The columns of a new Formulario 001 version by attname, but its registrant."""
    return {
        "form_number": form_number,
        "version": version,
        "concept": concept,
        "state": state,
        "snapshot": snapshot,
        "created_by_id": _id(acting_user(by)),
    }


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
        form_version=form_version,
        **audit_fields(
            action=action,
            by=by,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            legal_basis=legal_basis,
            act_reference=act_reference,
            case_number=case_number,
            changes=changes,
            self_service=self_service,
        ),
    )


def audit_fields(
    *,
    action: str,
    by: User | None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    legal_basis: str = "",
    act_reference: str = "",
    case_number: str = "",
    changes: dict[str, Any] | None = None,
    self_service: bool = False,
) -> dict[str, Any]:
    """The columns of an audit entry by attname, as record_audit writes it, but its registrant
    and its form version."""
    return {
        "action": action,
        "from_state": from_state,
        "to_state": to_state,
        "actor_id": _id(acting_user(by)),
        "reason": reason,
        "legal_basis": legal_basis,
        "act_reference": act_reference,
        "case_number": case_number,
        "changes": changes or {},
        "self_service": self_service,
    }


def acting_user(by: User | None) -> User | None:
    """The user to record as author: None for the system actor or an anonymous request."""
    return by if by is not None and by.is_authenticated else None


def _id(user: User | None) -> int | None:
    return None if user is None else user.pk


def settle_deadlines(registrant: Registrant) -> None:
    """Cancel the inscrito's pending terms its new state makes moot (provisional NIT, ...)."""
    from deadlines.services import settle_registrant_deadlines  # deadlines imports this module

    settle_registrant_deadlines(registrant)


def lock_registrant(registrant: Registrant) -> Registrant:
    """Re-read the record under a row lock: a second writer waits here."""
    return Registrant.objects.select_for_update().get(pk=registrant.pk)


def require_perm(registrant: Registrant, method_name: str, by: User | None) -> None:
    """The actor must hold the transition's permission; `by=None` is the system actor."""
    if by is not None and not has_transition_perm(getattr(registrant, method_name), by):
        raise NotAllowed(_("No tiene permiso para esta actuación sobre el RUT."))


def require_state(registrant: Registrant, method_name: str) -> None:
    """The transition must be possible from the record's current state."""
    if not can_proceed(getattr(registrant, method_name)):
        raise Conflict(
            _("La acción no procede: el inscrito está en estado «%(state)s».")
            % {"state": registrant.get_state_display()}
        )


def save_registrant(registrant: Registrant, fields: list[str]) -> None:
    """Save `fields`; a unique constraint's IntegrityError becomes a DuplicateRegistrant."""
    try:
        with transaction.atomic():
            registrant.save(update_fields=fields)
    except IntegrityError as exc:
        raise integrity_to_domain(exc, registrant) from exc


def integrity_to_domain(exc: IntegrityError, registrant: Registrant) -> DomainError:
    """The DomainError that names what a unique constraint refused (the NIT or the document)."""
    text = str(exc)
    if "nit" in text.lower():
        return DuplicateRegistrant(
            _("El NIT %(nit)s ya está asignado a otro inscrito.")
            % {"nit": registrant.formatted_nit},
            field="nit",
        )
    return DuplicateRegistrant(_("Ya existe un inscrito con esos datos de identificación."))
