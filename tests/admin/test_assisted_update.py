"""The assisted actualización at the desk (Decreto 2460 de 2013, art. 13): received with its fact
date, then any part of the record changed on the case page, identification data and customs
qualities included, with the Formato 1767 or the inscrito's signed request as its support."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from deadlines.rules import update_due_on
from procedures.models import Case, CaseDocument
from registry.models import AuditEntry, FormVersion, Registrant
from registry.services.updates import update_registrant
from registry.validation import data_from_registrant
from rut_portal.errors import NotAllowed
from tests.admin.conftest import OWN, client_for, registrant_in
from tests.factories import make_legal

pytestmark = pytest.mark.django_db

ADD = reverse("admin:procedures_case_add")


def _action(case: Case, key: str) -> str:
    return reverse("admin:procedures_case_action", args=[case.pk, key])


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _signed_request() -> SimpleUploadedFile:
    content = b"%PDF-1.4\n% solicitud firmada\n"
    return SimpleUploadedFile("solicitud.pdf", content, "application/pdf")


def _receive_update(client: Any, registrant: Registrant, **overrides: Any) -> Case:
    """'Recibir un trámite' → Actualización, as the desk receives the inscrito in person."""
    response = client.post(
        ADD,
        {
            "case_type": "update",
            "mode": "assisted",
            "channel": "in_person",
            "cause": "inscrito_request",
            "registrant_nit": registrant.formatted_nit,
            "requester_kind": "user",
            "requester_name": registrant.display_name,
            "fact_date": "2026-11-10",
            **overrides,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return Case.objects.get(registrant=registrant)


def _in_process(client: Any, case: Case, checklist: str = "applicant_id") -> None:
    for key, data in (
        ("requisito-documental", {"code": checklist, "met": "1"}),
        ("requisitos", {"reason": ""}),
        ("competencia", {}),
    ):
        assert client.post(_action(case, key), data).status_code == 302


def _update_form(client: Any, case: Case) -> dict[str, Any]:
    """The Formato 1767 page's form as the browser would send it back untouched."""
    form = client.get(_action(case, "actualizar")).context["form"]
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        data[name] = value
    return data


def test_the_desk_receives_an_update_with_its_fact_date_and_the_record_as_it_is(
    official,
) -> None:
    person = registrant_in(OWN)

    case = _receive_update(client_for(official), person)

    assert case.fact_date == date(2026, 11, 10)
    assert update_due_on(case.fact_date) >= date(2026, 12, 10)
    assert case.payload["data"]["first_surname"] == person.first_surname
    assert case.payload["base_revision"] == person.revision


def test_a_fact_older_than_a_month_shows_the_update_as_late_on_the_case_page(official) -> None:
    """Art. 13: the RUT is updated within the month after the fact (update_due_on)."""
    client = client_for(official)
    on_time = _receive_update(client, registrant_in(OWN))
    late = _receive_update(client, registrant_in(OWN), fact_date="2026-09-01")

    pages = [
        client.get(reverse("admin:procedures_case_change", args=[case.pk])).content.decode()
        for case in (on_time, late)
    ]

    assert "Presentada a tiempo" in pages[0] and "fuera de término" not in pages[0]
    assert "Presentada fuera de término" in pages[1]


def test_a_surname_and_document_issue_date_change_with_the_signed_request(official) -> None:
    person = registrant_in(OWN)
    client = client_for(official)
    case = _receive_update(client, person)
    _in_process(client, case)
    form = _update_form(client, case)
    assert (form["first_surname"], form["document_issue_date"]) == ("PÉREZ", "2000-01-15")

    response = client.post(
        _action(case, "actualizar"),
        {
            **form,
            "first_surname": "pérez de la hoz",
            "document_issue_date": "2000-02-15",
            "support": "signed_request",
            "support_document": _signed_request(),
            "facts": "Corrección del apellido según la cédula.",
            "evidence": "",
            "authorized_by": "Jefe GIT Registro",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    person.refresh_from_db()
    assert (person.first_surname, person.document_issue_date) == (
        "PÉREZ DE LA HOZ",
        date(2000, 2, 15),
    )
    assert person.form_versions.latest("version").concept == FormVersion.Concept.UPDATE
    entry = AuditEntry.objects.filter(registrant=person, action="update").get()
    assert entry.legal_basis == "Decreto 2460 de 2013, art. 13"
    assert entry.actor == official and entry.case_number == case.number
    assert entry.changes["first_surname"] == ["PÉREZ", "PÉREZ DE LA HOZ"]
    assert entry.changes["document_issue_date"] == ["2000-01-15", "2000-02-15"]
    support = case.documents.get()
    assert (support.kind, support.description) == (
        CaseDocument.Kind.OTHER,
        "Solicitud firmada del inscrito",
    )
    form_1767 = case.formats.get()
    evidence = form_1767.content["evidence"]
    assert evidence == "Solicitud firmada del inscrito (soporte solicitud.pdf)."

    granted = client.post(_action(case, "conceder"), {"reason": ""})

    assert granted.status_code == 302
    case.refresh_from_db()
    assert case.decision == "granted"
    assert AuditEntry.objects.filter(registrant=person, action="update").count() == 1


def test_a_razon_social_and_customs_qualities_change_at_the_desk(official) -> None:
    company = make_legal(department="11", municipality="11001")
    client = client_for(official)
    case = _receive_update(client, company)
    _in_process(client, case, checklist="legal_rep_id")
    form = _update_form(client, case)
    assert "first_surname" not in form  # a legal entity has no names

    response = client.post(
        _action(case, "actualizar"),
        {
            **form,
            "business_name": "Comercializadora Andina del Sur S.A.S.",
            "customs_qualities": ["22"],
            "facts": "Reforma estatutaria: cambio de razón social; agente de carga.",
            "evidence": "Escritura pública 1234 de 2026.",
            "authorized_by": "Jefe GIT Registro",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    company.refresh_from_db()
    assert company.business_name == "COMERCIALIZADORA ANDINA DEL SUR S.A.S."
    assert list(company.customs_qualities.values_list("code", flat=True)) == ["22"]
    assert case.formats.get().kind == "1767"


def test_the_signed_request_needs_its_file_and_the_1767_its_evidence(official) -> None:
    person = registrant_in(OWN)
    client = client_for(official)
    case = _receive_update(client, person)
    _in_process(client, case)
    form = _update_form(client, case)

    without_file = client.post(
        _action(case, "actualizar"),
        {**form, "first_surname": "Otro", "support": "signed_request", "facts": "x"},
    )
    without_evidence = client.post(
        _action(case, "actualizar"),
        {**form, "first_surname": "Otro", "support": "format_1767", "facts": "x"},
    )

    assert without_file.context["form"].errors["support_document"] == [
        "Adjunte la solicitud firmada por el inscrito."
    ]
    assert without_evidence.context["form"].errors["evidence"] == [
        "Indique las pruebas de la actuación."
    ]
    person.refresh_from_db()
    assert person.first_surname == "PÉREZ" and not case.formats.exists()


def test_a_blank_surname_and_a_new_cedula_number_are_refused_by_field(official) -> None:
    person = registrant_in(OWN)
    client = client_for(official)
    case = _receive_update(client, person)
    _in_process(client, case)
    form = {
        **_update_form(client, case),
        "facts": "x",
        "evidence": "y",
        "authorized_by": "z",
    }

    blank = client.post(_action(case, "actualizar"), {**form, "first_surname": ""})
    new_number = client.post(_action(case, "actualizar"), {**form, "document_number": "1234"})

    assert blank.context["form"].errors["first_surname"] == ["Este campo es requerido."]
    assert new_number.context["form"].errors["document_number"] == [
        "El número de documento es el NIT: no se puede cambiar por actualización."
    ]
    before = person.revision
    person.refresh_from_db()
    assert person.revision == before and not case.formats.exists()


def test_an_update_case_of_another_seccional_is_refused_with_the_reason(
    official, official_of_other_seccional
) -> None:
    person = registrant_in(OWN)
    client = client_for(official)
    case = _receive_update(client, person)
    _in_process(client, case)
    form = _update_form(client, case)

    response = client_for(official_of_other_seccional).post(
        _action(case, "actualizar"),
        {**form, "first_surname": "Otro", "facts": "x", "evidence": "y", "authorized_by": "z"},
    )

    assert response.status_code == 403
    assert f"El trámite {case.number} pertenece a la" in response.content.decode()
    person.refresh_from_db()
    assert person.first_surname == "PÉREZ"


def test_the_citizen_side_still_refuses_identification_and_customs_changes(official) -> None:
    """Art. 13: only in person. A self-service update (assisted=False) is refused."""
    person = registrant_in(OWN)
    renamed = data_from_registrant(person)
    renamed.first_surname = "OTRO"
    customs = data_from_registrant(person)
    customs.customs_qualities = ["22"]

    for data in (renamed, customs):
        with pytest.raises(NotAllowed):
            update_registrant(
                person, by=None, data=data, expected_revision=person.revision, assisted=False
            )

    person.refresh_from_db()
    assert person.first_surname == "PÉREZ"
    assert not person.customs_qualities.exists()


def test_a_self_service_update_refuses_customs_qualities_with_the_article() -> None:
    person = registrant_in(OWN)
    data = data_from_registrant(person)
    data.customs_qualities = ["22"]

    with pytest.raises(NotAllowed) as error:
        update_registrant(
            person, by=None, data=data, expected_revision=person.revision, assisted=False
        )

    assert error.value.message == (
        "Las calidades de usuario aduanero solo se agregan o retiran con la asistencia de un "
        "funcionario (Decreto 2460 de 2013, art. 13); solicite una cita."
    )
