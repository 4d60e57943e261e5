"""Activities 1-4 of the procedure: receive, check requirements, decide jurisdiction, forward."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.scope import seccional_of
from deadlines.rules import competent_seccional, decision_due_on, priority_of
from deadlines.services import sync_case_deadlines
from procedures.models import (
    AUTHORITY_KINDS,
    AUTHORIZED_CHANNELS,
    CANCELLATION_TYPES,
    CAUSES_BY_TYPE,
    EX_OFFICIO_UPDATE_CAUSES,
    OPEN_STATES,
    Case,
    CaseDocument,
    CaseStep,
    CaseType,
    Cause,
    Mode,
    RequesterKind,
    cause_applies,
    cause_open_to,
)
from procedures.services.common import (
    lock_case,
    next_case_number,
    record_step,
    require_scope,
    require_transition,
    save_case,
)
from procedures.services.communications import communicate_forwarding
from procedures.services.eligibility import require_request_open
from procedures.services.obligations import require_reactivation_obligations_met
from registry.models import Registrant
from registry.responsibilities import WITHDRAWN_BY_REQUEST
from registry.services.common import DEFAULT_SECCIONAL, acting_user
from registry.services.registration import pre_register
from registry.validation import RegistrantData, data_from_registrant, data_to_json
from rut_portal import uploads
from rut_portal.errors import Conflict, DomainError, InvalidData

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Procedure of cancelación de oficio y reactivación, 3.2.
USER_PRESENTS_ORDER = gettext_lazy(
    "La cancelación por orden de autoridad no se tramita a solicitud del usuario, aunque "
    "presente copia de la orden: la autoridad que la emitió debe enviarla directamente a la "
    "DIAN, debidamente ejecutoriada (procedimiento de cancelación de oficio, numeral 3.2)."
)


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
    act_published_on: date | None = None
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
    # Retiro de IVA (48) or del impuesto al consumo (33): the responsibility this actualización
    # withdraws by its own request (Decreto 2460 de 2013, art. 13 par. 3); "" for any other case.
    withdrawal: str = ""


def needs_act(requester_kind: str) -> bool:
    """An order of an authority other than a DIAN area comes with its act (procedure 6.1)."""
    return requester_kind in AUTHORITY_KINDS - {RequesterKind.DIAN_AREA}


def validate_request(request: CaseRequest, *, alike: bool = False) -> None:
    """Refuse a request the procedure does not admit, with every field error at once.

    `alike`: the request is the shared part of many cases (bulk_intake), whose inscritos come
    apart, so no inscrito is required here.
    """
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
    elif not cause_open_to(
        request.cause, case_type=request.case_type, requester_kind=request.requester_kind
    ):
        errors["cause"] = [str(USER_PRESENTS_ORDER)]
    elif request.cause in EX_OFFICIO_UPDATE_CAUSES and request.mode != Mode.EX_OFFICIO:
        errors["cause"] = [
            _(
                "Esa causal es de la actualización de oficio (Decreto 2460 de 2013, art. 14), "
                "que un funcionario inicia desde la página del inscrito."
            )
        ]
    if request.case_type == CaseType.REGISTRATION:
        if request.data is None and request.registrant is None:
            errors["data"] = [_("La inscripción necesita los datos del formulario.")]
        elif request.registrant is not None and (
            request.registrant.state != Registrant.State.PRE_REGISTERED
        ):
            errors["registrant"] = [_("Esa persona ya está inscrita en el RUT.")]
    elif request.registrant is None and not alike:
        errors["registrant"] = [_("Indique el inscrito.")]
    if request.withdrawal:
        _validate_withdrawal(request, errors)
    elif request.case_type == CaseType.UPDATE and request.data is None:
        errors["data"] = [_("Indique los datos que se actualizan.")]
    if request.requester_kind not in RequesterKind.values:
        errors["requester_kind"] = [_("Solicitante desconocido.")]
    if not request.requester_name.strip():
        errors["requester_name"] = [_("Indique el nombre del solicitante.")]
    if needs_act(request.requester_kind) and not (request.act_number and request.act_date):
        errors["act_number"] = [_("Indique el número y la fecha del acto que ordena la actuación.")]
    if request.act_date and request.act_date > timezone.localdate():
        errors["act_date"] = [_("La fecha del acto no puede ser futura.")]
    if request.act_published_on and request.act_published_on > timezone.localdate():
        errors["act_published_on"] = [_("La fecha de publicación no puede ser futura.")]
    fact_error = update_fact_date_error(request)
    if fact_error:
        errors["fact_date"] = [fact_error]
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
    if request.registrant is not None and request.requester_kind == RequesterKind.USER:
        # An authority's order is received even so, to be answered; a user's request is not.
        # Read the state afresh: the caller's copy may predate a change of state.
        current = Registrant.objects.get(pk=request.registrant.pk)
        require_request_open(current, case_type=request.case_type)
    if request.registrant is not None and request.case_type == CaseType.CANCELLATION_ON_REQUEST:
        require_reactivation_obligations_met(request.registrant)
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


def _validate_withdrawal(request: CaseRequest, errors: dict[str, list[str]]) -> None:
    """A withdrawal is an actualización of an inscrito who holds the responsibility it removes."""
    if request.case_type != CaseType.UPDATE or request.withdrawal not in WITHDRAWN_BY_REQUEST:
        errors["withdrawal"] = [
            _("El retiro de IVA o del impuesto al consumo es un trámite de actualización.")
        ]
    elif (
        request.registrant is not None
        and not request.registrant.responsibilities.filter(code=request.withdrawal).exists()
    ):
        errors["withdrawal"] = [
            _("El inscrito no tiene la responsabilidad %(code)s; no hay nada que retirar.")
            % {"code": request.withdrawal}
        ]


def update_fact_date_error(request: CaseRequest) -> str:
    """Art. 13: an update the inscrito files by self-service says when its fact happened (the
    month to update runs from it); no fact date is in the future. "" when the request is fine.
    """
    if request.fact_date is not None and request.fact_date > timezone.localdate():
        return _("La fecha del hecho no puede ser futura.")
    if (
        request.case_type == CaseType.UPDATE
        and request.mode == Mode.SELF_SERVICE
        and request.requester_kind == RequesterKind.USER
        and request.fact_date is None
    ):
        return _(
            "Indique la fecha del hecho que origina la actualización: el RUT se actualiza "
            "dentro del mes siguiente (Decreto 2460 de 2013, art. 13)."
        )
    return ""


def _withdrawal_data(registrant: Registrant, withdrawn: str) -> RegistrantData:
    """The record with the withdrawn responsibility replaced by its "no responsable" code."""
    data = data_from_registrant(registrant)
    data.responsibilities = sorted(
        {*data.responsibilities} - {withdrawn} | {WITHDRAWN_BY_REQUEST[withdrawn]}
    )
    return data


def open_case_of_same_kind(case: Case) -> Case | None:
    """The undecided cancellation of the same kind already filed for this inscrito, if any."""
    if case.case_type not in CANCELLATION_TYPES or case.registrant_id is None:
        return None
    return (
        Case.objects.filter(
            registrant_id=case.registrant_id, case_type=case.case_type, state__in=OPEN_STATES
        )
        .exclude(pk=case.pk)
        .first()
    )


def _refuse_second_open_case(open_case: Case) -> None:
    raise Conflict(
        _(
            "El inscrito ya tiene abierto el trámite %(number)s de %(type)s (estado «%(state)s»): "
            "no se radica otro igual mientras ese no se decida; agregue allí los nuevos soportes."
        )
        % {
            "number": open_case.number,
            "type": open_case.get_case_type_display().lower(),
            "state": open_case.get_state_display(),
        },
        field="registrant",
    )


def _save_new_case(case: Case) -> None:
    """Insert the case; a second open cancellation of the same kind is refused, naming the first."""
    if (open_case := open_case_of_same_kind(case)) is not None:
        _refuse_second_open_case(open_case)
    try:
        with transaction.atomic():  # savepoint: the caller's transaction stays usable
            case.save()
    except IntegrityError:
        # Two requests at once: the constraint one_open_cancellation_per_kind stopped this one.
        open_case = open_case_of_same_kind(case)
        if open_case is None:
            raise
        _refuse_second_open_case(open_case)


def request_payload(request: CaseRequest) -> dict[str, object]:
    """What the case keeps of the request besides its columns (the form data is added apart)."""
    payload: dict[str, object] = {"via_attorney": request.via_attorney}
    if request.bank_certificate_date:
        payload["bank_certificate_date"] = request.bank_certificate_date.isoformat()
    return payload


def new_case(
    request: CaseRequest,
    *,
    by: User | None,
    number: str,
    registrant: Registrant | None,
    seccional: str,
    payload: dict[str, object],
    today: date,
) -> Case:
    """The unsaved case a request becomes, with its priority and due date (deadlines.rules)."""
    case = Case(
        number=number,
        case_type=request.case_type,
        mode=request.mode,
        channel=request.channel,
        cause=request.cause,
        registrant=registrant,
        seccional_id=seccional,
        received_at_seccional_id=seccional,
        requester_kind=request.requester_kind,
        requester_name=request.requester_name,
        requester_email=request.requester_email,
        requester_user=by
        if by is not None and by.is_authenticated and by.is_staff is False
        else None,
        act_number=request.act_number,
        act_date=request.act_date,
        act_published_on=request.act_published_on,
        act_issuer=request.act_issuer,
        act_is_final=request.act_is_final,
        act_term_days=request.act_term_days,
        facts=request.facts,
        fact_date=request.fact_date,
        payload=payload,
        priority=priority_of(request.requester_kind),
        refiled_from=request.refiled_from,
        from_abroad=request.from_abroad,
    )
    case.due_on = decision_due_on(case, today)
    return case


def received_details(request: CaseRequest) -> dict[str, str]:
    """The details of the RECEIVED step on the case's timeline."""
    return {"channel": request.channel, "refiled_from": getattr(request.refiled_from, "number", "")}


@transaction.atomic
def receive_case(request: CaseRequest, *, by: User | None, seccional: str | None = None) -> Case:
    """Activity 1: register a request as a case, with its requester, act and legal term."""
    validate_request(request)
    received_at = (
        seccional
        or seccional_of(by)
        or (request.registrant.seccional_id if request.registrant else DEFAULT_SECCIONAL)
    )
    registrant = request.registrant
    payload = request_payload(request)
    data = request.data
    if request.withdrawal:
        assert registrant is not None
        # The desk receives a withdrawal without the form's data: the proposal is the record
        # with the responsibility swapped; Formato 1767 may still change it.
        payload["withdrawal"] = request.withdrawal
        data = data or _withdrawal_data(registrant, request.withdrawal)
    if request.case_type == CaseType.REGISTRATION and registrant is None:
        assert data is not None
        registrant = pre_register(data, by=by, electronic=request.mode == Mode.SELF_SERVICE)
    elif data is not None:
        assert registrant is not None
        payload.update(data=data_to_json(data), base_revision=registrant.revision)
    today = timezone.localdate()
    case = new_case(
        request,
        by=by,
        number=next_case_number(today.year),
        registrant=registrant,
        seccional=received_at,
        payload=payload,
        today=today,
    )
    _save_new_case(case)
    sync_case_deadlines(case)
    record_step(
        case,
        kind=CaseStep.Kind.RECEIVED,
        by=by,
        details=received_details(request),
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
    origin = case.seccional
    case.forward(to=case.registrant.seccional)  # type: ignore[union-attr]
    # Procedure activity 4: forwarded at the latest the day after it was received (the
    # FORWARDING term of deadlines.rules, settled by save_case).
    save_case(case, ["state", "seccional", "assigned_to"])
    sent = communicate_forwarding(case, origin=origin, by=by)
    record_step(
        case,
        kind=CaseStep.Kind.FORWARDED,
        by=by,
        from_state=before,
        legal_basis=_("Procedimiento, actividad 4"),
        details={
            "from": origin.pk,
            "to": competent,
            "communications": [c.pk for c in sent],
        },
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
