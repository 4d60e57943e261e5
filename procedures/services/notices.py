"""The inbox of notices of a seccional: what other seccionales (or the decision of a case)
address to it, and its acknowledgment.

The five-year notice of a cancelación de oficio (procedure, activity 12), the oficio remisorio of
a forwarded case (activity 4) and the notice to the customs processes are addressed to a
seccional, not to a person, and carry no email: the receiving seccional's officials open them in
the back office and acknowledge them (who and when, audited).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import can_act_in
from procedures.models import NOTICE_KINDS, Communication, NoticeAcknowledgment
from registry.services.common import record_audit
from rut_portal.errors import Conflict, DomainError, NotAllowed

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PROCESS = "procedures.process_case"
LEGAL_BASIS: dict[str, str] = {
    Communication.Kind.TO_SECCIONAL: "Procedimiento de cancelación de oficio y reactivación, "
    "actividad 12 (seccionales de los últimos cinco años)",
    Communication.Kind.FORWARDING: "Procedimiento de cancelación de oficio y reactivación, "
    "actividad 4 (remisión a la seccional competente)",
    Communication.Kind.TO_CUSTOMS: "Procedimiento de cancelación de oficio y reactivación, "
    "actividad 12 (aviso a los procesos aduaneros)",
}


@transaction.atomic
def acknowledge_notice(communication: Communication, *, by: User) -> NoticeAcknowledgment:
    """Record that an official of the receiving seccional received the notice (audited).

    Raises NotAllowed outside that seccional or without the role, Conflict when it was already
    acknowledged (by whom and when), DomainError when the communication is not a notice.
    """
    communication = (
        Communication.objects.select_for_update(of=("self",))
        .select_related("case__registrant", "seccional")
        .get(pk=communication.pk)
    )
    seccional = communication.seccional
    if communication.kind not in NOTICE_KINDS or seccional is None:
        raise DomainError(_("Esa comunicación no es un aviso dirigido a una seccional."))
    if not (can_act_in(by, seccional.code) and by.has_perm(PROCESS)):
        raise NotAllowed(
            _("El aviso está dirigido a la %(s)s; solo sus funcionarios acusan su recibo.")
            % {"s": seccional.name}
        )
    existing = NoticeAcknowledgment.objects.filter(communication=communication).first()
    if existing is not None:
        raise _already(existing)
    try:
        with transaction.atomic():
            acknowledgment = NoticeAcknowledgment.objects.create(
                communication=communication, by=by, at=timezone.now()
            )
    except IntegrityError:  # the row lock makes this unreachable, the constraint is the guard
        raise _already(NoticeAcknowledgment.objects.get(communication=communication)) from None
    case = communication.case
    record_audit(
        case.registrant,
        action="notice_acknowledged",
        by=by,
        reason=_("Acuse de recibo: %(kind)s del trámite %(n)s.")
        % {"kind": communication.get_kind_display(), "n": case.number},
        legal_basis=LEGAL_BASIS[communication.kind],
        case_number=case.number,
        changes={"communication": communication.pk, "seccional": communication.seccional_id},
    )
    return acknowledgment


def _already(existing: NoticeAcknowledgment) -> Conflict:
    who = existing.by.get_full_name() or existing.by.username
    when = timezone.localtime(existing.at).strftime("%d/%m/%Y %H:%M")
    return Conflict(
        _("%(who)s ya acusó recibo de este aviso el %(when)s.") % {"who": who, "when": when}
    )
