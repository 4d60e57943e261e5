from io import StringIO

import pytest
from django.core.management import call_command

from procedures.models import Case, Petition, cause_applies

pytestmark = pytest.mark.django_db


def test_the_demo_has_cases_at_every_stage_and_loads_once():
    call_command("load_demo_data", stdout=StringIO())
    states = set(Case.objects.values_list("state", flat=True))
    assert {"received", "in_process", "awaiting_approval", "communicated", "rejected"} <= states
    assert Case.objects.filter(seccional_id="11", received_at_seccional_id="32").exists()
    assert Case.objects.filter(priority__gt=0, assigned_to__isnull=True).exists()
    assert Petition.objects.count() == 1
    for case in Case.objects.filter(registrant__isnull=False).select_related("registrant"):
        registrant = case.registrant
        assert cause_applies(case.cause, kind=registrant.kind, person_type=registrant.person_type)
    count = Case.objects.count()

    call_command("load_demo_data", stdout=StringIO())
    assert Case.objects.count() == count
