"""Inscription: pre-inscripción, formalisation with the NIT (or a provisional one), both at once."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import responsibilities
from registry.models import (
    DOCUMENT_AS_NIT,
    PROVISIONAL_NIT_KINDS,
    FormVersion,
    PersonType,
    Registrant,
    RegistrantKind,
)
from registry.nit import Nit, allocate_registration_numbers, check_digit
from registry.responsibilities import INCOME_TAX
from registry.services.common import (
    DuplicateRegistrant,
    audit_fields,
    form_version_fields,
    integrity_to_domain,
    issue_form_version,
    lock_registrant,
    record_audit,
    require_perm,
    require_state,
    save_registrant,
)
from registry.services.new_record import write_new_record
from registry.services.record import (
    check_contact_email,
    check_not_registered,
    seccional_for,
    set_scalars,
)
from registry.snapshots import build_snapshot, data_children_snapshot
from registry.validation import RegistrantData, validate_registrant_data
from rut_portal.business_days import add_months
from rut_portal.errors import DomainError, NotAllowed

if TYPE_CHECKING:
    from django.contrib.auth.models import User

FORMALIZATION_BASIS = "Decreto 2460 de 2013, art. 8 y 10"


def pre_register(data: RegistrantData, *, by: User | None, electronic: bool = False) -> Registrant:
    """Pre-inscripción: store the filled form (no NIT yet, no validity) with its form number.

    `electronic`: filed by the inscrito through the portal (art. 4 par. 1: email mandatory).
    Written at once like register_registrant's record, and a duplicate refused the same way.
    """
    try:
        return _pre_register(data, by=by, electronic=electronic)
    except _Clash as clash:
        raise _clash_error(clash, data) from clash.__cause__


@transaction.atomic
def _pre_register(data: RegistrantData, *, by: User | None, electronic: bool) -> Registrant:
    validate_registrant_data(data)
    check_contact_email(data, electronic=electronic)
    registrant = Registrant(seccional_id=seccional_for(data))
    set_scalars(registrant, data)
    _nit, (number,) = allocate_registration_numbers(nit=False, forms=1)
    snapshot = build_snapshot(registrant, children=data_children_snapshot(data))
    try:
        write_new_record(
            registrant,
            data,
            started_at=timezone.now(),
            versions=[
                form_version_fields(
                    form_number=number,
                    version=1,
                    concept=FormVersion.Concept.PRE_REGISTRATION,
                    state=registrant.state,
                    snapshot=snapshot,
                    by=by,
                )
            ],
            audits=[
                {
                    **audit_fields(
                        action="pre_register",
                        by=by,
                        to_state=registrant.state,
                        legal_basis="Decreto 2460 de 2013, art. 6",
                    ),
                    "form_version_id": 1,
                }
            ],
        )
    except IntegrityError as exc:
        if not _refused_record(exc):
            raise
        raise _Clash(registrant, None) from exc
    return registrant


# Art. 10: the constancia de titularidad de cuenta is dated no more than one month before.
BANK_CERTIFICATE_MAX_AGE_MONTHS = 1
# Art. 10 lit. a num. 3 and lit. d num. 4: kinds that always show it, with no provisional NIT.
BANK_CERTIFICATE_KINDS = frozenset(
    {
        RegistrantKind.CONSORTIUM,
        RegistrantKind.TEMPORARY_UNION,
        RegistrantKind.DE_FACTO_PARTNERSHIP,
    }
)
# Art. 10 lit. b num. 2 and lit. c num. 5: a persona natural or an estate shows it when
# responsible for IVA, the gasoline tax or the consumption tax, or as importer/exporter ...
BANK_REQUIRED_RESPONSIBILITIES = frozenset(
    {
        responsibilities.VAT_COMMON_REGIME,
        responsibilities.VAT,
        responsibilities.FUEL_TAX,
        responsibilities.CONSUMPTION_TAX,
    }
)
# ... except the simplified regimes and the currency exchange professionals (par. 3).
BANK_EXEMPT_RESPONSIBILITIES = frozenset(
    {
        responsibilities.VAT_SIMPLIFIED_REGIME,
        responsibilities.CONSUMPTION_SIMPLIFIED_REGIME,
        responsibilities.NOT_VAT_RESPONSIBLE,
        responsibilities.NOT_CONSUMPTION_RESPONSIBLE,
        responsibilities.CURRENCY_EXCHANGE_PROFESSIONAL,
    }
)


def bank_certificate_required(
    *, kind: str, person_type: str, held: set[str], customs: bool
) -> bool:
    """Whether the inscription must show the bank certificate (art. 10, par. 3 exemptions).

    Legal entities of PROVISIONAL_NIT_KINDS may go without it: they get a provisional NIT.
    """
    if kind in BANK_CERTIFICATE_KINDS:
        return True
    if person_type != PersonType.NATURAL:
        return False
    if kind == RegistrantKind.CURRENCY_EXCHANGE:
        return False
    if held & BANK_REQUIRED_RESPONSIBILITIES:
        return True
    return customs and not held & BANK_EXEMPT_RESPONSIBILITIES


def check_bank_certificate_date(certificate_date: date, *, today: date) -> None:
    """Not future and not older than one month (art. 10 lit. a num. 3, lit. b num. 2)."""
    if certificate_date > today:
        raise DomainError(
            _("La certificación bancaria no puede tener fecha futura."),
            field="bank_certificate_date",
        )
    oldest = add_months(today, -BANK_CERTIFICATE_MAX_AGE_MONTHS)
    if certificate_date < oldest:
        raise DomainError(
            _(
                "La certificación bancaria del %(date)s tiene más de un mes: debe haberse "
                "expedido a partir del %(oldest)s (Decreto 2460 de 2013, art. 10)."
            )
            % {
                "date": certificate_date.strftime("%d/%m/%Y"),
                "oldest": oldest.strftime("%d/%m/%Y"),
            },
            field="bank_certificate_date",
        )


def check_bank_certificate(
    registrant: Registrant, certificate_date: date | None, *, today: date
) -> None:
    """The bank certificate rule of art. 10 for formalising this record, in every channel."""
    if certificate_date is not None:
        check_bank_certificate_date(certificate_date, today=today)
        return
    check_bank_certificate_of(
        kind=registrant.kind,
        person_type=registrant.person_type,
        held=set(registrant.responsibilities.values_list("code", flat=True)),
        customs=registrant.customs_qualities.exists(),
        certificate_date=None,
        today=today,
    )


def check_bank_certificate_of(
    *,
    kind: str,
    person_type: str,
    held: set[str],
    customs: bool,
    certificate_date: date | None,
    today: date,
) -> None:
    """check_bank_certificate for a record not written yet (its responsibilities in hand)."""
    if certificate_date is not None:
        check_bank_certificate_date(certificate_date, today=today)
        return
    if bank_certificate_required(kind=kind, person_type=person_type, held=held, customs=customs):
        raise DomainError(
            _(
                "Para formalizar la inscripción de %(kind)s se necesita la constancia de "
                "titularidad de una cuenta corriente o de ahorros activa, de no más de un mes "
                "(Decreto 2460 de 2013, art. 10)."
            )
            % {"kind": RegistrantKind(kind).label.lower()},
            field="bank_certificate_date",
        )


def electronic_formalization_obstacle(*, person_type: str, responsibilities: set[str]) -> str:
    """Why the system may not formalise this filing by itself ("" when it may), art. 9.

    Electronic formalisation is for personas naturales of the simplified regime of IVA (today:
    not responsible for IVA), once the system has verified them; anyone else's filing is a
    request that an official formalises. The excluded responsibilities are a setting.
    """
    if person_type != PersonType.NATURAL:
        return _(
            "Solo las personas naturales del régimen simplificado formalizan su trámite por "
            "medios electrónicos; un funcionario lo formaliza (Decreto 2460 de 2013, art. 9)."
        )
    excluded = set(settings.ELECTRONIC_FORMALIZATION_EXCLUDED_RESPONSIBILITIES)
    held = sorted(responsibilities & excluded)
    if held:
        return _(
            "Con la responsabilidad %(codes)s (responsable de IVA) el trámite no se formaliza "
            "por medios electrónicos: queda radicado y un funcionario lo formaliza "
            "(Decreto 2460 de 2013, art. 9)."
        ) % {"codes": ", ".join(held)}
    return ""


def check_electronic_formalization(*, person_type: str, responsibilities: set[str]) -> None:
    """Refuse the system's own formalisation outside the scope of art. 9 (every channel)."""
    reason = electronic_formalization_obstacle(
        person_type=person_type, responsibilities=responsibilities
    )
    if reason:
        raise NotAllowed(reason, field="responsibilities")


# Art. 7 par.: who registers only as a new income-tax filer (casilla 53: renta, no IVA).
INCOME_FILER_ONLY = frozenset({responsibilities.INCOME_TAX, responsibilities.NOT_VAT_RESPONSIBLE})


def income_tax_filing_deadline(taxable_year: int) -> date:
    """The last day to file a persona natural's income-tax return of `taxable_year`."""
    month, day = (int(part) for part in settings.INCOME_TAX_FILING_DEADLINE.split("-"))
    return date(taxable_year + 1, month, day)


def registration_due_on(
    *, person_type: str, responsibilities: set[str], activity_started_on: date
) -> date:
    """The last day to register for an activity started that day (Decreto 2460 de 2013, art. 7).

    Before starting the activity; a persona natural registering only because it became an
    income-tax filer in that taxable year may do so until that return's filing deadline.
    """
    if (
        person_type == PersonType.NATURAL
        and INCOME_TAX in responsibilities
        and responsibilities <= INCOME_FILER_ONLY
    ):
        return income_tax_filing_deadline(activity_started_on.year)
    return activity_started_on


def _document_nit(registrant: Registrant) -> Nit | None:
    """A persona natural with a cédula has its number as NIT (no number drawn)."""
    if registrant.is_natural and registrant.document_type_id in DOCUMENT_AS_NIT:
        number = registrant.document_number.lstrip("0")
        return Nit(number=number, check_digit=check_digit(number))
    return None


@transaction.atomic
def formalize_registration(
    registrant: Registrant,
    *,
    by: User | None,
    bank_certificate_date: date | None = None,
    case_number: str = "",
    electronic: bool = False,
    legal_basis: str = FORMALIZATION_BASIS,
) -> Registrant:
    """Formalise a pre-inscripción: assign the NIT and issue the Formulario 001 (Certificado).

    New legal entities without a bank certificate get a provisional NIT (art. 10 lit. a).
    `electronic`: the system formalises a self-service filing it has verified, which art. 9
    allows only for personas naturales of the simplified regime. `legal_basis`: the article the
    audit entry cites (art. 12 for an inscripción de oficio).
    """
    registrant = lock_registrant(registrant)
    if electronic:
        check_electronic_formalization(
            person_type=registrant.person_type,
            responsibilities=set(registrant.responsibilities.values_list("code", flat=True)),
        )
    return _formalize(
        registrant,
        by=by,
        bank_certificate_date=bank_certificate_date,
        case_number=case_number,
        legal_basis=legal_basis,
    )


def _formalize(
    registrant: Registrant,
    *,
    by: User | None,
    bank_certificate_date: date | None,
    case_number: str,
    legal_basis: str,
) -> Registrant:
    """formalize_registration on the row it holds locked."""
    provisional = registrant.kind in PROVISIONAL_NIT_KINDS and bank_certificate_date is None
    method = "issue_provisional_nit" if provisional else "formalize"
    require_state(registrant, method)
    require_perm(registrant, method, by)
    check_bank_certificate(registrant, bank_certificate_date, today=timezone.localdate())
    document_nit = _document_nit(registrant)
    drawn, (form_number,) = allocate_registration_numbers(nit=document_nit is None, forms=1)
    nit = document_nit or drawn
    assert nit is not None
    holder = Registrant.objects.filter(nit=nit.number).exclude(pk=registrant.pk).first()
    if holder is not None:
        raise DuplicateRegistrant(
            _("El NIT %(nit)s ya pertenece a %(name)s.")
            % {"nit": str(nit), "name": holder.display_name},
            field="document_number",
        )
    now = timezone.now()
    if provisional:
        registrant.issue_provisional_nit(nit=nit.number, check_digit=nit.check_digit, at=now)
        concept, fields = FormVersion.Concept.PROVISIONAL, ["provisional_nit_issued_at"]
    else:
        registrant.formalize(nit=nit.number, check_digit=nit.check_digit, at=now)
        registrant.bank_certificate_date = bank_certificate_date
        concept, fields = (
            FormVersion.Concept.REGISTRATION,
            ["formalized_at", "bank_certificate_date"],
        )
    registrant.state_changed_at = now
    save_registrant(registrant, ["state", "nit", "check_digit", "state_changed_at", *fields])
    version = issue_form_version(registrant, concept=concept, by=by, form_number=form_number)
    if provisional:
        from deadlines.services import schedule_provisional_nit  # deadlines imports this module

        schedule_provisional_nit(registrant)
    record_audit(
        registrant,
        action=method,
        by=by,
        from_state=Registrant.State.PRE_REGISTERED,
        to_state=registrant.state,
        form_version=version,
        case_number=case_number,
        legal_basis=legal_basis,
        changes={"nit": [None, str(nit)]},
    )
    return registrant


def register_registrant(
    data: RegistrantData,
    *,
    by: User | None,
    bank_certificate_date: date | None = None,
    case_number: str = "",
) -> Registrant:
    """Inscripción in one step (assisted, or by agreement): pre-inscription and formalisation.

    The same record, versions and audit entries as pre_register then formalize_registration,
    written once: the row is inserted already formalised, both Formulario 001 versions are built
    from the data in hand. A second record for the same document, live business name or NIT is
    refused by the table's unique constraints; once the transaction is rolled back, the
    Spanish message names the record that holds it.
    """
    try:
        return _register(
            data, by=by, bank_certificate_date=bank_certificate_date, case_number=case_number
        )
    except _Clash as clash:
        raise _clash_error(clash, data) from clash.__cause__


class _Clash(Exception):
    """A unique constraint refused the new record (raised inside the transaction)."""

    def __init__(self, registrant: Registrant, nit: Nit | None) -> None:
        super().__init__(registrant.display_name)
        self.registrant, self.nit = registrant, nit


def _clash_error(clash: _Clash, data: RegistrantData) -> DomainError:
    """The message for a refused duplicate, read after the rollback (the holder committed)."""
    cause = clash.__cause__
    assert isinstance(cause, IntegrityError)
    try:
        check_not_registered(data)
    except DuplicateRegistrant as named:
        return named
    if clash.nit is not None and _refused_the_nit(cause):
        holder = Registrant.objects.filter(nit=clash.nit.number).first()
        if holder is not None:
            return DuplicateRegistrant(
                _("El NIT %(nit)s ya pertenece a %(name)s.")
                % {"nit": str(clash.nit), "name": holder.display_name},
                field="document_number",
            )
    return integrity_to_domain(cause, clash.registrant)


NIT_CONSTRAINT = "registry_registrant_nit_key"


def _refused_record(exc: IntegrityError) -> bool:
    """Whether a constraint of the inscrito's own row refused it (not one of its children's)."""
    diag = getattr(exc.__cause__, "diag", None)
    table = getattr(diag, "table_name", None)
    return table is None or table == Registrant._meta.db_table


def _refused_the_nit(exc: IntegrityError) -> bool:
    """Whether the NIT's unique constraint refused the row: PostgreSQL names the constraint,
    SQLite (the embedded default) the table and column."""
    diag = getattr(exc.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name is not None:
        return bool(name == NIT_CONSTRAINT)
    return str(exc) == f"UNIQUE constraint failed: {Registrant._meta.db_table}.nit"


@transaction.atomic
def _register(
    data: RegistrantData,
    *,
    by: User | None,
    bank_certificate_date: date | None,
    case_number: str,
) -> Registrant:
    validate_registrant_data(data)
    check_contact_email(data, electronic=False)
    registrant = Registrant(seccional_id=seccional_for(data))
    set_scalars(registrant, data)
    provisional = registrant.kind in PROVISIONAL_NIT_KINDS and bank_certificate_date is None
    method = "issue_provisional_nit" if provisional else "formalize"
    require_state(registrant, method)
    require_perm(registrant, method, by)
    check_bank_certificate_of(
        kind=registrant.kind,
        person_type=registrant.person_type,
        held=set(data.responsibilities),
        customs=bool(data.customs_qualities),
        certificate_date=bank_certificate_date,
        today=timezone.localdate(),
    )
    document_nit = _document_nit(registrant)
    drawn, (pre_number, number) = allocate_registration_numbers(nit=document_nit is None, forms=2)
    nit = document_nit or drawn
    assert nit is not None
    pre_state = registrant.state
    children = data_children_snapshot(data)
    pre_snapshot = build_snapshot(registrant, children=children)
    now = timezone.now()
    getattr(registrant, method)(nit=nit.number, check_digit=nit.check_digit, at=now)
    if not provisional:
        registrant.bank_certificate_date = bank_certificate_date
    registrant.state_changed_at = now
    concept = FormVersion.Concept.PROVISIONAL if provisional else FormVersion.Concept.REGISTRATION
    try:
        write_new_record(
            registrant,
            data,
            started_at=now,
            versions=[
                form_version_fields(
                    form_number=pre_number,
                    version=1,
                    concept=FormVersion.Concept.PRE_REGISTRATION,
                    state=pre_state,
                    snapshot=pre_snapshot,
                    by=by,
                ),
                form_version_fields(
                    form_number=number,
                    version=2,
                    concept=concept,
                    state=registrant.state,
                    snapshot=build_snapshot(registrant, children=children),
                    by=by,
                ),
            ],
            audits=[
                {
                    **audit_fields(
                        action="pre_register",
                        by=by,
                        to_state=pre_state,
                        legal_basis="Decreto 2460 de 2013, art. 6",
                    ),
                    "form_version_id": 1,
                },
                {
                    **audit_fields(
                        action=method,
                        by=by,
                        from_state=pre_state,
                        to_state=registrant.state,
                        case_number=case_number,
                        legal_basis="Decreto 2460 de 2013, art. 8 y 10",
                        changes={"nit": [None, str(nit)]},
                    ),
                    "form_version_id": 2,
                },
            ],
        )
    except IntegrityError as exc:
        if not _refused_record(exc):
            raise
        raise _Clash(registrant, nit) from exc
    if provisional:
        from deadlines.services import schedule_provisional_nit  # deadlines imports this module

        schedule_provisional_nit(registrant)
    return registrant
