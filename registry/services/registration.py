"""Inscription: pre-inscripción, formalisation with the NIT (or a provisional one), both at once."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import (
    DOCUMENT_AS_NIT,
    PROVISIONAL_NIT_KINDS,
    FormVersion,
    Registrant,
    SeccionalAssignment,
)
from registry.nit import Nit, allocate_nit, check_digit
from registry.services.common import (
    DuplicateRegistrant,
    integrity_to_domain,
    issue_form_version,
    lock_registrant,
    record_audit,
    require_perm,
    require_state,
    save_registrant,
)
from registry.services.record import (
    check_contact_email,
    check_not_registered,
    create_children,
    seccional_for,
    set_scalars,
)
from registry.validation import RegistrantData, validate_registrant_data

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def pre_register(data: RegistrantData, *, by: User | None, electronic: bool = False) -> Registrant:
    """Pre-inscripción: store the filled form (no NIT yet, no validity) with its form number.

    `electronic`: filed by the inscrito through the portal (art. 4 par. 1: email mandatory).
    """
    registrant, _version = _pre_register(data, by=by, electronic=electronic)
    return registrant


def _pre_register(
    data: RegistrantData, *, by: User | None, electronic: bool = False
) -> tuple[Registrant, FormVersion]:
    validate_registrant_data(data)
    check_contact_email(data, electronic=electronic)
    check_not_registered(data)
    registrant = Registrant(seccional_id=seccional_for(data))
    set_scalars(registrant, data)
    try:
        with transaction.atomic():
            registrant.save()
    except IntegrityError as exc:
        raise integrity_to_domain(exc, registrant) from exc
    create_children(registrant, data)
    SeccionalAssignment.objects.create(
        registrant=registrant, seccional_id=registrant.seccional_id, started_at=timezone.now()
    )
    version = issue_form_version(
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
        lock_registrant(registrant),
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
    issue_form_version).
    """
    provisional = registrant.kind in PROVISIONAL_NIT_KINDS and bank_certificate_date is None
    method = "issue_provisional_nit" if provisional else "formalize"
    require_state(registrant, method)
    require_perm(registrant, method, by)
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
    save_registrant(registrant, ["state", "nit", "check_digit", "state_changed_at", *fields])
    version = issue_form_version(registrant, concept=concept, by=by, previous=previous)
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
