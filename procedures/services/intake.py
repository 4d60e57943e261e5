"""Activities 1-4 of the procedure: receive, check requirements, decide jurisdiction, forward."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import seccional_of
from deadlines.rules import decision_term
from deadlines.services import sync_case_deadlines
from procedures.deadlines import due_date, next_business_day
from procedures.models import (
    AUTHORITY_KINDS,
    AUTHORIZED_CHANNELS,
    CAUSES_BY_TYPE,
    Case,
    CaseDocument,
    CaseStep,
    CaseType,
    Cause,
    Mode,
    RequesterKind,
    cause_applies,
)
from procedures.services.common import (
    lock_case,
    next_case_number,
    record_step,
    require_scope,
    require_transition,
    save_case,
)
from registry.models import Registrant
from registry.services.common import DEFAULT_SECCIONAL, acting_user
from registry.services.registration import pre_register
from registry.validation import RegistrantData, data_to_json
from rut_portal import uploads
from rut_portal.errors import Conflict, DomainError, InvalidData

if TYPE_CHECKING:
    from django.contrib.auth.models import User

JUDICIAL_PRIORITY = 10
AUTHORITY_PRIORITY = 5


@dataclass
class CaseRequest:
    case_type: str
    channel: str
    cause: str
    requester_kind: str
    requester_name: str
    requester_email: str = ""
    registrant: Registrant | None = None
    mode: str = Mode.ASSISTED
    act_number: str = ""
    act_date: date | None = None
    act_issuer: str = ""
    act_is_final: bool = False
    act_term_days: int | None = None
    facts: str = ""
    fact_date: date | None = None
    data: RegistrantData | None = None
    refiled_from: Case | None = None
    via_attorney: bool = False
    bank_certificate_date: date | None = None
    from_abroad: bool = False


def _validate_request(request: CaseRequest) -> None:
    errors: dict[str, list[str]] = {}
    if request.case_type not in CaseType.values:
        raise InvalidData({"case_type": [_("Tipo de trámite desconocido.")]})
    registrant = request.registrant
    if request.cause not in CAUSES_BY_TYPE[request.case_type]:
        errors["cause"] = [_("La causal no corresponde a este tipo de trámite.")]
    elif registrant is not None and not cause_applies(
        request.cause, kind=registrant.kind, person_type=registrant.person_type
    ):
        errors["cause"] = [
            _(
                "La causal «%(cause)s» no aplica a este inscrito, que es %(kind)s "
                "(Decreto 2460 de 2013, art. 17)."
            )
            % {"cause": Cause(request.cause).label, "kind": registrant.get_kind_display().lower()}
        ]
    if request.case_type == CaseType.REGISTRATION:
        if request.data is None and request.registrant is None:
            errors["data"] = [_("La inscripción necesita los datos del formulario.")]
        elif request.registrant is not None and (
            request.registrant.state != Registrant.State.PRE_REGISTERED
        ):
            errors["registrant"] = [_("Esa persona ya está inscrita en el RUT.")]
    elif request.registrant is None:
        errors["registrant"] = [_("Indique el inscrito.")]
    if request.case_type == CaseType.UPDATE and request.data is None:
        errors["data"] = [_("Indique los datos que se actualizan.")]
    if request.requester_kind not in RequesterKind.values:
        errors["requester_kind"] = [_("Solicitante desconocido.")]
    if not request.requester_name.strip():
        errors["requester_name"] = [_("Indique el nombre del solicitante.")]
    is_order = request.requester_kind in AUTHORITY_KINDS - {RequesterKind.DIAN_AREA}
    if is_order and not (request.act_number and request.act_date):
        errors["act_number"] = [_("Indique el número y la fecha del acto que ordena la actuación.")]
    if request.act_date and request.act_date > timezone.localdate():
        errors["act_date"] = [_("La fecha del acto no puede ser futura.")]
    if request.from_abroad:
        natural = (
            request.data.resolved_person_type
            if request.data
            else request.registrant.person_type
            if request.registrant
            else ""
        )
        if request.case_type not in (CaseType.REGISTRATION, CaseType.UPDATE) or natural != "2":
            errors["from_abroad"] = [
                _(
                    "Desde el exterior solo se radican inscripciones o "
                    "actualizaciones de personas naturales (art. 9 par.)."
                )
            ]
    if errors:
        raise InvalidData(errors)
    allowed = AUTHORIZED_CHANNELS.get(request.case_type)
    if allowed is not None and request.channel not in allowed:
        # Procedure, activity 1, note 1: petitions.receive_request turns it into a PQSRD.
        raise DomainError(
            _("El canal no está autorizado para este trámite: se radica como petición."),
            field="channel",
        )
    if (
        request.case_type == CaseType.CANCELLATION_EX_OFFICIO
        and request.requester_kind == RequesterKind.USER
    ):
        # Procedure 3.2: the order must come from the authority itself, duly executed.
        raise DomainError(
            _(
                "Una cancelación de oficio no se tramita a solicitud del usuario aunque "
                "presente la orden: la autoridad debe enviarla directamente a la DIAN."
            ),
            field="requester_kind",
        )


def _priority(request: CaseRequest) -> int:
    if request.requester_kind == RequesterKind.JUDICIAL_AUTHORITY:
        return JUDICIAL_PRIORITY
    if request.requester_kind in AUTHORITY_KINDS:
        return AUTHORITY_PRIORITY
    return 0


def legal_due_date(case: Case, received_on: date) -> date | None:
    """The term the procedure or the decree sets for deciding the case (deadlines.rules)."""
    if case.case_type == CaseType.CANCELLATION_EX_OFFICIO:
        return due_date(received_on, decision_term(case))
    if case.case_type == CaseType.SUSPENSION:
        return next_business_day(received_on)  # effective at the latest the next business day
    if case.case_type == CaseType.REACTIVATION:
        return received_on  # immediate (procedure 3.2)
    return None


@transaction.atomic
def receive_case(request: CaseRequest, *, by: User | None, seccional: str | None = None) -> Case:
    """Activity 1: register a request as a case, with its requester, act and legal term."""
    _validate_request(request)
    received_at = (
        seccional
        or seccional_of(by)
        or (request.registrant.seccional_id if request.registrant else DEFAULT_SECCIONAL)
    )
    registrant = request.registrant
    payload: dict[str, object] = {"via_attorney": request.via_attorney}
    if request.bank_certificate_date:
        payload["bank_certificate_date"] = request.bank_certificate_date.isoformat()
    if request.case_type == CaseType.REGISTRATION and registrant is None:
        assert request.data is not None
        registrant = pre_register(request.data, by=by)
    elif request.data is not None:
        assert registrant is not None
        payload.update(data=data_to_json(request.data), base_revision=registrant.revision)
    today = timezone.localdate()
    case = Case(
        number=next_case_number(today.year),
        case_type=request.case_type,
        mode=request.mode,
        channel=request.channel,
        cause=request.cause,
        registrant=registrant,
        seccional_id=received_at,
        received_at_seccional_id=received_at,
        requester_kind=request.requester_kind,
        requester_name=request.requester_name,
        requester_email=request.requester_email,
        requester_user=by
        if by is not None and by.is_authenticated and by.is_staff is False
        else None,
        act_number=request.act_number,
        act_date=request.act_date,
        act_issuer=request.act_issuer,
        act_is_final=request.act_is_final,
        act_term_days=request.act_term_days,
        facts=request.facts,
        fact_date=request.fact_date,
        payload=payload,
        priority=_priority(request),
        refiled_from=request.refiled_from,
        from_abroad=request.from_abroad,
    )
    case.due_on = legal_due_date(case, today)
    case.save()
    sync_case_deadlines(case)
    record_step(
        case,
        kind=CaseStep.Kind.RECEIVED,
        by=by,
        details={
            "channel": case.channel,
            "refiled_from": getattr(request.refiled_from, "number", ""),
        },
    )
    return case


@transaction.atomic
def attach_document(
    case: Case, *, kind: str, file: File, by: User | None, description: str = ""
) -> CaseDocument:
    """Store a supporting document with its SHA-256 and note it on the timeline.

    Every channel's file passes here, and none larger than the largest upload any channel
    accepts (rut_portal.uploads). The format (PDF, JPEG, PNG by content) is checked where people
    and entities upload, with the same function; the civil registry's death feed attaches its
    own CSV or JSON-lines file as the death record.
    """
    if file.size is None or file.size > uploads.MAX_BYTES:
        raise InvalidData(
            {
                "document": [
                    _("El archivo pesa más de %(mb)s MB.") % {"mb": uploads.MAX_BYTES // uploads.MB}
                ]
            }
        )
    case = lock_case(case)
    if by is not None and by.is_staff:
        require_scope(case, by)
    if case.state in (Case.State.COMMUNICATED, Case.State.CLOSED):
        raise Conflict(
            _("El trámite %(n)s ya terminó; no admite más soportes.") % {"n": case.number}
        )
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    document = CaseDocument.objects.create(
        case=case,
        kind=kind,
        file=file,
        sha256=digest.hexdigest(),
        description=description,
        uploaded_by=acting_user(by),
    )
    record_step(
        case,
        kind=CaseStep.Kind.DOCUMENT_ADDED,
        by=by,
        from_state=case.state,
        details={"document": document.pk, "kind": kind},
    )
    return document


# Documents the system itself requires before requirements can be declared met (procedure 6.1).
def missing_documents(case: Case) -> list[str]:
    kinds = set(case.documents.values_list("kind", flat=True))
    missing: list[str] = []
    if case.case_type == CaseType.CANCELLATION_EX_OFFICIO:
        if case.requester_kind == RequesterKind.DIAN_AREA:
            if not kinds & {CaseDocument.Kind.ACT, CaseDocument.Kind.FORMAT_1271}:
                missing.append(_("la resolución de cancelación o el Formato 1271"))
        elif case.requester_kind == RequesterKind.CIVIL_REGISTRY:
            if not kinds & {CaseDocument.Kind.DEATH_RECORD, CaseDocument.Kind.ACT}:
                missing.append(_("el registro civil de defunción"))
        elif not kinds & {CaseDocument.Kind.ACT, CaseDocument.Kind.JUDICIAL_ORDER}:
            missing.append(_("copia del acto administrativo o de la orden judicial"))
    if case.case_type == CaseType.REACTIVATION:
        if case.requester_kind == RequesterKind.USER:
            if CaseDocument.Kind.REGISTRATION_DOCUMENTS not in kinds:
                missing.append(_("los documentos del artículo 1.6.1.2.11 del DUR 1625 de 2016"))
        elif case.requester_kind == RequesterKind.DIAN_AREA:
            if CaseDocument.Kind.MOTIVATED_REQUEST not in kinds:
                missing.append(_("la comunicación motivada del área"))
        elif not kinds & {CaseDocument.Kind.ACT, CaseDocument.Kind.JUDICIAL_ORDER}:
            missing.append(_("copia del acto administrativo que ordena la reactivación"))
    if case.from_abroad:
        if CaseDocument.Kind.IDENTITY_SCAN not in kinds:
            missing.append(_("el documento de identidad escaneado"))
        if CaseDocument.Kind.PASSPORT_EXIT_PAGE not in kinds:
            missing.append(_("la página del pasaporte con la fecha de salida del país"))
    needs_final_act = case.requester_kind in AUTHORITY_KINDS - {RequesterKind.DIAN_AREA}
    if needs_final_act and case.case_type != CaseType.REGISTRATION and not case.act_is_final:
        missing.append(_("constancia de que el acto está debidamente ejecutoriado"))
    return missing


@transaction.atomic
def check_requirements(case: Case, *, by: User | None, met: bool, reason: str = "") -> Case:
    """Activity 2: requirements met (go on) or not met (rejected; the requester may refile)."""
    case = lock_case(case)
    before = case.state
    if met:
        require_transition(case, "accept_requirements", by)
        missing = missing_documents(case)
        if missing:
            raise DomainError(
                _("No se cumplen los requisitos: falta %(what)s.") % {"what": "; ".join(missing)},
                field="documents",
            )
        case.accept_requirements()
        save_case(case, ["state"])
        record_step(
            case,
            kind=CaseStep.Kind.REQUIREMENTS_MET,
            by=by,
            from_state=before,
            reason=reason,
            legal_basis=_("Procedimiento, actividad 2"),
        )
        return case
    if not reason.strip():
        raise DomainError(
            _("Explique qué requisito no se cumple; se le comunicará al solicitante."),
            field="reason",
        )
    require_transition(case, "reject_requirements", by)
    case.reject_requirements(by=by, at=timezone.now())
    save_case(case, ["state", "decision", "decided_by", "decided_at"])
    record_step(
        case,
        kind=CaseStep.Kind.REJECTED,
        by=by,
        from_state=before,
        reason=reason,
        legal_basis=_("Procedimiento, actividades 2 y 12"),
    )
    return case


def competent_seccional(case: Case) -> str:
    """Activity 3: a reactivation stays where it was received; the rest go to the inscrito's."""
    if case.case_type in (CaseType.REACTIVATION, CaseType.REGISTRATION) or case.registrant is None:
        return case.seccional_id
    return case.registrant.seccional_id


@transaction.atomic
def decide_jurisdiction(case: Case, *, by: User | None) -> Case:
    """Activities 3-4: take the case, or forward it with its supports to the competent seccional."""
    case = lock_case(case)
    before = case.state
    competent = competent_seccional(case)
    if competent == case.seccional_id:
        require_transition(case, "take_jurisdiction", by)
        case.take_jurisdiction()
        save_case(case, ["state"])
        record_step(case, kind=CaseStep.Kind.JURISDICTION, by=by, from_state=before)
        return case
    require_transition(case, "forward", by)
    origin = case.seccional_id
    case.forward(to=case.registrant.seccional)  # type: ignore[union-attr]
    # Procedure activity 4: forwarded at the latest the day after it was received.
    save_case(case, ["state", "seccional", "assigned_to"])
    record_step(
        case,
        kind=CaseStep.Kind.FORWARDED,
        by=by,
        from_state=before,
        legal_basis=_("Procedimiento, actividad 4"),
        details={"from": origin, "to": competent},
    )
    return case


@transaction.atomic
def refile_case(rejected: Case, *, by: User | None, data: RegistrantData | None = None) -> Case:
    """File again a request rejected for requirements, once corrected; linked to the first one."""
    if rejected.state not in (Case.State.REJECTED, Case.State.COMMUNICATED, Case.State.CLOSED) or (
        rejected.decision != "requirements_not_met"
    ):
        raise Conflict(_("Solo se radica de nuevo una solicitud rechazada por requisitos."))
    request = CaseRequest(
        case_type=rejected.case_type,
        channel=rejected.channel,
        cause=rejected.cause,
        requester_kind=rejected.requester_kind,
        requester_name=rejected.requester_name,
        requester_email=rejected.requester_email,
        registrant=rejected.registrant,
        mode=rejected.mode,
        act_number=rejected.act_number,
        act_date=rejected.act_date,
        act_issuer=rejected.act_issuer,
        act_is_final=rejected.act_is_final,
        act_term_days=rejected.act_term_days,
        facts=rejected.facts,
        fact_date=rejected.fact_date,
        data=data,
        refiled_from=rejected,
    )
    return receive_case(request, by=by, seccional=rejected.received_at_seccional_id)
