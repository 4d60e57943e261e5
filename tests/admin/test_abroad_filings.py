"""Filings from abroad (Decreto 2460 de 2013, art. 9 par.): received at the desk from the PQSRD
system with the identity scan and the passport page showing the exit date, formalised as a case
marked from abroad, and, once granted, the certified RUT emailed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procedures.models import Case, Communication, Petition
from procedures.services.abroad import formalize_filing_from_abroad
from procedures.services.intake import check_requirements, decide_jurisdiction
from procedures.services.processing import grant_case
from procedures.services.requirements import record_requirement
from registry.models import AuditEntry, Registrant
from registry.services.registration import pre_register
from registry.validation import data_from_registrant
from rut_portal.errors import Conflict, NotAllowed
from tests.admin.conftest import OTHER, OWN, client_for, registrant_in
from tests.factories import natural_data

pytestmark = pytest.mark.django_db

ABROAD = reverse("admin:procedures_petition_abroad")


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode(), "application/pdf")


def _form(registrant: Registrant | None = None, **overrides: Any) -> dict[str, Any]:
    data = {
        "requested_case_type": "update",
        "requester_name": "Camila Ortiz",
        "requester_email": "camila.ortiz@example.es",
        "document_type": registrant.document_type_id if registrant else "13",
        "document_number": registrant.document_number if registrant else "52999111",
        "residence_country": "ES",
        "details": "Cambio de dirección: ahora vivo en Madrid.",
        "identity_scan": _pdf("cedula.pdf"),
        "passport_exit_page": _pdf("pasaporte.pdf"),
    }
    data.update(overrides)
    return data


def _update(registrant: Registrant, **overrides: Any) -> dict[str, Any]:
    """The location and contact data asked from abroad: Spain, no department or municipality."""
    data = {
        "country": "ES",
        "department": "",
        "municipality": "",
        "address": "CALLE MAYOR 1, MADRID",
        "email": registrant.email,
        "postal_code": "",
        "phone_1": "34911234567",
        "phone_2": "",
    }
    data.update(overrides)
    return data


def _received(official: Any, registrant: Registrant | None = None, **overrides: Any) -> Petition:
    response = client_for(official).post(ABROAD, _form(registrant, **overrides))
    assert response.status_code == 302, response.context["form"].errors
    return Petition.objects.get()


def test_the_desk_records_a_filing_from_abroad_with_its_two_attachments(
    official, django_capture_on_commit_callbacks
) -> None:
    registrant = registrant_in(OWN)

    with django_capture_on_commit_callbacks(execute=True):
        petition = _received(official, registrant)

    assert (petition.channel, petition.from_abroad, petition.requested_case_type) == (
        "pqsrd",
        True,
        "update",
    )
    assert petition.registrant == registrant and petition.seccional_id == OWN
    assert sorted(petition.attachments.values_list("kind", flat=True)) == [
        "identity_scan",
        "passport_exit_page",
    ]
    assert mail.outbox[-1].to == ["camila.ortiz@example.es"]
    assert "RUT certificado" in str(mail.outbox[-1].body)
    page = client_for(official).get(reverse("admin:procedures_petition_change", args=[petition.pk]))
    assert "Formalizar" in page.content.decode()


def test_a_filing_without_the_passport_page_or_from_colombia_is_refused_field_by_field(
    official,
) -> None:
    response = client_for(official).post(
        ABROAD, _form(passport_exit_page="", residence_country="CO")
    )

    errors = response.context["form"].errors
    assert errors["passport_exit_page"] == ["Este campo es requerido."]
    response = client_for(official).post(ABROAD, _form(residence_country="CO"))
    assert response.context["form"].errors["residence_country"] == [
        "Indique el país del exterior donde reside (código de dos letras)."
    ]
    assert not Petition.objects.exists()


def test_a_non_document_attachment_is_refused_and_nothing_is_written(official) -> None:
    fake = SimpleUploadedFile("pasaporte.pdf", b"MZ not a pdf", "application/pdf")

    response = client_for(official).post(ABROAD, _form(passport_exit_page=fake))

    assert response.status_code == 200
    assert "pasaporte.pdf" in response.context["form"].errors["passport_exit_page"][0]
    assert not Petition.objects.exists()


def test_formalised_as_an_update_it_carries_the_attachments_and_its_grant_emails_the_certified_rut(
    official, django_capture_on_commit_callbacks
) -> None:
    registrant = registrant_in(OWN, email="camila.ortiz@example.es")
    petition = _received(official, registrant)

    url = reverse("admin:procedures_petition_formalize", args=[petition.pk])
    client = client_for(official)
    form = client.get(url).context["form"]
    assert form["address"].value() == registrant.address

    response = client.post(url, _update(registrant, address="CALLE DE ALCALÁ 45, MADRID"))

    case = Case.objects.get()
    assert response["Location"] == reverse("admin:procedures_case_change", args=[case.pk])
    assert (case.case_type, case.channel, case.from_abroad) == ("update", "pqsrd", True)
    assert sorted(case.documents.values_list("kind", flat=True)) == [
        "identity_scan",
        "passport_exit_page",
    ]
    petition.refresh_from_db()
    assert (petition.state, petition.case) == (Petition.State.ANSWERED, case)
    entry = AuditEntry.objects.get(action="abroad_filing_formalized")
    assert (entry.legal_basis, entry.case_number, entry.actor) == (
        "Decreto 2460 de 2013, art. 9 par.",
        case.number,
        official,
    )

    case = decide_jurisdiction(check_requirements(case, by=official, met=True), by=official)
    record_requirement(case, by=official, code="applicant_id", met=True)
    with django_capture_on_commit_callbacks(execute=True):
        grant_case(case, by=official)

    registrant.refresh_from_db()
    assert (registrant.country, registrant.address) == ("ES", "CALLE DE ALCALÁ 45, MADRID")
    certified = Communication.objects.get(case=case, kind=Communication.Kind.CERTIFIED_RUT)
    assert certified.sent_at is not None
    assert mail.outbox[-1].to == ["camila.ortiz@example.es"]
    assert mail.outbox[-1].attachments[0][2] == "application/pdf"


def test_a_pre_inscribed_person_is_formalised_as_an_inscription(official) -> None:
    person = pre_register(natural_data(responsibilities=["49"]), by=official)
    petition = _received(official, person, requested_case_type="registration")

    case = formalize_filing_from_abroad(petition, by=official)

    assert (case.case_type, case.registrant, case.from_abroad) == ("registration", person, True)


def test_without_an_inscrito_or_a_pre_inscription_nothing_is_formalised(official) -> None:
    petition = _received(official, None, requested_case_type="registration")

    response = client_for(official).post(
        reverse("admin:procedures_petition_formalize", args=[petition.pk]), follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "No hay un RUT ni una preinscripción con el documento 52999111: registre primero la "
        "preinscripción con los datos que envió el solicitante."
    ]
    assert not Case.objects.exists()
    petition.refresh_from_db()
    assert petition.state == Petition.State.RECEIVED


def test_another_seccional_may_not_formalise_and_a_filing_is_formalised_once(
    official, official_of_other_seccional
) -> None:
    registrant = registrant_in(OWN)
    petition = _received(official, registrant)

    response = client_for(official_of_other_seccional).post(
        reverse("admin:procedures_petition_formalize", args=[petition.pk]),
        _update(registrant),
    )

    assert response.status_code == 403
    assert not Case.objects.exists()
    data = data_from_registrant(registrant)
    data.address = "RUE DE RIVOLI 10, PARIS"
    with pytest.raises(NotAllowed):
        formalize_filing_from_abroad(petition, by=official_of_other_seccional, data=data)
    formalize_filing_from_abroad(petition, by=official, data=data)
    with pytest.raises(Conflict, match="ya fue atendida"):
        formalize_filing_from_abroad(petition, by=official, data=data)
    assert Case.objects.count() == 1


def test_an_inscrito_of_another_seccional_files_to_that_seccional(official) -> None:
    petition = _received(official, registrant_in(OTHER))

    assert petition.seccional_id == OTHER
