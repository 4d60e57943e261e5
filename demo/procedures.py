"""Demo cases at every stage of the procedure, built with the same services officials use."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from procedures.models import Case, CaseDocument, CaseType, Cause, Channel, RequesterKind
from procedures.services import assignment, communications, intake, petitions, processing
from procedures.services.intake import CaseRequest
from registry.models import Registrant, RegistrantKind

DEMO_FACTS = "Caso de demostración."


def _act_pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% documento de demostracion\n", "application/pdf")


def _active(seccional: str, skip: int) -> Registrant:
    return Registrant.objects.filter(
        seccional_id=seccional, state=Registrant.State.ACTIVE
    ).order_by("pk")[skip]


def _active_of_kind(seccional: str, kind: str) -> Registrant:
    return Registrant.objects.filter(
        seccional_id=seccional, state=Registrant.State.ACTIVE, kind=kind
    ).order_by("pk")[0]


def _judicial(registrant: Registrant, number: str) -> CaseRequest:
    return CaseRequest(
        case_type=CaseType.CANCELLATION_EX_OFFICIO,
        channel=Channel.OFFICIAL_MAIL,
        cause=Cause.AUTHORITY_ORDER,
        requester_kind=RequesterKind.JUDICIAL_AUTHORITY,
        requester_name="Juzgado 12 Civil del Circuito de Bogotá",
        requester_email="j12cctobta@example.com",
        registrant=registrant,
        act_number=number,
        act_date=timezone.localdate() - timedelta(days=10),
        act_issuer="Juzgado 12 Civil del Circuito de Bogotá",
        act_is_final=True,
        facts=DEMO_FACTS,
    )


def _to_process(case: Case, by: User) -> Case:
    case = intake.check_requirements(case, by=by, met=True)
    return intake.decide_jurisdiction(case, by=by)


@transaction.atomic
def load_demo_cases() -> int:
    """Create the demo cases unless they exist; returns how many were created."""
    if Case.objects.filter(facts=DEMO_FACTS).exists():
        return 0
    official = User.objects.get(username="funcionario.bogota")
    before = Case.objects.count()

    # A judicial order just received: unassigned, due today, first in the queue.
    received = intake.receive_case(_judicial(_active("32", 0), "Sentencia 2026-00412"), by=official)
    intake.attach_document(
        received, kind=CaseDocument.Kind.JUDICIAL_ORDER, file=_act_pdf("sentencia.pdf"), by=official
    )

    # An ex officio cancellation taken by the official and in process.
    in_process = intake.receive_case(_judicial(_active("32", 1), "Auto 2026-0077"), by=official)
    intake.attach_document(
        in_process, kind=CaseDocument.Kind.JUDICIAL_ORDER, file=_act_pdf("auto.pdf"), by=official
    )
    assignment.take_case(in_process, by=official)
    _to_process(in_process, official)

    # A cancellation on request waiting for the director's approval: a settled estate.
    waiting = intake.receive_case(
        CaseRequest(
            case_type=CaseType.CANCELLATION_ON_REQUEST,
            channel=Channel.IN_PERSON,
            cause=Cause.ESTATE_SETTLED,
            requester_kind=RequesterKind.USER,
            requester_name="Albacea de la sucesión",
            registrant=_active_of_kind("32", RegistrantKind.ESTATE),
            facts=DEMO_FACTS,
        ),
        by=official,
    )
    processing.submit_for_approval(_to_process(waiting, official), by=official)

    # A reactivation decided and communicated.
    reactivation_target = (
        Registrant.objects.filter(seccional_id="32", state=Registrant.State.CANCELLED)
        .order_by("pk")
        .first()
    )
    if reactivation_target is not None:
        reactivation = intake.receive_case(
            CaseRequest(
                case_type=CaseType.REACTIVATION,
                channel=Channel.INTERNAL,
                cause=Cause.DIAN_AREA_REQUEST,
                requester_kind=RequesterKind.DIAN_AREA,
                requester_name="División de Gestión de Fiscalización",
                facts=DEMO_FACTS,
                registrant=reactivation_target,
            ),
            by=official,
        )
        intake.attach_document(
            reactivation,
            kind=CaseDocument.Kind.MOTIVATED_REQUEST,
            file=_act_pdf("solicitud.pdf"),
            by=official,
        )
        reactivation = processing.grant_case(_to_process(reactivation, official), by=official)
        communications.communicate_decision(reactivation, by=official)

    # A request rejected for requirements, and an overdue suspension.
    rejected = intake.receive_case(_judicial(_active("32", 3), "Oficio 2026-1180"), by=official)
    intake.check_requirements(
        rejected, by=official, met=False, reason="No se adjuntó copia de la orden ejecutoriada."
    )
    overdue = intake.receive_case(
        CaseRequest(
            case_type=CaseType.SUSPENSION,
            channel=Channel.OFFICIAL_MAIL,
            cause=Cause.AUTHORITY_ORDER,
            requester_kind=RequesterKind.ADMINISTRATIVE_AUTHORITY,
            requester_name="Superintendencia de Sociedades",
            act_number="Resolución 300-0456",
            act_date=timezone.localdate() - timedelta(days=12),
            act_is_final=True,
            registrant=_active("32", 4),
            facts=DEMO_FACTS,
        ),
        by=official,
    )
    # The demo cannot wait for a term to pass: it dates this one's arrival back (timestamps only).
    Case.objects.filter(pk=overdue.pk).update(
        received_at=timezone.now() - timedelta(days=7),
        due_on=timezone.localdate() - timedelta(days=5),
    )

    # A cancellation received in Bogotá for an inscrito of Medellín: forwarded there.
    forwarded = intake.receive_case(
        _judicial(_active("11", 0), "Sentencia 2026-00990"), by=official
    )
    intake.attach_document(
        forwarded,
        kind=CaseDocument.Kind.JUDICIAL_ORDER,
        file=_act_pdf("sentencia-medellin.pdf"),
        by=official,
    )
    _to_process(forwarded, official)

    # A reactivation requested by email: an unauthorised channel, so a PQSRD petition.
    petitions.receive_request(
        CaseRequest(
            case_type=CaseType.REACTIVATION,
            channel=Channel.EMAIL,
            cause=Cause.INSCRITO_REQUEST,
            requester_kind=RequesterKind.USER,
            requester_name="Inscrito por correo",
            requester_email="inscrito@example.com",
            registrant=_active("32", 5),
            facts=DEMO_FACTS,
        ),
        by=official,
    )
    return Case.objects.count() - before
