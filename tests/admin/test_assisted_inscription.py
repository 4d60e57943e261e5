"""'Nueva inscripción asistida': the whole Formulario 001 filled at the desk for each kind of
inscrito, its art. 10 checklist on the case, and the formalisation with a definitive or a
provisional NIT (Decreto 2460 de 2013, art. 6, 9 and 10)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from procedures.models import Case, CaseType, Cause, Channel, Mode, RequesterKind
from procedures.services import requirements
from procedures.services.intake import (
    CaseRequest,
    check_requirements,
    decide_jurisdiction,
    receive_case,
)
from procedures.services.processing import grant_case
from registry.models import AuditEntry, FormVersion, Registrant
from registry.validation import data_from_json
from tests.admin.conftest import client_for, registrant_in
from tests.clock import TODAY

pytestmark = pytest.mark.django_db

PAGE = "admin:procedures_case_inscription"
SECTIONS = ("activities", "representatives", "partners", "establishments")


def _form(rows: dict[str, list[dict[str, Any]]] | None = None, **fields: Any) -> dict[str, Any]:
    """The page's POST: the record's fields and the rows of each repeated part."""
    data: dict[str, Any] = {
        "country": "CO",
        "department": "11",
        "municipality": "11001",
        "address": "cl 72 10 34",
        "requester_name": "Quien presenta",
        **fields,
    }
    rows = rows or {}
    for section in SECTIONS:
        filled = rows.get(section, [])
        data[f"{section}-TOTAL_FORMS"] = str(len(filled))
        data[f"{section}-INITIAL_FORMS"] = "0"
        for index, row in enumerate(filled):
            for name, value in row.items():
                data[f"{section}-{index}-{name}"] = value
    return data


def _action(case: Case, key: str) -> str:
    return reverse("admin:procedures_case_action", args=[case.pk, key])


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _walk_to_formalisation(client: Client, case: Case) -> Any:
    """Check every pending document of the kind's checklist on the page, accept the
    requirements, take the case and decide it: the formalisation."""
    for item in requirements.checklist(case):
        if item.status == "pending":
            response = client.post(
                _action(case, "requisito-documental"),
                {"code": item.rule.code, "met": "1", "document_date": TODAY.isoformat()},
            )
            assert response.status_code == 302, response.content.decode()[:3000]
    for key in ("requisitos", "competencia"):
        assert client.post(_action(case, key), {"reason": ""}).status_code == 302
    return client.post(_action(case, "conceder"), {"reason": ""}, follow=True)


ACTIVITY = {"code": "4711", "role": "principal", "started_on": "2026-11-01"}
LEGAL_REP = {
    "role": "legal_rep",
    "document_type": "13",
    "document_number": "52111222",
    "name": "luz marina rojas",
}

KINDS: dict[str, tuple[dict[str, Any], dict[str, list[dict[str, Any]]], set[str], str]] = {
    # kind: (fields, rows, the checklist the official verifies, the state it ends in)
    "persona natural": (
        {
            "kind": "PN",
            "document_type": "13",
            "document_number": "52999888",
            "document_issue_date": "2001-03-10",
            "document_issue_place": "11001",
            "first_surname": "rodríguez",
            "first_name": "ana",
            "birth_date": "1983-02-01",
            "birth_place": "05001",
            "email": "ana@example.co",
            "responsibilities": ["05"],
        },
        {"activities": [ACTIVITY]},
        {"applicant_id"},
        Registrant.State.ACTIVE,
    ),
    "sociedad por acciones simplificada": (
        {
            "kind": "PJ",
            "business_name": "Tostadora del Macizo S.A.S.",
            "email": "gerencia@tostadora.co",
            "responsibilities": ["05", "48"],
        },
        {
            "activities": [ACTIVITY],
            "representatives": [LEGAL_REP],
            "partners": [
                {
                    "document_type": "13",
                    "document_number": "52111222",
                    "name": "Luz Marina Rojas",
                    "nationality": "CO",
                    "share_percentage": "60",
                },
                {
                    "document_type": "13",
                    "document_number": "79555444",
                    "name": "Pedro Díaz",
                    "nationality": "CO",
                    "share_percentage": "40",
                },
            ],
            "establishments": [
                {
                    "name": "Tostadora centro",
                    "department": "11",
                    "municipality": "11001",
                    "address": "cr 7 12 30",
                    "activity": "4711",
                }
            ],
        },
        {"legal_rep_id", "existence_certificate"},
        Registrant.State.PROVISIONAL,
    ),
    "consorcio": (
        {
            "kind": "CONS",
            "business_name": "Consorcio Vías del Sumapaz",
            "email": "consorcio@vias.co",
            "responsibilities": ["05"],
        },
        {
            "activities": [{"code": "4210", "role": "principal"}],
            "representatives": [LEGAL_REP],
            "partners": [
                {
                    "document_type": "31",
                    "document_number": "900123456",
                    "name": "Constructora Uno S.A.S.",
                    "nationality": "CO",
                    "share_percentage": "50",
                },
                {
                    "document_type": "31",
                    "document_number": "900654321",
                    "name": "Constructora Dos S.A.S.",
                    "nationality": "CO",
                    "share_percentage": "50",
                },
            ],
        },
        {
            "legal_rep_id",
            "bank_certificate_consortium",
            "consortium_constitution",
            "award_act",
        },
        Registrant.State.ACTIVE,
    ),
    "sucesión ilíquida": (
        {
            "kind": "SI",
            "document_type": "13",
            "document_number": "17333222",
            "first_surname": "Vargas",
            "first_name": "Ernesto",
            "email": "albacea@example.co",
        },
        {
            "representatives": [
                {
                    "role": "legal_rep",
                    "document_type": "13",
                    "document_number": "52444333",
                    "name": "Clara Vargas",
                }
            ]
        },
        {"legal_rep_id", "deceased_id", "death_certificate", "heirs_appointment"},
        Registrant.State.ACTIVE,
    ),
    "inversionista extranjero no residente": (
        {
            "kind": "IEN",
            "document_type": "41",
            "document_number": "X1234567",
            "first_surname": "Smith",
            "first_name": "John",
            "foreign_tax_number": "123-45-6789",
            "country": "US",
            "department": "",
            "municipality": "",
            "address": "",
            "email": "john@example.com",
        },
        {
            "representatives": [
                {
                    "role": "attorney",
                    "document_type": "13",
                    "document_number": "80111222",
                    "name": "Andrés Apoderado",
                }
            ]
        },
        {"investor_id", "apostilled_power", "attorney_id"},
        Registrant.State.ACTIVE,
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_an_official_inscribes_each_kind_at_the_desk_with_its_checklist(official, kind) -> None:
    fields, rows, checklist, state = KINDS[kind]
    client = client_for(official)
    assert client.get(reverse(PAGE)).status_code == 200

    response = client.post(reverse(PAGE), _form(rows, **fields))

    assert response.status_code == 302, response.content.decode()[:4000]
    case = Case.objects.get()
    assert (case.case_type, case.mode, case.seccional_id) == (
        CaseType.REGISTRATION,
        Mode.ASSISTED,
        "32",
    )
    registrant = case.registrant
    assert registrant is not None and registrant.state == Registrant.State.PRE_REGISTERED
    pending = {i.rule.code for i in requirements.checklist(case) if i.status == "pending"}
    assert pending == checklist
    for section, filled in rows.items():
        assert getattr(registrant, section).count() == len(filled)

    decided = _walk_to_formalisation(client, case)

    registrant.refresh_from_db()
    assert registrant.state == state
    assert registrant.nit
    assert _messages(decided)[-1].startswith("Inscripción formalizada con el NIT")
    concepts = list(registrant.form_versions.order_by("version").values_list("concept", flat=True))
    assert concepts[0] == FormVersion.Concept.PRE_REGISTRATION
    bases = dict(
        AuditEntry.objects.filter(registrant=registrant).values_list("action", "legal_basis")
    )
    assert bases["pre_register"] == "Decreto 2460 de 2013, art. 6"
    formalised = "issue_provisional_nit" if state == Registrant.State.PROVISIONAL else "formalize"
    assert bases[formalised] == "Decreto 2460 de 2013, art. 8 y 10"


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_same_inscription_through_the_services_ends_in_the_same_state(official, kind) -> None:
    """The services the page calls, without the page: receive, checklist, jurisdiction, grant."""
    fields, rows, checklist, state = KINDS[kind]
    values = {**_form(**fields), **rows}
    data = data_from_json(
        {k: v for k, v in values.items() if "-" not in k and k != "requester_name"}
    )
    case = receive_case(
        CaseRequest(
            case_type=CaseType.REGISTRATION,
            channel=Channel.IN_PERSON,
            cause=Cause.INSCRITO_REQUEST,
            requester_kind=RequesterKind.USER,
            requester_name="Quien presenta",
            mode=Mode.ASSISTED,
            data=data,
        ),
        by=official,
    )
    for code in checklist:
        requirements.record_requirement(case, by=official, code=code, met=True, document_date=TODAY)
    case = check_requirements(case, by=official, met=True)
    case = decide_jurisdiction(case, by=official)

    case = grant_case(case, by=official)

    assert case.registrant is not None
    case.registrant.refresh_from_db()
    assert case.registrant.state == state


def test_the_record_keeps_what_the_form_said_in_capitals_with_its_places(official) -> None:
    fields, rows, _checklist, _state = KINDS["persona natural"]

    client_for(official).post(reverse(PAGE), _form(rows, **fields))

    person = Registrant.objects.get()
    assert (person.first_surname, person.first_name, person.address) == (
        "RODRÍGUEZ",
        "ANA",
        "CL 72 10 34",
    )
    assert (person.document_issue_place_id, person.birth_place_id) == ("11001", "05001")
    assert person.activities.get().activity_id == "4711"


def test_a_consortium_without_its_bank_certificate_is_not_formalised(official) -> None:
    fields, rows, _checklist, _state = KINDS["consorcio"]
    client = client_for(official)
    client.post(reverse(PAGE), _form(rows, **fields))
    case = Case.objects.get()

    response = client.post(
        _action(case, "requisito-documental"),
        {"code": "bank_certificate_consortium", "met": "1", "document_date": "2026-09-01"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["document_date"] == [
        "Constancia de titularidad de cuenta corriente o de ahorros activa (puede ser de un "
        "miembro) tiene fecha 01/09/2026: supera el mes de antigüedad permitido."
    ]
    assert not case.requirement_checks.exists()


def test_formalising_before_the_checklist_is_complete_is_refused(official) -> None:
    fields, rows, _checklist, _state = KINDS["sociedad por acciones simplificada"]
    client = client_for(official)
    client.post(reverse(PAGE), _form(rows, **fields))
    case = Case.objects.get()
    for key in ("requisitos", "competencia"):
        client.post(_action(case, key), {"reason": ""})

    response = client.post(_action(case, "conceder"), {"reason": ""}, follow=True)

    assert _messages(response)[-1] == (
        "No se puede formalizar: faltan requisitos documentales: Documento de identidad del "
        "representante legal (con exhibición del original); Certificado de existencia y "
        "representación legal."
    )
    registrant = Registrant.objects.get()
    assert (registrant.state, registrant.nit) == (Registrant.State.PRE_REGISTERED, None)


def test_bad_input_is_answered_field_by_field_in_spanish_and_nothing_is_written(official) -> None:
    response = client_for(official).post(
        reverse(PAGE),
        _form(
            {
                "activities": [{"code": "0000", "role": "principal"}],
                "establishments": [
                    {
                        "name": "Sede",
                        "department": "05",
                        "municipality": "11001",
                        "address": "cl 1 1 1",
                    }
                ],
            },
            kind="PN",
            document_type="13",
            document_number="52999888",
            first_name="Ana",
            birth_place="99999",
            email="ana@example.co",
        ),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["first_surname"] == ["Indique el primer apellido."]
    assert form.errors["birth_place"] == ["El municipio «99999» no existe en la DIVIPOLA."]
    sections = {s.name: s.errors for s in response.context["sections"]}
    assert sections["activities"] == ["La actividad CIIU «0000» no existe."]
    assert sections["establishments"] == [
        "El municipio del establecimiento «SEDE» no pertenece a su departamento."
    ]
    assert _messages(response) == [
        "La inscripción no se radicó: corrija los datos señalados en el formulario."
    ]
    assert not Registrant.objects.exists() and not Case.objects.exists()


def test_a_malformed_row_is_refused_by_the_form_before_the_registry(official) -> None:
    response = client_for(official).post(
        reverse(PAGE),
        _form(
            {"partners": [{"document_type": "13", "name": "Sin documento", "nationality": "CO"}]},
            kind="PJ",
            business_name="Otra S.A.S.",
            email="otra@example.co",
        ),
    )

    assert response.status_code == 200
    partners = next(s for s in response.context["sections"] if s.name == "partners")
    assert partners.formset.errors[0] == {"document_number": ["Este campo es requerido."]}
    assert not Registrant.objects.exists()


def test_a_second_inscription_of_the_same_document_names_the_existing_nit(official) -> None:
    existing = registrant_in("32")
    fields, rows, _checklist, _state = KINDS["persona natural"]

    response = client_for(official).post(
        reverse(PAGE), _form(rows, **{**fields, "document_number": existing.document_number})
    )

    assert response.status_code == 200
    assert response.context["form"].errors["document_number"] == [
        f"Ya está inscrito con el NIT {existing.formatted_nit} ({existing.display_name}); no se "
        "asigna otro NIT."
    ]
    assert Registrant.objects.count() == 1 and not Case.objects.exists()


def test_an_inscription_case_of_another_seccional_is_refused_with_the_reason(
    official, official_of_other_seccional
) -> None:
    fields, rows, _checklist, _state = KINDS["persona natural"]
    client_for(official).post(reverse(PAGE), _form(rows, **fields))
    case = Case.objects.get()

    response = client_for(official_of_other_seccional).post(
        _action(case, "requisito-documental"), {"code": "applicant_id", "met": "1"}
    )

    assert response.status_code == 403
    assert (
        f"El trámite {case.number} pertenece a la Dirección Seccional de Impuestos de Bogotá"
        in response.content.decode()
    )
    assert not case.requirement_checks.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("official", 200), ("director", 200), ("central", 200), ("superuser", 200), ("citizen", 302)],
)
def test_officials_of_every_role_open_the_assisted_inscription(request, role, status) -> None:
    response = client_for(request.getfixturevalue(role)).get(reverse(PAGE))

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("admin:login"))
    else:
        assert "Formulario 001" in response.content.decode()
