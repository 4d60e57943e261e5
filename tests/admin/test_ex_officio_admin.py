"""The ex officio pages of the back office: inscripción (art. 12) from the inbox, actualización
(art. 14) from the inscrito's page, and the Formato 1767 update after a reactivation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from procedures.models import Case, CaseType, Cause, Communication, Mode
from registry.models import DataAccessLog, Registrant
from tests.admin.conftest import (
    client_for,
    reactivation,
    registrant_in,
    registration_post,
    update_post,
)
from tests.clock import TODAY

pytestmark = pytest.mark.django_db

REGISTRATION_URL = "admin:procedures_case_ex_officio_registration"


def _action(case: Case, key: str) -> str:
    return reverse("admin:procedures_case_action", args=[case.pk, key])


def test_an_official_inscribes_ex_officio_after_the_visit_and_communicates_it(official):
    client = client_for(official)
    inbox = client.get(reverse("admin:procedures_case_changelist")).content.decode()
    assert reverse(REGISTRATION_URL) in inbox

    response = client.post(reverse(REGISTRATION_URL), registration_post())

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:procedures_case_change", args=[case.pk])
    assert (case.case_type, case.mode, case.state) == ("registration", "ex_officio", "in_process")
    assert case.documents.get().kind == "judicial_order"
    refused = client.post(_action(case, "conceder"), {"reason": ""}, follow=True)
    assert "visita de verificación" in refused.content.decode()

    client.post(
        _action(case, "registrar-visita"),
        {"visited_on": TODAY.isoformat(), "result": "confirmed", "notes": "Datos confirmados."},
    )
    client.post(_action(case, "conceder"), {"reason": "Visita conforme."})
    client.post(_action(case, "comunicar"), {})

    case.refresh_from_db()
    registrant = Registrant.objects.get(pk=case.registrant_id)
    assert case.state == Case.State.COMMUNICATED
    assert registrant.state == Registrant.State.ACTIVE
    assert registrant.first_surname == "QUINTERO"
    entry = registrant.audit_entries.get(action="formalize")
    assert entry.legal_basis == "Decreto 2460 de 2013, art. 12"
    assert entry.actor == official
    letter = case.communications.get(kind=Communication.Kind.TO_REGISTRANT)
    assert letter.recipient_email == "andres.quintero@example.co"
    page = client.get(reverse("admin:procedures_case_change", args=[case.pk])).content.decode()
    assert "Comunicación al inscrito" in page


def test_an_ex_officio_inscription_with_a_bad_order_answers_field_by_field(official):
    client = client_for(official)

    response = client.post(
        reverse(REGISTRATION_URL),
        registration_post(
            requester_kind="user", address="", act_date="", activity="", responsibilities=[]
        ),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"requester_kind", "address", "act_date"}
    assert not Case.objects.exists()
    assert not Registrant.objects.filter(document_number="80123457").exists()

    response = client.post(
        reverse(REGISTRATION_URL), registration_post(activity="", responsibilities=[])
    )
    assert response.status_code == 200
    assert response.context["form"].errors["activity"] == [
        "La orden debe indicar la clasificación del obligado: actividad económica o "
        "responsabilidades."
    ]
    assert not Case.objects.exists()
    assert not Registrant.objects.filter(document_number="80123457").exists()


def test_an_ex_officio_update_from_the_inscritos_page_is_valid_when_communicated(official):
    person = registrant_in("32")
    client = client_for(official)
    page = client.get(reverse("admin:registry_registrant_change", args=[person.pk]))
    url = reverse("admin:registry_registrant_ex_officio_update", args=[person.pk])
    assert url in page.content.decode()
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert DataAccessLog.objects.filter(registrant=person, user=official).exists()

    response = client.post(url, update_post(person))

    case = Case.objects.get(registrant=person, case_type=CaseType.UPDATE)
    assert response.status_code == 302
    assert (case.mode, case.state, case.cause) == (Mode.EX_OFFICIO, "in_process", "data_outdated")
    decided = client.post(_action(case, "conceder"), {"reason": "Procede."}, follow=True)
    assert "El RUT cambia cuando la decisión se comunique al inscrito" in decided.content.decode()
    assert case.steps.get(kind="granted").legal_basis == "Decreto 2460 de 2013, art. 14"
    person.refresh_from_db()
    assert person.address == "CL 26 69 76"  # decided: not valid until communicated

    client.post(_action(case, "comunicar"), {})
    person.refresh_from_db()
    assert person.address == "KR 7 32 16 OF 501"
    entry = person.audit_entries.filter(action="update").latest("pk")
    assert (entry.legal_basis, entry.case_number) == ("Decreto 2460 de 2013, art. 14", case.number)
    letter = case.communications.get(kind=Communication.Kind.TO_REGISTRANT)
    assert letter.form_version == person.form_versions.latest("version")


def test_an_ex_officio_update_with_bad_input_answers_in_spanish_and_writes_nothing(official):
    person = registrant_in("32")
    url = reverse("admin:registry_registrant_ex_officio_update", args=[person.pk])
    client = client_for(official)

    response = client.post(url, update_post(person, cause=Cause.ACT_OR_ORDER, authorized_by=" "))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["authorized_by"] == ["Este campo es requerido."]
    response = client.post(url, update_post(person, cause=Cause.ACT_OR_ORDER))
    assert response.context["form"].errors["act_number"] == [
        "Indique el número y la fecha del acto o de la orden."
    ]
    response = client.post(url, update_post(person, address=person.address))
    assert response.context["form"].non_field_errors() == ["No hay cambios que registrar."]
    stale = client.post(url, update_post(person, expected_revision=person.revision - 1))
    assert "Otra persona actualizó este RUT" in stale.content.decode()
    assert not Case.objects.exists()
    person.refresh_from_db()
    assert person.address == "CL 26 69 76"


def test_the_1767_update_is_offered_after_a_reactivation_is_decided(official):
    case = reactivation("32")
    person = case.registrant
    client = client_for(official)
    page = client.get(reverse("admin:procedures_case_change", args=[case.pk])).content.decode()
    assert _action(case, "actualizar") in page

    data = update_post(person, evidence="Declaración de renta 2025.")
    response = client.post(_action(case, "actualizar"), data)

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.address == "KR 7 32 16 OF 501"
    assert case.formats.filter(kind="1767").count() == 1
    client.post(_action(case, "comunicar"), {})
    case.refresh_from_db()
    assert case.state == Case.State.COMMUNICATED
    page = client.get(reverse("admin:procedures_case_change", args=[case.pk])).content.decode()
    assert _action(case, "actualizar") not in page  # after the communication, no longer


def test_the_1767_update_is_not_offered_while_a_reactivation_is_undecided_and_cancelled(
    official,
):
    case = reactivation("32", decide=False)
    client = client_for(official)
    page = client.get(reverse("admin:procedures_case_change", args=[case.pk])).content.decode()
    assert case.state == Case.State.IN_PROCESS
    assert _action(case, "actualizar") not in page
    data = update_post(case.registrant, evidence="Declaración de renta 2025.")
    response = client.post(_action(case, "actualizar"), data, follow=True)
    assert "no admite la actualización con el Formato 1767" in response.content.decode()
    assert case.formats.count() == 0
