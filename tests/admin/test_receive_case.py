"""Receiving a request in the admin (activity 1): a case, or a petition when the channel is not
authorised; the service's refusals come back next to the field they concern."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procedures.models import Case, Petition
from tests.admin.conftest import OWN, client_for, registrant_in

pytestmark = pytest.mark.django_db

ADD = reverse("admin:procedures_case_add")


def _form(registrant, **overrides: Any) -> dict[str, Any]:
    data = {
        "case_type": "cancellation_ex_officio",
        "mode": "ex_officio",
        "channel": "official_mail",
        "cause": "deceased",
        "registrant_nit": registrant.formatted_nit,
        "requester_kind": "civil_registry",
        "requester_name": "Registraduría Nacional del Estado Civil",
        "requester_email": "novedades@registraduria.example.co",
        "act_number": "Registro de defunción 0912345",
        "act_date": "2026-11-12",
        "act_issuer": "Notaría 5 de Bogotá",
        "act_is_final": "on",
        "facts": "Reporte de defunción.",
        "document_kind": "death_record",
        "document": SimpleUploadedFile("defuncion.pdf", b"%PDF-1.4 defuncion", "application/pdf"),
    }
    data.update(overrides)
    return data


def test_an_official_receives_a_cancellation_with_its_support(official) -> None:
    registrant = registrant_in(OWN)

    response = client_for(official).post(ADD, _form(registrant))

    case = Case.objects.get()
    assert response["Location"] == reverse("admin:procedures_case_change", args=[case.pk])
    assert (case.case_type, case.cause, case.seccional_id) == (
        "cancellation_ex_officio",
        "deceased",
        OWN,
    )
    assert case.registrant == registrant
    assert case.documents.get().kind == "death_record"
    assert case.steps.first().actor == official


def test_a_request_by_an_unauthorised_channel_becomes_a_petition(official) -> None:
    registrant = registrant_in(OWN)

    response = client_for(official).post(
        ADD, _form(registrant, channel="email", document="", document_kind="")
    )

    petition = Petition.objects.get()
    assert response["Location"] == reverse("admin:procedures_petition_change", args=[petition.pk])
    assert not Case.objects.exists()


def test_a_cancellation_de_oficio_requested_by_the_user_is_refused_by_the_field(official) -> None:
    registrant = registrant_in(OWN)

    response = client_for(official).post(
        ADD, _form(registrant, requester_kind="user", requester_name="Hijo del causante")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["requester_kind"] == [
        "Una cancelación de oficio no se tramita a solicitud del usuario aunque presente la "
        "orden: la autoridad debe enviarla directamente a la DIAN."
    ]
    assert not Case.objects.exists()


def test_a_cause_of_another_type_and_an_unknown_nit_are_explained(official) -> None:
    registrant = registrant_in(OWN)

    wrong_cause = client_for(official).post(ADD, _form(registrant, cause="liquidation"))
    unknown = client_for(official).post(ADD, _form(registrant, registrant_nit="900000001"))
    bad_dv = client_for(official).post(ADD, _form(registrant, registrant_nit="900.373.913-5"))

    assert wrong_cause.context["form"].errors["cause"] == [
        "La causal no corresponde a este tipo de trámite."
    ]
    assert unknown.context["form"].errors["registrant_nit"] == ["No hay un inscrito con ese NIT."]
    assert bad_dv.context["form"].errors["registrant_nit"] == [
        "El dígito de verificación del NIT 900.373.913 es 4, no 5."
    ]
    assert not Case.objects.exists()


def test_only_officials_receive_cases(citizen, official) -> None:
    assert client_for(citizen).get(ADD).status_code == 302
    page = client_for(official).get(ADD)
    assert page.status_code == 200
    assert "Recibir el trámite" in page.content.decode()


def test_the_desk_receives_an_in_person_vat_withdrawal_that_may_drop_48(official) -> None:
    """Decreto 2460 de 2013, art. 13 par. 3: 48 leaves the record only through its own withdrawal
    request, which the official marks when receiving it at the desk (Formato 1767)."""
    registrant = registrant_in(OWN, responsibilities=["05", "48"])
    client = client_for(official)

    response = client.post(
        ADD,
        _form(
            registrant,
            case_type="update",
            mode="assisted",
            channel="in_person",
            cause="inscrito_request",
            requester_kind="user",
            requester_name=registrant.display_name,
            withdrawal="48",
            act_number="",
            act_date="",
            act_issuer="",
            act_is_final="",
            facts="Cesó la venta de bienes gravados.",
            document="",
            document_kind="",
        ),
    )

    case = Case.objects.get()
    assert response["Location"] == reverse("admin:procedures_case_change", args=[case.pk])
    assert case.payload["withdrawal"] == "48"
    steps = [
        ("requisitos", {}),
        ("competencia", {}),
        ("requisito-documental", {"code": "applicant_id", "met": "1"}),
    ]
    for key, data in steps:
        client.post(reverse("admin:procedures_case_action", args=[case.pk, key]), data)
    granted = client.post(
        reverse("admin:procedures_case_action", args=[case.pk, "conceder"]), {"reason": ""}
    )
    assert granted.status_code == 302
    case.refresh_from_db()
    assert case.decision == "granted"
    codes = set(registrant.responsibilities.values_list("code", flat=True))
    assert codes == {"05", "49"}


def test_a_withdrawal_is_only_received_as_an_update_of_whoever_holds_it(official) -> None:
    registrant = registrant_in(OWN, responsibilities=["05"])

    response = client_for(official).post(
        ADD, _form(registrant, withdrawal="48", document="", document_kind="")
    )

    assert response.context["form"].errors["withdrawal"] == [
        "El retiro de IVA o del impuesto al consumo es un trámite de actualización."
    ]
    assert not Case.objects.exists()


def test_the_desk_refuses_a_user_presenting_an_authoritys_order_to_cancel(official) -> None:
    """Procedure of cancelación de oficio y reactivación, 3.2: the order must come from the
    authority itself, ejecutoriada; presented by the user in person it is not processed."""
    registrant = registrant_in(OWN)

    response = client_for(official).post(
        ADD,
        _form(
            registrant,
            case_type="cancellation_on_request",
            mode="assisted",
            channel="in_person",
            cause="authority_order",
            requester_kind="user",
            requester_name=registrant.display_name,
            document_kind="judicial_order",
        ),
    )

    assert response.context["form"].errors["cause"] == [
        "La cancelación por orden de autoridad no se tramita a solicitud del usuario, aunque "
        "presente copia de la orden: la autoridad que la emitió debe enviarla directamente a la "
        "DIAN, debidamente ejecutoriada (procedimiento de cancelación de oficio, numeral 3.2)."
    ]
    assert not Case.objects.exists()
