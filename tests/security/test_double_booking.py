"""A double click books an appointment slot once (ASVS 11.1.2/11.1.4: business logic in order
and against automated double submission)."""

from __future__ import annotations

import threading
from datetime import datetime, time

import pytest
from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from portal.models import Appointment, AppointmentReason, Slot
from portal.services import appointments
from rut_portal.business_days import next_business_day
from tests.portal.conftest import make_account, sign_up  # noqa: F401
from tests.portal.test_appointments import BOGOTA


def _slot(capacity: int = 5) -> Slot:
    day = next_business_day(timezone.localdate())
    return Slot.objects.create(
        seccional_id="32",
        starts_at=datetime.combine(day, time(9, 0), tzinfo=BOGOTA),
        capacity=capacity,
    )


def _book(account, slot):
    return appointments.book(account, slot_id=slot.pk, reason=AppointmentReason.IDENTIFICATION)


@pytest.mark.django_db
def test_booking_the_same_slot_twice_returns_the_first_appointment(make_account):  # noqa: F811
    account = make_account()
    slot = _slot()

    first = _book(account, slot)
    second = _book(account, slot)

    slot.refresh_from_db()
    assert second.pk == first.pk
    assert slot.booked == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_booked_row_for_one_account_and_slot(
    make_account,  # noqa: F811
):
    account = make_account()
    slot = _slot()
    first = _book(account, slot)

    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            account=account, slot=slot, reason=first.reason, meeting_url=first.meeting_url
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_click_at_the_same_instant_books_once(reference_data, make_account):  # noqa: F811
    account = make_account()
    slot = _slot()
    barrier = threading.Barrier(6)
    booked: list[int] = []
    failures: list[BaseException] = []

    def click() -> None:
        try:
            barrier.wait()
            booked.append(_book(account, slot).pk)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    slot.refresh_from_db()
    assert failures == []
    assert len(set(booked)) == 1
    assert slot.booked == 1
    assert Appointment.objects.filter(account=account, state=Appointment.State.BOOKED).count() == 1
