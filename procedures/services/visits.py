"""Verification visits (Decreto 2460 de 2013, art. 11, 12 and 15) and what their results open."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import can_act_in
from procedures.models import (
    Case,
    CaseStep,
    CaseType,
    Cause,
    Channel,
    Referral,
    RequesterKind,
    VerificationVisit,
)
from procedures.services.common import lock_case, record_step, require_scope
from rut_portal.errors import Conflict, DomainError, NotAllowed

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from registry.models import Registrant


def _require_registrant_scope(visit: VerificationVisit, by: User) -> None:
    if not can_act_in(by, visit.registrant.seccional_id):
        raise NotAllowed(
            _("El inscrito pertenece a la %(s)s: no puede registrar visitas sobre él.")
            % {"s": visit.registrant.seccional.name}
        )


@transaction.atomic
def schedule_visit(case: Case, *, by: User, scheduled_for: date) -> VerificationVisit:
    """Schedule a visit before or after formalisation (art. 11)."""
    case = lock_case(case)
    require_scope(case, by)
    if case.registrant is None:
        raise DomainError(_("El trámite no tiene inscrito que visitar."))
    if scheduled_for < timezone.localdate():
        raise DomainError(
            _("La visita no se puede programar en una fecha pasada."), field="scheduled_for"
        )
    visit = VerificationVisit.objects.create(
        case=case, registrant=case.registrant, scheduled_for=scheduled_for, scheduled_by=by
    )
    record_step(
        case,
        kind=CaseStep.Kind.VISIT_SCHEDULED,
        by=by,
        from_state=case.state,
        details={"visit": visit.pk, "scheduled_for": scheduled_for.isoformat()},
    )
    return visit


@transaction.atomic
def record_visit(
    case: Case,
    *,
    by: User,
    visited_on: date,
    result: str,
    notes: str = "",
    visit: VerificationVisit | None = None,
) -> VerificationVisit:
    """Record a visit's result; a missing address opens a suspension, inaccurate data a referral."""
    case = lock_case(case)
    require_scope(case, by)
    if result not in VerificationVisit.Result.values:
        raise DomainError(_("Resultado de visita desconocido."), field="result")
    if visited_on > timezone.localdate():
        raise DomainError(_("La fecha de la visita no puede ser futura."), field="visited_on")
    if case.registrant is None:
        raise DomainError(_("El trámite no tiene inscrito que visitar."))
    if visit is None:
        visit = VerificationVisit(case=case, registrant=case.registrant)
    else:
        visit = VerificationVisit.objects.select_for_update().get(pk=visit.pk, case=case)
        if visit.result:
            raise Conflict(_("El resultado de esta visita ya fue registrado."))
    _require_registrant_scope(visit, by)
    visit.visited_on, visit.result, visit.notes = visited_on, result, notes
    visit.recorded_by, visit.recorded_at = by, timezone.now()
    visit.save()
    record_step(
        case,
        kind=CaseStep.Kind.VISIT_RECORDED,
        by=by,
        from_state=case.state,
        reason=notes,
        details={"result": result, "visit": visit.pk},
    )
    if result == VerificationVisit.Result.ADDRESS_NOT_FOUND:
        _open_suspension(visit, by=by)
    elif result == VerificationVisit.Result.INACCURATE_DATA:
        refer(
            visit.registrant,
            kind=Referral.Kind.AUDIT,
            by=by,
            case=case,
            visit=visit,
            reason=notes or _("Datos inexactos constatados en visita de verificación."),
        )
    return visit


def _open_suspension(visit: VerificationVisit, *, by: User) -> Case:
    from procedures.services.intake import CaseRequest, receive_case

    # Art. 15: the address does not exist or the inscrito cannot be found there.
    return receive_case(
        CaseRequest(
            case_type=CaseType.SUSPENSION,
            channel=Channel.INTERNAL,
            cause=Cause.ADDRESS_NOT_FOUND,
            requester_kind=RequesterKind.DIAN_AREA,
            requester_name=_("Área de asistencia al cliente"),
            registrant=visit.registrant,
            facts=_("Visita de verificación del %(d)s: %(notes)s")
            % {
                "d": visit.visited_on.strftime("%d/%m/%Y") if visit.visited_on else "",
                "notes": visit.notes,
            },
        ),
        by=by,
        seccional=visit.registrant.seccional_id,
    )


@transaction.atomic
def refer(
    registrant: Registrant,
    *,
    kind: str,
    by: User,
    reason: str,
    case: Case | None = None,
    visit: VerificationVisit | None = None,
) -> Referral:
    """Send a matter to fiscalización (art. 11) or to the legal division (art. 20)."""
    from procedures.tasks import notify_referral

    if not reason.strip():
        raise DomainError(_("Describa los hechos que motivan la remisión."), field="reason")
    referral = Referral.objects.create(
        kind=kind, registrant=registrant, case=case, visit=visit, reason=reason, created_by=by
    )
    if case is not None:
        record_step(
            case,
            kind=CaseStep.Kind.REFERRAL,
            by=by,
            from_state=case.state,
            reason=reason,
            details={"referral": referral.pk, "kind": kind},
        )
    notify_referral.delay_on_commit(referral.pk)
    return referral


@transaction.atomic
def close_referral(referral: Referral, *, by: User, resolution: str) -> Referral:
    """The receiving area closes the matter, saying how it ended."""
    if not resolution.strip():
        raise DomainError(_("Indique el resultado de la remisión."), field="resolution")
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.closed_at is not None:
        raise Conflict(_("Esta remisión ya está cerrada."))
    referral.closed_at, referral.closed_by, referral.resolution = timezone.now(), by, resolution
    referral.save(update_fields=["closed_at", "closed_by", "resolution"])
    return referral
