"""The provisional NIT of new legal entities: its term, activation and lapse (art. 10 lit. a)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import FormVersion, Registrant
from registry.services.common import (
    issue_form_version,
    lock_registrant,
    record_audit,
    require_perm,
    require_state,
    save_registrant,
    settle_deadlines,
)
from registry.services.registration import check_bank_certificate_date
from rut_portal.errors import Conflict, DomainError

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def provisional_nit_expires_on(registrant: Registrant) -> date | None:
    if registrant.provisional_nit_issued_at is None:
        return None
    from deadlines.rules import provisional_nit_expires_on as expires_on  # deadlines imports us

    return expires_on(timezone.localdate(registrant.provisional_nit_issued_at))


def masked_account(account_number: str) -> str:
    """The account as the audit trail keeps it: its last four digits only."""
    digits = "".join(ch for ch in account_number if ch.isalnum())
    return f"****{digits[-4:]}" if digits else ""


def activation_refusal(registrant: Registrant, *, today: date | None = None) -> str | None:
    """Why the provisional NIT cannot be made definitive now (art. 10 lit. a), or None."""
    if registrant.state != Registrant.State.PROVISIONAL:
        return _(
            "Solo un NIT provisional se activa con la certificación bancaria; el inscrito está "
            "en estado «%(state)s»."
        ) % {"state": registrant.get_state_display()}
    today = today or timezone.localdate()
    expires = provisional_nit_expires_on(registrant)
    if expires is not None and today > expires:
        return _(
            "El NIT provisional venció el %(date)s: ya no tiene validez y debe "
            "inscribirse de nuevo."
        ) % {"date": expires.strftime("%d/%m/%Y")}
    return None


@transaction.atomic
def activate_provisional_nit(
    registrant: Registrant,
    *,
    by: User | None,
    certificate_date: date,
    today: date | None = None,
    bank: str = "",
    account_number: str = "",
    channel: str = "",
) -> Registrant:
    """Make a provisional NIT definitive with the bank account certificate (art. 10 lit. a).

    The NIT stays the same number and becomes definitive; a new Formulario 001 version is issued.
    The bank and the account's last four digits go to the audit trail (no full account number).
    """
    registrant = lock_registrant(registrant)
    today = today or timezone.localdate()
    refusal = activation_refusal(registrant, today=today)
    if refusal is not None:
        raise Conflict(refusal)
    require_state(registrant, "activate_provisional_nit")
    require_perm(registrant, "activate_provisional_nit", by)
    try:
        check_bank_certificate_date(certificate_date, today=today)
    except DomainError as exc:
        raise DomainError(exc.message, field="certificate_date") from exc
    if account_number and not any(ch.isdigit() for ch in account_number):
        raise DomainError(
            _("El número de cuenta de la certificación bancaria debe tener dígitos."),
            field="account_number",
        )
    certificate: dict[str, str] = {"date": certificate_date.isoformat()}
    if bank.strip():
        certificate["bank"] = bank.strip()
    if account_number.strip():
        certificate["account"] = masked_account(account_number)
    if channel:
        certificate["channel"] = channel
    registrant.activate_provisional_nit(certificate_date=certificate_date, at=timezone.now())
    registrant.state_changed_at = timezone.now()
    save_registrant(
        registrant, ["state", "bank_certificate_date", "formalized_at", "state_changed_at"]
    )
    version = issue_form_version(registrant, concept=FormVersion.Concept.REGISTRATION, by=by)
    settle_deadlines(registrant)
    record_audit(
        registrant,
        action="activate_provisional_nit",
        by=by,
        from_state=Registrant.State.PROVISIONAL,
        to_state=registrant.state,
        form_version=version,
        legal_basis="Decreto 2460 de 2013, art. 10 lit. a",
        reason=_("Certificación bancaria del %(date)s%(source)s: el NIT %(nit)s queda definitivo.")
        % {
            "date": certificate_date.strftime("%d/%m/%Y"),
            "source": _certificate_source(certificate),
            "nit": registrant.formatted_nit,
        },
        changes={"bank_certificate": certificate},
    )
    return registrant


def _certificate_source(certificate: dict[str, str]) -> str:
    parts = [certificate[key] for key in ("bank", "account") if certificate.get(key)]
    return f" ({', '.join(parts)})" if parts else ""


@transaction.atomic
def lapse_provisional_nit(registrant: Registrant, *, today: date) -> bool:
    """Take validity from a provisional NIT whose term ran out; a second call changes nothing."""
    registrant = lock_registrant(registrant)
    expires = provisional_nit_expires_on(registrant)
    if registrant.state != Registrant.State.PROVISIONAL or expires is None or today <= expires:
        return False
    registrant.lapse_provisional_nit()
    registrant.state_changed_at = timezone.now()
    save_registrant(registrant, ["state", "state_changed_at"])
    version = issue_form_version(registrant, concept=FormVersion.Concept.LAPSE, by=None)
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
