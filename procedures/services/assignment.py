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


IMPEDIMENT_BASIS = "Procedimiento, numeral 3.3"
_EVALUATED = (CaseStep.Kind.IMPEDIMENT_ACCEPTED, CaseStep.Kind.IMPEDIMENT_REJECTED)


def _is_impeded(case: Case, user_pk: int) -> bool:
    """True once the chief accepted this official's impediment on the case."""
    return case.steps.filter(
        kind=CaseStep.Kind.IMPEDIMENT_ACCEPTED, details__declarer_id=user_pk
    ).exists()


def pending_impediment(case: Case) -> CaseStep | None:
    """The latest declaration of impediment the chief has not evaluated yet, if any."""
    last = (
        case.steps.filter(kind__in=(CaseStep.Kind.IMPEDIMENT, *_EVALUATED))
        .order_by("-at", "-pk")
        .first()
    )
    return last if last is not None and last.kind == CaseStep.Kind.IMPEDIMENT else None


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
    """Conflict of interest (procedure 3.3): the declaration is recorded and waits for the
    director's evaluation; the case stays with the declarer until then."""
    if not reason.strip():
        raise DomainError(_("Explique la situación de conflicto de interés."), field="reason")
    case = lock_case(case)
    _require_open(case)
    if case.assigned_to_id != by.pk:
        raise NotAllowed(_("Solo el funcionario asignado puede declararse impedido."))
    if pending_impediment(case) is not None:
        raise Conflict(_("Ya hay un impedimento pendiente de evaluación en este trámite."))
    record_step(
        case,
        kind=CaseStep.Kind.IMPEDIMENT,
        by=by,
        from_state=case.state,
        reason=reason,
        legal_basis=IMPEDIMENT_BASIS,
        details={"declarer_id": by.pk},
    )
    return case


@transaction.atomic
def evaluate_impediment(
    case: Case, *, by: User, accept: bool, reason: str, reassign_to: User | None = None
) -> Case:
    """The director of the case's seccional accepts (and reassigns) or rejects a pending
    impediment (procedure 3.3). Four eyes: the declarer cannot evaluate their own."""
    case = lock_case(case)
    require_scope(case, by)
    _require_open(case)
    if not by.has_perm("procedures.assign_case"):
        raise NotAllowed(_("Solo el jefe o director puede evaluar impedimentos."))
    declaration = pending_impediment(case)
    if declaration is None:
        raise Conflict(_("El trámite %(n)s no tiene impedimentos pendientes.") % {"n": case.number})
    if declaration.actor_id == by.pk:
        raise NotAllowed(_("Quien se declaró impedido no puede evaluar su propio impedimento."))
    if not reason.strip():
        raise DomainError(_("Explique el motivo de la decisión."), field="reason")
    declarer = declaration.actor
    details: dict[str, object] = {
        "declarer_id": declaration.actor_id,
        "declarer": declarer.get_username() if declarer else "",
        "declaration_id": declaration.pk,
    }
    if accept:
        if reassign_to is None:
            raise DomainError(
                _("Elija el funcionario al que se reasigna el trámite."), field="reassign_to"
            )
        if reassign_to.pk == declaration.actor_id:
            raise DomainError(
                _("No puede reasignar el trámite a quien se declaró impedido."),
                field="reassign_to",
            )
        if not (
            reassign_to.is_active
            and reassign_to.has_perm("procedures.process_case")
            and can_act_in(reassign_to, case.seccional_id)
        ):
            raise DomainError(
                _("%(who)s no es funcionario de la seccional del trámite.") % {"who": reassign_to},
                field="reassign_to",
            )
        if _is_impeded(case, reassign_to.pk):
            raise DomainError(
                _("%(who)s se declaró impedido en este trámite.") % {"who": reassign_to},
                field="reassign_to",
            )
        case.assigned_to = reassign_to
        case.save(update_fields=["assigned_to"])
        details["to"] = reassign_to.get_username()
        kind = CaseStep.Kind.IMPEDIMENT_ACCEPTED
    else:
        kind = CaseStep.Kind.IMPEDIMENT_REJECTED
    record_step(
        case,
        kind=kind,
        by=by,
        from_state=case.state,
        reason=reason,
        legal_basis=IMPEDIMENT_BASIS,
        details=details,
    )
    return case
