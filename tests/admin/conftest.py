"""Cases in every state the admin acts on, reached through the real services (by=None: the
system actor, so the set-up itself needs no scope), and logged-in clients for each role."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts.models import Role
from accounts.services import create_official
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
    approve_denial,
    grant_case,
    propose_denial,
    submit_for_approval,
)
from procedures.services.requirements import record_requirement
from registry.models import Registrant
from registry.validation import data_from_registrant
from tests.clock import TODAY
from tests.factories import judicial_cancellation_request, make_natural, natural_data, pdf_upload

OWN, OTHER = "32", "11"  # the officials' seccional (Bogotá) and another one (Medellín)


def registrant_in(seccional: str, **overrides: Any) -> Registrant:
    """An active persona natural domiciled in Bogotá (32) or Medellín (11)."""
    if seccional == OTHER:
        overrides = {"department": "05", "municipality": "05001", **overrides}
    registrant = make_natural(**overrides)
    assert registrant.seccional_id == seccional
    return registrant


def cancellation(
    registrant: Registrant,
    state: str = "received",
    *,
    preparer: User | None = None,
    **overrides: Any,
) -> Case:
    """A judicial cancelación de oficio walked up to `state` by the system."""
    case = receive_case(
        judicial_cancellation_request(registrant, **overrides),
        by=None,
        seccional=registrant.seccional_id,
    )
    attach_document(case, kind=CaseDocument.Kind.JUDICIAL_ORDER, file=pdf_upload(), by=None)
    if state != "received":
        case = check_requirements(case, by=None, met=True)
    if state in ("in_process", "awaiting_approval", "decided"):
        case = decide_jurisdiction(case, by=None)
    if state == "awaiting_approval":
        case = submit_for_approval(case, by=preparer)
    if state == "decided":
        # Four eyes both ways: the refusal of an order is approved by a director.
        case = propose_denial(case, by=None, reason="El acto no está en firme.")
        case = approve_denial(case, by=_director_of(registrant.seccional_id))
    assert case.state == state, (case.state, state)
    return case


def _director_of(seccional: str) -> User:
    username = f"decisor-{seccional}"
    existing = User.objects.filter(username=username).first()
    return existing or create_official(
        username=username, password="x", role=Role.DIRECTOR, seccional=seccional
    )


def user_update_in_process(registrant: Registrant) -> Case:
    """A retiro de IVA the inscrito filed at the desk, ready to be decided by one official."""
    case = receive_case(
        CaseRequest(
            case_type=CaseType.UPDATE,
            channel=Channel.IN_PERSON,
            cause=Cause.INSCRITO_REQUEST,
            requester_kind=RequesterKind.USER,
            requester_name=registrant.display_name,
            registrant=registrant,
            withdrawal="48",
        ),
        by=None,
        seccional=registrant.seccional_id,
    )
    case = check_requirements(case, by=None, met=True)
    return decide_jurisdiction(case, by=None)


def suspension_in_process(registrant: Registrant) -> Case:
    """A suspension ordered by an administrative authority, ready to be decided."""
    case = receive_case(
        CaseRequest(
            case_type=CaseType.SUSPENSION,
            channel=Channel.OFFICIAL_MAIL,
            cause=Cause.AUTHORITY_ORDER,
            requester_kind=RequesterKind.ADMINISTRATIVE_AUTHORITY,
            requester_name="Superintendencia de Sociedades",
            registrant=registrant,
            act_number="Resolución 300-001",
            act_date=date(2026, 11, 3),
            act_issuer="Superintendencia de Sociedades",
            act_is_final=True,
        ),
        by=None,
        seccional=registrant.seccional_id,
    )
    case = check_requirements(case, by=None, met=True)
    return decide_jurisdiction(case, by=None)


def reactivation(seccional: str, *, decide: bool = True) -> Case:
    """A cancelled inscrito's reactivation a DIAN area asked for: in process, or granted."""
    cancelled = cancellation(registrant_in(seccional), "awaiting_approval")
    approve_cancellation(cancelled, by=_director_of(seccional))
    case = receive_case(
        CaseRequest(
            case_type=CaseType.REACTIVATION,
            channel=Channel.INTERNAL,
            cause=Cause.DIAN_AREA_REQUEST,
            requester_kind=RequesterKind.DIAN_AREA,
            requester_name="División de Fiscalización",
            registrant=cancelled.registrant,
        ),
        by=None,
        seccional=seccional,
    )
    attach_document(case, kind=CaseDocument.Kind.MOTIVATED_REQUEST, file=pdf_upload(), by=None)
    case = decide_jurisdiction(check_requirements(case, by=None, met=True), by=None)
    return grant_case(case, by=None) if decide else case


def registration_post(**overrides: Any) -> dict[str, Any]:
    """The inscripción de oficio page's fields: a judge's order naming a persona natural."""
    values: dict[str, Any] = {
        "requester_kind": "judicial_authority",
        "requester_name": "Juzgado 5 Laboral de Bogotá",
        "requester_email": "j05lbta@cendoj.example.co",
        "act_number": "Auto 2026-0451",
        "act_date": (TODAY - timedelta(days=10)).isoformat(),
        "act_issuer": "Juzgado 5 Laboral del Circuito",
        "order": pdf_upload("auto.pdf"),
        "kind": "PN",
        "document_type": "13",
        "document_number": "80123457",
        "first_surname": "Quintero",
        "second_surname": "Lara",
        "first_name": "Andrés",
        "department": "11",
        "municipality": "11001",
        "address": "CL 45 13 20",
        "email": "andres.quintero@example.co",
        "phone_1": "3001112233",
        "activity": "6201",
        "activity_started_on": "2024-02-01",
        "responsibilities": ["05"],
    }
    values.update(overrides)
    return values


def update_post(registrant: Registrant, **overrides: Any) -> dict[str, Any]:
    """The actualización de oficio page's fields: a new address found by fiscalización."""
    values: dict[str, Any] = {
        "cause": Cause.DATA_OUTDATED,
        "source": "División de Fiscalización",
        "country": "CO",
        "department": registrant.department_id,
        "municipality": registrant.municipality_id,
        "address": "KR 7 32 16 OF 501",
        "email": registrant.email,
        "phone_1": registrant.phone_1,
        "responsibilities": list(registrant.responsibilities.values_list("code", flat=True)),
        "support": pdf_upload("cruce.pdf"),
        "facts": "El cruce con la información exógena muestra otra dirección.",
        "authorized_by": "Jefe de la División de Servicio al Ciudadano",
        "expected_revision": registrant.revision,
    }
    values.update(overrides)
    return values


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser("raiz", "raiz@example.co", "x")


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def case_snapshot(case: Case) -> tuple[Any, ...]:
    """What an auditor would compare to see that nothing changed."""
    fresh = Case.objects.get(pk=case.pk)
    registrant = Registrant.objects.get(pk=fresh.registrant_id)
    return (
        fresh.state,
        fresh.assigned_to_id,
        fresh.decision,
        fresh.observations,
        fresh.steps.count(),
        fresh.documents.count(),
        fresh.formats.count(),
        fresh.communications.count(),
        registrant.state,
        registrant.revision,
    )


def assisted_inscription(seccional: str, state: str = "received") -> Case:
    """A persona natural's inscription filled at the desk of `seccional`, with its checklist
    (art. 10) verified from `requirements_met` on."""
    place = {"department": "05", "municipality": "05001"} if seccional == OTHER else {}
    case = receive_case(
        CaseRequest(
            case_type=CaseType.REGISTRATION,
            channel=Channel.IN_PERSON,
            cause=Cause.INSCRITO_REQUEST,
            requester_kind=RequesterKind.USER,
            requester_name="Quien se inscribe",
            mode=Mode.ASSISTED,
            data=natural_data(**place),
        ),
        by=None,
        seccional=seccional,
    )
    if state == "received":
        return case
    official = _director_of(seccional)
    record_requirement(case, by=official, code="applicant_id", met=True)
    case = check_requirements(case, by=None, met=True)
    if state == "in_process":
        case = decide_jurisdiction(case, by=None)
    assert case.state == state, (case.state, state)
    return case


def desk_update_in_process(registrant: Registrant) -> Case:
    """An actualización the inscrito asked for in person, received with the record as it is."""
    case = receive_case(
        CaseRequest(
            case_type=CaseType.UPDATE,
            channel=Channel.IN_PERSON,
            cause=Cause.INSCRITO_REQUEST,
            requester_kind=RequesterKind.USER,
            requester_name=registrant.display_name,
            registrant=registrant,
            mode=Mode.ASSISTED,
            fact_date=date(2026, 11, 10),
            data=data_from_registrant(registrant),
        ),
        by=None,
        seccional=registrant.seccional_id,
    )
    record_requirement(
        case, by=_director_of(registrant.seccional_id), code="applicant_id", met=True
    )
    case = check_requirements(case, by=None, met=True)
    return decide_jurisdiction(case, by=None)
