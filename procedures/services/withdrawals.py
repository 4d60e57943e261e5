"""Withdrawal requests (retiro de IVA, retiro del impuesto al consumo): actualización cases that
may remove the responsibility they name, which no other actualización can (art. 13 par. 3)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from procedures.models import Case, CaseDocument, CaseType
from procedures.services.intake import CaseRequest, attach_document, receive_case
from registry.models import PersonType, Registrant
from registry.responsibilities import BOOKKEEPING, VAT, WITHDRAWN_BY_REQUEST
from rut_portal.errors import InvalidData

if TYPE_CHECKING:
    from django.contrib.auth.models import User


# Why IVA is withdrawn: the change to the simplified regime (art. 13 par. 2, ET art. 505) or
# the cessation of taxed activities (art. 13 par. 3, ET art. 614).
REGIME_CHANGE = "regime_change"
CESSATION = "cessation"
REGIME_CHANGE_YEARS = 3


def regime_change_years(today: date) -> list[int]:
    """The three fiscal years before the request, newest first (art. 13 par. 2)."""
    return [today.year - n for n in range(1, REGIME_CHANGE_YEARS + 1)]


@dataclass
class CessationEvidence:
    """What art. 13 par. 3 asks of a cessation of IVA activities.

    `certification`: the certificate signed by the revisor fiscal or contador público, for an
    inscrito obliged to have one; `certified_by` names who signed it (and the card number).
    An inscrito without that obligation signs its own statement instead: `new_activity`,
    `no_final_inventory` and `no_taxed_sales`. Both say there is no final inventory pending sale.
    """

    no_final_inventory: bool = False
    no_taxed_sales: bool = False
    new_activity: str = ""
    certified_by: str = ""
    certification: list[File] = field(default_factory=list)
    motive: str = CESSATION
    # For a change of regime: the fiscal years the inscrito states, in writing, that it met the
    # conditions of ET art. 499 in each one.
    regime_years: list[int] = field(default_factory=list)


def needs_accountant_certification(registrant: Registrant) -> bool:
    """Legal persons and those obliged to keep books certify through a contador or revisor."""
    return (
        registrant.person_type == PersonType.LEGAL
        or registrant.responsibilities.filter(code=BOOKKEEPING).exists()
    )


def check_vat_cessation(registrant: Registrant, evidence: CessationEvidence | None) -> None:
    """The supports of a cessation of IVA activities (Decreto 2460 de 2013, art. 13 par. 3)."""
    evidence = evidence or CessationEvidence()
    errors: dict[str, list[str]] = {}
    if not evidence.no_final_inventory:
        errors["no_final_inventory"] = [
            _("Declare que no existe inventario final pendiente de venta (art. 13 par. 3).")
        ]
    if needs_accountant_certification(registrant):
        if not evidence.certification:
            errors["certification"] = [
                _(
                    "Adjunte la certificación del revisor fiscal o contador público de que no "
                    "realiza actividades gravadas con IVA y no tiene inventario final pendiente "
                    "de venta (Decreto 2460 de 2013, art. 13 par. 3)."
                )
            ]
        if not evidence.certified_by.strip():
            errors["certified_by"] = [
                _("Indique el nombre y la tarjeta profesional de quien certifica.")
            ]
    else:
        if not evidence.no_taxed_sales:
            errors["no_taxed_sales"] = [
                _("Declare que no vende productos ni presta servicios gravados con IVA.")
            ]
        if not evidence.new_activity.strip():
            errors["new_activity"] = [
                _("Informe su nueva actividad económica (Decreto 2460 de 2013, art. 13 par. 3).")
            ]
    if errors:
        raise InvalidData(errors)


def check_regime_change(evidence: CessationEvidence, *, today: date) -> None:
    """Art. 13 par. 2: the written statement covers each of the three previous fiscal years."""
    missing = sorted(set(regime_change_years(today)) - set(evidence.regime_years), reverse=True)
    if missing:
        raise InvalidData(
            {
                "regime_years": [
                    _(
                        "Para pasar al régimen simplificado declare por escrito que cumplió las "
                        "condiciones del art. 499 del Estatuto Tributario en cada uno de los tres "
                        "años fiscales anteriores; falta: %(years)s (Decreto 2460 de 2013, art. "
                        "13 par. 2)."
                    )
                    % {"years": ", ".join(str(y) for y in missing)}
                ]
            }
        )


def check_vat_withdrawal(
    registrant: Registrant, evidence: CessationEvidence | None, *, today: date
) -> None:
    """The supports of a retiro de IVA by its motive (art. 13 par. 2 or par. 3)."""
    if evidence is not None and evidence.motive == REGIME_CHANGE:
        check_regime_change(evidence, today=today)
    else:
        check_vat_cessation(registrant, evidence)


@transaction.atomic
def receive_withdrawal(
    request: CaseRequest,
    *,
    responsibility: str,
    by: User | None,
    evidence: CessationEvidence | None = None,
) -> Case:
    """Activity 1 for a withdrawal request: an actualización case marked with what it withdraws.

    Granting it (processing.grant_case, or record_update) passes the mark to update_registrant,
    the only way 48 or 33 leave a record. Withdrawing IVA needs the supports of art. 13 par. 3
    (check_vat_cessation); the certification is attached to the case, the statements kept in it.
    """
    if request.case_type != CaseType.UPDATE or responsibility not in WITHDRAWN_BY_REQUEST:
        raise ValueError((request.case_type, responsibility))
    if responsibility == VAT:
        assert request.registrant is not None
        check_vat_withdrawal(request.registrant, evidence, today=timezone.localdate())
    case = receive_case(replace(request, withdrawal=responsibility), by=by)
    if responsibility == VAT and evidence is not None:
        case.payload["cessation"] = {
            "motive": evidence.motive,
            "regime_years": sorted(evidence.regime_years),
            "no_final_inventory": evidence.no_final_inventory,
            "no_taxed_sales": evidence.no_taxed_sales,
            "new_activity": evidence.new_activity,
            "certified_by": evidence.certified_by,
        }
        case.save(update_fields=["payload"])
    for upload in evidence.certification if evidence else []:
        attach_document(case, kind=CaseDocument.Kind.VAT_CESSATION_CERTIFICATE, file=upload, by=by)
    return case


def withdrawal_of(case: Case) -> str:
    """The responsibility a case withdraws by its own request, or "" for any other case."""
    return str(case.payload.get("withdrawal", ""))
