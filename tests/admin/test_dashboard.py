"""The dashboard: counts per state and type per seccional, overdue, decided per week, median."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from procedures.models import Case
from tests.admin.conftest import OTHER, OWN, cancellation, client_for, registrant_in

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("admin:procedures_case_dashboard")


@pytest.fixture
def cases() -> dict[str, Case]:
    made = {
        "received": cancellation(registrant_in(OWN)),
        "in_process": cancellation(registrant_in(OWN), "in_process"),
        "decided": cancellation(registrant_in(OWN), "decided"),
        "other": cancellation(registrant_in(OTHER)),
    }
    overdue = made["in_process"]
    Case.objects.filter(pk=overdue.pk).update(due_on=timezone.localdate() - timedelta(days=10))
    decided = made["decided"]
    assert decided.decided_at is not None
    Case.objects.filter(pk=decided.pk).update(
        received_at=decided.decided_at - timedelta(days=4, hours=12)
    )
    return made


def test_an_official_sees_the_figures_of_their_seccional(official, cases) -> None:
    response = client_for(official).get(DASHBOARD)

    context = response.context
    assert [
        (code, total, overdue) for code, _n, _c, total, overdue in context["seccional_rows"]
    ] == [(OWN, 3, 1)]
    assert context["overdue_count"] == 1
    assert [c for c, _left in context["overdue_cases"]] == [cases["in_process"]]
    assert context["medians"] == [("Cancelación de oficio", 4.5, 1)]
    assert sum(bar.value for bar in context["weekly_bars"]) == 1
    assert context["weekly_bars"][-1].value == 1
    html = response.content.decode()
    assert "Trámites por estado y seccional" in html and "rut-bar-fill" in html


def test_the_central_level_sees_every_seccional_and_filters_one(central, cases) -> None:
    everything = client_for(central).get(DASHBOARD).context
    medellin = client_for(central).get(DASHBOARD, {"seccional": OTHER}).context

    assert [row[0] for row in everything["seccional_rows"]] == [OTHER, OWN]
    assert [row[0] for row in medellin["seccional_rows"]] == [OTHER]
    assert medellin["overdue_count"] == 0


def test_an_official_cannot_open_the_dashboard_of_another_seccional(official, cases) -> None:
    response = client_for(official).get(DASHBOARD, {"seccional": OTHER})

    assert response.status_code == 403
    assert "Solo puede ver el tablero de su seccional." in response.content.decode()


def test_counts_by_type_and_state(director, cases) -> None:
    rows = client_for(director).get(DASHBOARD).context["type_rows"]

    states = [s.value for s in Case.State]
    ((label, counts, total),) = rows
    assert (label, total) == ("Cancelación de oficio", 3)
    assert dict(zip(states, counts, strict=True))["in_process"] == 1
