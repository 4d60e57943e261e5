"""The mass-change pages: a funcionario proposes, a director reviews the sample and decides."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mass_changes.models import MassChange
from registry.models import AuditEntry, Registrant
from tests.admin.conftest import client_for
from tests.factories import make_natural

pytestmark = pytest.mark.django_db

ADD = "admin:mass_changes_masschange_add"


def _action(batch: MassChange, key: str) -> str:
    return reverse("admin:mass_changes_masschange_action", args=[batch.pk, key])


def _proposal(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "suspend",
        "criterion": "without_email",
        "act_reference": "Resolución 000777 de 2026",
        "reason": "No atendieron el requerimiento de actualizar el correo.",
        **overrides,
    }


def test_an_official_proposes_a_mass_suspension_of_the_inscritos_without_email(official) -> None:
    people = [make_natural(email="", responsibilities=["49"]) for _ in range(3)]

    response = client_for(official).post(reverse(ADD), _proposal())

    batch = MassChange.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:mass_changes_masschange_change", args=[batch.pk])
    assert (batch.state, batch.total, batch.proposed_by_id) == ("proposed", 3, official.pk)
    assert all(Registrant.objects.get(pk=p.pk).state == "active" for p in people)


def test_a_nit_file_with_an_unknown_nit_is_refused_on_its_field(official) -> None:
    csv = SimpleUploadedFile("acto.csv", b"NIT\n900.373.913-4\n", "text/csv")

    response = client_for(official).post(reverse(ADD), _proposal(criterion="nit_list", nits=csv))

    assert response.status_code == 200
    assert response.context["form"].errors["nits"] == [
        "1 NIT del archivo no están inscritos en su jurisdicción o no están en un estado al "
        "que se aplique el cambio: 900373913."
    ]
    assert not MassChange.objects.exists()


def test_the_director_sees_the_sample_and_approves_and_the_batch_runs(
    official, director, django_capture_on_commit_callbacks
) -> None:
    people = [make_natural(email="", responsibilities=["49"]) for _ in range(3)]
    client_for(official).post(reverse(ADD), _proposal())
    batch = MassChange.objects.get()
    client = client_for(director)

    page = client.get(reverse("admin:mass_changes_masschange_change", args=[batch.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_action(batch, "aprobar"), {"password": "x"})

    assert page.status_code == 200
    assert page.context["may_decide"] is True
    assert {item.registrant for item in page.context["sample"]} == set(people)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.state, batch.decided_by_id, batch.changed) == ("done", director.pk, 3)
    assert AuditEntry.objects.filter(action="suspend", actor=director).count() == 3
    listing = client.get(reverse("admin:mass_changes_masschange_changelist"))
    assert "1 de 1 bloques (100 %)" in listing.content.decode()


def test_a_wrong_password_signs_nothing(official, director) -> None:
    make_natural(email="", responsibilities=["49"])
    client_for(official).post(reverse(ADD), _proposal())
    batch = MassChange.objects.get()

    response = client_for(director).post(_action(batch, "aprobar"), {"password": "no"})

    assert response.status_code == 400
    assert response.context["approve_form"].errors["password"] == [
        "La contraseña no es correcta: la aprobación no se firmó y nada cambió."
    ]
    batch.refresh_from_db()
    assert batch.state == "proposed"


def test_the_director_who_proposed_cannot_approve(director) -> None:
    make_natural(email="", responsibilities=["49"])
    client = client_for(director)
    client.post(reverse(ADD), _proposal())
    batch = MassChange.objects.get()

    page = client.get(reverse("admin:mass_changes_masschange_change", args=[batch.pk]))
    response = client.post(_action(batch, "aprobar"), {"password": "x"})

    assert page.context["may_decide"] is False
    assert "control de cuatro ojos" in page.content.decode()
    assert response.status_code == 403
    assert "rut-refusal" in response.content.decode()
    batch.refresh_from_db()
    assert batch.state == "proposed"
    assert not Registrant.objects.filter(state="suspended").exists()


def test_a_director_rejects_with_a_reason_and_the_proposer_may_cancel(official, director) -> None:
    make_natural(email="", responsibilities=["49"])
    client_for(official).post(reverse(ADD), _proposal())
    client_for(official).post(reverse(ADD), _proposal())
    rejected, cancelled = MassChange.objects.order_by("pk")

    empty = client_for(director).post(_action(rejected, "rechazar"), {"notes": ""})
    client_for(director).post(_action(rejected, "rechazar"), {"notes": "Acto sin firmeza."})
    client_for(official).post(_action(cancelled, "anular"))

    assert empty.status_code == 400
    rejected.refresh_from_db()
    cancelled.refresh_from_db()
    assert (rejected.state, rejected.decision_notes) == ("rejected", "Acto sin firmeza.")
    assert cancelled.state == "cancelled"


def _update_proposal(people: list[Registrant], **overrides: Any) -> dict[str, Any]:
    nits = "\n".join(p.formatted_nit for p in people).encode()
    values: dict[str, Any] = {
        "kind": "update",
        "criterion": "nit_list",
        "nits": SimpleUploadedFile("acto.csv", nits, "text/csv"),
        "responsibility": "14",
        "responsibility_action": "remove",
        "reason": "Fiscalización estableció que ya no están obligados a informar exógena.",
    }
    return _proposal(**{**values, **overrides})


def test_an_official_proposes_a_mass_update_and_the_director_approves_it_from_the_sample(
    official, director, django_capture_on_commit_callbacks
) -> None:
    people = [make_natural(responsibilities=["05", "14"]) for _ in range(3)]

    proposed = client_for(official).post(reverse(ADD), _update_proposal(people))
    batch = MassChange.objects.get()
    client = client_for(director)
    page = client.get(reverse("admin:mass_changes_masschange_change", args=[batch.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_action(batch, "aprobar"), {"password": "x"})

    assert proposed.status_code == 302
    assert (batch.kind, batch.responsibility_id, batch.responsibility_action, batch.total) == (
        "update",
        "14",
        "remove",
        3,
    )
    html = page.content.decode()
    assert (
        "Actualización masiva de oficio: retirar la responsabilidad 14 Informante de exógena"
        in html
    )
    assert "Responsabilidades hoy" in html
    assert html.count("<td>05, 14</td>") == 3
    batch.refresh_from_db()
    assert (batch.state, batch.changed) == ("done", 3)
    entries = AuditEntry.objects.filter(action="update", actor=director)
    assert {e.legal_basis for e in entries} == {
        "Decreto 2460 de 2013, art. 14 (actualización de oficio)"
    }
    assert {tuple(p.responsibilities.values_list("code", flat=True)) for p in people} == {("05",)}


def test_a_mass_update_without_what_it_does_is_refused_on_its_fields(official) -> None:
    people = [make_natural(responsibilities=["05", "14"])]

    no_action = client_for(official).post(
        reverse(ADD), _update_proposal(people, responsibility_action="")
    )
    iva = client_for(official).post(reverse(ADD), _update_proposal(people, responsibility="48"))

    assert no_action.status_code == 200
    assert no_action.context["form"].errors["responsibility_action"] == [
        "Elija si la actualización agrega o retira la responsabilidad."
    ]
    assert "solo se retira con la solicitud de retiro de IVA" in str(
        iva.context["form"].errors["responsibility"]
    )
    assert not MassChange.objects.exists()


def test_the_proposal_page_offers_every_responsibility_marking_the_historical_ones(
    official,
) -> None:
    page = client_for(official).get(reverse(ADD))

    html = page.content.decode()
    assert page.status_code == 200
    assert '<option value="12">12 Ventas régimen simplificado (no vigente)</option>' in html
    assert '<option value="52">52 Facturador electrónico</option>' in html
