"""Videoatención appointments: a daily quota per seccional split into slots.

Capacity is enforced by the database: booking is one conditional UPDATE
(`booked = booked + 1 WHERE booked < capacity`) and a CHECK constraint (booked <= capacity)
stands behind it, so concurrent bookings never overbook. Cancelling gives the place back at once.

The reminder one hour before is a row in the deadlines app (rule appointment_reminder), swept
from the database like every other term: a broker restart or flush loses nothing.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Appointment, AppointmentReason, CitizenAccount, Slot
from registry.models import Seccional
from rut_portal.business_days import next_business_day
from rut_portal.errors import Conflict, DomainError

# The default agenda of every seccional: times of day and places per time. The daily quota is
# their sum (here 14 times x 2 places = 28 appointments a day per seccional).
DEFAULT_TIMES = tuple(time(h, m) for h in (8, 9, 10, 11, 14, 15, 16) for m in (0, 30))
DEFAULT_CAPACITY = 2
SLOT_MINUTES = 30
DAYS_AHEAD = 10
MAX_ACTIVE_APPOINTMENTS = 2
VIDEO_BASE_URL = getattr(
    settings, "VIDEO_MEETING_BASE_URL", "https://videoatencion.example.co/sala/"
)


class SlotFull(Conflict):
    """Every place of that time was taken first."""


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def open_day(
    seccional: Seccional | str,
    day: date,
    *,
    times: tuple[time, ...] = DEFAULT_TIMES,
    capacity: int = DEFAULT_CAPACITY,
) -> int:
    """Create the slots of a business day (idempotent: existing slots are left alone)."""
    code = seccional if isinstance(seccional, str) else seccional.code
    slots = [
        Slot(
            seccional_id=code,
            starts_at=datetime.combine(day, t, tzinfo=_tz()),
            minutes=SLOT_MINUTES,
            capacity=capacity,
        )
        for t in times
    ]
    created = Slot.objects.bulk_create(slots, ignore_conflicts=True)
    return len(created)


def open_days_ahead(*, today: date, days: int = DAYS_AHEAD) -> int:
    """Open the default agenda of every seccional that lacks one in the next business days."""
    codes = set(Seccional.objects.values_list("code", flat=True))
    count = 0
    day = today
    for _i in range(days):
        day = next_business_day(day)
        start = datetime.combine(day, time.min, tzinfo=_tz())
        opened = set(
            Slot.objects.filter(starts_at__gte=start, starts_at__lt=start + timedelta(1))
            .values_list("seccional_id", flat=True)
            .distinct()
        )
        for code in sorted(codes - opened):
            count += open_day(code, day)
    return count


def available_days(seccional: str, *, now: datetime | None = None) -> list[tuple[date, int]]:
    """Days with places left for a seccional, each with the places left that day."""
    now = now or timezone.now()
    rows = (
        Slot.objects.filter(seccional_id=seccional, starts_at__gt=now, booked__lt=F("capacity"))
        .values_list("starts_at", "capacity", "booked")
        .order_by("starts_at")
    )
    days: dict[date, int] = {}
    for starts_at, capacity, booked in rows:
        day = timezone.localdate(starts_at)
        days[day] = days.get(day, 0) + capacity - booked
    return sorted(days.items())


def slots_of_day(seccional: str, day: date, *, now: datetime | None = None) -> QuerySet[Slot]:
    now = now or timezone.now()
    start = datetime.combine(day, time.min, tzinfo=_tz())
    return Slot.objects.filter(
        seccional_id=seccional, starts_at__gte=max(start, now), starts_at__lt=start + timedelta(1)
    ).order_by("starts_at")


def day_quota(seccional: str, day: date) -> tuple[int, int]:
    """(places, booked) of a seccional's day."""
    start = datetime.combine(day, time.min, tzinfo=_tz())
    totals = Slot.objects.filter(
        seccional_id=seccional, starts_at__gte=start, starts_at__lt=start + timedelta(1)
    ).aggregate(places=Sum("capacity"), booked=Sum("booked"))
    return totals["places"] or 0, totals["booked"] or 0


def _take_place(slot_id: int, now: datetime) -> Slot:
    taken = Slot.objects.filter(pk=slot_id, booked__lt=F("capacity"), starts_at__gt=now).update(
        booked=F("booked") + 1
    )
    if taken != 1:
        raise SlotFull(
            _("Ese horario ya no tiene cupos. Elija otro horario u otro día."), field="slot"
        )
    return Slot.objects.select_related("seccional").get(pk=slot_id)


def _give_back(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def _lock_account(account: CitizenAccount) -> None:
    # The account row lock serialises one person's bookings; the quota does not depend on it.
    CitizenAccount.objects.select_for_update().filter(pk=account.pk).first()


def _booked_in(account: CitizenAccount, slot_id: int) -> Appointment | None:
    return Appointment.objects.filter(
        account=account, slot_id=slot_id, state=Appointment.State.BOOKED
    ).first()


def _check_active_limit(account: CitizenAccount, now: datetime) -> None:
    active = Appointment.objects.filter(
        account=account, state=Appointment.State.BOOKED, slot__starts_at__gt=now
    ).count()
    if active >= MAX_ACTIVE_APPOINTMENTS:
        raise DomainError(
            _("Ya tiene %(n)s citas pendientes. Cancele una de ellas para reservar otra.")
            % {"n": active},
            field="slot",
        )


@transaction.atomic
def book(
    account: CitizenAccount,
    *,
    slot_id: int,
    reason: str,
    notes: str = "",
    now: datetime | None = None,
) -> Appointment:
    """Reserve a place; raises SlotFull when it was taken first. Emails the confirmation.

    Idempotent per account and slot: booking a slot the account already holds (a double click,
    a resent form) returns that appointment and takes no second place. The account lock makes
    the check safe; the partial unique constraint appointment_once_per_account_and_slot makes
    it true whatever writes the table.
    """
    from portal.tasks import send_appointment_confirmation

    now = now or timezone.now()
    if reason not in AppointmentReason.values:
        raise DomainError(_("Elija el motivo de la cita."), field="reason")
    _lock_account(account)
    existing = _booked_in(account, slot_id)
    if existing is not None:
        return existing
    _check_active_limit(account, now)
    slot = _take_place(slot_id, now)
    appointment = Appointment.objects.create(
        account=account,
        slot=slot,
        reason=reason,
        notes=notes[:300],
        meeting_url=f"{VIDEO_BASE_URL}{secrets.token_urlsafe(12)}",
    )
    send_appointment_confirmation.delay_on_commit(appointment.pk)
    _schedule_reminder(appointment)
    return appointment


def _reminder_key(appointment: Appointment) -> str:
    return f"portal-appointment-{appointment.pk}"


def _schedule_reminder(appointment: Appointment) -> None:
    """Keep (or move) the one-hour reminder as a deadline with the email ready to send."""
    from deadlines.services import schedule_reminder
    from portal.tasks import render_email

    account = appointment.account
    schedule_reminder(
        key=_reminder_key(appointment),
        appointment_at=appointment.slot.starts_at,
        to=account.email,
        subject=_("RUT - Recordatorio: su cita de videoatención es en una hora"),
        body=render_email(
            "portal_appointment_reminder", {"appointment": appointment, "account": account}
        ),
        registrant=account.registrant,
    )


def _lock_own(account: CitizenAccount, appointment_id: int) -> Appointment:
    appointment = (
        Appointment.objects.select_for_update().filter(pk=appointment_id, account=account).first()
    )
    if appointment is None:
        raise DomainError(_("No encontramos esa cita."))
    if appointment.state != Appointment.State.BOOKED:
        raise Conflict(_("Esa cita ya estaba cancelada."))
    return appointment


@transaction.atomic
def cancel(account: CitizenAccount, *, appointment_id: int) -> Appointment:
    """Cancel an appointment; its place returns to the pool in the same transaction."""
    from portal.tasks import send_appointment_cancelled

    appointment = _lock_own(account, appointment_id)
    appointment.state = Appointment.State.CANCELLED
    appointment.cancelled_at = timezone.now()
    appointment.save(update_fields=["state", "cancelled_at"])
    _give_back(appointment.slot_id)
    send_appointment_cancelled.delay_on_commit(appointment.pk)
    from deadlines.models import Rule
    from deadlines.services import cancel_deadline

    cancel_deadline(
        rule=Rule.APPOINTMENT_REMINDER,
        key=_reminder_key(appointment),
        reason=_("La cita fue cancelada."),
    )
    return appointment


@transaction.atomic
def move(
    account: CitizenAccount, *, appointment_id: int, slot_id: int, now: datetime | None = None
) -> Appointment:
    """Take a place in the new slot first, then free the old one; a full slot changes nothing."""
    from portal.tasks import send_appointment_confirmation

    now = now or timezone.now()
    _lock_account(account)
    appointment = _lock_own(account, appointment_id)
    if appointment.slot_id == slot_id:
        raise DomainError(_("Elija un horario distinto al actual."), field="slot")
    if _booked_in(account, slot_id) is not None:
        raise DomainError(_("Ya tiene otra cita en ese horario. Elija otro."), field="slot")
    old_slot = appointment.slot_id
    slot = _take_place(slot_id, now)
    _give_back(old_slot)
    appointment.slot = slot
    appointment.save(update_fields=["slot"])
    send_appointment_confirmation.delay_on_commit(appointment.pk)
    _schedule_reminder(appointment)
    return appointment


def sweep(*, now: datetime | None = None) -> dict[str, int]:
    """The portal's periodic job: open the agenda ahead, purge old throttle counters.

    Idempotent: a second run opens nothing new and deletes nothing more.
    """
    from portal.services import throttle

    now = now or timezone.now()
    return {
        "slots_opened": open_days_ahead(today=timezone.localdate(now)),
        "counters_purged": throttle.purge(now=now),
    }
