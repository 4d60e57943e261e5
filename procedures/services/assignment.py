"""Who works a case: take, assign, reassign, and the declaration of impediment (procedure 3.3)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.scope import can_act_in
from procedures.models import Case, CaseStep
from procedures.services.common import lock_case, record_step, require_scope
from rut_portal.errors import Conflict, DomainError, NotAllowed

OPEN_STATES = (
    Case.State.RECEIVED,
    Case.State.REQUIREMENTS_MET,
    Case.State.IN_PROCESS,
    Case.State.AWAITING_APPROVAL,
    Case.State.DECIDED,
    Case.State.REJECTED,
)


def _require_open(case: Case) -> None:
    if case.state not in OPEN_STATES:
        raise Conflict(_("El trámite %(n)s ya fue comunicado o cerrado.") % {"n": case.number})


def _is_impeded(case: Case, user_pk: int) -> bool:
    return case.steps.filter(kind=CaseStep.Kind.IMPEDIMENT, actor_id=user_pk).exists()


@transaction.atomic
def take_case(case: Case, *, by: User) -> Case:
    """An official takes an unassigned case of their seccional."""
    case = lock_case(case)
    require_scope(case, by)
    _require_open(case)
    if not by.has_perm("procedures.process_case"):
        raise NotAllowed(_("No tiene permiso para tramitar casos."))
    if case.assigned_to_id is not None:
        raise Conflict(
            _("El trámite %(n)s ya está asignado a %(who)s.")
            % {"n": case.number, "who": case.assigned_to}
        )
    if _is_impeded(case, by.pk):
        raise NotAllowed(_("Usted se declaró impedido en este trámite."))
    case.assigned_to = by
    case.save(update_fields=["assigned_to"])
    record_step(
        case,
        kind=CaseStep.Kind.ASSIGNED,
        by=by,
        from_state=case.state,
        details={"to": by.get_username()},
    )
    return case


@transaction.atomic
def assign_case(case: Case, *, by: User, to: User, reason: str = "") -> Case:
    """The chief assigns or reassigns a case to an official of the same seccional."""
    case = lock_case(case)
    require_scope(case, by)
    _require_open(case)
    if not by.has_perm("procedures.assign_case"):
        raise NotAllowed(_("Solo el jefe o director puede asignar trámites."))
    if not (
        to.is_active
        and to.has_perm("procedures.process_case")
        and can_act_in(to, case.seccional_id)
    ):
        raise DomainError(
            _("%(who)s no es funcionario de la seccional del trámite.") % {"who": to}, field="to"
        )
    if _is_impeded(case, to.pk):
        raise DomainError(
            _("%(who)s se declaró impedido en este trámite.") % {"who": to}, field="to"
        )
    previous = case.assigned_to
    case.assigned_to = to
    case.save(update_fields=["assigned_to"])
    record_step(
        case,
        kind=CaseStep.Kind.ASSIGNED,
        by=by,
        from_state=case.state,
        reason=reason,
        details={"from": previous.get_username() if previous else "", "to": to.get_username()},
    )
    return case


@transaction.atomic
def declare_impediment(case: Case, *, by: User, reason: str) -> Case:
    """Conflict of interest: the case goes back to the chief; the declaration stays on record."""
    if not reason.strip():
        raise DomainError(_("Explique la situación de conflicto de interés."), field="reason")
    case = lock_case(case)
    _require_open(case)
    if case.assigned_to_id != by.pk:
        raise NotAllowed(_("Solo el funcionario asignado puede declararse impedido."))
    case.assigned_to = None
    case.save(update_fields=["assigned_to"])
    record_step(
        case,
        kind=CaseStep.Kind.IMPEDIMENT,
        by=by,
        from_state=case.state,
        reason=reason,
        legal_basis=_("Procedimiento, 3.3 Conflicto de interés real"),
    )
    return case
