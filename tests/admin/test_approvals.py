"""The director approves with their password as the signature, returns with observations, and
approves several cancellations at once, each in its own transaction."""

from __future__ import annotations

import pytest
from django.urls import reverse

from procedures.models import Case, CaseStep
from registry.models import Registrant
from registry.services.states import change_state
from tests.admin.conftest import OWN, cancellation, case_snapshot, client_for, registrant_in

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:procedures_case_approvals")


def _action(case: Case, key: str) -> str:
    return reverse("admin:procedures_case_action", args=[case.pk, key])


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_director_approves_with_the_password_and_the_inscripcion_is_cancelled(
    director, official
) -> None:
    registrant = registrant_in(OWN)
    case = cancellation(registrant, "awaiting_approval", preparer=official)

    response = client_for(director).post(
        _action(case, "aprobar"), {"password": "x", "reason": "Revisado"}, follow=True
    )

    case.refresh_from_db()
    registrant.refresh_from_db()
    assert (case.state, case.decided_by) == (Case.State.DECIDED, director)
    assert registrant.state == Registrant.State.CANCELLED
    assert case.formats.get().kind == "1529"
    assert _messages(response) == [
        "Cancelación aprobada: la inscripción quedó cancelada. Falta comunicar la decisión."
    ]
    assert "Formato 1529" in response.content.decode()


def test_a_wrong_password_signs_nothing(director, official) -> None:
    case = cancellation(registrant_in(OWN), "awaiting_approval", preparer=official)
    before = case_snapshot(case)

    response = client_for(director).post(_action(case, "aprobar"), {"password": "no-es"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "password": ["La contraseña no es correcta: la aprobación no se firmó y nada cambió."]
    }
    assert case_snapshot(case) == before


def test_the_preparer_is_not_offered_the_approval_and_is_refused_if_they_try(director) -> None:
    case = cancellation(registrant_in(OWN), "awaiting_approval", preparer=director)
    client = client_for(director)

    page = client.get(reverse("admin:procedures_case_change", args=[case.pk]))
    response = client.post(_action(case, "aprobar"), {"password": "x"})

    assert "aprobar" not in [a.key for a in page.context["actions"]]
    assert "control de cuatro ojos" in page.content.decode()
    assert response.status_code == 403
    assert "Usted preparó esta cancelación" in response.content.decode()
    case.refresh_from_db()
    assert case.state == Case.State.AWAITING_APPROVAL


def test_returned_with_observations_the_official_reads_them_on_the_case(director, official) -> None:
    case = cancellation(registrant_in(OWN), "awaiting_approval", preparer=official)

    client_for(director).post(
        _action(case, "devolver"), {"observations": "Adjunte la constancia de ejecutoria."}
    )
    page = client_for(official).get(reverse("admin:procedures_case_change", args=[case.pk]))

    case.refresh_from_db()
    assert case.state == Case.State.IN_PROCESS
    html = page.content.decode()
    assert "Observaciones del director" in html
    assert "Adjunte la constancia de ejecutoria." in html
    assert "registrar-cancelacion" in [a.key for a in page.context["actions"]]


def test_the_queue_lists_the_seccionals_cancellations_and_marks_the_directors_own(
    director, official
) -> None:
    theirs = cancellation(registrant_in(OWN), "awaiting_approval", preparer=official)
    own = cancellation(registrant_in(OWN), "awaiting_approval", preparer=director)
    cancellation(registrant_in("11"), "awaiting_approval")
    cancellation(registrant_in(OWN), "in_process")

    response = client_for(director).get(QUEUE)

    assert [case for case, _left in response.context["queue"]] == [theirs, own]
    html = response.content.decode()
    assert f'value="{theirs.pk}"' in html
    assert f'value="{own.pk}"' not in html  # no checkbox: four eyes


def test_bulk_approval_reports_which_were_approved_and_which_refused_and_why(
    director, official
) -> None:
    first = cancellation(registrant_in(OWN), "awaiting_approval", preparer=official)
    second = cancellation(registrant_in(OWN), "awaiting_approval", preparer=official)
    cancelled_meanwhile = registrant_in(OWN)
    already_cancelled = cancellation(cancelled_meanwhile, "awaiting_approval", preparer=official)
    change_state(cancelled_meanwhile, transition_name="cancel", by=None)
    mine = cancellation(registrant_in(OWN), "awaiting_approval", preparer=director)

    response = client_for(director).post(
        QUEUE,
        {"cases": [first.pk, second.pk, already_cancelled.pk, mine.pk], "password": "x"},
        follow=True,
    )

    assert sorted(_messages(response)) == sorted(
        [
            f"{already_cancelled.number}: El inscrito está en estado «Cancelado»: no se puede "
            "cancelar.",
            f"{mine.number}: Usted preparó esta cancelación: debe aprobarla otro director o "
            "funcionario autorizado (control de cuatro ojos).",
            f"Aprobadas 2 cancelación(es): {first.number}, {second.number}. Falta comunicar cada "
            "decisión.",
        ]
    )
    states = dict(
        Case.objects.filter(
            pk__in=[first.pk, second.pk, already_cancelled.pk, mine.pk]
        ).values_list("pk", "state")
    )
    assert states == {
        first.pk: "decided",
        second.pk: "decided",
        already_cancelled.pk: "awaiting_approval",
        mine.pk: "awaiting_approval",
    }
    assert CaseStep.objects.filter(kind=CaseStep.Kind.APPROVED, actor=director).count() == 2


def test_bulk_approval_with_a_wrong_password_approves_none(director, official) -> None:
    cases = [
        cancellation(registrant_in(OWN), "awaiting_approval", preparer=official) for _ in range(2)
    ]

    response = client_for(director).post(
        QUEUE, {"cases": [c.pk for c in cases], "password": "otra"}
    )

    assert response.status_code == 200
    assert "La contraseña no es correcta" in response.content.decode()
    assert set(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("state", flat=True)
    ) == {"awaiting_approval"}


def test_selecting_in_the_inbox_opens_the_queue_with_those_cases_checked(
    director, official
) -> None:
    case = cancellation(registrant_in(OWN), "awaiting_approval", preparer=official)
    client = client_for(director)

    response = client.post(
        reverse("admin:procedures_case_changelist"),
        {"action": "approve_selected", "_selected_action": [case.pk]},
    )
    queue = client.get(response["Location"])

    assert response["Location"] == f"{QUEUE}?ids={case.pk}"
    assert f'value="{case.pk}" id="caso-{case.pk}" checked' in queue.content.decode()


def test_officials_have_no_queue(official) -> None:
    response = client_for(official).get(QUEUE)

    assert response.status_code == 403
    assert "Solo los directores aprueban cancelaciones." in response.content.decode()
