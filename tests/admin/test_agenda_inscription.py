"""An inscription appointment of the videoatención agenda is attended on the assisted
inscription page: "Iniciar trámite" opens the Formulario 001 with the citizen's account data,
and the inscription received is linked to the appointment (the case page shows where it came
from)."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from portal.models import Appointment, AppointmentReason, CitizenAccount, Slot
from portal.services import appointments
from procedures.models import Case, CaseType, Channel
from registry.models import AuditEntry, Registrant
from tests.admin.conftest import OWN, client_for
from tests.admin.test_assisted_inscription import ACTIVITY, _form
from tests.clock import BOGOTA, TODAY

pytestmark = pytest.mark.django_db

PAGE = reverse("admin:procedures_case_inscription")


def _inscription_appointment(reason: str = AppointmentReason.INSCRIPTION) -> Appointment:
    """A citizen without a RUT yet books a video appointment at the officials' seccional."""
    account = CitizenAccount.objects.create(
        user=User.objects.create_user(username="ciudadana"),
        document_type_id="13",
        document_number="52999888",
        first_name="Ana María",
        last_name="Rodríguez Peña",
        email="ana@example.co",
        mobile="3001234567",
    )
    slot = Slot.objects.create(
        seccional_id=OWN, starts_at=datetime.combine(TODAY, time(10), tzinfo=BOGOTA), capacity=2
    )
    return appointments.book(account, slot_id=slot.pk, reason=reason, notes="Abre una tienda.")


def test_iniciar_tramite_of_an_inscription_opens_the_assisted_inscription(official) -> None:
    appointment = _inscription_appointment()
    client = client_for(official)

    page = client.get(reverse("admin:portal_appointment_change", args=[appointment.pk]))

    assert f'href="{PAGE}?cita={appointment.pk}"' in page.content.decode()


@pytest.mark.parametrize("reason", [AppointmentReason.INSCRIPTION, "technical_failure"])
def test_the_assisted_inscription_starts_with_the_citizens_account_data(official, reason) -> None:
    appointment = _inscription_appointment(reason)

    response = client_for(official).get(f"{PAGE}?cita={appointment.pk}")

    form = response.context["form"]
    names = (
        "kind",
        "document_type",
        "document_number",
        "first_name",
        "other_names",
        "first_surname",
        "second_surname",
        "email",
        "phone_1",
        "requester_name",
    )
    assert {name: form[name].value() for name in names} == {
        "kind": "PN",
        "document_type": "13",
        "document_number": "52999888",
        "first_name": "ANA",
        "other_names": "MARÍA",
        "first_surname": "RODRÍGUEZ",
        "second_surname": "PEÑA",
        "email": "ana@example.co",
        "phone_1": "3001234567",
        "requester_name": "Ana María Rodríguez Peña",
    }
    assert "Desde la cita de videoatención de Ana María Rodríguez Peña" in (
        response.content.decode()
    )


def test_the_inscription_received_is_linked_to_the_appointment(official) -> None:
    appointment = _inscription_appointment()
    client = client_for(official)
    fields = {
        "kind": "PN",
        "document_type": "13",
        "document_number": "52999888",
        "first_name": "ANA",
        "first_surname": "RODRÍGUEZ",
        "email": "ana@example.co",
        "phone_1": "3001234567",
        "responsibilities": ["49"],
    }

    response = client.post(
        f"{PAGE}?cita={appointment.pk}", _form({"activities": [ACTIVITY]}, **fields)
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    assert (case.case_type, case.channel) == (CaseType.REGISTRATION, Channel.VIDEO)
    appointment.refresh_from_db()
    assert appointment.case == case
    assert appointment.state == Appointment.State.ATTENDED
    assert appointment.closed_by == official
    assert AuditEntry.objects.filter(
        action="appointment_case_started", case_number=case.number
    ).exists()
    case_page = client.get(response["Location"]).content.decode()
    assert reverse("admin:portal_appointment_change", args=[appointment.pk]) in case_page


def test_a_refused_inscription_writes_nothing_and_leaves_the_appointment_open(official) -> None:
    appointment = _inscription_appointment()

    response = client_for(official).post(
        f"{PAGE}?cita={appointment.pk}",
        _form(kind="PN", document_type="13", document_number="52999888", first_name="ANA"),
    )

    assert response.status_code == 200
    assert "Indique el primer apellido." in response.content.decode()
    assert not Case.objects.exists() and not Registrant.objects.exists()
    appointment.refresh_from_db()
    assert (appointment.state, appointment.case) == (Appointment.State.BOOKED, None)


def test_an_inscription_from_another_seccionals_appointment_is_refused(
    official_of_other_seccional,
) -> None:
    appointment = _inscription_appointment()

    response = client_for(official_of_other_seccional).get(f"{PAGE}?cita={appointment.pk}")

    assert response.status_code == 403
    assert "La cita es de la" in response.content.decode()
