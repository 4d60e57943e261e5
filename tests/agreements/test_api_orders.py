from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from deadlines.rules import JUDICIAL_PRIORITY
from procedures.models import Case, CaseDocument, CaseStep
from tests.clock import TODAY
from tests.factories import make_natural, pdf_upload

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders/"
ACT_DATE = TODAY - timedelta(days=3)


@pytest.fixture
def registrant():
    return make_natural(responsibilities=[])


def order(registrant, **overrides):
    data = {
        "order_type": "suspension",
        "nit": registrant.formatted_nit,
        "act_number": "Auto 2026-00451",
        "act_date": ACT_DATE.isoformat(),
        "act_issuer": "Juzgado 12 Civil del Circuito de Bogotá",
        "act_is_final": "true",
        "facts": "Medida cautelar dentro del proceso ejecutivo 2026-00451.",
        "document": pdf_upload("auto.pdf"),
    }
    data.update(overrides)
    return data


def send(client, data, **extra):
    return client.post(URL, data, format="multipart", **extra)


def test_a_court_order_opens_a_preferential_case_with_its_act_and_document(
    court_client, registrant
):
    response = send(court_client, order(registrant))

    assert response.status_code == 201, response.json()
    body = response.json()
    case = Case.objects.get(number=body["number"])
    assert (case.case_type, case.cause, case.channel) == (
        "suspension",
        "authority_order",
        "agreement_api",
    )
    assert case.registrant == registrant
    assert case.requester_kind == "judicial_authority"
    assert case.requester_user == court_client.entity.user
    assert case.priority == JUDICIAL_PRIORITY
    assert (case.act_number, case.act_date, case.act_is_final) == (
        "Auto 2026-00451",
        ACT_DATE,
        True,
    )
    document = case.documents.get()
    assert document.kind == CaseDocument.Kind.JUDICIAL_ORDER
    assert body["missing_requirements"] == []
    assert body["nit"] == registrant.formatted_nit
    assert [s.kind for s in case.steps.order_by("id")] == [
        CaseStep.Kind.RECEIVED,
        CaseStep.Kind.DOCUMENT_ADDED,
    ]


def test_an_act_not_yet_final_is_received_and_the_missing_requirement_is_named(
    court_client, registrant
):
    response = send(court_client, order(registrant, act_is_final="false"))

    assert response.status_code == 201
    assert any("ejecutoriado" in m for m in response.json()["missing_requirements"])


@pytest.mark.parametrize("order_type", ["lift_suspension", "cancellation", "reactivation"])
def test_every_kind_of_order_opens_its_case_type(court_client, registrant, order_type):
    response = send(court_client, order(registrant, order_type=order_type))

    assert response.status_code == 201, response.json()
    expected = {
        "lift_suspension": "lift_suspension",
        "cancellation": "cancellation_ex_officio",
        "reactivation": "reactivation",
    }[order_type]
    assert response.json()["case_type"] == expected


def test_a_document_that_is_not_a_pdf_is_refused_and_no_case_is_opened(court_client, registrant):
    fake = SimpleUploadedFile("auto.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")

    response = send(court_client, order(registrant, document=fake))

    assert response.status_code == 400
    assert response.json()["document"] == ["El archivo «auto.pdf» no es un PDF."]
    assert not Case.objects.exists()


def test_a_document_too_large_is_refused(court_client, registrant, monkeypatch):
    import api.cases as api

    monkeypatch.setattr(api, "MAX_DOCUMENT_BYTES", 10)

    response = send(court_client, order(registrant))

    assert response.status_code == 400
    assert "el máximo es" in response.json()["document"][0]
    assert not Case.objects.exists()


def test_a_huge_request_is_refused_before_reading_it(court_client, registrant, monkeypatch):
    import api.cases as api

    monkeypatch.setattr(api.OrderCreateApi, "max_request_bytes", 100)

    response = send(court_client, order(registrant))

    assert response.status_code == 413
    assert not Case.objects.exists()


def test_missing_act_data_and_unknown_codes_are_field_errors(court_client, registrant):
    data = order(registrant, order_type="embargo", cause="x", act_date="mañana")
    del data["act_number"]

    response = send(court_client, data)

    assert response.status_code == 400
    assert set(response.json()) == {"order_type", "cause", "act_date", "act_number"}


def test_a_cause_that_does_not_fit_the_order_is_refused_by_the_intake_rules(
    court_client, registrant
):
    response = send(court_client, order(registrant, cause="deceased"))

    assert response.status_code == 400
    assert response.json() == {"cause": ["La causal no corresponde a este tipo de trámite."]}
    assert not Case.objects.exists()


def test_a_future_act_date_is_refused(court_client, registrant):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()

    response = send(court_client, order(registrant, act_date=tomorrow))

    assert response.status_code == 400
    assert "act_date" in response.json()


def test_an_unknown_or_malformed_nit_is_refused(court_client, registrant):
    unknown = send(court_client, order(registrant, nit="800.197.268-4"))
    wrong_dv = send(court_client, order(registrant, nit="800.197.268-5"))

    assert unknown.status_code == 400
    assert "No hay ningún inscrito" in unknown.json()["nit"][0]
    assert wrong_dv.status_code == 400
    assert "dígito de verificación" in wrong_dv.json()["nit"][0]


def test_the_same_act_sent_again_under_another_key_is_a_conflict(court_client, registrant):
    first = send(court_client, order(registrant))

    second = send(court_client, order(registrant))

    assert second.status_code == 409
    assert first.json()["number"] in second.json()["act_number"][0]
    assert Case.objects.count() == 1


def test_the_court_follows_its_case_status_steps_and_documents(court_client, registrant):
    number = send(court_client, order(registrant)).json()["number"]

    detail = court_client.get(f"/api/v1/cases/{number}/").json()
    documents = court_client.get(f"/api/v1/cases/{number}/documents/").json()
    listed = court_client.get("/api/v1/cases/").json()

    assert detail["state"] == "received"
    assert detail["state_display"] == "Recibido"
    assert [s["kind"] for s in detail["steps"]] == ["received", "document_added"]
    assert detail["documents"][0]["kind"] == "judicial_order"
    assert documents["count"] == 1
    assert documents["results"][0]["sha256"] == detail["documents"][0]["sha256"]
    assert [c["number"] for c in listed["results"]] == [number]


def test_the_court_adds_a_document_to_its_case(court_client, registrant):
    number = send(court_client, order(registrant)).json()["number"]

    response = court_client.post(
        f"/api/v1/cases/{number}/documents/",
        {"document": pdf_upload("constancia.pdf"), "description": "Constancia de ejecutoria"},
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["description"] == "Constancia de ejecutoria"
    assert Case.objects.get(number=number).documents.count() == 2


def test_another_entity_cannot_see_or_touch_the_case(court_client, other_court_client, registrant):
    number = send(court_client, order(registrant)).json()["number"]

    assert other_court_client.get(f"/api/v1/cases/{number}/").status_code == 404
    assert other_court_client.get(f"/api/v1/cases/{number}/documents/").status_code == 404
    response = other_court_client.post(
        f"/api/v1/cases/{number}/documents/", {"document": pdf_upload()}, format="multipart"
    )
    assert response.status_code == 404
    assert other_court_client.get("/api/v1/cases/").json()["count"] == 0
    assert Case.objects.get(number=number).documents.count() == 1


def test_malformed_case_numbers_are_json_404s(court_client):
    for number in ("abc", "2026-1", "2026-0000001%00"):
        response = court_client.get(f"/api/v1/cases/{number}/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"


def test_a_json_body_is_refused_as_unsupported(court_client, registrant):
    data = order(registrant)
    del data["document"]

    response = court_client.post(URL, data, format="json")

    assert response.status_code == 415
