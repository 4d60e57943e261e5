"""Self-service inscripción: the wizard step by step, drafts, validation, and the result."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.models import DataPolicyConsent, Draft
from procedures.models import Case, CaseType, Mode
from registry.models import Registrant
from tests.factories import make_natural
from tests.portal.conftest import PASSWORD

pytestmark = pytest.mark.django_db

STEPS = {
    "identificacion": {
        "first_surname": "Rojas",
        "second_surname": "Díaz",
        "first_name": "Ana",
        "other_names": "María",
        "document_issue_date": "2010-03-01",
        "issue_department": "11",
        "issue_municipality": "11001",
        "birth_date": "1990-02-01",
        "birth_country": "CO",
        "birth_department": "05",
        "birth_municipality": "05001",
    },
    "ubicacion": {
        "department": "11",
        "municipality": "11001",
        "address": "CL 26 69 76",
        "postal_code": "",
        "email": "ana@example.co",
        "phone_1": "3001234567",
        "phone_2": "",
    },
    "actividades": {
        "principal_code": "6201",
        "principal_started_on": "2020-01-01",
        "secondary_code": "",
        "secondary_started_on": "",
    },
    "establecimientos": {},
    "responsabilidades": {"responsibilities": ["05", "49"]},
}


@pytest.fixture
def signed_in(client, account):
    client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": account.document_number, "password": PASSWORD},
    )
    return client


def _post(client, step, data, action="next"):
    return client.post(reverse("portal:inscription_step", args=[step]), {**data, "action": action})


def test_a_persona_natural_with_cedula_gets_the_nit_at_once(signed_in, account):
    for step, data in STEPS.items():
        response = _post(signed_in, step, data)
        assert response.status_code == 302, response.content.decode()[:3000]
    response = _post(signed_in, "confirmar", {"accept_policy": "on"})

    assert response["Location"] == reverse("portal:inscription_result")
    account.refresh_from_db()
    registrant = account.registrant
    assert registrant.state == Registrant.State.ACTIVE
    assert registrant.nit == "1020304050"
    assert registrant.display_name == "ANA MARÍA ROJAS DÍAZ"
    case = Case.objects.get(registrant=registrant)
    assert (case.case_type, case.mode, case.state) == (
        CaseType.REGISTRATION,
        Mode.SELF_SERVICE,
        Case.State.CLOSED,
    )
    assert list(registrant.form_versions.values_list("concept", flat=True)) == ["00", "01"]
    consent = account.consents.get(context=DataPolicyConsent.Context.INSCRIPTION)
    assert consent.version == "2026-01"
    assert not Draft.objects.filter(account=account).exists()
    page = signed_in.get(reverse("portal:inscription_result")).content.decode()
    assert "1.020.304.050-" in page and registrant.form_versions.first().form_number in page


def test_each_step_saves_the_draft_even_when_it_has_errors(signed_in, account):
    response = _post(signed_in, "identificacion", {**STEPS["identificacion"], "birth_date": "x"})

    assert response.status_code == 200
    assert "Escriba la fecha como dd/mm/aaaa" in response.content.decode()
    draft = Draft.objects.get(account=account)
    assert draft.data["first_surname"] == "Rojas" and draft.step == "identificacion"


def test_the_wizard_resumes_at_the_saved_step(signed_in, account):
    _post(signed_in, "identificacion", STEPS["identificacion"])
    _post(signed_in, "ubicacion", STEPS["ubicacion"], action="save")

    response = signed_in.get(reverse("portal:inscription"))

    assert response["Location"] == reverse("portal:inscription_step", args=["ubicacion"])
    page = signed_in.get(response["Location"]).content.decode()
    assert 'value="CL 26 69 76"' in page


def test_a_late_autosave_keeps_the_values_but_does_not_move_the_resume_point_back(
    signed_in, account
):
    _post(signed_in, "identificacion", STEPS["identificacion"])
    _post(signed_in, "ubicacion", STEPS["ubicacion"])
    # The debounced autosave of the ubicación page reaches the server after its own submit.
    signed_in.post(
        reverse("portal:inscription_autosave", args=["ubicacion"]),
        {**STEPS["ubicacion"], "address": "CL 26 69 80"},
    )

    draft = Draft.objects.get(account=account)
    assert (draft.step, draft.data["address"]) == ("actividades", "CL 26 69 80")
    response = signed_in.get(reverse("portal:inscription"))
    assert response["Location"] == reverse("portal:inscription_step", args=["actividades"])


def test_a_municipio_outside_the_departamento_is_refused_next_to_the_field(signed_in):
    response = _post(
        signed_in, "ubicacion", {**STEPS["ubicacion"], "department": "05", "municipality": "11001"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "no pertenece al departamento ANTIOQUIA" in page.upper() or "no pertenece" in page
    assert 'value="CL 26 69 76"' in page


def test_without_javascript_the_municipios_follow_the_departamento(signed_in):
    response = _post(signed_in, "ubicacion", {**STEPS["ubicacion"], "department": "05"}, "refresh")

    page = response.content.decode()
    assert '<option value="05001">' in page and '<option value="11001">' not in page


def test_the_ciiu_search_finds_by_words_and_fills_the_field(signed_in):
    found = _post(signed_in, "actividades", {"ciiu_q": "programacion informatica"}, "search")
    assert "6201" in found.content.decode()

    chosen = signed_in.post(
        reverse("portal:inscription_step", args=["actividades"]), {"use_principal": "6201"}
    )
    assert 'value="6201"' in chosen.content.decode()


def test_a_document_that_already_has_a_nit_is_said_plainly(signed_in, account):
    make_natural(document_number=account.document_number, email="otro@example.co")

    page = signed_in.get(reverse("portal:inscription_step", args=["identificacion"]))

    assert "ya está inscrito en el RUT con el NIT 1.020.304.050-" in page.content.decode()


def test_a_passport_holder_gets_a_pre_inscription_and_an_appointment(client, make_account, sign_up):
    from portal.services import accounts
    from portal.services.inscription import save_draft, submit_inscription

    account = make_account(number="8877665544", email="pasaporte@example.co")
    account.document_type_id = "41"
    account.save()
    for step, data in STEPS.items():
        save_draft(account, step=step, values={**data, "email": "pasaporte@example.co"})

    result = submit_inscription(account, by=account.user, ip_address=None)

    assert not result.formalized
    assert result.registrant.state == Registrant.State.PRE_REGISTERED
    assert result.case.state == Case.State.RECEIVED
    assert "funcionario" in result.obstacles[0]
    assert accounts  # imported for the fixture chain
