"""Videoatención: daily quota per seccional, never overbooked, cancelled places return at once."""

from __future__ import annotations

import re
import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import IntegrityError, connections, transaction
from django.urls import reverse
from django.utils import timezone

from deadlines.models import Deadline, Rule
from deadlines.services import sweep_due_deadlines
from portal.models import Appointment, AppointmentReason, Slot
from portal.services import appointments
from portal.services.appointments import SlotFull
from rut_portal.business_days import next_business_day
from tests.portal.conftest import PASSWORD

pytestmark = pytest.mark.django_db
BOGOTA = ZoneInfo("America/Bogota")


def _day():
    return next_business_day(timezone.localdate())


def _slot(capacity: int = 2, at: time = time(9, 0)) -> Slot:
    return Slot.objects.create(
        seccional_id="32", starts_at=datetime.combine(_day(), at, tzinfo=BOGOTA), capacity=capacity
    )


def _book(account, slot):
    return appointments.book(account, slot_id=slot.pk, reason=AppointmentReason.IDENTIFICATION)


def test_booking_takes_a_place_and_emails_the_meeting_link(
    account, django_capture_on_commit_callbacks
):
    slot = _slot()
    with django_capture_on_commit_callbacks(execute=True):
        appointment = _book(account, slot)

    slot.refresh_from_db()
    assert slot.booked == 1
    assert appointment.meeting_url.startswith("https://")
    assert appointment.meeting_url in mail.outbox[-1].body


def test_a_full_slot_refuses_the_next_person(make_account):
    slot = _slot(capacity=1)
    _book(make_account(number="111111"), slot)

    with pytest.raises(SlotFull, match="ya no tiene cupos"):
        _book(make_account(number="222222", email="b@example.co"), slot)
    slot.refresh_from_db()
    assert slot.booked == 1


def test_cancelling_returns_the_place_at_once(account, make_account):
    slot = _slot(capacity=1)
    appointment = _book(account, slot)

    appointments.cancel(account, appointment_id=appointment.pk)

    slot.refresh_from_db()
    assert slot.booked == 0
    _book(make_account(number="333333", email="c@example.co"), slot)


def test_moving_takes_the_new_place_before_freeing_the_old(account):
    first, second = _slot(at=time(9, 0)), _slot(capacity=1, at=time(10, 0))
    appointment = _book(account, first)

    appointments.move(account, appointment_id=appointment.pk, slot_id=second.pk)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.booked, second.booked) == (0, 1)


def test_moving_to_a_full_slot_keeps_the_appointment(account, make_account):
    first, full = _slot(at=time(9, 0)), _slot(capacity=1, at=time(10, 0))
    appointment = _book(account, first)
    _book(make_account(number="444444", email="d@example.co"), full)

    with pytest.raises(SlotFull):
        appointments.move(account, appointment_id=appointment.pk, slot_id=full.pk)

    appointment.refresh_from_db()
    assert appointment.slot == first


def test_the_database_itself_refuses_an_overbooked_slot():
    slot = _slot(capacity=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(booked=2)


def test_the_default_agenda_gives_each_seccional_its_daily_quota():
    appointments.open_day("32", _day())
    appointments.open_day("32", _day())  # idempotent

    places, booked = appointments.day_quota("32", _day())
    assert (places, booked) == (len(appointments.DEFAULT_TIMES) * appointments.DEFAULT_CAPACITY, 0)


def test_the_reminder_is_a_deadline_one_hour_before_that_follows_the_appointment(account):
    first, later = _slot(at=time(9, 0)), _slot(at=time(15, 0))
    appointment = _book(account, first)
    key = f"portal-appointment-{appointment.pk}"

    reminder = Deadline.objects.get(rule=Rule.APPOINTMENT_REMINDER, key=key)
    assert reminder.due_at == first.starts_at - timedelta(hours=1)
    assert appointment.meeting_url in reminder.payload["body"]

    appointments.move(account, appointment_id=appointment.pk, slot_id=later.pk)
    reminder.refresh_from_db()
    assert reminder.due_at == later.starts_at - timedelta(hours=1)
    assert "15:00" in reminder.payload["body"]

    appointments.cancel(account, appointment_id=appointment.pk)
    reminder.refresh_from_db()
    assert reminder.state == Deadline.State.CANCELLED


def test_the_reminder_is_emailed_once_when_its_hour_comes(account):
    slot = _slot()
    _book(account, slot)
    mail.outbox.clear()

    sweep_due_deadlines(now=slot.starts_at - timedelta(hours=2))
    assert not mail.outbox
    sweep_due_deadlines(now=slot.starts_at - timedelta(minutes=59))
    sweep_due_deadlines(now=slot.starts_at - timedelta(minutes=58))

    assert [m.subject for m in mail.outbox] == [
        "RUT - Recordatorio: su cita de videoatención es en una hora"
    ]


def test_the_sweep_opens_the_agenda_ahead_once(db):
    first = appointments.sweep()
    second = appointments.sweep()

    assert first["slots_opened"] > 0 and second["slots_opened"] == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_never_overbook(reference_data, make_account):
    """Twelve people book the same three places at the same instant: exactly three get one."""
    slot = _slot(capacity=3)
    people = [make_account(number=str(7000000 + i), email=f"p{i}@example.co") for i in range(12)]
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []

    def book(account) -> None:
        try:
            barrier.wait()
            _book(account, slot)
            outcomes.append("booked")
        except SlotFull:
            outcomes.append("full")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    slot.refresh_from_db()
    assert sorted(outcomes) == ["booked"] * 3 + ["full"] * 9
    assert slot.booked == 3
    assert Appointment.objects.filter(slot=slot, state=Appointment.State.BOOKED).count() == 3


DATE_AT_NINE = r"{weekday} \d{{1,2}} de [a-z]+ de \d{{4}}, 09:00"
WEEKDAYS = "lunes|martes|miércoles|jueves|viernes"


def test_the_appointment_date_has_lower_case_names_and_a_capital_only_to_open_the_heading(
    client, account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _book(account, _slot())
    client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": account.document_number, "password": PASSWORD},
    )

    page = client.get(reverse("portal:appointments")).content.decode()

    heading = DATE_AT_NINE.format(weekday=f"({WEEKDAYS.title()})")
    assert re.search(rf'<h2 class="message__subject">{heading}</h2>', page)
    sentence = DATE_AT_NINE.format(weekday=f"({WEEKDAYS})")
    assert re.search(rf"Fecha y hora: {sentence}", mail.outbox[-1].body)


def test_the_account_page_writes_the_month_in_lower_case(client, account):
    client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": account.document_number, "password": PASSWORD},
    )

    page = client.get(reverse("portal:account")).content.decode()

    assert re.search(r"\d{1,2} de [a-z]+ de \d{4} a las \d\d:\d\d", page)
    assert not re.search(r"\d de [A-Z][a-z]+ de \d{4}", page)


def test_the_home_shows_the_next_booked_appointment(client, account):
    cancelled = _book(account, _slot(at=time(9, 0)))
    Appointment.objects.filter(pk=cancelled.pk).update(state=Appointment.State.CANCELLED)
    _book(account, _slot(at=time(10, 30)))
    client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": account.document_number, "password": PASSWORD},
    )

    page = client.get(reverse("portal:home")).content.decode()

    assert "Próxima cita" in page
    assert "10:30" in page and "09:00" not in page
    assert str(AppointmentReason.IDENTIFICATION.label) in page


def test_the_home_shows_no_appointment_once_it_is_cancelled(client, account):
    cancelled = _book(account, _slot())
    Appointment.objects.filter(pk=cancelled.pk).update(state=Appointment.State.CANCELLED)
    client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": account.document_number, "password": PASSWORD},
    )

    assert "Próxima cita" not in client.get(reverse("portal:home")).content.decode()
