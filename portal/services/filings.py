"""Requests a citizen files and signs: actualización, cancelación, retiro de IVA o de consumo.

A filing is first stored as a PendingFiling (with its uploads); a fresh numeric code is emailed,
and signing with it turns the filing into a case (procedures.services.intake.receive_case) with
the Signature stored next to it. Self-service updates are applied at once by the system actor;
the other requests wait for an official.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import CitizenAccount, CodePurpose, PendingDocument, PendingFiling, Signature
from portal.services.codes import email_after_commit, issue_code, verify_code
from procedures.models import Case, CaseType, Cause, Channel, Mode, RequesterKind
from procedures.services.communications import close_case, communicate_decision
from procedures.services.eligibility import require_request_open
from procedures.services.intake import (
    CaseRequest,
    attach_document,
    check_requirements,
    decide_jurisdiction,
    receive_case,
)
from procedures.services.obligations import require_reactivation_obligations_met
from procedures.services.processing import grant_case
from procedures.services.withdrawals import (
    CESSATION,
    CessationEvidence,
    check_vat_withdrawal,
    receive_withdrawal,
)
from registry.models import Registrant
from registry.responsibilities import CONSUMPTION_TAX, VAT, WITHDRAWN_BY_REQUEST
from registry.services.registration import electronic_formalization_obstacle
from registry.services.updates import responsibilities_added
from registry.validation import (
    RegistrantData,
    data_from_json,
    data_from_registrant,
    data_to_json,
)
from rut_portal.errors import Conflict, DomainError

# The responsibility each withdrawal request removes (casilla 53); WITHDRAWN_BY_REQUEST says
# which one takes its place.
WITHDRAWALS: dict[str, str] = {
    PendingFiling.Kind.VAT_WITHDRAWAL: VAT,
    PendingFiling.Kind.CONSUMPTION_WITHDRAWAL: CONSUMPTION_TAX,
}


@dataclass
class Cessation:
    """The supports of a cessation of IVA activities as typed in the portal (art. 13 par. 3)."""

    no_final_inventory: bool = False
    no_taxed_sales: bool = False
    new_activity: str = ""
    certified_by: str = ""
    certification: UploadedFile | None = None
    motive: str = CESSATION
    regime_years: list[int] = field(default_factory=list)


CERTIFICATION_KIND = "vat_cessation_certificate"


@dataclass
class Change:
    label: str
    before: str
    after: str


def _registrant_of(account: CitizenAccount) -> Registrant:
    if account.registrant_id is None:
        raise DomainError(_("Su cuenta no está vinculada a un RUT."))
    return Registrant.objects.get(pk=account.registrant_id)


def _create(
    account: CitizenAccount, *, kind: str, payload: dict[str, Any], summary: list[Change]
) -> PendingFiling:
    # One pending filing per kind: starting again replaces the previous unsigned one.
    PendingFiling.objects.filter(account=account, kind=kind, signed_at__isnull=True).delete()
    return PendingFiling.objects.create(
        account=account,
        kind=kind,
        payload=payload,
        summary=[[c.label, c.before, c.after] for c in summary],
    )


def _fact_date_change(fact_date: date | None) -> Change:
    if fact_date is None or fact_date > timezone.localdate():
        raise DomainError(
            _(
                "Indique la fecha del hecho que origina la actualización, que no puede ser "
                "futura (Decreto 2460 de 2013, art. 13)."
            ),
            field="fact_date",
        )
    return Change(_("Fecha del hecho"), "", fact_date.strftime("%d/%m/%Y"))


@transaction.atomic
def start_update(
    account: CitizenAccount,
    *,
    data: RegistrantData,
    base_revision: int,
    summary: list[Change],
    fact_date: date | None,
) -> PendingFiling:
    """Keep an actualización until it is signed; the record is not touched yet.

    `fact_date`: when the fact that requires the update happened (art. 13: one month to update).
    """
    require_request_open(_registrant_of(account), case_type=CaseType.UPDATE)
    if not summary:
        raise DomainError(_("No cambió ningún dato."))
    fact = _fact_date_change(fact_date)
    assert fact_date is not None
    return _create(
        account,
        kind=PendingFiling.Kind.UPDATE,
        payload={
            "data": data_to_json(data),
            "base_revision": base_revision,
            "fact_date": fact_date.isoformat(),
        },
        summary=[*summary, fact],
    )


def start_confirmed_email_update(account: CitizenAccount) -> PendingFiling:
    """'Salud de mi RUT' fix: an actualización putting the account's confirmed email in the RUT.

    It is signed and applied like any other actualización of the contact data.
    """
    if not account.is_activated:
        raise DomainError(_("Confirme primero el correo de su cuenta."))
    registrant = _registrant_of(account)
    data = data_from_registrant(registrant)
    before, after = data.email, account.email.strip().lower()
    data.email = after
    return start_update(
        account,
        data=data,
        base_revision=registrant.revision,
        summary=[Change(_("Correo electrónico"), before, after)] if before != after else [],
        fact_date=timezone.localdate(),  # the email it confirms is the fact (art. 13)
    )


@transaction.atomic
def start_withdrawal(
    account: CitizenAccount,
    *,
    kind: PendingFiling.Kind,
    data: RegistrantData,
    base_revision: int,
    facts: str,
    fact_date: date | None,
    cessation: Cessation | None = None,
) -> PendingFiling:
    """Retiro de IVA (48 → 49) or de impuesto al consumo (33 → 50), to be decided by an official.

    `fact_date`: when the taxed activities ceased (art. 13: one month to update). `cessation`:
    the supports of art. 13 par. 3 for IVA, checked now (withdrawals.check_vat_cessation) and
    again when the signed filing becomes a case.
    """
    require_request_open(_registrant_of(account), case_type=CaseType.UPDATE)
    fact = _fact_date_change(fact_date)
    assert fact_date is not None
    held = WITHDRAWALS[kind]
    if held == VAT:
        check_vat_withdrawal(
            _registrant_of(account), _evidence(cessation), today=timezone.localdate()
        )
    granted = WITHDRAWN_BY_REQUEST[held]
    if held not in data.responsibilities:
        raise DomainError(
            _("Su RUT no tiene la responsabilidad %(code)s; no hay nada que retirar.")
            % {"code": held}
        )
    data.responsibilities = sorted({*data.responsibilities} - {held} | {granted})
    filing = _create(
        account,
        kind=kind,
        payload={
            "data": data_to_json(data),
            "base_revision": base_revision,
            "facts": facts,
            "fact_date": fact_date.isoformat(),
            "cessation": _cessation_json(cessation),
        },
        summary=[Change(_("Responsabilidades"), held, granted), fact],
    )
    if cessation is not None and cessation.certification is not None:
        upload = cessation.certification
        PendingDocument.objects.create(
            filing=filing, kind=CERTIFICATION_KIND, file=upload, name=upload.name or ""
        )
    return filing


def _cessation_json(cessation: Cessation | None) -> dict[str, Any] | None:
    if cessation is None:
        return None
    return {
        "motive": cessation.motive,
        "regime_years": cessation.regime_years,
        "no_final_inventory": cessation.no_final_inventory,
        "no_taxed_sales": cessation.no_taxed_sales,
        "new_activity": cessation.new_activity,
        "certified_by": cessation.certified_by,
    }


def _evidence(
    cessation: Cessation | None, certification: list[File] | None = None
) -> CessationEvidence | None:
    if cessation is None:
        return None
    files = certification
    if files is None:
        files = [cessation.certification] if cessation.certification is not None else []
    return CessationEvidence(
        no_final_inventory=cessation.no_final_inventory,
        no_taxed_sales=cessation.no_taxed_sales,
        new_activity=cessation.new_activity,
        certified_by=cessation.certified_by,
        certification=files,
        motive=cessation.motive,
        regime_years=list(cessation.regime_years),
    )


@transaction.atomic
def start_cancellation(
    account: CitizenAccount,
    *,
    cause: str,
    facts: str,
    fact_date: date | None,
    documents: list[tuple[str, UploadedFile]],
) -> PendingFiling:
    """Keep a solicitud de cancelación and its supporting documents until it is signed."""
    registrant = _registrant_of(account)
    require_request_open(registrant, case_type=CaseType.CANCELLATION_ON_REQUEST)
    require_reactivation_obligations_met(registrant)
    filing = _create(
        account,
        kind=PendingFiling.Kind.CANCELLATION,
        payload={
            "cause": cause,
            "facts": facts,
            "fact_date": fact_date.isoformat() if fact_date else "",
        },
        summary=[
            Change(_("Causal"), "", str(Cause(cause).label)),
            Change(_("Hechos"), "", facts),
            *(Change(_("Soporte"), "", upload.name or "") for _kind, upload in documents),
        ],
    )
    for kind, upload in documents:
        PendingDocument.objects.create(
            filing=filing, kind=kind, file=upload, name=upload.name or ""
        )
    return filing


def pending_filing(account: CitizenAccount, filing_id: int) -> PendingFiling | None:
    return PendingFiling.objects.filter(
        pk=filing_id, account=account, signed_at__isnull=True
    ).first()


def _context(filing: PendingFiling) -> str:
    return f"filing:{filing.pk}"


def send_signature_code(filing: PendingFiling) -> None:
    """Email a fresh numeric code that signs this filing only."""
    with transaction.atomic():
        code, plain = issue_code(
            filing.account, purpose=CodePurpose.SIGNATURE, context=_context(filing)
        )
        email_after_commit(code, plain)


def _content_digest(filing: PendingFiling) -> str:
    content = {
        "kind": filing.kind,
        "payload": filing.payload,
        "documents": [_file_sha256(d) for d in filing.documents.all()],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _file_sha256(document: PendingDocument) -> str:
    digest = hashlib.sha256()
    with document.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sign_filing(filing: PendingFiling, *, submitted: str, by: Any) -> Case:
    """Check the signature code (raises CodeError), then file the case with its signature.

    Call outside a transaction: a wrong code stays counted. If filing the case is refused
    (e.g. the address changed twice in six months) nothing is written and the code is spent.
    """
    from portal.tasks import send_filing_received

    code = verify_code(
        filing.account, purpose=CodePurpose.SIGNATURE, submitted=submitted, context=_context(filing)
    )
    with transaction.atomic():
        filing = PendingFiling.objects.select_for_update().get(pk=filing.pk)
        if filing.signed_at is not None:
            raise Conflict(_("Esta solicitud ya fue firmada y radicada."))
        digest = _content_digest(filing)
        case = _file_case(filing, by=by)
        Signature.objects.create(
            case=case, account=filing.account, code=code, content_sha256=digest
        )
        filing.signed_at = timezone.now()
        filing.save(update_fields=["signed_at"])
        for document in filing.documents.all():
            document.file.delete(save=False)
        send_filing_received.delay_on_commit(filing.account_id, case.number)
    return case


def _request(filing: PendingFiling, **values: Any) -> CaseRequest:
    account = filing.account
    return CaseRequest(
        channel=Channel.WEB,
        requester_kind=RequesterKind.USER,
        requester_name=account.full_name,
        requester_email=account.email,
        registrant=_registrant_of(account),
        mode=Mode.SELF_SERVICE,
        **values,
    )


def _file_case(filing: PendingFiling, *, by: Any) -> Case:
    payload = filing.payload
    if filing.kind == PendingFiling.Kind.CANCELLATION:
        case = receive_case(
            _request(
                filing,
                case_type=CaseType.CANCELLATION_ON_REQUEST,
                cause=payload["cause"],
                facts=payload["facts"],
                fact_date=date.fromisoformat(payload["fact_date"])
                if payload["fact_date"]
                else None,
            ),
            by=by,
        )
        for document in filing.documents.all():
            with document.file.open("rb") as handle:
                attach_document(
                    case, kind=document.kind, file=File(handle, name=document.name), by=by
                )
        return case
    data = data_from_json(payload["data"])
    facts = payload.get("facts", "") or str(filing.get_kind_display())
    request = _request(
        filing,
        case_type=CaseType.UPDATE,
        cause=Cause.INSCRITO_REQUEST,
        data=data,
        facts=facts,
        fact_date=date.fromisoformat(payload["fact_date"]) if payload.get("fact_date") else None,
    )
    if filing.kind in WITHDRAWALS:
        stored = payload.get("cessation")
        files = [
            File(d.file.open("rb"), name=d.name)
            for d in filing.documents.all()
            if d.kind == CERTIFICATION_KIND
        ]
        try:
            case = receive_withdrawal(
                request,
                responsibility=WITHDRAWALS[filing.kind],
                by=by,
                evidence=_evidence(Cessation(**stored), files) if stored else None,
            )
        finally:
            for certification in files:
                certification.close()
    else:
        case = receive_case(request, by=by)
    if case.payload.get("base_revision") != payload["base_revision"]:
        raise Conflict(_("Su RUT cambió mientras llenaba la solicitud; revise los datos actuales."))
    if filing.kind == PendingFiling.Kind.UPDATE and not electronic_formalization_obstacle(
        person_type=data.resolved_person_type,
        responsibilities=responsibilities_added(_registrant_of(filing.account), data),
    ):
        _apply_by_system(case)
    # Otherwise (art. 9: entering the IVA regime) the case waits for an official to formalise.
    return case


def _apply_by_system(case: Case) -> None:
    """A self-service actualización takes effect at once (update_registrant, assisted=False)."""
    reason = _("Actualización por autogestión firmada electrónicamente.")
    case = check_requirements(case, by=None, met=True, reason=reason)
    case = decide_jurisdiction(case, by=None)
    case = grant_case(case, by=None, reason=reason)
    communicate_decision(case, by=None)
    close_case(case, by=None)
