"""Uploads are limited in size and checked by content on every channel (ASVS 12.1.1, 12.2.1):
officials 10 MB, the API 10 MB, citizens 5 MB; PDF, JPEG or PNG by their first bytes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procedures.models import CaseDocument
from procedures.services.intake import attach_document, receive_case
from rut_portal.errors import InvalidData
from tests.admin.conftest import OWN, client_for, registrant_in
from tests.factories import judicial_cancellation_request

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def _pdf(name: str = "acto.pdf", size: int = 1000) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * size, "application/pdf")


@pytest.fixture
def case(official):
    return receive_case(judicial_cancellation_request(registrant_in(OWN)), by=official)


def _upload(official, case, document) -> str:
    response = client_for(official).post(
        reverse("admin:procedures_case_action", args=[case.pk, "requisitos"]),
        {"document_kind": "judicial_order", "document": document, "reason": "Orden en firme"},
    )
    return response.content.decode()


def test_an_official_cannot_upload_more_than_ten_megabytes(official, case):
    page = _upload(official, case, _pdf(size=10 * MB + 1))

    assert "el máximo es 10 MB" in page
    assert not CaseDocument.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("programa.pdf", b"MZ\x90\x00 an executable"),
        ("pagina.pdf", b"<html><script>alert(1)</script>"),
        ("foto.png", b"%PDF-1.4 a PDF named as an image"),
    ],
)
def test_an_official_cannot_upload_what_is_not_a_pdf_or_an_image(official, case, name, content):
    page = _upload(official, case, SimpleUploadedFile(name, content, "application/pdf"))

    assert "no es un PDF ni una imagen JPG o PNG" in page
    assert not CaseDocument.objects.filter(case=case).exists()


def test_an_official_uploads_a_scanned_image(official, case):
    image = SimpleUploadedFile("acta.jpg", b"\xff\xd8\xff\xe0 scanned", "image/jpeg")

    _upload(official, case, image)

    assert CaseDocument.objects.filter(case=case).count() == 1


def test_the_service_refuses_a_file_too_large_for_every_channel(case):
    with pytest.raises(InvalidData) as refused:
        attach_document(case, kind=CaseDocument.Kind.OTHER, file=_pdf(size=10 * MB + 1), by=None)

    assert "más de 10 MB" in refused.value.errors["document"][0]
