"""Cases and records in every state, reached through the real services, and PDF helpers."""

from __future__ import annotations

import io
import subprocess
from datetime import date
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from procedures.models import Case, CaseDocument, CaseType, Cause, Channel, RequesterKind
from procedures.services.communications import communicate_decision
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
    record_update,
    submit_for_approval,
)
from registry.models import FormVersion
from registry.validation import data_from_registrant
from tests.factories import judicial_cancellation_request, legal_data, make_natural, pdf_upload


def pdf_text(document: Any) -> str:
    """The text pypdf extracts from a stored document's file, whitespace collapsed.

    Collapsing makes a label that wraps inside its casilla ("100. Tipo de / documento") match.
    """
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def page_1_png(document: Any, tmp_path: Any) -> Image.Image:
    """Page 1 rasterised by poppler's pdftoppm at 50 dpi."""
    target = tmp_path / f"page-{document.code}"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            document.file.path,
            str(target),
        ],
        check=True,
    )
    return Image.open(f"{target}.png").convert("L")


def ink_ratio(image: Image.Image) -> float:
    """Share of pixels that are not white: 0 for a blank page."""
    histogram = image.histogram()
    return 1 - sum(histogram[240:]) / (image.width * image.height)


def _to_process(case: Case, by: Any) -> Case:
    return decide_jurisdiction(check_requirements(case, by=by, met=True), by=by)


@pytest.fixture
def judicial_cancellation(official: Any, director: Any) -> Case:
    """A judicial cancellation walked to the end: 1767 recorded, approved (1529), communicated."""
    registrant = make_natural(by=official, email="inscrito@example.co", customs_qualities=["01"])
    case = receive_case(judicial_cancellation_request(registrant), by=official)
    attach_document(case, kind=CaseDocument.Kind.JUDICIAL_ORDER, file=pdf_upload(), by=official)
    case = _to_process(case, official)
    data = data_from_registrant(registrant)
    data.address = "CL 100 15 20"
    record_update(
        case,
        by=official,
        data=data,
        expected_revision=registrant.revision,
        facts="Dirección desactualizada según la orden judicial.",
        evidence="Copia de la sentencia 2026-00123.",
        authorized_by="Jefe GIT Registro Único Tributario",
    )
    case = submit_for_approval(case, by=official)
    case = approve_cancellation(case, by=director)
    communicate_decision(case, by=official)
    case.refresh_from_db()
    return case


@pytest.fixture
def special_cancellation(official: Any, director: Any) -> Case:
    """An ex officio cancellation for impersonation: a special situation with Formato 1271."""
    registrant = make_natural(by=official)
    case = receive_case(
        CaseRequest(
            case_type=CaseType.CANCELLATION_EX_OFFICIO,
            channel=Channel.INTERNAL,
            cause=Cause.IMPERSONATION,
            requester_kind=RequesterKind.DIAN_AREA,
            requester_name="GIT Fiscalización",
            registrant=registrant,
            act_number="Auto 45",
            act_date=date(2026, 10, 1),
            act_issuer="Fiscalía 20 Seccional",
            act_is_final=True,
        ),
        by=official,
    )
    attach_document(case, kind=CaseDocument.Kind.ACT, file=pdf_upload(), by=official)
    case = submit_for_approval(_to_process(case, official), by=official)
    return approve_cancellation(case, by=director)


@pytest.fixture
def rejected_case(official: Any) -> Case:
    registrant = make_natural(by=official)
    case = receive_case(judicial_cancellation_request(registrant, act_is_final=False), by=official)
    case = check_requirements(
        case, by=official, met=False, reason="No llegó la orden ejecutoriada."
    )
    communicate_decision(case, by=official)
    return case


@pytest.fixture
def reactivation_case(official: Any, director: Any) -> Case:
    person = make_natural(by=official)
    cancellation = receive_case(
        CaseRequest(
            case_type=CaseType.CANCELLATION_ON_REQUEST,
            channel=Channel.IN_PERSON,
            cause=Cause.FOREIGN_INVESTMENT_ENDED,
            requester_kind=RequesterKind.USER,
            requester_name="El inscrito",
            registrant=person,
        ),
        by=official,
    )
    approve_cancellation(
        submit_for_approval(_to_process(cancellation, official), by=official), by=director
    )
    reactivation = receive_case(
        CaseRequest(
            case_type=CaseType.REACTIVATION,
            channel=Channel.IN_PERSON,
            cause=Cause.INSCRITO_REQUEST,
            requester_kind=RequesterKind.USER,
            requester_name="El inscrito",
            registrant=person,
        ),
        by=official,
    )
    attach_document(
        reactivation,
        kind=CaseDocument.Kind.REGISTRATION_DOCUMENTS,
        file=pdf_upload("cedula.pdf"),
        by=official,
    )
    reactivation = grant_case(_to_process(reactivation, official), by=official)
    communicate_decision(reactivation, by=official)
    return reactivation


@pytest.fixture
def full_legal_version(official: Any) -> FormVersion:
    """A sociedad with representation, partners, accountant and an establishment (hojas 1-6)."""
    from decimal import Decimal

    from registry.services.registration import register_registrant
    from registry.validation import EstablishmentData, PartnerData, RepresentativeData

    data = legal_data(
        representatives=[
            RepresentativeData(
                role="legal_rep",
                document_type="13",
                document_number="43000001",
                name="LUZ MARINA ROJAS",
                since=date(2024, 3, 1),
            ),
            RepresentativeData(
                role="accountant",
                document_type="13",
                document_number="71000002",
                name="ADRIANA ROJAS",
                professional_card="247201-T",
            ),
        ],
        partners=[
            PartnerData(
                document_type="13",
                document_number="80000001",
                name="SOCIO UNO",
                share_percentage=Decimal("33.333"),
                since=date(2024, 3, 1),
            ),
            PartnerData(
                document_type="31",
                document_number="900373913",
                name="SOCIA S.A.S.",
                share_percentage=Decimal("66.5"),
                nationality="FR",
            ),
        ],
        establishments=[
            EstablishmentData(
                name="SEDE NORTE",
                department="05",
                municipality="05001",
                address="CL 10 20 30",
                kind_code="02",
                opened_on=date(2024, 4, 2),
            ),
        ],
    )
    registrant = register_registrant(data, by=official, bank_certificate_date=date.today())
    return registrant.form_versions.latest("version")
