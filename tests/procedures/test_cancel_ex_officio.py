from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from procedures.models import Case, CaseDocument, CaseStep, Cause, Communication, RequesterKind
from procedures.services.communications import close_case, communicate_decision
from procedures.services.deceased import DeceasedWithResponsibilities
from procedures.services.intake import (
    attach_document,
    check_requirements,
    decide_jurisdiction,
    receive_case,
    refile_case,
)
from procedures.services.processing import (
    FourEyesViolation,
    approve_cancellation,
    record_update,
    return_with_observations,
    submit_for_approval,
)
from registry.models import AuditEntry, Registrant, SeccionalAssignment
from registry.validation import data_from_registrant
from rut_portal.business_days import add_business_days
from rut_portal.errors import Conflict, DomainError, NotAllowed
from tests.factories import judicial_cancellation_request, make_natural, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def registrant(official):
    return make_natural(by=official, email="inscrito@example.co")


def _received(registrant, official, **overrides):
    case = receive_case(judicial_cancellation_request(registrant, **overrides), by=official)
    attach_document(case, kind=CaseDocument.Kind.JUDICIAL_ORDER, file=pdf_upload(), by=official)
    return case


def test_a_judicial_cancellation_walks_the_whole_procedure(
    registrant, official, director, django_capture_on_commit_callbacks
):
    case = _received(registrant, official)
    case = check_requirements(case, by=official, met=True)
    case = decide_jurisdiction(case, by=official)
    assert case.state == Case.State.IN_PROCESS

    data = data_from_registrant(registrant)
    data.address = "CL 100 15 20"
    form_1767 = record_update(
        case,
        by=official,
        data=data,
        expected_revision=registrant.revision,
        facts="Dirección desactualizada",
        evidence="Certificado de la orden",
        authorized_by="Jefe GIT Registro",
    )
    case = submit_for_approval(case, by=official)
    case = approve_cancellation(case, by=director)

    registrant.refresh_from_db()
    assert registrant.state == Registrant.State.CANCELLED
    assert registrant.address == "CL 100 15 20"
    latest = registrant.form_versions.latest("version")
    assert (latest.concept, latest.state) == ("05", "cancelled")
    assert form_1767.content["changes"]["address"][1] == "CL 100 15 20"
    assert case.formats.get(kind="1529").content["registrant"]["nit"] == registrant.formatted_nit
    cancel_audit = AuditEntry.objects.get(registrant=registrant, action="cancel")
    assert (cancel_audit.actor, cancel_audit.case_number) == (director, case.number)
    assert cancel_audit.act_reference.startswith("Sentencia 2026-00123")

    with django_capture_on_commit_callbacks(execute=True):
        communications = communicate_decision(case, by=official)
    kinds = sorted(c.kind for c in communications)
    assert kinds == ["to_judicial_authority", "to_registrant", "to_requester", "to_seccional"]
    letter = next(c for c in communications if c.kind == "to_judicial_authority")
    assert timezone.localdate().strftime("%d/%m/%Y") in letter.body
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["inscrito@example.co", "j12cctobta@cendoj.example.co", "j12cctobta@cendoj.example.co"]
    )
    case = close_case(case, by=official)
    assert [s.kind for s in case.steps.order_by("id")] == [
        "received",
        "document_added",
        "requirements_met",
        "jurisdiction",
        "record_updated",
        "prepared",
        "approved",
        "communicated",
        "closed",
    ]


def test_a_judicial_order_is_immediate_and_jumps_the_queue(registrant, official):
    other = make_natural(by=official)
    from procedures.models import CaseType, Channel
    from procedures.services.intake import CaseRequest

    ordinary = receive_case(
        CaseRequest(
            case_type=CaseType.CANCELLATION_EX_OFFICIO,
            channel=Channel.AGREEMENT_API,
            cause=Cause.DECEASED,
            requester_kind=RequesterKind.CIVIL_REGISTRY,
            requester_name="Registraduría Nacional del Estado Civil",
            act_number="Registro de defunción 0554321",
            act_date=date(2026, 11, 2),
            registrant=other,
        ),
        by=official,
    )
    judicial = _received(registrant, official)

    assert list(Case.objects.filter(pk__in=[ordinary.pk, judicial.pk])) == [judicial, ordinary]
    assert judicial.due_on == timezone.localdate()
    assert ordinary.due_on == add_business_days(timezone.localdate(), 3)


def test_an_order_presented_by_the_user_is_not_processed(registrant, official):
    with pytest.raises(DomainError) as error:
        receive_case(
            judicial_cancellation_request(
                registrant, requester_kind=RequesterKind.USER, requester_name="El inscrito"
            ),
            by=official,
        )
    assert "debe enviarla directamente a la DIAN" in error.value.message
    assert not Case.objects.exists()


def test_requirements_not_met_are_rejected_communicated_and_can_be_refiled(registrant, official):
    case = receive_case(judicial_cancellation_request(registrant, act_is_final=False), by=official)

    with pytest.raises(DomainError) as error:
        check_requirements(case, by=official, met=True)
    assert "copia del acto administrativo o de la orden judicial" in error.value.message
    assert "debidamente ejecutoriado" in error.value.message

    case = check_requirements(
        case, by=official, met=False, reason="No llegó la orden ejecutoriada."
    )
    assert (case.state, case.decision) == (Case.State.REJECTED, "requirements_not_met")
    [rejection] = communicate_decision(case, by=official)
    assert rejection.kind == Communication.Kind.REJECTION
    assert "puede radicar de nuevo" in rejection.body
    registrant.refresh_from_db()
    assert registrant.state == Registrant.State.ACTIVE

    refiled = refile_case(case, by=official)
    assert refiled.refiled_from == case
    assert refiled.state == Case.State.RECEIVED


def test_a_cancellation_of_another_seccional_is_forwarded_with_its_supports(
    official, official_of_other_seccional
):
    registrant = make_natural(by=official, department="05", municipality="05001", address="CL 1 1")
    case = _received(registrant, official)
    case = check_requirements(case, by=official, met=True)
    case = decide_jurisdiction(case, by=official)

    assert (case.state, case.seccional_id, case.received_at_seccional_id) == (
        "received",
        "11",
        "32",
    )
    details = case.steps.get(kind=CaseStep.Kind.FORWARDED).details
    assert (details["from"], details["to"]) == ("32", "11")
    assert case.documents.count() == 1
    with pytest.raises(NotAllowed):
        check_requirements(case, by=official, met=True)
    case = check_requirements(case, by=official_of_other_seccional, met=True)
    case = decide_jurisdiction(case, by=official_of_other_seccional)
    assert case.state == Case.State.IN_PROCESS


def test_the_director_cannot_approve_a_cancellation_they_prepared(registrant, director):
    case = _received(registrant, director)
    case = decide_jurisdiction(check_requirements(case, by=director, met=True), by=director)
    case = submit_for_approval(case, by=director)

    with pytest.raises(FourEyesViolation):
        approve_cancellation(case, by=director)

    case.refresh_from_db()
    registrant.refresh_from_db()
    assert case.state == Case.State.AWAITING_APPROVAL
    assert registrant.state == Registrant.State.ACTIVE
    assert not case.steps.filter(kind=CaseStep.Kind.APPROVED).exists()


def test_an_official_cannot_approve_and_the_director_can_return_it(
    registrant, official, other_official, director
):
    case = _received(registrant, official)
    case = submit_for_approval(
        decide_jurisdiction(check_requirements(case, by=official, met=True), by=official),
        by=official,
    )
    with pytest.raises(NotAllowed):
        approve_cancellation(case, by=other_official)

    case = return_with_observations(case, by=director, observations="Adjunte la constancia.")
    assert (case.state, case.observations) == (Case.State.IN_PROCESS, "Adjunte la constancia.")
    with pytest.raises(Conflict):
        approve_cancellation(case, by=director)


def test_a_deceased_person_with_responsibilities_is_not_cancelled_by_this_route(official):
    from procedures.models import CaseType, Channel
    from procedures.services.intake import CaseRequest

    registrant = make_natural(by=official, responsibilities=["05", "49"])
    case = receive_case(
        CaseRequest(
            case_type=CaseType.CANCELLATION_EX_OFFICIO,
            channel=Channel.AGREEMENT_API,
            cause=Cause.DECEASED,
            requester_kind=RequesterKind.CIVIL_REGISTRY,
            requester_name="Registraduría",
            registrant=registrant,
            act_number="Defunción 99",
            act_date=date(2026, 11, 1),
            act_is_final=True,
        ),
        by=official,
    )
    attach_document(case, kind=CaseDocument.Kind.ACT, file=pdf_upload(), by=official)
    case = decide_jurisdiction(check_requirements(case, by=official, met=True), by=official)

    with pytest.raises(Conflict) as error:
        submit_for_approval(case, by=official)
    # Decreto 2460 de 2013, art. 17 num. 2 lit. a, from procedures.services.deceased.
    assert error.value.message == DeceasedWithResponsibilities(["05"]).message
    assert "Niegue la cancelación" in error.value.message
    case.refresh_from_db()
    assert case.state == Case.State.IN_PROCESS


def test_seccionales_of_the_last_five_years_are_notified(registrant, official, director):
    now = timezone.now()
    SeccionalAssignment.objects.filter(registrant=registrant).update(
        started_at=now - timedelta(days=400)
    )
    SeccionalAssignment.objects.create(
        registrant=registrant,
        seccional_id="11",
        started_at=now - timedelta(days=1500),
        ended_at=now - timedelta(days=400),
    )
    SeccionalAssignment.objects.create(
        registrant=registrant,
        seccional_id="05",
        started_at=now - timedelta(days=3000),
        ended_at=now - timedelta(days=2000),
    )
    case = _received(registrant, official)
    case = submit_for_approval(
        decide_jurisdiction(check_requirements(case, by=official, met=True), by=official),
        by=official,
    )
    approve_cancellation(case, by=director)

    communications = communicate_decision(case, by=official)
    notified = sorted(c.seccional_id for c in communications if c.kind == "to_seccional")
    assert notified == ["11", "32"]


def test_impersonation_produces_formato_1271_and_customs_users_are_told(official, director):
    registrant = make_natural(by=official, customs_qualities=["01"])
    case = _received(registrant, official, cause=Cause.IMPERSONATION)
    case = submit_for_approval(
        decide_jurisdiction(check_requirements(case, by=official, met=True), by=official),
        by=official,
    )
    approve_cancellation(case, by=director)

    assert list(case.formats.values_list("kind", flat=True)) == ["1271"]
    kinds = [c.kind for c in communicate_decision(case, by=official)]
    assert "to_customs" in kinds


def test_procedure_activity_4_forwarding_leaves_the_oficio_and_the_notice_and_a_fulfilled_term(
    official,
):
    from deadlines.models import Deadline, Rule
    from procedures.models import Communication

    registrant = make_natural(by=official, department="05", municipality="05001", address="CL 1 1")
    case = _received(registrant, official)
    case = decide_jurisdiction(check_requirements(case, by=official, met=True), by=official)

    sent = {c.kind: c for c in case.communications.all()}
    oficio = sent[Communication.Kind.FORWARDING]
    assert oficio.seccional_id == "11" and case.number in oficio.body
    notice = sent[Communication.Kind.FORWARDING_NOTICE]
    assert notice.recipient_name == case.requester_name and "remitida" in notice.body
    step = case.steps.get(kind=CaseStep.Kind.FORWARDED)
    assert sorted(step.details["communications"]) == sorted(c.pk for c in sent.values())
    term = Deadline.objects.get(case=case, rule=Rule.FORWARDING)
    assert term.state == Deadline.State.DONE
    assert term.get_state_display() != "Cancelado" and term.result.startswith("Cumplido")
