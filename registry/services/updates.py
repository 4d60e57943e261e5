"""Actualización: changing the record while it keeps its state, with a new Formulario 001."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from registry import reference_cache
from registry.models import (
    DOCUMENT_AS_NIT,
    FormVersion,
    Registrant,
    Responsibility,
    SeccionalAssignment,
)
from registry.responsibilities import CONSUMPTION_TAX, VAT, WITHDRAWN_BY_REQUEST
from registry.services.common import (
    issue_form_version,
    lock_registrant,
    record_audit,
    require_perm,
    require_state,
    save_registrant,
)
from registry.services.record import (
    SCALAR_FIELDS,
    attname,
    check_contact_email,
    check_not_registered,
    needs_email,
    replace_children,
    seccional_for,
    set_scalars,
)
from registry.services.registration import check_electronic_formalization
from registry.validation import IDENTIFICATION_FIELDS, RegistrantData, validate_registrant_data
from rut_portal.business_days import add_months
from rut_portal.errors import Conflict, DomainError, NotAllowed

if TYPE_CHECKING:
    from django.contrib.auth.models import User


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
    withdrawal: str = "",
    electronic: bool = False,
    legal_basis: str = "Decreto 2460 de 2013, art. 13",
) -> Registrant:
    """Actualización: change the record, keep the state, issue a new Formulario 001.

    `expected_revision` is the revision the person was looking at; if someone saved in between,
    the update is refused instead of silently overwriting their change. `withdrawal` is the
    responsibility (48 or 33) when this update decides that responsibility's own withdrawal
    request; no other update may remove it (check_responsibility_withdrawals). `electronic`:
    the system applies a self-service filing by itself, which art. 9 allows only while the
    record stays within the simplified regime (check_electronic_formalization). `legal_basis`:
    the article the audit entry cites (art. 14 for an actualización de oficio).
    """
    registrant = lock_registrant(registrant)
    if registrant.revision != expected_revision:
        raise Conflict(
            _(
                "Otra persona actualizó este RUT mientras usted editaba; revise los datos "
                "actuales y vuelva a intentarlo."
            )
        )
    require_state(registrant, "update")
    require_perm(registrant, "update", by)
    validate_registrant_data(data)
    check_contact_email(data, electronic=not assisted)
    if electronic:
        check_electronic_formalization(
            person_type=data.resolved_person_type,
            responsibilities=responsibilities_added(registrant, data),
        )
    check_responsibility_withdrawals(registrant, data, withdrawal=withdrawal)
    check_not_registered(data, exclude_pk=registrant.pk)
    if registrant.nit and registrant.document_type_id in DOCUMENT_AS_NIT and registrant.is_natural:
        if (data.document_type, data.document_number) != (
            registrant.document_type_id,
            registrant.document_number,
        ):
            raise DomainError(
                _("El número de documento es el NIT: no se puede cambiar por actualización."),
                field="document_number",
            )
    changes = set_scalars(registrant, data)
    if not assisted:
        check_in_person_changes(registrant, data, changed=changes.keys())
    if not assisted and ADDRESS_FIELDS & changes.keys():
        check_virtual_address_changes(registrant)
    changes.update(replace_children(registrant, data))
    if not changes:
        raise DomainError(_("No hay cambios que registrar."))
    registrant.update()
    new_seccional = (
        seccional_for(data)
        if data.seccional or "municipality" in changes
        else registrant.seccional_id
    )
    if new_seccional != registrant.seccional_id:
        changes["seccional"] = [registrant.seccional_id, new_seccional]
        _move_seccional(registrant, new_seccional)
    registrant.revision += 1
    save_registrant(
        registrant,
        [
            *(attname(n) for n in SCALAR_FIELDS),
            "business_name_key",
            "search_name",
            "revision",
            "seccional",
        ],
    )
    _record_update(
        registrant,
        by=by,
        reason=reason,
        case_number=case_number,
        changes=changes,
        self_service=not assisted,
        legal_basis=legal_basis,
    )
    return registrant


@transaction.atomic
def change_responsibility(
    registrant: Registrant,
    *,
    code: str,
    add: bool,
    by: User | None,
    reason: str,
    legal_basis: str,
    act_reference: str,
) -> Registrant:
    """Add or withdraw one responsibility (casilla 53) and change nothing else of the record.

    The actualización de oficio of a mass change (Decreto 2460 de 2013, art. 14) applies it to
    each inscrito: a new Formulario 001 version (concept actualización) and an audit entry with
    the act and the article. Raises Conflict when the record is not active or suspended, or
    when it already holds (lacks) the code; DomainError to add a code not current, to withdraw
    48 or 33 (their own request) or to leave without email a record that must then have one
    (art. 4 par. 1).
    """
    registrant = lock_registrant(registrant)
    require_state(registrant, "update")
    require_perm(registrant, "update", by)
    before = sorted(registrant.responsibilities.values_list("code", flat=True))
    if add == (code in before):
        message = (
            _("El inscrito ya tiene la responsabilidad %(code)s.")
            if add
            else _("El inscrito no tiene la responsabilidad %(code)s.")
        )
        raise Conflict(message % {"code": code})
    if add:
        row = reference_cache.get(Responsibility, code)
        if row is None or not row.is_current:
            raise DomainError(
                _("La responsabilidad %(code)s no existe o no está vigente.") % {"code": code},
                field="responsibilities",
            )
    else:
        check_removable_without_request(code)
    after = sorted({*before, code} if add else set(before) - {code})
    if not registrant.email.strip() and needs_email(
        person_type=registrant.person_type, responsibilities=set(after)
    ):
        raise DomainError(
            _(
                "El inscrito no tiene correo electrónico y con este cambio debe tenerlo "
                "(Decreto 2460 de 2013, art. 4 par. 1)."
            ),
            field="email",
        )
    held = Registrant.responsibilities.through.objects
    if add:
        held.create(registrant=registrant, responsibility_id=code)
    else:
        held.filter(registrant=registrant, responsibility_id=code).delete()
    registrant.update()
    registrant.revision += 1
    save_registrant(registrant, ["revision"])
    _record_update(
        registrant,
        by=by,
        reason=reason,
        legal_basis=legal_basis,
        act_reference=act_reference,
        changes={"responsibilities": [before, after]},
    )
    return registrant


def _record_update(registrant: Registrant, *, by: User | None, **audit: Any) -> None:
    """The update's new Formulario 001 version (concept actualización, same state) and its
    audit entry, in the caller's transaction."""
    version = issue_form_version(registrant, concept=FormVersion.Concept.UPDATE, by=by)
    record_audit(
        registrant,
        action="update",
        by=by,
        from_state=registrant.state,
        to_state=registrant.state,
        form_version=version,
        **audit,
    )


def check_in_person_changes(
    registrant: Registrant, data: RegistrantData, *, changed: Iterable[str]
) -> None:
    """Refuse a self-service update that touches what art. 13 keeps for the desk.

    Identification data (names, document, dates and places of issue and birth, razón social)
    and customs qualities change only in person, with an official's assistance. `changed`: the
    record's fields the update changes.
    """
    if set(changed) & set(IDENTIFICATION_FIELDS):
        raise NotAllowed(
            _(
                "Los datos de identificación solo se cambian con la asistencia de un "
                "funcionario; solicite una cita."
            )
        )
    held = set(registrant.customs_qualities.values_list("code", flat=True))
    if held != set(data.customs_qualities):
        raise NotAllowed(
            _(
                "Las calidades de usuario aduanero solo se agregan o retiran con la asistencia "
                "de un funcionario (Decreto 2460 de 2013, art. 13); solicite una cita."
            ),
            field="customs_qualities",
        )


def responsibilities_added(registrant: Registrant, data: RegistrantData) -> set[str]:
    """The responsibility codes `data` adds to the record."""
    return set(data.responsibilities) - set(
        registrant.responsibilities.values_list("code", flat=True)
    )


def check_responsibility_withdrawals(
    registrant: Registrant, data: RegistrantData, *, withdrawal: str = ""
) -> None:
    """IVA (48) and consumo (33) leave the record only through their own withdrawal request.

    Every channel that changes a record (the portal's self-service, officials' cases and their
    Formato 1767) goes through update_registrant, so the rule holds for all of them; the portal
    also calls this before asking for the signature code.
    `withdrawal` is the one code the request being decided removes ("" for any other update).
    """
    held = set(registrant.responsibilities.values_list("code", flat=True))
    for code in sorted(held - set(data.responsibilities)):
        if code != withdrawal:
            check_removable_without_request(code)


def check_removable_without_request(code: str) -> None:
    """Refuse to withdraw IVA (48) or consumo (33) by anything but their own request."""
    if code in WITHDRAWN_BY_REQUEST:
        raise DomainError(str(_WITHDRAWAL_MESSAGES[code]), field="responsibilities")


_WITHDRAWAL_MESSAGES = {
    VAT: _lazy(
        "La responsabilidad 48 (impuesto sobre las ventas - IVA) solo se retira con la "
        "solicitud de retiro de IVA, que acredita el cese de actividades gravadas "
        "(Decreto 2460 de 2013, art. 13 par. 3)."
    ),
    CONSUMPTION_TAX: _lazy(
        "La responsabilidad 33 (impuesto nacional al consumo) solo se retira con la solicitud "
        "de retiro del impuesto al consumo (Decreto 2460 de 2013, art. 13)."
    ),
}


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


def _move_seccional(registrant: Registrant, seccional: str) -> None:
    now = timezone.now()
    SeccionalAssignment.objects.filter(registrant=registrant, ended_at__isnull=True).update(
        ended_at=now
    )
    SeccionalAssignment.objects.create(
        registrant=registrant, seccional_id=seccional, started_at=now
    )
    registrant.seccional_id = seccional
