"""The videoatención agenda: officials of the seccional see the day's and the coming days'
appointments, close them (attended / no-show, audited) and start the matching case from one."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse

from portal.models import Appointment, AppointmentReason
from portal.services import agenda
from procedures.models import Case
from registry.models import AuditEntry, Registrant
from rut_portal.errors import Conflict, DomainError, NotAllowed
from tests.admin.conftest import OTHER, OWN, client_for, registrant_in
from tests.clock import BOGOTA, TODAY
from tests.factories import make_appointment

pytestmark = pytest.mark.django_db

AGENDA = reverse("admin:portal_appointment_changelist")


def _at(hour: int, minute: int = 0, *, days: int = 0) -> datetime:
    return datetime.combine(TODAY + timedelta(days=days), time(hour, minute), tzinfo=BOGOTA)


def _appointment(
    seccional: str = OWN, *, hour: int = 10, days: int = 0, reason: str = "identification", **kw
) -> Appointment:
    registrant = registrant_in(seccional, **kw)
    return make_appointment(registrant, at=_at(hour, days=days), reason=reason)


def _registrant(appointment: Appointment) -> Registrant:
    registrant = appointment.account.registrant
    assert registrant is not None
    return registrant


def _page(appointment: Appointment) -> str:
    return reverse("admin:portal_appointment_change", args=[appointment.pk])


def _close(appointment: Appointment, outcome: str) -> str:
    return reverse("admin:portal_appointment_close", args=[appointment.pk, outcome])


def test_the_agenda_lists_today_and_coming_appointments_of_the_officials_seccional(
    official, django_assert_max_num_queries
) -> None:
    today = _appointment(hour=10)
    tomorrow = _appointment(hour=9, days=1)
    _appointment(OTHER, hour=11)
    client = client_for(official)

    with django_assert_max_num_queries(12):
        response = client.get(AGENDA)

    days = response.context["days"]
    assert [(day, [a.pk for a in items]) for day, items in days] == [
        (TODAY, [today.pk]),
        (TODAY + timedelta(days=1), [tomorrow.pk]),
    ]
    page = response.content.decode()
    assert "Hoy" in page
    assert today.account.full_name in page


def test_the_central_level_sees_every_seccional(central) -> None:
    own, other = _appointment(OWN), _appointment(OTHER)

    response = client_for(central).get(AGENDA)

    listed = {a.pk for _day, items in response.context["days"] for a in items}
    assert listed == {own.pk, other.pk}


def test_an_official_opens_an_appointment_and_the_view_of_personal_data_is_logged(
    official,
) -> None:
    appointment = _appointment(reason=AppointmentReason.VAT_WITHDRAWAL)

    response = client_for(official).get(_page(appointment))

    page = response.content.decode()
    assert appointment.meeting_url in page
    assert "Actualización (retiro 48)" in page
    assert f"?cita={appointment.pk}" in page
    registrant = _registrant(appointment)
    assert registrant.access_log.get().user == official


def test_an_appointment_of_another_seccional_is_refused_with_the_reason(official) -> None:
    appointment = _appointment(OTHER)
    client = client_for(official)

    opened = client.get(_page(appointment))
    closed = client.post(_close(appointment, "atendida"))

    assert opened.status_code == closed.status_code == 403
    assert "La cita es de la" in closed.content.decode()
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.BOOKED


def test_marking_attended_is_audited_with_who_and_when(official) -> None:
    appointment = _appointment()

    response = client_for(official).post(_close(appointment, "atendida"), {"note": "Orientado."})

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.ATTENDED
    assert appointment.closed_by == official and appointment.closed_at is not None
    entry = AuditEntry.objects.get(action="appointment_attended")
    assert (entry.actor, entry.reason, entry.registrant) == (
        official,
        "Orientado.",
        appointment.account.registrant,
    )
    assert "video atención" in entry.legal_basis


def test_a_no_show_waits_for_the_appointments_time(official, clock) -> None:
    appointment = _appointment(hour=10)

    with pytest.raises(DomainError, match="solo puede marcarse como no asistida desde esa hora"):
        agenda.close_appointment(appointment, by=official, attended=False)
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.BOOKED

    clock.move_to(_at(10, 5))
    agenda.close_appointment(appointment, by=official, attended=False)
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.NO_SHOW
    assert AuditEntry.objects.filter(action="appointment_no_show").count() == 1


def test_a_closed_appointment_is_not_closed_twice(official) -> None:
    appointment = _appointment()
    agenda.close_appointment(appointment, by=official, attended=True)

    with pytest.raises(Conflict, match="ya está «Atendida»"):
        agenda.close_appointment(appointment, by=official, attended=True)
    assert AuditEntry.objects.filter(action="appointment_attended").count() == 1


def test_an_appointment_of_a_later_day_is_not_attended_today(official) -> None:
    appointment = _appointment(days=1)

    with pytest.raises(DomainError, match="se atiende el día en que está agendada"):
        agenda.close_appointment(appointment, by=official, attended=True)


def test_the_service_refuses_an_official_of_another_seccional(official_of_other_seccional) -> None:
    appointment = _appointment(OWN)

    with pytest.raises(NotAllowed):
        agenda.close_appointment(appointment, by=official_of_other_seccional, attended=True)


def test_receive_a_case_starts_prefilled_from_the_appointment(official) -> None:
    appointment = _appointment(reason=AppointmentReason.VAT_WITHDRAWAL)
    registrant = _registrant(appointment)

    response = client_for(official).get(
        f"{reverse('admin:procedures_case_add')}?cita={appointment.pk}"
    )

    form = response.context["form"]
    assert {name: form[name].value() for name in ("case_type", "channel", "withdrawal")} == {
        "case_type": "update",
        "channel": "video",
        "withdrawal": "48",
    }
    assert form["registrant_nit"].value() == registrant.formatted_nit
    assert form["requester_name"].value() == appointment.account.full_name


def test_the_case_received_from_an_appointment_is_linked_to_it(official) -> None:
    appointment = _appointment(
        reason=AppointmentReason.VAT_WITHDRAWAL, responsibilities=["05", "48"]
    )
    registrant = _registrant(appointment)
    data = {**agenda.case_prefill(appointment), "facts": "Cesó la venta de bienes gravados."}

    response = client_for(official).post(
        f"{reverse('admin:procedures_case_add')}?cita={appointment.pk}", data
    )

    case = Case.objects.get()
    assert response["Location"] == reverse("admin:procedures_case_change", args=[case.pk])
    assert (case.channel, case.registrant) == ("video", registrant)
    appointment.refresh_from_db()
    assert (appointment.case, appointment.state) == (case, Appointment.State.ATTENDED)
    entry = AuditEntry.objects.get(action="appointment_case_started")
    assert entry.case_number == case.number


def test_a_case_of_another_inscrito_is_not_linked_and_nothing_is_written(official) -> None:
    appointment = _appointment(reason=AppointmentReason.VAT_WITHDRAWAL)
    stranger = registrant_in(OWN, responsibilities=["05", "48"])
    data = {
        **agenda.case_prefill(appointment),
        "registrant_nit": stranger.formatted_nit,
        "requester_name": stranger.display_name,
    }

    response = client_for(official).post(
        f"{reverse('admin:procedures_case_add')}?cita={appointment.pk}", data
    )

    assert response.status_code == 200
    assert response.context["form"].errors["registrant_nit"] == [
        f"El trámite no es del inscrito de la cita ({_registrant(appointment).display_name})."
    ]
    assert not Case.objects.exists()
    appointment.refresh_from_db()
    assert appointment.case is None and appointment.state == Appointment.State.BOOKED


def test_receive_from_an_appointment_of_another_seccional_is_refused(official) -> None:
    appointment = _appointment(OTHER)

    response = client_for(official).get(
        f"{reverse('admin:procedures_case_add')}?cita={appointment.pk}"
    )

    assert response.status_code == 403


def test_the_officials_navigation_links_to_the_agenda(official) -> None:
    response = client_for(official).get(reverse("admin:procedures_case_changelist"))

    assert f'href="{AGENDA}"' in response.content.decode()
