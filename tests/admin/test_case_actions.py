"""The case page and its buttons: what each asks for, what the services refuse, what changes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procedures.models import Case, CaseDocument, CaseStep, Referral
from procedures.services.assignment import take_case
from procedures.services.intake import check_requirements, receive_case
from registry.models import DataAccessLog, FormVersion
from tests.admin.conftest import OWN, cancellation, case_snapshot, client_for, registrant_in
from tests.factories import judicial_cancellation_request

pytestmark = pytest.mark.django_db


def _page(case: Case) -> str:
    return reverse("admin:procedures_case_change", args=[case.pk])


def _action(case: Case, key: str) -> str:
    return reverse("admin:procedures_case_action", args=[case.pk, key])


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _act_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("sentencia.pdf", b"%PDF-1.4\n% sentencia\n", "application/pdf")


def test_the_case_page_offers_only_the_transitions_available_to_the_user(
    official, director
) -> None:
    case = cancellation(registrant_in(OWN))

    official_page = client_for(official).get(_page(case))
    director_page = client_for(director).get(_page(case))

    offered = [a.key for a in official_page.context["actions"]]
    assert offered == ["requisitos", "rechazar"]
    assert [a.key for a in official_page.context["assignment_actions"]] == ["tomar"]
    assert [a.key for a in director_page.context["assignment_actions"]] == ["tomar", "asignar"]
    html = official_page.content.decode()
    assert "Requisitos cumplidos" in html and "Aprobar" not in html
    assert "vence hoy" in html  # a judicial order is decided the day it arrives
    assert "Orden judicial: preferente" in html


def test_the_case_page_shows_the_timeline_documents_and_deadlines(official) -> None:
    case = cancellation(registrant_in(OWN), "in_process")

    response = client_for(official).get(_page(case))

    html = response.content.decode()
    kinds = [step.kind for step, *_ in response.context["steps"]]
    assert kinds == ["received", "document_added", "requirements_met", "jurisdiction"]
    assert "Recibido → Requisitos verificados" in html
    assert "Orden judicial" in html  # the supporting document
    assert (
        reverse("admin:procedures_case_document", args=[case.pk, case.documents.get().pk]) in html
    )
    assert response.context["due"].is_due_today
    assert "vence hoy" in html


def test_checking_requirements_without_the_act_is_refused_with_the_reason(official) -> None:
    registrant = registrant_in(OWN)
    case = receive_case(judicial_cancellation_request(registrant), by=official)
    before = case_snapshot(case)

    response = client_for(official).post(_action(case, "requisitos"), {"reason": ""})

    assert response.status_code == 200
    assert _messages(response) == [
        "No se cumplen los requisitos: falta copia del acto administrativo o de la orden judicial."
    ]
    assert response.context["case"].state == Case.State.RECEIVED
    assert case_snapshot(case) == before


def test_checking_requirements_uploads_the_act_and_accepts_them(official) -> None:
    registrant = registrant_in(OWN)
    case = receive_case(judicial_cancellation_request(registrant), by=official)

    response = client_for(official).post(
        _action(case, "requisitos"),
        {"document_kind": "judicial_order", "document": _act_pdf(), "reason": "Orden en firme"},
    )

    assert response.status_code == 302 and response["Location"] == _page(case)
    case.refresh_from_db()
    assert case.state == Case.State.REQUIREMENTS_MET
    assert case.documents.get().kind == CaseDocument.Kind.JUDICIAL_ORDER
    step = case.steps.get(kind=CaseStep.Kind.REQUIREMENTS_MET)
    assert (step.actor, step.reason) == (official, "Orden en firme")


def test_a_transition_another_official_just_made_is_refused_and_the_current_state_shown(
    official, other_official
) -> None:
    case = cancellation(registrant_in(OWN))
    client = client_for(official)
    assert client.get(_action(case, "requisitos")).status_code == 200  # the form is open...
    check_requirements(case, by=other_official, met=True)  # ...when a colleague acts first

    response = client.post(_action(case, "requisitos"), {"reason": ""}, follow=True)

    assert response.redirect_chain == [(_page(case), 302)]
    assert _messages(response) == [
        f"El trámite {case.number} ya está en estado «Requisitos verificados»: la acción no "
        "procede. Actualice la página para ver su estado actual."
    ]
    assert response.context["case"].state == Case.State.REQUIREMENTS_MET
    assert case.steps.filter(kind=CaseStep.Kind.REQUIREMENTS_MET).count() == 1


def test_an_action_not_available_is_not_shown_and_its_form_is_not_opened(official) -> None:
    case = cancellation(registrant_in(OWN), "in_process")

    response = client_for(official).get(_action(case, "requisitos"), follow=True)

    assert response.redirect_chain == [(_page(case), 302)]
    assert _messages(response) == [
        "«Requisitos cumplidos» no está disponible para usted con el trámite en estado "
        "«En trámite»."
    ]


def test_rejecting_for_requirements_needs_the_reason(official) -> None:
    case = cancellation(registrant_in(OWN))

    blank = client_for(official).post(_action(case, "rechazar"), {"reason": ""})
    given = client_for(official).post(_action(case, "rechazar"), {"reason": "Falta la firma."})

    assert blank.status_code == 200
    assert blank.context["form"].errors == {"reason": ["Este campo es requerido."]}
    assert given.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.decision) == (Case.State.REJECTED, "requirements_not_met")


def test_the_formato_1767_form_updates_the_record_and_logs_the_view(official) -> None:
    registrant = registrant_in(OWN)
    case = cancellation(registrant, "in_process")
    client = client_for(official)

    form = client.get(_action(case, "actualizar"))
    response = client.post(
        _action(case, "actualizar"),
        {
            "country": "CO",
            "department": "11",
            "municipality": "11001",
            "address": "CL 100 15 20",
            "email": registrant.email,
            "postal_code": "",
            "phone_1": registrant.phone_1,
            "phone_2": "",
            "responsibilities": ["05"],
            "facts": "La orden judicial trae la dirección actual.",
            "evidence": "Sentencia 2026-00123",
            "authorized_by": "Jefe GIT Registro",
            "expected_revision": registrant.revision,
        },
    )

    assert form.context["form"].initial["address"] == "CL 26 69 76"
    assert response.status_code == 302, response.content.decode()[:3000]
    registrant.refresh_from_db()
    assert registrant.address == "CL 100 15 20"
    assert case.formats.get().kind == "1767"
    assert FormVersion.objects.filter(registrant=registrant).latest("version").concept == "02"
    log = DataAccessLog.objects.get(user=official, registrant=registrant)
    assert log.what.startswith("Identificación, ubicación, contacto y clasificación (Formato 1767")


def test_a_formato_1767_over_a_record_someone_changed_meanwhile_is_refused(official) -> None:
    registrant = registrant_in(OWN)
    case = cancellation(registrant, "in_process")
    stale = registrant.revision - 1

    response = client_for(official).post(
        _action(case, "actualizar"),
        {
            "country": "CO",
            "department": "11",
            "municipality": "11001",
            "address": "CL 1 1 1",
            "facts": "x",
            "evidence": "y",
            "authorized_by": "z",
            "expected_revision": stale,
        },
        follow=True,
    )

    assert _messages(response) == [
        "Otra persona actualizó este RUT mientras usted editaba; revise los datos actuales y "
        "vuelva a intentarlo."
    ]
    registrant.refresh_from_db()
    assert registrant.address == "CL 26 69 76"
    assert not case.formats.exists()


def test_referring_a_case_without_an_inscrito_is_refused(official) -> None:
    case = cancellation(registrant_in(OWN))
    Case.objects.filter(pk=case.pk).update(registrant=None)

    response = client_for(official).post(
        _action(case, "remitir"), {"kind": "audit", "reason": "Datos inexactos."}
    )

    assert response.status_code == 200
    assert _messages(response) == ["El trámite no tiene inscrito que remitir."]
    assert not Referral.objects.exists()


def test_an_impediment_waits_for_the_director_who_accepts_it_and_reassigns(
    official, other_official, director
) -> None:
    """Procedimiento 3.3: declared by the official, evaluated by the director."""
    case = cancellation(registrant_in(OWN))
    client = client_for(official)
    client.post(_action(case, "tomar"))
    client.post(_action(case, "impedimento"), {"reason": "Es mi cuñado."})
    case.refresh_from_db()
    assert case.assigned_to == official  # not released until the director decides
    assert case.steps.get(kind=CaseStep.Kind.IMPEDIMENT).reason == "Es mi cuñado."
    assert client.get(_action(case, "evaluar-impedimento")).status_code == 302  # not offered

    boss = client_for(director)
    assert "Evaluar impedimento" in boss.get(_page(case)).content.decode()
    missing = boss.post(
        _action(case, "evaluar-impedimento"), {"decision": "accept", "reason": "Procede."}
    )
    assert missing.status_code == 200
    assert "Para aceptar el impedimento elija a quién se reasigna." in (missing.content.decode())
    case.refresh_from_db()
    assert case.assigned_to == official

    done = boss.post(
        _action(case, "evaluar-impedimento"),
        {"decision": "accept", "reason": "Procede.", "reassign_to": other_official.pk},
    )

    assert done.status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == other_official
    step = case.steps.get(kind=CaseStep.Kind.IMPEDIMENT_ACCEPTED)
    assert (step.actor, step.reason, step.legal_basis) == (
        director,
        "Procede.",
        "Procedimiento, numeral 3.3",
    )
    again = client.post(_action(case, "tomar"))
    assert again.status_code in (302, 403)
    case.refresh_from_db()
    assert case.assigned_to == other_official


def test_the_director_rejects_an_impediment_from_the_case_page(official, director) -> None:
    case = cancellation(registrant_in(OWN))
    client_for(official).post(_action(case, "tomar"))
    client_for(official).post(_action(case, "impedimento"), {"reason": "Es mi cuñado."})

    response = client_for(director).post(
        _action(case, "evaluar-impedimento"),
        {"decision": "reject", "reason": "No es pariente en grado legal."},
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == official
    assert case.steps.get(kind=CaseStep.Kind.IMPEDIMENT_REJECTED).actor == director


def test_the_director_assigns_only_to_officials_of_the_seccional(
    director, official, official_of_other_seccional
) -> None:
    case = cancellation(registrant_in(OWN))
    client = client_for(director)

    form = client.get(_action(case, "asignar")).context["form"]
    assert official in form.fields["to"].queryset
    assert official_of_other_seccional not in form.fields["to"].queryset
    client.post(_action(case, "asignar"), {"to": official.pk, "reason": "Reparto"})

    case.refresh_from_db()
    assert case.assigned_to == official


def test_taking_a_case_already_assigned_says_to_whom(official, other_official) -> None:
    case = take_case(cancellation(registrant_in(OWN)), by=other_official)

    response = client_for(official).post(_action(case, "tomar"), follow=True)

    assert _messages(response) == [f"El trámite {case.number} ya está asignado a {other_official}."]


def test_communicating_lists_every_communication_on_the_case_page(official) -> None:
    case = cancellation(registrant_in(OWN), "decided")

    response = client_for(official).post(_action(case, "comunicar"), follow=True)

    communications = [c for c, _stored in response.context["communications"]]
    assert [c.kind for c in communications] == ["to_registrant", "to_requester"]
    assert "Comunicación al inscrito" in response.content.decode()
    assert response.context["case"].state == Case.State.COMMUNICATED


def test_a_supporting_document_downloads_only_within_the_seccional(
    official, official_of_other_seccional
) -> None:
    case = cancellation(registrant_in(OWN))
    url = reverse("admin:procedures_case_document", args=[case.pk, case.documents.get().pk])

    mine = client_for(official).get(url)
    theirs = client_for(official_of_other_seccional).get(url)

    assert mine.status_code == 200
    assert mine.getvalue().startswith(b"%PDF")
    assert theirs.status_code == 403


def test_the_pdf_of_a_format_is_rendered_once_and_opened_from_the_case_page(
    director, official
) -> None:
    case = cancellation(registrant_in(OWN), "awaiting_approval", preparer=official)
    client = client_for(director)
    client.post(_action(case, "aprobar"), {"password": "x"})
    fmt = case.formats.get()
    url = reverse("admin:procedures_case_pdf", args=[case.pk, "formato", fmt.pk])

    first = client.post(url)
    again = client.post(url)
    page = client.get(_page(case))
    pdf = client.get(first["Location"])

    assert first["Location"] == again["Location"]
    assert first["Location"] in page.content.decode()  # "Ver PDF" instead of "Generar PDF"
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.getvalue().startswith(b"%PDF")


def test_the_legal_terms_of_the_deadlines_app_show_with_business_days_left(official) -> None:
    from deadlines.services import schedule_case_deadlines

    case = cancellation(
        registrant_in(OWN),
        requester_kind="administrative_authority",
        requester_name="Superintendencia de Sociedades",
    )
    scheduled = schedule_case_deadlines(case)

    response = client_for(official).get(_page(case))

    shown = response.context["deadlines"]
    assert scheduled and [d.deadline for d in shown][: len(scheduled)] == scheduled
    assert shown[0].business_days_left == 3  # three business days for an ex officio act
    assert str(shown[0].label) in response.content.decode()
