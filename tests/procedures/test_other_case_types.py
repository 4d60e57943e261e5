from datetime import date, timedelta

import pytest
from django.utils import timezone

from procedures.models import Case, CaseDocument, CaseType, Cause, Channel, Mode, RequesterKind
from procedures.services.intake import (
    CaseRequest,
    attach_document,
    check_requirements,
    decide_jurisdiction,
    receive_case,
)
from procedures.services.processing import (
    approve_cancellation,
    grant_case,
    record_obligation,
    record_update,
    resolve_obligation,
    submit_for_approval,
)
from procedures.services.requirements import record_requirement
from procedures.services.visits import record_visit
from procedures.services.withdrawals import CessationEvidence, receive_withdrawal
from registry.models import Registrant
from registry.validation import data_from_registrant
from rut_portal.business_days import next_business_day
from rut_portal.errors import Conflict, DomainError, NotAllowed
from tests.factories import legal_data, make_legal, make_natural, pdf_upload

pytestmark = pytest.mark.django_db


def _to_process(case, by):
    return decide_jurisdiction(check_requirements(case, by=by, met=True), by=by)


def _legal_basis(registrant):
    """The legal basis of each change in the inscrito's audit trail that names one, oldest first."""
    entries = registrant.audit_entries.exclude(legal_basis="").order_by("pk")
    return [entry.legal_basis for entry in entries]


def _request(registrant, case_type, cause, **overrides):
    values = dict(
        case_type=case_type,
        channel=Channel.IN_PERSON,
        cause=cause,
        requester_kind=RequesterKind.USER,
        requester_name="El inscrito",
        registrant=registrant,
    )
    values.update(overrides)
    return CaseRequest(**values)


def test_pending_obligations_block_a_cancellation_on_request_until_met(official, director):
    company = make_legal(by=official, department="11", municipality="11001")
    case = _to_process(
        receive_case(
            _request(company, CaseType.CANCELLATION_ON_REQUEST, Cause.LIQUIDATION), by=official
        ),
        official,
    )
    obligation = record_obligation(
        company, by=official, description="Declaración de renta 2025", period="2025", case=case
    )

    with pytest.raises(Conflict) as error:
        submit_for_approval(case, by=official)
    assert "1 obligación(es) pendiente(s)" in error.value.message

    resolve_obligation(obligation, by=official)
    case = submit_for_approval(case, by=official)
    approve_cancellation(case, by=director)
    company.refresh_from_db()
    assert company.state == Registrant.State.CANCELLED
    assert _legal_basis(company)[-1] == "Decreto 2460 de 2013, art. 17"


def test_a_suspension_is_due_the_next_business_day_and_can_be_lifted(official):
    person = make_natural(by=official)
    case = receive_case(
        _request(
            person,
            CaseType.SUSPENSION,
            Cause.AUTHORITY_ORDER,
            requester_kind=RequesterKind.ADMINISTRATIVE_AUTHORITY,
            requester_name="Superintendencia",
            act_number="Res. 55",
            act_date=date(2026, 11, 2),
            act_is_final=True,
        ),
        by=official,
    )
    assert case.due_on == next_business_day(timezone.localdate())
    grant_case(_to_process(case, official), by=official)
    person.refresh_from_db()
    assert person.state == Registrant.State.SUSPENDED

    lift = receive_case(
        _request(person, CaseType.LIFT_SUSPENSION, Cause.INSCRITO_REQUEST), by=official
    )
    grant_case(_to_process(lift, official), by=official)
    person.refresh_from_db()
    assert person.state == Registrant.State.ACTIVE
    assert [v.concept for v in person.form_versions.order_by("version")][-2:] == ["03", "04"]
    # Art. 15 is the suspension (art. 12 is the inscripción de oficio).
    assert _legal_basis(person)[-2:] == ["Decreto 2460 de 2013, art. 15"] * 2


def test_a_fictitious_supplier_suspension_is_lifted_only_after_five_years(official):
    person = make_natural(by=official)
    suspension = receive_case(
        _request(
            person,
            CaseType.SUSPENSION,
            Cause.FICTITIOUS_SUPPLIER,
            requester_kind=RequesterKind.DIAN_AREA,
            requester_name="Fiscalización",
            act_published_on=date.today(),
        ),
        by=official,
    )
    suspension = grant_case(_to_process(suspension, official), by=official)
    lift = _to_process(
        receive_case(
            _request(person, CaseType.LIFT_SUSPENSION, Cause.INSCRITO_REQUEST), by=official
        ),
        official,
    )

    with pytest.raises(Conflict) as error:
        grant_case(lift, by=official)
    assert "dura cinco años" in error.value.message

    # Art. 15 par. 1: the five years run from the act's publication.
    Case.objects.filter(pk=suspension.pk).update(
        act_published_on=timezone.localdate() - timedelta(days=5 * 366)
    )
    grant_case(lift, by=official)
    person.refresh_from_db()
    assert person.state == Registrant.State.ACTIVE


def test_a_reactivation_is_processed_where_it_was_received_and_is_immediate(
    official, director, official_of_other_seccional
):
    person = make_natural(by=official, department="05", municipality="05001", address="CL 1 1")
    cancellation = receive_case(
        _request(person, CaseType.CANCELLATION_ON_REQUEST, Cause.FOREIGN_INVESTMENT_ENDED),
        by=official_of_other_seccional,
    )
    cancellation = submit_for_approval(
        _to_process(cancellation, official_of_other_seccional), by=official_of_other_seccional
    )
    from accounts.models import Role
    from accounts.services import create_official

    director_11 = create_official(
        username="dir11", password="x", role=Role.DIRECTOR, seccional="11"
    )
    approve_cancellation(cancellation, by=director_11)

    reactivation = receive_case(
        _request(person, CaseType.REACTIVATION, Cause.INSCRITO_REQUEST), by=official
    )  # received in Bogotá
    assert reactivation.due_on == timezone.localdate()
    with pytest.raises(Exception, match="artículo 1.6.1.2.11"):
        check_requirements(reactivation, by=official, met=True)
    attach_document(
        reactivation,
        kind=CaseDocument.Kind.REGISTRATION_DOCUMENTS,
        file=pdf_upload("cedula.pdf"),
        by=official,
    )
    reactivation = _to_process(reactivation, official)
    assert reactivation.seccional_id == "32"
    grant_case(reactivation, by=official)
    person.refresh_from_db()
    assert person.state == Registrant.State.ACTIVE


def test_an_ex_officio_inscription_is_formalized_only_after_a_verification_visit(official):
    case = receive_case(
        CaseRequest(
            case_type=CaseType.REGISTRATION,
            mode=Mode.EX_OFFICIO,
            channel=Channel.OFFICIAL_MAIL,
            cause=Cause.AUTHORITY_ORDER,
            requester_kind=RequesterKind.JUDICIAL_AUTHORITY,
            requester_name="Juzgado 3 Laboral",
            act_number="Auto 77",
            act_date=date(2026, 11, 3),
            act_is_final=True,
            data=legal_data(department="11", municipality="11001"),
        ),
        by=official,
    )
    attach_document(case, kind=CaseDocument.Kind.JUDICIAL_ORDER, file=pdf_upload(), by=official)
    case = _to_process(case, official)
    assert case.registrant.state == Registrant.State.PRE_REGISTERED

    with pytest.raises(Conflict) as error:
        grant_case(case, by=official)
    assert "visita de verificación" in error.value.message

    record_visit(case, by=official, visited_on=timezone.localdate(), result="confirmed")
    grant_case(case, by=official)
    case.registrant.refresh_from_db()
    assert case.registrant.nit
    assert case.registrant.state == Registrant.State.PROVISIONAL


def test_an_update_case_applies_the_filed_data_and_refuses_stale_ones(official):
    person = make_natural(by=official)
    data = data_from_registrant(person)
    data.phone_1 = "3109998877"
    case = receive_case(
        _request(
            person, CaseType.UPDATE, Cause.INSCRITO_REQUEST, data=data, fact_date=date(2026, 11, 1)
        ),
        by=official,
    )
    stale_data = data_from_registrant(person)
    stale_data.email = "otro@example.co"
    stale = receive_case(
        _request(person, CaseType.UPDATE, Cause.INSCRITO_REQUEST, data=stale_data), by=official
    )

    case = _to_process(case, official)
    record_requirement(case, by=official, code="applicant_id", met=True)
    grant_case(case, by=official)
    person.refresh_from_db()
    assert person.phone_1 == "3109998877"
    stale = _to_process(stale, official)
    record_requirement(stale, by=official, code="applicant_id", met=True)
    with pytest.raises(Conflict):
        grant_case(stale, by=official)
    person.refresh_from_db()
    assert person.email != "otro@example.co"


def test_identification_data_changes_only_in_assisted_mode(official):
    from registry.services.updates import update_registrant

    person = make_natural(by=official)
    data = data_from_registrant(person)
    data.first_name = "PEDRO"
    with pytest.raises(NotAllowed) as error:
        update_registrant(
            person, by=None, data=data, expected_revision=person.revision, assisted=False
        )
    assert "solo se cambian con la asistencia" in error.value.message


def test_a_third_virtual_address_change_in_six_months_is_refused(official):
    from registry.services.updates import update_registrant

    person = make_natural(by=official)
    for street in ("CL 1 1", "CL 2 2"):
        data = data_from_registrant(person)
        data.address = street
        person = update_registrant(
            person, by=None, data=data, expected_revision=person.revision, assisted=False
        )
    data = data_from_registrant(person)
    data.address = "CL 3 3"
    with pytest.raises(NotAllowed) as error:
        update_registrant(
            person, by=None, data=data, expected_revision=person.revision, assisted=False
        )
    assert "2 veces en los últimos seis meses" in error.value.message
    person = update_registrant(
        person, by=official, data=data, expected_revision=person.revision, assisted=True
    )
    assert person.address == "CL 3 3"


def _record_update(case, person, data, official):
    return record_update(
        case,
        by=official,
        data=data,
        expected_revision=person.revision,
        facts="Cesó la venta de bienes gravados.",
        evidence="Certificación del contador.",
        authorized_by="Jefe GIT Registro",
    )


def test_an_officials_formato_1767_cannot_drop_vat_outside_its_withdrawal_request(official):
    person = make_natural(by=official, responsibilities=["05", "48"])
    request = _request(
        person, CaseType.UPDATE, Cause.INSCRITO_REQUEST, data=data_from_registrant(person)
    )
    case = _to_process(receive_case(request, by=official), official)
    data = data_from_registrant(person)
    data.responsibilities = ["05", "49"]

    with pytest.raises(DomainError) as error:
        _record_update(case, person, data, official)

    assert error.value.message.endswith("(Decreto 2460 de 2013, art. 13 par. 3).")
    assert not case.formats.exists()
    assert set(person.responsibilities.values_list("code", flat=True)) == {"05", "48"}


def test_a_vat_withdrawal_case_lets_the_official_replace_48_with_49(official):
    person = make_natural(by=official, responsibilities=["05", "48"])
    data = data_from_registrant(person)
    data.responsibilities = ["05", "49"]
    request = _request(person, CaseType.UPDATE, Cause.INSCRITO_REQUEST, data=data)
    evidence = CessationEvidence(
        no_final_inventory=True, no_taxed_sales=True, new_activity="Consultoría"
    )
    case = _to_process(
        receive_withdrawal(request, responsibility="48", by=official, evidence=evidence),
        official,
    )

    _record_update(case, person, data, official)

    assert set(person.responsibilities.values_list("code", flat=True)) == {"05", "49"}
