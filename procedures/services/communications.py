"""Activity 12: communicate the decision to everyone the procedure names, then close."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from procedures.models import (
    Case,
    CaseStep,
    CaseType,
    Communication,
    Decision,
    RequesterKind,
)
from procedures.services.common import lock_case, record_step, require_transition, save_case
from registry.models import FormVersion, Registrant, Seccional, SeccionalAssignment
from registry.services.states import SUSPENSION_KEEPS_OBLIGATIONS

if TYPE_CHECKING:
    from django.contrib.auth.models import User

FIVE_YEARS = timedelta(days=5 * 365 + 1)


def seccionales_of_last_five_years(registrant: Registrant, *, before: datetime) -> list[Seccional]:
    """Every seccional the inscrito belonged to in the five years before `before`."""
    since = before - FIVE_YEARS
    codes = (
        SeccionalAssignment.objects.filter(registrant=registrant, started_at__lte=before)
        .exclude(ended_at__lt=since)
        .values_list("seccional_id", flat=True)
    )
    return list(Seccional.objects.filter(code__in=set(codes)).order_by("code"))


def _summary(case: Case) -> str:
    registrant = case.registrant
    who = (
        f"{registrant.display_name}, NIT {registrant.formatted_nit}"
        if registrant and registrant.nit
        else registrant.display_name
        if registrant
        else ""
    )
    decision = case.get_decision_display().lower()
    return _("Trámite %(number)s (%(type)s) de %(who)s: %(decision)s.") % {
        "number": case.number,
        "type": case.get_case_type_display().lower(),
        "who": who,
        "decision": decision,
    }


def _planned(case: Case, *, form_version: FormVersion | None = None) -> list[Communication]:
    """The communications a decision produces (procedure, outputs of activity 12).

    `form_version`: the Formulario 001 the letter to the inscrito carries (ex officio cases).
    """
    from procedures.services.ex_officio import communication_note

    registrant = case.registrant
    summary = _summary(case)
    items: list[Communication] = []

    def add(
        kind: str, name: str, email: str, body: str, seccional: Seccional | None = None
    ) -> None:
        items.append(
            Communication(
                case=case,
                kind=kind,
                recipient_name=name,
                recipient_email=email,
                seccional=seccional,
                body=body,
                subject=_("DIAN - RUT: trámite %(n)s") % {"n": case.number},
            )
        )

    if case.decision == Decision.REQUIREMENTS_NOT_MET:
        reason = (
            case.steps.filter(kind=CaseStep.Kind.REJECTED).values_list("reason", flat=True).last()
        )
        add(
            Communication.Kind.REJECTION,
            case.requester_name,
            case.requester_email,
            _(
                "%(summary)s Motivo: %(reason)s Una vez corregido, puede radicar de nuevo la "
                "solicitud."
            )
            % {"summary": summary, "reason": reason or ""},
        )
        return items
    if registrant is not None:
        to_registrant = summary
        if case.case_type == CaseType.SUSPENSION and case.decision == Decision.GRANTED:
            to_registrant = f"{summary} {SUSPENSION_KEEPS_OBLIGATIONS}"
        if note := communication_note(case):
            to_registrant = f"{to_registrant}\n\n{note}"
        add(
            Communication.Kind.TO_REGISTRANT,
            registrant.display_name,
            registrant.email,
            to_registrant,
        )
        items[-1].form_version = form_version
    if case.requester_kind != RequesterKind.USER:
        add(Communication.Kind.TO_REQUESTER, case.requester_name, case.requester_email, summary)
    if case.decision != Decision.GRANTED or registrant is None:
        return items
    if case.case_type == CaseType.CANCELLATION_EX_OFFICIO:
        for seccional in seccionales_of_last_five_years(registrant, before=case.received_at):
            add(Communication.Kind.TO_SECCIONAL, seccional.name, "", summary, seccional)
    if case.is_cancellation and case.requester_kind == RequesterKind.JUDICIAL_AUTHORITY:
        cancelled_on = timezone.localdate(case.decided_at).strftime("%d/%m/%Y")
        add(
            Communication.Kind.TO_JUDICIAL_AUTHORITY,
            case.requester_name,
            case.requester_email,
            _(
                "En cumplimiento de la orden %(act)s, la inscripción en el RUT de %(name)s fue "
                "cancelada el %(date)s."
            )
            % {"act": case.act_number, "name": registrant.display_name, "date": cancelled_on},
        )
    if case.is_cancellation and registrant.customs_qualities.exists():
        # Delivered to the customs processes of the inscrito's seccional, in its inbox of notices.
        add(
            Communication.Kind.TO_CUSTOMS,
            _("Procesos de aduanas"),
            "",
            summary,
            registrant.seccional,
        )
    return items


@transaction.atomic
def communicate_decision(case: Case, *, by: User | None) -> list[Communication]:
    """Store every communication the decision requires and send them by email after commit."""
    from documents.tasks import queue_communication
    from procedures.services import ex_officio
    from procedures.tasks import send_communication

    case = lock_case(case)
    require_transition(case, "communicate", by)
    before = case.state
    form_version = None
    if ex_officio.takes_effect_on_communication(case):
        # Art. 14: the actualización de oficio is valid once communicated, so it is made here,
        # in the same transaction as the letter that carries its Formulario 001.
        form_version = ex_officio.apply_on_communication(case, by=by)
    elif ex_officio.is_ex_officio_registration(case) and case.decision == Decision.GRANTED:
        assert case.registrant is not None
        form_version = case.registrant.form_versions.latest("version")
    communications = Communication.objects.bulk_create(_planned(case, form_version=form_version))
    case.communicate()
    save_case(case, ["state"])
    record_step(
        case,
        kind=CaseStep.Kind.COMMUNICATED,
        by=by,
        from_state=before,
        legal_basis=ex_officio.legal_basis_of(case) or _("Procedimiento, actividad 12"),
        details={"communications": [c.pk for c in communications]},
    )
    for communication in communications:
        queue_communication(communication.pk)
        if communication.recipient_email:
            send_communication.delay_on_commit(communication.pk)
    return communications


@transaction.atomic
def close_case(case: Case, *, by: User | None) -> Case:
    case = lock_case(case)
    require_transition(case, "close", by)
    before = case.state
    case.close(at=timezone.now())
    save_case(case, ["state", "closed_at"])
    record_step(case, kind=CaseStep.Kind.CLOSED, by=by, from_state=before)
    return case


def send_certified_rut(case: Case) -> Communication:
    """Art. 9 par.: a filing from abroad gets its certified RUT at the email it gave."""
    from procedures.tasks import send_communication

    registrant = case.registrant
    assert registrant is not None
    communication = Communication.objects.create(
        case=case,
        kind=Communication.Kind.CERTIFIED_RUT,
        recipient_name=registrant.display_name,
        recipient_email=registrant.email,
        form_version=registrant.form_versions.latest("version"),
        subject=_("DIAN - RUT certificado de %(name)s") % {"name": registrant.display_name},
        body=_(
            "Adjuntamos su Registro Único Tributario certificado, NIT %(nit)s, formalizado en el "
            "trámite %(number)s."
        )
        % {"nit": registrant.formatted_nit, "number": case.number},
    )
    if communication.recipient_email:
        send_communication.delay_on_commit(communication.pk)
    return communication


def communicate_forwarding(
    case: Case, *, origin: Seccional, by: User | None
) -> list[Communication]:
    """Procedure, activity 4: the remission of a case to the competent seccional leaves an
    outgoing oficio to that seccional, with the case and its supports, and a notice to the
    requester saying where the request went (the acknowledgment of the remission)."""
    from documents.tasks import queue_communication
    from procedures.tasks import send_communication

    destination = case.seccional
    values = {
        "number": case.number,
        "origin": origin.name,
        "destination": destination.name,
        "documents": case.documents.count(),
    }
    items = [
        Communication(
            case=case,
            kind=Communication.Kind.FORWARDING,
            recipient_name=destination.name,
            seccional=destination,
            subject=_("DIAN - RUT: remisión del trámite %(number)s") % values,
            body=_(
                "La seccional %(origin)s remite el trámite %(number)s, con sus %(documents)s "
                "soporte(s), a la seccional %(destination)s, competente para decidirlo "
                "(procedimiento, actividad 4)."
            )
            % values,
        ),
        Communication(
            case=case,
            kind=Communication.Kind.FORWARDING_NOTICE,
            recipient_name=case.requester_name,
            recipient_email=case.requester_email,
            subject=_("DIAN - RUT: trámite %(number)s remitido") % values,
            body=_(
                "Su solicitud %(number)s fue recibida en la seccional %(origin)s y remitida a la "
                "seccional %(destination)s, que es la competente para decidirla."
            )
            % values,
        ),
    ]
    communications = Communication.objects.bulk_create(items)
    for communication in communications:
        queue_communication(communication.pk)
        if communication.recipient_email:
            send_communication.delay_on_commit(communication.pk)
    return communications
