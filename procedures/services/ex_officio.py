"""Inscripción de oficio (Decreto 2460 de 2013, art. 12) and actualización de oficio (art. 14).

The DIAN starts both itself. An inscripción de oficio follows an authority's order that names the
obligado's identification, location and classification; it is formalised only after a visit
confirms the data (processing.grant_case) and is then communicated. An actualización de oficio
follows one of the three events of art. 14; the decision leaves the record untouched, and the
change (a new Formulario 001 version) is made when the decision is communicated, because the
article gives it legal effect from the communication.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.scope import can_act_in
from procedures.models import (
    EX_OFFICIO_UPDATE_CAUSES,
    Case,
    CaseDocument,
    CaseType,
    Cause,
    Channel,
    Decision,
    Mode,
    OfficialFormat,
    RequesterKind,
)
from procedures.services.common import next_format_number
from procedures.services.intake import (
    CaseRequest,
    attach_document,
    check_requirements,
    decide_jurisdiction,
    receive_case,
)
from registry.models import FormVersion, Registrant, Seccional
from registry.services.record import seccional_for
from registry.services.updates import update_registrant
from registry.validation import (
    RegistrantData,
    data_from_json,
    data_from_registrant,
    data_to_json,
)
from rut_portal.errors import Conflict, InvalidData, NotAllowed

if TYPE_CHECKING:
    from django.contrib.auth.models import User

REGISTRATION_BASIS = "Decreto 2460 de 2013, art. 12"
UPDATE_BASIS = "Decreto 2460 de 2013, art. 14"

# Art. 12: a judicial or administrative order of a competent authority.
ORDERING_AUTHORITIES = (
    RequesterKind.JUDICIAL_AUTHORITY,
    RequesterKind.ADMINISTRATIVE_AUTHORITY,
)


def is_ex_officio_registration(case: Case) -> bool:
    return case.case_type == CaseType.REGISTRATION and case.mode == Mode.EX_OFFICIO


def is_ex_officio_update(case: Case) -> bool:
    """An actualización de oficio of art. 14: its cause is one of the article's three, which
    intake admits only in the ex officio mode (an order received at the desk keeps its own)."""
    return (
        case.case_type == CaseType.UPDATE
        and case.mode == Mode.EX_OFFICIO
        and case.cause in EX_OFFICIO_UPDATE_CAUSES
    )


def takes_effect_on_communication(case: Case) -> bool:
    """Art. 14: a granted actualización de oficio changes the record when it is communicated."""
    return is_ex_officio_update(case) and case.decision == Decision.GRANTED


def legal_basis_of(case: Case) -> str:
    """The article an ex officio case rests on ("" for any other case)."""
    if is_ex_officio_registration(case):
        return REGISTRATION_BASIS
    if is_ex_officio_update(case):
        return UPDATE_BASIS
    return ""


def _require_official(by: User, registrant: Registrant) -> None:
    if not by.has_perm("procedures.process_case"):
        raise NotAllowed(_("No tiene permiso para iniciar actuaciones de oficio."))
    if not can_act_in(by, registrant.seccional_id):
        raise NotAllowed(
            _("El inscrito pertenece a la %(s)s: usted no puede actualizar de oficio su RUT.")
            % {"s": registrant.seccional.name}
        )


def order_data_errors(data: RegistrantData) -> dict[str, list[str]]:
    """Art. 12: the order must give the obligado's identification, location and classification."""
    errors: dict[str, list[str]] = {}
    named = data.business_name.strip() or (data.first_surname.strip() and data.first_name.strip())
    if not (data.document_number.strip() or data.business_name.strip()) or not named:
        errors["document_number"] = [
            _("La orden debe identificar al obligado: documento y nombre, o razón social.")
        ]
    if not (data.municipality and data.address.strip()):
        errors["address"] = [
            _("La orden debe indicar la ubicación del obligado: municipio y dirección.")
        ]
    if not (data.activities or data.responsibilities):
        errors["activities"] = [
            _(
                "La orden debe indicar la clasificación del obligado: actividad económica o "
                "responsabilidades."
            )
        ]
    return errors


@dataclass
class Order:
    """The authority's order behind an inscripción de oficio (art. 12)."""

    requester_kind: str
    requester_name: str
    act_number: str
    act_date: date | None
    act_issuer: str = ""
    requester_email: str = ""
    act_is_final: bool = False


@transaction.atomic
def start_ex_officio_registration(
    *, by: User, data: RegistrantData, order: Order, document: File, facts: str = ""
) -> Case:
    """Receive an inscripción de oficio with its order; it waits in process for the visit.

    Pre-registers the obligado, attaches the order, checks the requirements and takes the case,
    all or nothing, in the seccional of the obligado's domicile (NotAllowed for an official of
    another one). Raises InvalidData field by field for a bad order.
    """
    errors = order_data_errors(data)
    if order.requester_kind not in ORDERING_AUTHORITIES:
        errors["requester_kind"] = [
            _(
                "La inscripción de oficio se hace por orden judicial o administrativa de "
                "autoridad competente (Decreto 2460 de 2013, art. 12)."
            )
        ]
    if errors:
        raise InvalidData(errors)
    if not by.has_perm("procedures.process_case"):
        raise NotAllowed(_("No tiene permiso para iniciar actuaciones de oficio."))
    # The visit that precedes the formalisation is made where the obligado is located, so the
    # seccional of that domicile receives and decides the inscription.
    seccional = Seccional.objects.get(pk=seccional_for(data))
    if not can_act_in(by, seccional.pk):
        raise NotAllowed(
            _(
                "El obligado está ubicado en la jurisdicción de la %(s)s: esa seccional hace la "
                "visita de verificación y la inscripción de oficio."
            )
            % {"s": seccional.name}
        )
    case = receive_case(
        CaseRequest(
            case_type=CaseType.REGISTRATION,
            mode=Mode.EX_OFFICIO,
            channel=Channel.OFFICIAL_MAIL,
            cause=Cause.AUTHORITY_ORDER,
            requester_kind=order.requester_kind,
            requester_name=order.requester_name,
            requester_email=order.requester_email,
            act_number=order.act_number,
            act_date=order.act_date,
            act_issuer=order.act_issuer,
            act_is_final=order.act_is_final,
            facts=facts,
            data=data,
        ),
        by=by,
        seccional=seccional.pk,
    )
    kind = (
        CaseDocument.Kind.JUDICIAL_ORDER
        if order.requester_kind == RequesterKind.JUDICIAL_AUTHORITY
        else CaseDocument.Kind.ACT
    )
    attach_document(case, kind=kind, file=document, by=by)
    case = check_requirements(case, by=by, met=True, reason=REGISTRATION_BASIS)
    return decide_jurisdiction(case, by=by)


@dataclass
class UpdateGrounds:
    """Why the DIAN updates the record by itself: one of the three events of art. 14."""

    cause: str
    source: str  # the DIAN area, the authority or the entity with an agreement
    facts: str
    authorized_by: str
    act_number: str = ""
    act_date: date | None = None
    act_issuer: str = ""


def _grounds_errors(grounds: UpdateGrounds) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if grounds.cause not in EX_OFFICIO_UPDATE_CAUSES:
        errors["cause"] = [
            _("Elija una de las tres causales del artículo 14 del Decreto 2460 de 2013.")
        ]
    if not grounds.source.strip():
        errors["source"] = [
            _("Indique el área de la DIAN, la autoridad o la entidad que da la información.")
        ]
    if not grounds.facts.strip():
        errors["facts"] = [_("Describa los hechos que motivan la actualización de oficio.")]
    if not grounds.authorized_by.strip():
        errors["authorized_by"] = [_("Indique el jefe que autoriza la actuación (Formato 1767).")]
    if grounds.cause == Cause.ACT_OR_ORDER and not (grounds.act_number and grounds.act_date):
        errors["act_number"] = [_("Indique el número y la fecha del acto o de la orden.")]
    return errors


def _changes(registrant: Registrant, data: RegistrantData) -> dict[str, list[object]]:
    current, proposed = data_to_json(data_from_registrant(registrant)), data_to_json(data)
    return {
        name: [current.get(name), value]
        for name, value in proposed.items()
        if current.get(name) != value
    }


@transaction.atomic
def start_ex_officio_update(
    registrant: Registrant,
    *,
    by: User,
    grounds: UpdateGrounds,
    data: RegistrantData,
    expected_revision: int,
    support: File,
) -> Case:
    """Open an actualización de oficio with its cause, the changes and their support.

    Issues the Formato 1767 (the request of the actuación de oficio) and takes the case to
    "en trámite"; the record does not change until the decision is communicated.
    """
    _require_official(by, registrant)
    errors = _grounds_errors(grounds)
    if errors:
        raise InvalidData(errors)
    registrant = Registrant.objects.get(pk=registrant.pk)
    if registrant.revision != expected_revision:
        raise Conflict(
            _(
                "Otra persona actualizó este RUT mientras usted editaba; revise los datos "
                "actuales y vuelva a intentarlo."
            )
        )
    if not can_proceed(registrant.update):
        raise Conflict(
            _("El inscrito está en estado «%(s)s»: su RUT no se puede actualizar.")
            % {"s": registrant.get_state_display()}
        )
    changes = _changes(registrant, data)
    if not changes:
        raise InvalidData({"__all__": [_("No hay cambios que registrar.")]})
    case = receive_case(
        CaseRequest(
            case_type=CaseType.UPDATE,
            mode=Mode.EX_OFFICIO,
            channel=Channel.INTERNAL,
            cause=grounds.cause,
            requester_kind=RequesterKind.DIAN_AREA,
            requester_name=grounds.source,
            registrant=registrant,
            act_number=grounds.act_number,
            act_date=grounds.act_date,
            act_issuer=grounds.act_issuer,
            facts=grounds.facts,
            data=data,
        ),
        by=by,
    )
    kind = (
        CaseDocument.Kind.ACT
        if grounds.cause == Cause.ACT_OR_ORDER
        else CaseDocument.Kind.MOTIVATED_REQUEST
    )
    attach_document(case, kind=kind, file=support, by=by)
    _issue_format_1767(case, by=by, grounds=grounds, changes=changes)
    case = check_requirements(case, by=by, met=True, reason=UPDATE_BASIS)
    return decide_jurisdiction(case, by=by)


def _issue_format_1767(
    case: Case, *, by: User, grounds: UpdateGrounds, changes: dict[str, list[object]]
) -> OfficialFormat:
    from documents.tasks import queue_official_format

    registrant = case.registrant
    assert registrant is not None
    official_format = OfficialFormat.objects.create(
        case=case,
        kind=OfficialFormat.Kind.F1767,
        number=next_format_number(OfficialFormat.Kind.F1767),
        content={
            "registrant": {
                "nit": registrant.formatted_nit,
                "name": registrant.display_name,
                "address": registrant.address,
                "seccional": registrant.seccional_id,
            },
            "cause": str(Cause(grounds.cause).label),
            "source": grounds.source,
            "facts": grounds.facts,
            "evidence": ", ".join(case.documents.values_list("kind", flat=True)),
            "changes": changes,
            "authorized_by": grounds.authorized_by,
            "legal_basis": UPDATE_BASIS,
            "case": case.number,
        },
        created_by=by,
    )
    queue_official_format(official_format.pk)
    return official_format


def check_update_still_applies(case: Case) -> None:
    """At the decision: the record is still the one the update was prepared on."""
    registrant = case.registrant
    assert registrant is not None
    if registrant.revision != case.payload["base_revision"]:
        raise Conflict(
            _(
                "El RUT cambió después de iniciar la actualización de oficio %(n)s: decida que no "
                "procede y, si aún hace falta, inicie otra sobre los datos actuales."
            )
            % {"n": case.number}
        )


def apply_on_communication(case: Case, *, by: User | None) -> FormVersion:
    """Art. 14: make the decided change now, as it is communicated; a new Formulario 001."""
    registrant = case.registrant
    assert registrant is not None
    check_update_still_applies(case)
    registrant = update_registrant(
        registrant,
        by=by,
        data=data_from_json(case.payload["data"]),
        expected_revision=case.payload["base_revision"],
        assisted=True,
        reason=case.facts,
        case_number=case.number,
        legal_basis=UPDATE_BASIS,
    )
    return registrant.form_versions.latest("version")


def communication_note(case: Case) -> str:
    """What the letter to the inscrito adds about when an ex officio case takes effect."""
    if is_ex_officio_registration(case) and case.decision == Decision.GRANTED:
        return _(
            "La DIAN lo inscribió de oficio en el RUT por orden %(act)s. Con esta comunicación "
            "la inscripción tiene plena validez legal (Decreto 2460 de 2013, art. 12)."
        ) % {"act": " ".join(p for p in (case.act_number, case.act_issuer) if p)}
    if takes_effect_on_communication(case):
        return _(
            "La DIAN actualizó de oficio su RUT por esta causal: %(cause)s. Con esta "
            "comunicación la actualización tiene plena validez legal (Decreto 2460 de 2013, "
            "art. 14)."
        ) % {"cause": case.get_cause_display().lower()}
    return ""
