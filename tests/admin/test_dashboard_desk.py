"""The dashboard counts the desk's day: today's videoatención appointments and the notices of
the official's seccional still waiting for their acknowledgment."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse

from procedures.services.notices import acknowledge_notice
from tests.admin.conftest import OTHER, OWN, client_for, registrant_in
from tests.admin.test_notices import _five_year_notice
from tests.clock import BOGOTA, TODAY
from tests.factories import make_appointment

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("admin:procedures_case_dashboard")


def _at(hour: int, *, days: int = 0) -> datetime:
    return datetime.combine(TODAY + timedelta(days=days), time(hour), tzinfo=BOGOTA)


def _counts(response) -> tuple[int, int]:
    return response.context["appointments_today"], response.context["pending_notices"]


def test_the_dashboard_counts_todays_appointments_of_the_officials_seccional(
    official, official_of_other_seccional
) -> None:
    make_appointment(registrant_in(OWN), at=_at(9), reason="identification")
    make_appointment(registrant_in(OWN), at=_at(15), reason="customs")
    make_appointment(registrant_in(OWN), at=_at(9, days=1), reason="customs")
    make_appointment(registrant_in(OTHER), at=_at(10), reason="identification")

    own = client_for(official).get(DASHBOARD)
    other = client_for(official_of_other_seccional).get(DASHBOARD)

    assert _counts(own) == (2, 0)
    assert _counts(other) == (1, 0)
    html = own.content.decode()
    assert '<span class="rut-card-value" data-testid="appointments-today">2</span>' in html
    assert "citas de videoatención hoy" in html
    assert reverse("admin:portal_appointment_changelist") in html


def test_the_dashboard_counts_the_notices_waiting_for_acknowledgment(
    director, official, official_of_other_seccional
) -> None:
    # The decision notifies Medellín (the inscrito's seccional three years ago) and Bogotá.
    notice = _five_year_notice(director)
    client = client_for(official_of_other_seccional)

    assert _counts(client.get(DASHBOARD)) == (0, 1)

    acknowledge_notice(notice, by=official_of_other_seccional)

    page = client.get(DASHBOARD)
    assert _counts(page) == (0, 0)
    assert "avisos a la seccional sin acuse de recibo" in page.content.decode()
    assert _counts(client_for(official).get(DASHBOARD)) == (0, 1)


def test_the_central_level_counts_every_seccional_or_the_one_chosen(central) -> None:
    make_appointment(registrant_in(OWN), at=_at(9), reason="identification")
    make_appointment(registrant_in(OTHER), at=_at(10), reason="identification")
    client = client_for(central)

    assert _counts(client.get(DASHBOARD))[0] == 2
    assert _counts(client.get(f"{DASHBOARD}?seccional={OTHER}"))[0] == 1
