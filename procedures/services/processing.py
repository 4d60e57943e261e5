"""Activities 5-11: update the record, prepare, approve (four eyes) and decide."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from deadlines.rules import fictitious_suspension_ends
from documents.tasks import queue_cancellation_resolution, queue_official_format
from procedures.models import (
    Case,
    CaseStep,
    CaseType,
    Cause,
    Decision,
    Mode,
    OfficialFormat,
    PendingObligation,
    RequesterKind,
    RequirementCheck,
    VerificationVisit,
)
from procedures.services.common import (
    lock_case,
    next_format_number,
    record_step,
    require_scope,
    require_transition,
    save_case,
)
from procedures.services.communications import send_certified_rut
from procedures.services.deceased import require_deceased_cancellable
from procedures.services.ex_officio import (
    REGISTRATION_BASIS,
    check_update_still_applies,
    is_ex_officio_update,
    legal_basis_of,
)
from procedures.services.requirements import require_complete_checklist
from procedures.services.withdrawals import withdrawal_of
from registry.models import Registrant
from registry.services.common import acting_user
from registry.services.registration import FORMALIZATION_BASIS, formalize_registration
from registry.services.states import change_state
from registry.services.updates import update_registrant
from registry.validation import RegistrantData, data_from_json
from rut_portal.errors import Conflict, DomainError, NotAllowed

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class FourEyesViolation(NotAllowed):
    """The official who prepared a cancellation cannot approve it."""


def can_record_update(case: Case) -> bool:
    """Activities 7 and 11: the Formato 1767 update of a case in process, or of a reactivation
    just decided (the update follows the reactivation and precedes its communication).

    An actualización de oficio is itself the update, made when communicated (art. 14).
    """
    registrant = case.registrant
    if registrant is None or case.case_type == CaseType.REGISTRATION:
        return False
    if is_ex_officio_update(case):
        return False
    if case.state == Case.State.IN_PROCESS:
        return registrant.state in (Registrant.State.ACTIVE, Registrant.State.SUSPENDED)
    return (
        case.case_type == CaseType.REACTIVATION
        and case.state == Case.State.DECIDED
        and case.decision == Decision.GRANTED
        and registrant.state == Registrant.State.ACTIVE
    )


def _identification(registrant: Registrant) -> dict[str, Any]:
    return {
        "nit": registrant.formatted_nit,
        "name": registrant.display_name,
        "document_type": registrant.document_type_id or "",
        "document_number": registrant.document_number,
        "address": registrant.address,
        "municipality": registrant.municipality.name if registrant.municipality else "",
        "department": registrant.department.name if registrant.department else "",
        "seccional": registrant.seccional_id,
    }


def _issue_format(
    case: Case, *, kind: str, by: User | None, content: dict[str, Any]
) -> OfficialFormat:
    official_format = OfficialFormat.objects.create(
        case=case,
        kind=kind,
        number=next_format_number(kind),
        content=content,
        created_by=acting_user(by),
    )
    queue_official_format(official_format.pk)  # rendered once, on the pdf queue, after commit
    return official_format


@transaction.atomic
def record_update(
    case: Case,
    *,
    by: User,
    data: RegistrantData,
    expected_revision: int,
    facts: str,
    evidence: str,
    authorized_by: str,
) -> OfficialFormat:
    """Activities 7 and 11: update the record first, with Formato 1767 (actuación de oficio)."""
    case = lock_case(case)
    require_scope(case, by)
    if not can_record_update(case):
        raise Conflict(
            _(
                "El trámite %(n)s (estado «%(s)s») no admite la actualización con el Formato "
                "1767: solo un trámite en curso o una reactivación recién decidida."
            )
            % {"n": case.number, "s": case.get_state_display()}
        )
    if not (facts.strip() and evidence.strip() and authorized_by.strip()):
        raise DomainError(
            _(
                "El Formato 1767 requiere los hechos, las pruebas y el jefe que "
                "autoriza la actuación."
            ),
            field="facts",
        )
    assert case.registrant is not None
    before = _identification(case.registrant)
    registrant = update_registrant(
        case.registrant,
        by=by,
        data=data,
        expected_revision=expected_revision,
        assisted=True,
        reason=facts,
        case_number=case.number,
        withdrawal=withdrawal_of(case),
    )
    last_change = registrant.audit_entries.filter(action="update").order_by("-id").first()
    form = _issue_format(
        case,
        kind=OfficialFormat.Kind.F1767,
        by=by,
        content={
            "registrant": before,
            "location": _identification(registrant),
            "facts": facts,
            "evidence": evidence,
            "changes": last_change.changes if last_change else {},
            "authorized_by": authorized_by,
            "case": case.number,
        },
    )
    if case.case_type == CaseType.UPDATE:
        # The actualización this case asks for is now made: deciding it does not apply it again.
        case.payload = {**case.payload, "applied_by_format": form.number}
        save_case(case, ["payload"])
    record_step(
        case,
        kind=CaseStep.Kind.RECORD_UPDATED,
        by=by,
        from_state=case.state,
        reason=facts,
        legal_basis=_("Procedimiento, actividades 7 y 11; Decreto 2460 de 2013, art. 13"),
        details={"format_1767": form.number},
    )
    return form


@transaction.atomic
def record_obligation(
    registrant: Registrant,
    *,
    by: User,
    description: str,
    period: str = "",
    case: Case | None = None,
) -> PendingObligation:
    """Note an obligation found pending; a cancellation on request waits until it is met.

    Recorded on a reactivation case, it is an obligation that motivated the reactivation.
    """
    if not description.strip():
        raise DomainError(_("Describa la obligación pendiente."), field="description")
    obligation = PendingObligation.objects.create(
        registrant=registrant, description=description, period=period, recorded_by=by, case=case
    )
    if case is not None:
        record_step(
            lock_case(case),
            kind=CaseStep.Kind.OBLIGATION_RECORDED,
            by=by,
            from_state=case.state,
            reason=description,
        )
    return obligation


@transaction.atomic
def resolve_obligation(obligation: PendingObligation, *, by: User) -> PendingObligation:
    obligation = PendingObligation.objects.select_for_update().get(pk=obligation.pk)
    if obligation.resolved_at is None:
        obligation.resolved_at = timezone.now()
        obligation.save(update_fields=["resolved_at"])
    return obligation


def _check_cancellation_rules(case: Case) -> None:
    registrant = case.registrant
    assert registrant is not None
    if not can_proceed(registrant.cancel):
        raise Conflict(
            _("El inscrito está en estado «%(s)s»: no se puede cancelar.")
            % {"s": registrant.get_state_display()}
        )
    if case.case_type == CaseType.CANCELLATION_ON_REQUEST:
        pending = registrant.pending_obligations.filter(resolved_at__isnull=True).count()
        if pending:
            raise Conflict(
                _(
                    "No se puede cancelar: el inscrito tiene %(n)s obligación(es) "
                    "pendiente(s) por cumplir (Decreto 2460 de 2013, art. 17, parágrafo)."
                )
                % {"n": pending}
            )
    if case.cause == Cause.DECEASED:
        require_deceased_cancellable(registrant.responsibilities.values_list("code", flat=True))


@transaction.atomic
def submit_for_approval(case: Case, *, by: User | None, reason: str = "") -> Case:
    """Prepare a cancellation; it takes effect only when the director approves it."""
    case = lock_case(case)
    require_transition(case, "submit_for_approval", by)
    _check_cancellation_rules(case)
    before = case.state
    case.submit_for_approval(by=by)
    save_case(case, ["state", "prepared_by", "proposed_decision"])
    record_step(case, kind=CaseStep.Kind.PREPARED, by=by, from_state=before, reason=reason)
    return case


@transaction.atomic
def return_with_observations(case: Case, *, by: User, observations: str) -> Case:
    """The director sends a prepared cancellation back to the official."""
    if not observations.strip():
        raise DomainError(_("Escriba las observaciones para el funcionario."), field="observations")
    case = lock_case(case)
    require_transition(case, "return_with_observations", by)
    before = case.state
    case.return_with_observations(observations=observations)
    save_case(case, ["state", "observations", "proposed_decision"])
    record_step(case, kind=CaseStep.Kind.RETURNED, by=by, from_state=before, reason=observations)
    return case


def _is_special_situation(case: Case) -> bool:
    """Internal situations (instructivo de situaciones especiales) get Formato 1271, not 1529."""
    return case.cause == Cause.IMPERSONATION or (
        case.requester_kind == RequesterKind.DIAN_AREA
        and case.documents.filter(kind="format_1271").exists()
    )


@transaction.atomic
def approve_cancellation(case: Case, *, by: User, reason: str = "") -> Case:
    """Four eyes: the director (not the preparer) approves; the inscripción is cancelled."""
    case = lock_case(case)
    require_transition(case, "approve", by)
    if case.prepared_by_id == by.pk:
        raise FourEyesViolation(
            _(
                "Usted preparó esta cancelación: debe aprobarla otro director "
                "o funcionario autorizado (control de cuatro ojos)."
            )
        )
    _check_cancellation_rules(case)
    before = case.state
    now = timezone.now()
    case.approve(by=by, at=now)
    save_case(case, ["state", "decision", "decided_by", "decided_at"])
    assert case.registrant is not None
    registrant = change_state(
        case.registrant,
        transition_name="cancel",
        by=by,
        reason=case.get_cause_display(),
        legal_basis="Decreto 2460 de 2013, art. 17",
        act_reference=_act_reference(case),
        case_number=case.number,
    )
    kind = OfficialFormat.Kind.F1271 if _is_special_situation(case) else OfficialFormat.Kind.F1529
    form = _issue_format(
        case,
        kind=kind,
        by=by,
        content={
            "registrant": _identification(registrant),
            "action": "cancellation",
            "cause": case.get_cause_display(),
            "act": _act_reference(case),
            "cancelled_on": timezone.localdate(now).isoformat(),
            "form_number": registrant.form_versions.latest("version").form_number,
            "case": case.number,
        },
    )
    queue_cancellation_resolution(case.pk)
    record_step(
        case,
        kind=CaseStep.Kind.APPROVED,
        by=by,
        from_state=before,
        reason=reason,
        legal_basis="Decreto 2460 de 2013, art. 17",
        details={"format": form.number},
    )
    return case


def _act_reference(case: Case) -> str:
    if not case.act_number:
        return ""
    issued = case.act_date.strftime("%d/%m/%Y") if case.act_date else ""
    return f"{case.act_number} {issued} {case.act_issuer}".strip()


def _require_publication(case: Case) -> None:
    """A fictitious supplier/exporter suspension is applied with its act's publication date."""
    if case.cause in (Cause.FICTITIOUS_SUPPLIER, Cause.FICTITIOUS_EXPORTER) and (
        case.act_published_on is None
    ):
        raise DomainError(
            _(
                "Registre la fecha de publicación del acto que declara al %(cause)s: la "
                "suspensión rige y se cuenta desde ella (Decreto 2460 de 2013, art. 15 par. 1)."
            )
            % {"cause": case.get_cause_display().lower()},
            field="act_published_on",
        )


@transaction.atomic
def record_act_publication(case: Case, *, by: User, published_on: date) -> Case:
    """Note when the act behind the case was published (art. 15 par. 1), before deciding it."""
    case = lock_case(case)
    require_scope(case, by)
    if published_on > timezone.localdate():
        raise DomainError(
            _("La fecha de publicación no puede ser futura."), field="act_published_on"
        )
    if case.act_date and published_on < case.act_date:
        raise DomainError(
            _("El acto no puede publicarse antes de expedirse."), field="act_published_on"
        )
    case.act_published_on = published_on
    save_case(case, ["act_published_on"])
    record_step(
        case,
        kind=CaseStep.Kind.DOCUMENT_ADDED,
        by=by,
        from_state=case.state,
        legal_basis="Decreto 2460 de 2013, art. 15 par. 1",
        details={"act_published_on": published_on.isoformat()},
    )
    return case


def _check_lift_allowed(case: Case, today: date) -> None:
    """Suspensions for fictitious suppliers/exporters last five years before lifting on request."""
    last = (
        Case.objects.filter(
            registrant=case.registrant, case_type=CaseType.SUSPENSION, decision="granted"
        )
        .order_by("-decided_at")
        .first()
    )
    if last is None or last.cause not in (Cause.FICTITIOUS_SUPPLIER, Cause.FICTITIOUS_EXPORTER):
        return
    ends = fictitious_suspension_ends(last)
    if today < ends and case.requester_kind != RequesterKind.JUDICIAL_AUTHORITY:
        raise Conflict(
            _(
                "La suspensión por %(cause)s dura cinco años: se puede levantar a partir "
                "del %(date)s."
            )
            % {"cause": last.get_cause_display().lower(), "date": ends.strftime("%d/%m/%Y")}
        )


def _apply_grant(case: Case, by: User | None) -> None:
    registrant = case.registrant
    assert registrant is not None
    basis = {
        "reason": case.get_cause_display(),
        "act_reference": _act_reference(case),
        "case_number": case.number,
    }
    require_complete_checklist(case)
    if case.case_type == CaseType.REGISTRATION:
        if (
            case.mode == Mode.EX_OFFICIO
            and not case.visits.filter(result=VerificationVisit.Result.CONFIRMED).exists()
        ):
            raise Conflict(
                _(
                    "La inscripción de oficio se formaliza después de registrar una visita "
                    "de verificación que confirme los datos."
                )
            )
        formalize_registration(
            registrant,
            by=by,
            case_number=case.number,
            bank_certificate_date=_bank_certificate(case),
            electronic=by is None and case.mode == Mode.SELF_SERVICE,
            legal_basis=(
                REGISTRATION_BASIS if case.mode == Mode.EX_OFFICIO else FORMALIZATION_BASIS
            ),
        )
    elif is_ex_officio_update(case):
        check_update_still_applies(case)  # applied when communicated (art. 14)
    elif case.case_type == CaseType.UPDATE and case.payload.get("applied_by_format"):
        pass  # record_update made it with its Formato 1767, through update_registrant
    elif case.case_type == CaseType.UPDATE:
        data = data_from_json(case.payload["data"])
        update_registrant(
            registrant,
            by=by,
            data=data,
            expected_revision=case.payload["base_revision"],
            assisted=case.mode != Mode.SELF_SERVICE,
            reason=case.facts,
            case_number=case.number,
            withdrawal=withdrawal_of(case),
            electronic=by is None and case.mode == Mode.SELF_SERVICE,
        )
    elif case.case_type == CaseType.SUSPENSION:
        _require_publication(case)
        change_state(
            registrant,
            transition_name="suspend",
            by=by,
            legal_basis="Decreto 2460 de 2013, art. 15",
            **basis,
        )
    elif case.case_type == CaseType.LIFT_SUSPENSION:
        _check_lift_allowed(case, timezone.localdate())
        change_state(
            registrant,
            transition_name="lift_suspension",
            by=by,
            legal_basis="Decreto 2460 de 2013, art. 15",
            **basis,
        )
    elif case.case_type == CaseType.REACTIVATION:
        change_state(
            registrant,
            transition_name="reactivate",
            by=by,
            legal_basis="Procedimiento de cancelación de oficio y reactivación, 3.2",
            **basis,
        )


def _bank_certificate(case: Case) -> date | None:
    """The bank certificate's date: given at filing, or the one the official checked (art. 10)."""
    value = case.payload.get("bank_certificate_date")
    if value:
        return date.fromisoformat(value)
    checked = (
        case.requirement_checks.filter(
            code__startswith="bank_certificate", status=RequirementCheck.Status.MET
        )
        .order_by("-id")
        .first()
    )
    return checked.document_date if checked else None


@transaction.atomic
def grant_case(case: Case, *, by: User | None, reason: str = "") -> Case:
    """Decide a non-cancellation case favourably and apply it to the record at once."""
    case = lock_case(case)
    require_transition(case, "grant", by)
    before = case.state
    _apply_grant(case, by)
    if case.from_abroad:
        send_certified_rut(case)
    case.grant(by=by, at=timezone.now())
    save_case(case, ["state", "decision", "decided_by", "decided_at"])
    record_step(
        case,
        kind=CaseStep.Kind.GRANTED,
        by=by,
        from_state=before,
        reason=reason,
        legal_basis=legal_basis_of(case),
    )
    return case


def _require_denial_reason(reason: str) -> None:
    if not reason.strip():
        raise DomainError(
            _("Explique por qué no procede; se le comunicará al solicitante."), field="reason"
        )


@transaction.atomic
def deny_case(case: Case, *, by: User | None, reason: str) -> Case:
    """Decide that the request does not proceed, saying why.

    A cancellation or an authority's order is refused only with the director's approval:
    propose_denial, then approve_denial (four eyes both ways).
    """
    _require_denial_reason(reason)
    case = lock_case(case)
    if case.denial_needs_approval:
        raise NotAllowed(
            _(
                "El trámite %(n)s es una cancelación o una orden de autoridad: la decisión de "
                "que no procede la aprueba el director, como la que procede (cuatro ojos). "
                "Envíela a aprobación."
            )
            % {"n": case.number}
        )
    require_transition(case, "deny", by)
    before = case.state
    case.deny(by=by, at=timezone.now())
    save_case(case, ["state", "decision", "decided_by", "decided_at"])
    record_step(case, kind=CaseStep.Kind.DENIED, by=by, from_state=before, reason=reason)
    return case


@transaction.atomic
def propose_denial(case: Case, *, by: User | None, reason: str) -> Case:
    """Put to the director that a cancellation or an authority's order does not proceed."""
    _require_denial_reason(reason)
    case = lock_case(case)
    require_transition(case, "submit_denial_for_approval", by)
    before = case.state
    case.submit_denial_for_approval(by=by)
    save_case(case, ["state", "prepared_by", "proposed_decision"])
    record_step(
        case,
        kind=CaseStep.Kind.PREPARED,
        by=by,
        from_state=before,
        reason=reason,
        details={"proposed_decision": Decision.DENIED},
    )
    return case


@transaction.atomic
def approve_denial(case: Case, *, by: User, reason: str = "") -> Case:
    """Four eyes: the director (not the preparer) approves that the case does not proceed."""
    case = lock_case(case)
    require_transition(case, "approve_denial", by)
    if case.prepared_by_id == by.pk:
        raise FourEyesViolation(
            _(
                "Usted propuso que no procede: debe aprobarlo otro director o funcionario "
                "autorizado (control de cuatro ojos)."
            )
        )
    proposal = (
        case.steps.filter(kind=CaseStep.Kind.PREPARED).values_list("reason", flat=True).last()
    )
    before = case.state
    case.approve_denial(by=by, at=timezone.now())
    save_case(case, ["state", "decision", "decided_by", "decided_at"])
    record_step(
        case,
        kind=CaseStep.Kind.DENIED,
        by=by,
        from_state=before,
        reason=reason or proposal or "",
        details={"prepared_by": case.prepared_by_id},
    )
    return case


def approve_proposal(case: Case, *, by: User, reason: str = "") -> Case:
    """The director approves what was put to them: the cancellation, or that it does not proceed."""
    if case.proposes_denial:
        return approve_denial(case, by=by, reason=reason)
    return approve_cancellation(case, by=by, reason=reason)
