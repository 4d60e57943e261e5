"""load_demo_data publishes the open statistics, so /estadisticas/ has figures from the start."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from open_data.models import Level, Snapshot
from procedures.models import Case
from registry.models import Registrant

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_a_first_snapshot_of_its_cases_and_inscritos(client) -> None:
    out = StringIO()
    call_command("load_demo_data", stdout=out)

    snapshot = Snapshot.objects.get()
    total = snapshot.case_figures.get(level=Level.TOTAL)
    assert total.received == Case.objects.count() > 0
    assert total.decided == Case.objects.filter(decided_at__isnull=False).count() > 0
    assert sum(f.count for f in snapshot.registrant_figures.all()) == Registrant.objects.count()
    assert "Estadísticas abiertas publicadas en /estadisticas/" in out.getvalue()
    page = client.get("/estadisticas/").content.decode()
    assert 'data-chart="grafico-tramites"' in page

    call_command("load_demo_data", stdout=StringIO())
    assert Snapshot.objects.count() == 1
