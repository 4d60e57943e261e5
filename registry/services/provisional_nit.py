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


@transaction.atomic
def activate_provisional_nit(
    registrant: Registrant, *, by: User | None, certificate_date: date, today: date | None = None
) -> Registrant:
    """Make a provisional NIT definitive with the bank account certificate (art. 10 lit. a)."""
    registrant = lock_registrant(registrant)
    require_state(registrant, "activate_provisional_nit")
    require_perm(registrant, "activate_provisional_nit", by)
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
    try:
        check_bank_certificate_date(certificate_date, today=today)
    except DomainError as exc:
        raise DomainError(exc.message, field="certificate_date") from exc
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
    )
    return registrant


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
