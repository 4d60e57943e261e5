"""Filings from abroad (Decreto 2460 de 2013, art. 9 par.).

A persona natural living abroad sends the inscription or update request through DIAN's PQSRD
system with the scanned identity document and the passport page showing the exit date. The desk
records it as a petition with those attachments (receive_filing_from_abroad) and formalises it
(formalize_filing_from_abroad): a case of its own, marked from abroad, carrying the attachments.
When that case is granted, processing.grant_case sends the certified RUT by email
(communications.send_certified_rut).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from accounts.scope import can_act_in
from procedures.models import (
    Case,
    CaseDocument,
    CaseType,
    Cause,
    Channel,
    Mode,
    Petition,
    PetitionAttachment,
    RequesterKind,
)
from procedures.services.common import next_case_number
from procedures.services.intake import CaseRequest, attach_document, receive_case
from registry.models import Registrant
from registry.selectors import registrant_by_document
from registry.services.common import DEFAULT_SECCIONAL, record_audit
from registry.validation import RegistrantData
from rut_portal import uploads
from rut_portal.errors import Conflict, DomainError, InvalidData, NotAllowed

if TYPE_CHECKING:
    from django.contrib.auth.models import User

LEGAL_BASIS = "Decreto 2460 de 2013, art. 9 par."
PROCESS = "procedures.process_case"
REQUIRED_ATTACHMENTS = (CaseDocument.Kind.IDENTITY_SCAN, CaseDocument.Kind.PASSPORT_EXIT_PAGE)


@dataclass
class AbroadFiling:
    """What arrived through the PQSRD system from a person abroad."""

    requested_case_type: str
    requester_name: str
    requester_email: str
    document_type: str
    document_number: str
    residence_country: str
    details: str


def _validate(filing: AbroadFiling, files: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if filing.requested_case_type not in (CaseType.REGISTRATION, CaseType.UPDATE):
        errors["requested_case_type"] = [
            _("Desde el exterior solo se solicita la inscripción o la actualización (art. 9 par.).")
        ]
    if not filing.requester_name.strip():
        errors["requester_name"] = [_("Indique el nombre del solicitante.")]
    if not filing.requester_email.strip():
        errors["requester_email"] = [
            _("Indique el correo: allí se envía el RUT certificado (art. 9 par.).")
        ]
    if not filing.document_number.strip():
        errors["document_number"] = [_("Indique el número del documento de identidad.")]
    country = filing.residence_country.upper()
    if len(country) != 2 or not country.isalpha() or country == "CO":
        errors["residence_country"] = [
            _("Indique el país del exterior donde reside (código de dos letras).")
        ]
    for kind in REQUIRED_ATTACHMENTS:
        upload = files.get(kind)
        if upload is None:
            errors[kind] = [
                _("Adjunte %(what)s.") % {"what": str(CaseDocument.Kind(kind).label).lower()}
            ]
            continue
        try:
            uploads.check_upload(upload, max_bytes=uploads.OFFICIAL_MAX_BYTES)
        except ValidationError as error:
            errors[kind] = list(error.messages)
    if errors:
        raise InvalidData(errors)


@transaction.atomic
def receive_filing_from_abroad(
    filing: AbroadFiling, *, files: dict[str, Any], by: User
) -> Petition:
    """Record a PQSRD filing from abroad with its two attachments; the petitioner is told.

    `files` maps CaseDocument.Kind.IDENTITY_SCAN and PASSPORT_EXIT_PAGE to the uploads. Raises
    InvalidData, field by field, and writes nothing then.
    """
    from procedures.tasks import acknowledge_petition

    _validate(filing, files)
    registrant = registrant_by_document(filing.document_type, filing.document_number.strip())
    kind_label = str(CaseType(filing.requested_case_type).label)
    petition = Petition.objects.create(
        number=f"PQ-{next_case_number(timezone.localdate().year)}",
        subject=_("Solicitud de %(type)s desde el exterior") % {"type": kind_label.lower()},
        requested_case_type=filing.requested_case_type,
        channel=Channel.PQSRD,
        registrant=registrant,
        requester_name=filing.requester_name.strip(),
        requester_email=filing.requester_email.strip(),
        # Art. 9 par.: whoever lives abroad belongs to Bogotá unless already registered elsewhere.
        seccional_id=registrant.seccional_id if registrant else DEFAULT_SECCIONAL,
        from_abroad=True,
        document_type_id=filing.document_type,
        document_number=filing.document_number.strip(),
        residence_country=filing.residence_country.upper(),
        details=filing.details.strip(),
    )
    for kind in REQUIRED_ATTACHMENTS:
        PetitionAttachment.objects.create(petition=petition, kind=kind, file=files[kind])
    acknowledge_petition.delay_on_commit(
        petition.pk,
        _(
            "Recibimos su solicitud de %(type)s del RUT desde el exterior con su documento de "
            "identidad y la página del pasaporte. Una vez formalizada, le enviaremos el RUT "
            "certificado a este correo."
        )
        % {"type": kind_label.lower()},
    )
    return petition


def _case_type_for(petition: Petition, registrant: Registrant | None) -> str:
    """Inscription of a pre-inscribed person, or update of a registered one; else refuse."""
    if registrant is None:
        raise DomainError(
            _(
                "No hay un RUT ni una preinscripción con el documento %(doc)s: registre primero "
                "la preinscripción con los datos que envió el solicitante."
            )
            % {"doc": petition.document_number}
        )
    if registrant.state == Registrant.State.PRE_REGISTERED:
        return CaseType.REGISTRATION
    if petition.requested_case_type == CaseType.REGISTRATION:
        raise DomainError(
            _(
                "%(name)s ya está inscrito en el RUT (NIT %(nit)s): la solicitud es una "
                "actualización."
            )
            % {"name": registrant.display_name, "nit": registrant.formatted_nit}
        )
    return CaseType.UPDATE


def registrant_of_filing(petition: Petition) -> Registrant | None:
    """The inscrito (or pre-inscription) of the filing's document, as the record stands now."""
    found = registrant_by_document(petition.document_type_id or "", petition.document_number)
    return found or petition.registrant


def case_type_of_filing(petition: Petition) -> str:
    """The case the filing becomes; DomainError when it cannot be formalised."""
    return _case_type_for(petition, registrant_of_filing(petition))


@transaction.atomic
def formalize_filing_from_abroad(
    petition: Petition, *, by: User, data: RegistrantData | None = None
) -> Case:
    """Formalise a filing from abroad at the desk: a case marked from abroad with the
    attachments, and the petition answered with its number (audited).

    An update carries `data`, the record as the petitioner asks it to be (applied when the case
    is granted); an inscription formalises the person's pre-inscription. Raises NotAllowed
    outside the petition's seccional, Conflict when it was already answered or formalised,
    DomainError when there is no inscrito or pre-inscription for the document or an update comes
    without its data.
    """
    from procedures.tasks import acknowledge_petition

    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    if not (can_act_in(by, petition.seccional_id) and by.has_perm(PROCESS)):
        raise NotAllowed(_("La petición %(n)s es de otra seccional.") % {"n": petition.number})
    if not petition.from_abroad:
        raise DomainError(
            _("La petición %(n)s no llegó desde el exterior.") % {"n": petition.number}
        )
    if petition.case_id is not None or not can_proceed(petition.respond):
        raise Conflict(_("La petición %(n)s ya fue atendida.") % {"n": petition.number})
    if not has_transition_perm(petition.respond, by):
        raise NotAllowed(_("No tiene permiso para atender peticiones."))
    registrant = registrant_of_filing(petition)
    case_type = _case_type_for(petition, registrant)
    assert registrant is not None
    if case_type == CaseType.UPDATE and data is None:
        raise DomainError(_("Indique los datos que se actualizan."), field="data")
    case = receive_case(
        CaseRequest(
            case_type=case_type,
            channel=Channel.PQSRD,
            cause=Cause.INSCRITO_REQUEST,
            requester_kind=RequesterKind.USER,
            requester_name=petition.requester_name,
            requester_email=petition.requester_email,
            registrant=registrant,
            mode=Mode.ASSISTED,
            data=data if case_type == CaseType.UPDATE else None,
            facts=petition.details,
            from_abroad=True,
        ),
        by=by,
        seccional=petition.seccional_id,
    )
    for attachment in petition.attachments.order_by("id"):
        with attachment.file.open("rb") as handle:
            attach_document(
                case,
                kind=attachment.kind,
                file=File(handle, name=(attachment.file.name or "").rsplit("/", 1)[-1]),
                by=by,
            )
    answer = _(
        "Su solicitud se formalizó como el trámite %(n)s. Cuando se decida, le enviaremos el RUT "
        "certificado a este correo."
    ) % {"n": case.number}
    petition.respond(answer=answer, by=by, at=timezone.now())
    petition.registrant, petition.case = registrant, case
    petition.save(
        update_fields=["state", "answer", "answered_by", "answered_at", "registrant", "case"]
    )
    record_audit(
        registrant,
        action="abroad_filing_formalized",
        by=by,
        reason=_("Petición %(p)s formalizada como el trámite %(n)s.")
        % {"p": petition.number, "n": case.number},
        legal_basis=LEGAL_BASIS,
        case_number=case.number,
        changes={"petition": petition.pk},
    )
    acknowledge_petition.delay_on_commit(petition.pk, answer)
    return case
