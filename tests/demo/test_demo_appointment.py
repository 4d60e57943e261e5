"""The demo citizen's videoatención: load_demo_data books it at Bogotá, so funcionario.bogota's
agenda has an appointment to start a case from."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from demo.portal import APPOINTMENT_SECCIONAL, DOCUMENT_NUMBER, book_demo_appointment
from portal.models import Appointment
from portal.services import appointments
from portal.services.agenda import agenda_of
from portal.services.appointments import DAYS_AHEAD
from rut_portal.business_days import is_business_day
from tests.clock import TODAY, morning

pytestmark = pytest.mark.django_db


def _load() -> str:
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def _first_business_day_after(day: date) -> date:
    day += timedelta(days=1)
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def test_the_funcionario_starts_a_case_from_the_demo_citizens_appointment(client) -> None:
    output = _load()

    official = User.objects.get(username="funcionario.bogota")
    [appointment] = agenda_of(official, day=TODAY, days=DAYS_AHEAD + 1)
    assert appointment.account.document_number == DOCUMENT_NUMBER
    assert appointment.slot.seccional_id == APPOINTMENT_SECCIONAL
    assert appointment.state == Appointment.State.BOOKED
    starts_at = timezone.localtime(appointment.slot.starts_at)
    assert starts_at.date() == _first_business_day_after(TODAY)
    assert f"Su cita de videoatención, {starts_at:%Y-%m-%d %H:%M} en la " in output
    client.force_login(official)
    agenda = client.get(reverse("admin:portal_appointment_changelist")).content.decode()
    assert "LUIS EDUARDO HERNÁNDEZ BARRERA" in agenda.upper()
    page = client.get(reverse("admin:portal_appointment_change", args=[appointment.pk]))
    start_url = f"{reverse('admin:procedures_case_add')}?cita={appointment.pk}"
    assert f'href="{start_url}"' in page.content.decode()
    intake = client.get(start_url)
    assert intake.status_code == 200
    registrant = appointment.account.registrant
    assert registrant is not None
    assert registrant.formatted_nit in intake.content.decode()


def test_a_second_load_books_no_second_appointment() -> None:
    _load()

    output = _load()

    appointment = Appointment.objects.get()
    assert appointment.slot.booked == 1
    assert "para iniciar el trámite desde ella.  (ya estaba reservada)" in output
    assert "ya estaban cargados; no se cambió nada" in output


def test_the_appointment_is_on_the_next_business_day_whatever_today_is(clock) -> None:
    _load()
    # The citizen cancels the load's appointment (TODAY may be any date, TEST_TODAY), and each
    # day's appointment below is past by the next day: each is booked anew.
    loaded = Appointment.objects.get()
    appointments.cancel(loaded.account, appointment_id=loaded.pk)
    for today, expected in [
        # A Friday before Reyes Magos, moved to Monday 11 January (Ley 51 de 1983).
        (date(2027, 1, 8), date(2027, 1, 12)),
        # A Saturday.
        (date(2027, 1, 16), date(2027, 1, 18)),
        # Holy Wednesday: Holy Thursday and Good Friday, then the weekend.
        (date(2027, 3, 24), date(2027, 3, 29)),
    ]:
        clock.move_to(morning(today))

        booked = book_demo_appointment()

        assert booked is not None and booked.created, today
        assert booked.starts_at.date() == expected
        coming = Appointment.objects.filter(
            state=Appointment.State.BOOKED, slot__starts_at__gt=timezone.now()
        )
        assert [timezone.localdate(a.slot.starts_at) for a in coming] == [expected]
