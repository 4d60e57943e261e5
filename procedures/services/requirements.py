"""The document checklist per kind of inscrito (Decreto 2460 de 2013, art. 10).

The rules are data (procedures/data/document_requirements.csv). The system checks what a date or
the record allows (age limits, powers of attorney, who is exempt from the bank certificate); the
official confirms the rest. Every check is recorded on the case.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from procedures.models import Case, CaseStep, CaseType, Mode, RequirementCheck
from procedures.services.common import lock_case, record_step, require_scope
from registry.services.registration import bank_certificate_required
from rut_portal.business_days import add_months
from rut_portal.errors import Conflict, DomainError, InvalidData

if TYPE_CHECKING:
    from django.contrib.auth.models import User

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "document_requirements.csv"
GENERAL_POWER_MONTHS = 6


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    kinds: frozenset[str]
    case_types: frozenset[str]
    max_age_months: int | None
    condition: str
    basis: str

    def applies_to(self, kind: str, case_type: str) -> bool:
        return ("*" in self.kinds or kind in self.kinds) and case_type in self.case_types


@dataclass(frozen=True)
class ChecklistItem:
    rule: Rule
    status: str  # "met", "not_met", "exempt" or "pending"
    notes: str = ""

    @property
    def is_satisfied(self) -> bool:
        return self.status in (RequirementCheck.Status.MET, RequirementCheck.Status.EXEMPT)


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    with open(RULES_FILE, encoding="utf-8", newline="") as handle:
        return tuple(
            Rule(
                code=row["code"],
                label=row["label"],
                kinds=frozenset(row["kinds"].split()),
                case_types=frozenset(row["case_types"].split()),
                max_age_months=int(row["max_age_months"]) if row["max_age_months"] else None,
                condition=row["condition"],
                basis=row["basis"],
            )
            for row in csv.DictReader(handle)
        )


def needs_checklist(case: Case) -> bool:
    """Assisted inscriptions and updates; self-service filings are verified by the system."""
    return case.case_type in (CaseType.REGISTRATION, CaseType.UPDATE) and case.mode == Mode.ASSISTED


def _bank_certificate_required(case: Case) -> bool:
    registrant = case.registrant
    if registrant is None:
        return False
    return bank_certificate_required(
        kind=registrant.kind,
        person_type=registrant.person_type,
        held=set(registrant.responsibilities.values_list("code", flat=True)),
        customs=registrant.customs_qualities.exists(),
    )


def _exemption(rule: Rule, case: Case) -> str | None:
    """Why a rule does not bind this case, or None when it does."""
    if rule.condition == "if_attorney" and not case.payload.get("via_attorney"):
        return _("La solicitud no se presenta por apoderado.")
    if rule.condition == "if_bank_required" and not _bank_certificate_required(case):
        return _("No está obligado a presentar la constancia bancaria (art. 10 par. 3).")
    if rule.condition == "provisional_alternative" and not case.payload.get(
        "bank_certificate_date"
    ):
        return _("Sin constancia bancaria se expide NIT provisional (art. 10 lit. a).")
    return None


def checklist(case: Case) -> list[ChecklistItem]:
    """The applicable requirements of the case with their latest recorded status."""
    if case.registrant is None:
        return []
    latest: dict[str, RequirementCheck] = {}
    for check in case.requirement_checks.order_by("id"):
        latest[check.code] = check
    items = []
    for rule in rules():
        if not rule.applies_to(case.registrant.kind, case.case_type):
            continue
        exemption = _exemption(rule, case)
        if exemption:
            items.append(ChecklistItem(rule, RequirementCheck.Status.EXEMPT, exemption))
        elif rule.code in latest:
            items.append(ChecklistItem(rule, latest[rule.code].status, latest[rule.code].notes))
        else:
            items.append(ChecklistItem(rule, "pending"))
    return items


def _system_check(
    rule: Rule,
    *,
    today: date,
    document_date: date | None,
    power_kind: str,
    notary_certificate: bool,
) -> str:
    """An empty string when the document passes the checks a date allows, else the reason."""
    if document_date is not None and document_date > today:
        return _("La fecha del documento no puede ser futura.")
    if rule.max_age_months:
        if document_date is None:
            return _("Indique la fecha de expedición: debe ser no mayor a un mes.")
        if document_date < add_months(today, -rule.max_age_months):
            return _("%(doc)s tiene fecha %(date)s: supera el mes de antigüedad permitido.") % {
                "doc": rule.label,
                "date": document_date.strftime("%d/%m/%Y"),
            }
    if rule.code == "power_of_attorney" and power_kind == "general":
        if document_date is None:
            return _("Indique la fecha del poder general.")
        if document_date < add_months(today, -GENERAL_POWER_MONTHS) and not notary_certificate:
            return _(
                "El poder general tiene más de seis meses: falta el certificado de vigencia "
                "expedido por el notario."
            )
    return ""


@transaction.atomic
def record_requirement(
    case: Case,
    *,
    by: User,
    code: str,
    met: bool,
    document_date: date | None = None,
    power_kind: str = "",
    notary_certificate: bool = False,
    notes: str = "",
) -> RequirementCheck:
    """The official confirms (or not) one requirement; the system refuses what dates disprove."""
    case = lock_case(case)
    require_scope(case, by)
    rule = next((r for r in rules() if r.code == code), None)
    if (
        rule is None
        or case.registrant is None
        or not rule.applies_to(case.registrant.kind, case.case_type)
    ):
        raise DomainError(
            _("El requisito «%(code)s» no aplica a este trámite.") % {"code": code}, field="code"
        )
    if met:
        problem = _system_check(
            rule,
            today=timezone.localdate(),
            document_date=document_date,
            power_kind=power_kind,
            notary_certificate=notary_certificate,
        )
        if problem:
            raise DomainError(problem, field="document_date")
    check = RequirementCheck.objects.create(
        case=case,
        code=code,
        status=RequirementCheck.Status.MET if met else RequirementCheck.Status.NOT_MET,
        document_date=document_date,
        notes=notes,
        checked_by=by,
    )
    record_step(
        case,
        kind=CaseStep.Kind.REQUIREMENT_CHECKED,
        by=by,
        from_state=case.state,
        reason=notes,
        legal_basis=rule.basis,
        details={"code": code, "status": check.status},
    )
    return check


def require_complete_checklist(case: Case) -> None:
    """Refuse to formalise while any applicable requirement is not satisfied."""
    if not needs_checklist(case):
        return
    missing = [item.rule.label for item in checklist(case) if not item.is_satisfied]
    if missing:
        raise Conflict(
            _("No se puede formalizar: faltan requisitos documentales: %(list)s.")
            % {"list": "; ".join(missing)}
        )


@dataclass(frozen=True)
class DeclaredDocument:
    """A document the filer states it holds, where no official records each check (API)."""

    code: str
    document_date: date | None = None
    power_kind: str = ""
    notary_certificate: bool = False


def check_declared_documents(
    *,
    kind: str,
    case_type: str,
    documents: list[DeclaredDocument],
    via_attorney: bool,
    today: date,
) -> None:
    """The kind's checklist (art. 10) for a filing formalised without an official's review.

    Every applicable document must be declared and pass the checks its date allows: one month
    for certificates, general powers older than six months only with the notary's certificate
    of validity. The bank certificate is the filing's own date, checked by the registry
    (registration.check_bank_certificate) with the par. 3 exemptions.
    """
    errors: list[str] = []
    declared = {d.code: d for d in documents}
    applicable = [r for r in rules() if r.applies_to(kind, case_type)]
    known = {r.code for r in applicable}
    for code in sorted(declared.keys() - known):
        errors.append(_("El documento «%(code)s» no aplica a este trámite.") % {"code": code})
    for rule in applicable:
        if rule.code.startswith("bank_certificate"):
            continue
        if rule.condition == "if_attorney" and not via_attorney:
            continue
        document = declared.get(rule.code)
        if document is None:
            errors.append(
                _("Falta %(doc)s (%(basis)s).") % {"doc": rule.label, "basis": rule.basis}
            )
            continue
        problem = _system_check(
            rule,
            today=today,
            document_date=document.document_date,
            power_kind=document.power_kind,
            notary_certificate=document.notary_certificate,
        )
        if problem:
            errors.append(problem)
    if errors:
        raise InvalidData({"documents": errors})
