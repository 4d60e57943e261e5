"""Letters of activity 12: to the inscrito, the requester, seccionales, judges, customs."""

from __future__ import annotations

from django.utils.translation import gettext as _

from documents.contexts.common import (
    DocumentKind,
    DocumentSpec,
    PublicFacts,
    identity_from_version,
    local,
    seccional_line,
    signature,
    text,
    version_in_force,
)
from documents.formatting import date_co
from procedures.models import Case, CaseType, Communication, Decision, Mode, RequesterKind

_TO_THE_REGISTRANT = (Communication.Kind.TO_REGISTRANT, Communication.Kind.CERTIFIED_RUT)
_TO_THE_REQUESTER = (
    Communication.Kind.TO_REQUESTER,
    Communication.Kind.FORWARDING_NOTICE,
    Communication.Kind.REJECTION,
)


def greeting(communication: Communication) -> str:
    """Señor(a) for a person, Señores for an entity, an authority or a seccional."""
    case = communication.case
    registrant = case.registrant
    # A user who files is a person, unless the letter goes to the inscrito itself.
    person = communication.kind in _TO_THE_REQUESTER and case.requester_kind == RequesterKind.USER
    to_the_registrant = communication.kind in _TO_THE_REGISTRANT or (
        person
        and registrant is not None
        and communication.recipient_name == registrant.display_name
    )
    if registrant is not None and to_the_registrant:
        person = registrant.is_natural
    return _("Señor(a)") if person else _("Señores")


def _communication_heading(communication: Communication, case: Case) -> str:
    kind = communication.kind
    if kind == Communication.Kind.REJECTION:
        return _("Comunicación de rechazo por requisitos")
    if kind == Communication.Kind.TO_JUDICIAL_AUTHORITY:
        return _("Oficio: cumplimiento de la orden de cancelación del RUT")
    if kind == Communication.Kind.TO_SECCIONAL:
        return _("Aviso de cancelación de oficio de la inscripción en el RUT")
    if kind == Communication.Kind.FORWARDING:
        return _("Oficio remisorio del trámite a la seccional competente")
    if kind == Communication.Kind.FORWARDING_NOTICE:
        return _("Aviso de remisión de su solicitud a la seccional competente")
    if kind == Communication.Kind.TO_CUSTOMS:
        return _("Aviso a los procesos de aduanas: cancelación de la inscripción en el RUT")
    if case.decision == Decision.GRANTED:
        if case.case_type == CaseType.CANCELLATION_EX_OFFICIO:
            return _("Comunicación de cancelación de oficio de la inscripción en el RUT")
        if case.case_type == CaseType.CANCELLATION_ON_REQUEST:
            return _("Comunicación de cancelación de la inscripción en el RUT")
        if case.case_type == CaseType.REACTIVATION:
            return _("Comunicación de reactivación del RUT")
        if case.mode == Mode.EX_OFFICIO and case.case_type == CaseType.REGISTRATION:
            return _("Comunicación de la inscripción de oficio en el RUT")
        if case.mode == Mode.EX_OFFICIO and case.case_type == CaseType.UPDATE:
            return _("Comunicación de la actualización de oficio del RUT")
    if case.decision == Decision.DENIED:
        return _("Comunicación de la decisión: no procede")
    return _("Comunicación de la decisión del trámite")


def communication_spec(communication: Communication) -> DocumentSpec:
    case = communication.case
    created = local(communication.created_at)
    version = version_in_force(case.registrant_id, communication.created_at)
    identity = identity_from_version(version)
    extra: list[list[str]] = []
    paragraphs = [p for p in text(communication.body).split("\n\n") if p.strip()]
    if communication.kind == Communication.Kind.TO_JUDICIAL_AUTHORITY:
        extra = [
            [_("Orden"), " ".join(p for p in (case.act_number, date_co(case.act_date)) if p)],
            [_("Fecha de cancelación del RUT"), date_co(case.decided_at)],
        ]
    if communication.kind == Communication.Kind.REJECTION:
        paragraphs.append(
            _(
                "Cuando haya subsanado lo señalado, puede radicar nuevamente la solicitud por "
                "cualquiera de los canales habilitados por la DIAN; se tramitará como una "
                "solicitud nueva."
            )
        )
    seccional = communication.seccional
    number = f"{case.number}-{communication.pk}"
    city = case.seccional.city if case.seccional_id else ""
    return DocumentSpec(
        kind=DocumentKind.COMMUNICATION,
        template="communication.html",
        title=_("Comunicación N.º %(n)s") % {"n": number},
        context={
            "number": number,
            "band_code": "RUT",
            "band_note": _("Comunicación"),
            "heading": _communication_heading(communication, case),
            "proof": {
                "title": _("Comunicación oficial"),
                "note": _("Comunicación del trámite %(case)s expedida por medios electrónicos.")
                % {"case": case.number},
            },
            "kind_label": str(communication.get_kind_display()),
            "seccional": seccional_line(case),
            "place_date": ", ".join(p for p in (city, date_co(created)) if p),
            "recipient": communication.recipient_name,
            "recipient_email": communication.recipient_email,
            "greeting": greeting(communication),
            # A notice to a seccional is addressed to it by name: one line, not two.
            "recipient_seccional": seccional.name
            if seccional and seccional.name != communication.recipient_name
            else "",
            "subject": communication.subject,
            "case": [
                [_("Trámite"), case.number],
                [_("Tipo de trámite"), str(case.get_case_type_display())],
                [_("Causal"), str(case.get_cause_display())],
                [_("Decisión"), str(case.get_decision_display()) if case.decision else ""],
            ],
            "registrant": [
                [_("NIT"), identity["nit"]],
                [_("Nombre o razón social"), identity["name"]],
                [_("Documento de identificación"), identity["document"]],
                [_("Estado en el RUT"), identity["state"]],
            ]
            if version
            else [],
            "extra": extra,
            "paragraphs": paragraphs,
            **signature(case),
        },
        facts=PublicFacts(
            number=number,
            nit=identity["nit"],
            name=identity["name"],
            state=identity["state"],
            issued_on=created.date(),
        ),
        created=created,
        sources={"communication": communication},
    )
