"""Decreto 2460 de 2013 rules beyond the lifecycle: art. 9, 10, 11, 15 and 20."""

from datetime import timedelta

import pytest
from django.core import mail

from deadlines.rules import update_due_on
from procedures.models import (
    Case,
    CaseDocument,
    CaseType,
    Cause,
    Channel,
    Communication,
    Mode,
    Petition,
    Referral,
    RequesterKind,
)
from procedures.selectors import sanction_indicators
from procedures.services.intake import (
    CaseRequest,
    attach_document,
    check_requirements,
    decide_jurisdiction,
    receive_case,
)
from procedures.services.petitions import receive_request, respond_petition
from procedures.services.processing import grant_case
from procedures.services.requirements import checklist, record_requirement
from procedures.services.visits import close_referral, record_visit, refer, schedule_visit
from registry.models import Registrant, RegistrantKind
from rut_portal.business_days import add_months
from rut_portal.errors import Conflict, DomainError, NotAllowed
from tests.clock import TODAY
from tests.factories import legal_data, make_natural, natural_data, pdf_upload

pytestmark = pytest.mark.django_db


def _assisted_registration(by, data, **extra):
    case = receive_case(
        CaseRequest(
            case_type=CaseType.REGISTRATION,
            channel=Channel.IN_PERSON,
            cause=Cause.INSCRITO_REQUEST,
            requester_kind=RequesterKind.USER,
            requester_name="Solicitante",
            data=data,
            **extra,
        ),
        by=by,
    )
    return decide_jurisdiction(check_requirements(case, by=by, met=True), by=by)


KIND_CHECKLISTS = {
    RegistrantKind.NATURAL_PERSON: ["applicant_id"],
    RegistrantKind.ESTATE: [
        "death_certificate",
        "deceased_id",
        "heirs_appointment",
        "legal_rep_id",
    ],
    RegistrantKind.LEGAL_ENTITY: ["existence_certificate", "legal_rep_id"],
    RegistrantKind.CONSORTIUM: [
        "award_act",
        "bank_certificate_consortium",
        "consortium_constitution",
        "legal_rep_id",
    ],
    RegistrantKind.FOREIGN_INVESTOR_NATURAL: ["apostilled_power", "attorney_id", "investor_id"],
    RegistrantKind.FOREIGN_INVESTOR_LEGAL: [
        "apostilled_power",
        "attorney_id",
        "foreign_existence_certificate",
    ],
}


def _data_for(kind):
    if kind in (RegistrantKind.NATURAL_PERSON, RegistrantKind.ESTATE):
        return natural_data(kind=kind, responsibilities=["49"])
    if kind == RegistrantKind.FOREIGN_INVESTOR_NATURAL:
        return natural_data(
            kind=kind,
            document_type="41",
            document_number="XB123456",
            foreign_tax_number="US-998877",
            country="US",
            department="",
            municipality="",
            responsibilities=[],
        )
    if kind == RegistrantKind.FOREIGN_INVESTOR_LEGAL:
        return legal_data(
            kind=kind,
            foreign_tax_number="DE-776655",
            country="DE",
            department="",
            municipality="",
            responsibilities=[],
        )
    return legal_data(kind=kind, department="11", municipality="11001")


@pytest.mark.parametrize("kind", list(KIND_CHECKLISTS))
def test_formalization_waits_for_the_checklist_of_each_kind(kind, official):
    case = _assisted_registration(official, _data_for(kind))
    pending = sorted(i.rule.code for i in checklist(case) if i.status == "pending")
    assert pending == KIND_CHECKLISTS[kind]

    with pytest.raises(Conflict) as error:
        grant_case(case, by=official)
    assert "faltan requisitos documentales" in error.value.message
    case.registrant.refresh_from_db()
    assert case.registrant.state == Registrant.State.PRE_REGISTERED

    for code in pending:
        record_requirement(case, by=official, code=code, met=True, document_date=TODAY)
    grant_case(case, by=official)
    case.registrant.refresh_from_db()
    assert case.registrant.nit


def test_a_certificate_older_than_one_month_is_refused_naming_the_rule(official):
    case = _assisted_registration(official, legal_data(department="11", municipality="11001"))
    old = add_months(TODAY, -1) - timedelta(days=1)
    with pytest.raises(DomainError) as error:
        record_requirement(
            case, by=official, code="existence_certificate", met=True, document_date=old
        )
    assert "supera el mes de antigüedad permitido" in error.value.message
    assert not case.requirement_checks.exists()


def test_a_general_power_older_than_six_months_needs_the_notary_certificate(official):
    case = _assisted_registration(
        official, natural_data(responsibilities=["49"]), via_attorney=True
    )
    seven_months = add_months(TODAY, -7)
    with pytest.raises(DomainError) as error:
        record_requirement(
            case,
            by=official,
            code="power_of_attorney",
            met=True,
            power_kind="general",
            document_date=seven_months,
        )
    assert "certificado de vigencia expedido por el notario" in error.value.message
    record_requirement(
        case,
        by=official,
        code="power_of_attorney",
        met=True,
        power_kind="general",
        document_date=seven_months,
        notary_certificate=True,
    )


def test_bank_certificate_binds_an_iva_responsible_person_but_not_a_simplified_one(official):
    iva = _assisted_registration(official, natural_data(responsibilities=["48"]))
    simple = _assisted_registration(official, natural_data(responsibilities=["49"]))
    codes = {i.rule.code: i.status for i in checklist(iva)}
    assert codes["bank_certificate_natural"] == "pending"
    assert {i.rule.code: i.status for i in checklist(simple)}[
        "bank_certificate_natural"
    ] == "exempt"


def test_a_failed_visit_opens_a_suspension_case_and_inaccurate_data_a_referral(official):
    person = make_natural(by=official)
    case = receive_case(
        CaseRequest(
            case_type=CaseType.UPDATE,
            channel=Channel.IN_PERSON,
            cause=Cause.INSCRITO_REQUEST,
            requester_kind=RequesterKind.USER,
            requester_name="X",
            registrant=person,
            data=__import__("registry.validation", fromlist=["x"]).data_from_registrant(person),
        ),
        by=official,
    )
    visit = schedule_visit(case, by=official, scheduled_for=TODAY)
    record_visit(
        case,
        by=official,
        visited_on=TODAY,
        result="address_not_found",
        notes="La nomenclatura no existe.",
        visit=visit,
    )

    suspension = Case.objects.get(registrant=person, case_type=CaseType.SUSPENSION)
    assert (suspension.cause, suspension.requester_kind) == ("address_not_found", "dian_area")
    assert "La nomenclatura no existe." in suspension.facts

    record_visit(
        case,
        by=official,
        visited_on=TODAY,
        result="inaccurate_data",
        notes="La actividad declarada no corresponde.",
    )
    referral = Referral.objects.get(registrant=person)
    assert referral.kind == Referral.Kind.AUDIT


def test_a_visit_on_an_inscrito_of_another_seccional_is_refused(
    official, official_of_other_seccional
):
    person = make_natural(by=official)
    case = receive_case(
        CaseRequest(
            case_type=CaseType.SUSPENSION,
            channel=Channel.INTERNAL,
            cause=Cause.AUTHORITY_ORDER,
            requester_kind=RequesterKind.DIAN_AREA,
            requester_name="X",
            registrant=person,
        ),
        by=official_of_other_seccional,
        seccional="11",
    )
    with pytest.raises(NotAllowed) as error:
        record_visit(case, by=official_of_other_seccional, visited_on=TODAY, result="confirmed")
    assert "no puede registrar visitas" in error.value.message


def test_a_request_by_an_unauthorised_channel_becomes_a_petition(
    official, django_capture_on_commit_callbacks
):
    person = make_natural(by=official)
    with django_capture_on_commit_callbacks(execute=True):
        result = receive_request(
            CaseRequest(
                case_type=CaseType.REACTIVATION,
                channel=Channel.EMAIL,
                cause=Cause.INSCRITO_REQUEST,
                requester_kind=RequesterKind.USER,
                requester_name="Inscrito",
                requester_email="inscrito@example.co",
                registrant=person,
            ),
            by=official,
        )

    assert isinstance(result, Petition)
    assert not Case.objects.filter(case_type=CaseType.REACTIVATION).exists()
    assert "no es un canal autorizado" in mail.outbox[-1].body
    with pytest.raises(DomainError):
        receive_case(
            CaseRequest(
                case_type=CaseType.REACTIVATION,
                channel=Channel.EMAIL,
                cause=Cause.INSCRITO_REQUEST,
                requester_kind=RequesterKind.USER,
                requester_name="X",
                registrant=person,
            ),
            by=official,
        )
    answered = respond_petition(result, by=official, answer="Acérquese con sus documentos.")
    assert answered.state == Petition.State.ANSWERED


def test_a_filing_from_abroad_reaches_a_certified_rut_by_email(
    official, django_capture_on_commit_callbacks
):
    data = natural_data(responsibilities=["49"], email="enelexterior@example.co")
    case = receive_case(
        CaseRequest(
            case_type=CaseType.REGISTRATION,
            channel=Channel.PQSRD,
            cause=Cause.INSCRITO_REQUEST,
            requester_kind=RequesterKind.USER,
            requester_name="Persona en el exterior",
            data=data,
            from_abroad=True,
        ),
        by=official,
    )
    with pytest.raises(DomainError) as error:
        check_requirements(case, by=official, met=True)
    assert "pasaporte con la fecha de salida" in error.value.message
    attach_document(
        case, kind=CaseDocument.Kind.IDENTITY_SCAN, file=pdf_upload("cc.pdf"), by=official
    )
    attach_document(
        case, kind=CaseDocument.Kind.PASSPORT_EXIT_PAGE, file=pdf_upload("pp.pdf"), by=official
    )
    case = decide_jurisdiction(check_requirements(case, by=official, met=True), by=official)
    record_requirement(case, by=official, code="applicant_id", met=True)

    with django_capture_on_commit_callbacks(execute=True):
        grant_case(case, by=official)

    certified = Communication.objects.get(case=case, kind=Communication.Kind.CERTIFIED_RUT)
    assert certified.form_version.concept == "01"
    assert mail.outbox[-1].to == ["enelexterior@example.co"]
    [(name, content, mimetype)] = mail.outbox[-1].attachments
    assert (name, mimetype) == (f"RUT-{certified.form_version.form_number}.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    assert certified.sent_at is not None


def test_a_possible_crime_is_flagged_to_the_legal_division_and_tracked(
    official, django_capture_on_commit_callbacks
):
    person = make_natural(by=official)
    with django_capture_on_commit_callbacks(execute=True):
        referral = refer(
            person,
            kind=Referral.Kind.CRIMINAL_REPORT,
            by=official,
            reason="Documento de identidad con señales de falsedad.",
        )
    assert mail.outbox[-1].to == ["juridica@rut.localhost"]
    closed = close_referral(referral, by=official, resolution="Denuncia radicada ante Fiscalía.")
    assert closed.closed_at is not None
    with pytest.raises(Conflict):
        close_referral(closed, by=official, resolution="otra vez")


def test_sanction_indicators_are_computed_from_the_record(official):
    person = make_natural(by=official)
    assert [i.code for i in sanction_indicators(person)] == ["late_registration"]
    from registry.validation import data_from_registrant

    case = receive_case(
        CaseRequest(
            case_type=CaseType.UPDATE,
            channel=Channel.IN_PERSON,
            cause=Cause.INSCRITO_REQUEST,
            requester_kind=RequesterKind.USER,
            requester_name="X",
            registrant=person,
            data=data_from_registrant(person),
            fact_date=TODAY - timedelta(days=70),
        ),
        by=official,
    )
    late = [i for i in sanction_indicators(person) if i.code == "late_update"]
    assert late and case.number in late[0].message
    # Counted from the legal due date (a month after the fact, moved off weekends and holidays).
    assert late[0].days == (TODAY - update_due_on(TODAY - timedelta(days=70))).days


def test_abroad_is_only_for_natural_persons(official):
    with pytest.raises(DomainError):
        receive_case(
            CaseRequest(
                case_type=CaseType.REGISTRATION,
                channel=Channel.PQSRD,
                cause=Cause.INSCRITO_REQUEST,
                requester_kind=RequesterKind.USER,
                requester_name="X",
                data=legal_data(),
                from_abroad=True,
                mode=Mode.ASSISTED,
            ),
            by=official,
        )
