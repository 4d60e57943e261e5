"""A forged TOTAL_FORMS in the assisted inscription's repeated parts builds no more rows than
the page offers: Django's own ceiling is max_num + 1,000 rows per part, each with its queried
choices, and the campaign's '999…' kept a gunicorn worker busy past 30 s (ASVS 5.1.4)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from backoffice.inscription_forms import MAX_ROWS, build_sections
from procedures.models import Case
from registry.models import Registrant
from tests.admin.conftest import client_for

pytestmark = pytest.mark.django_db

PAGE = "admin:procedures_case_inscription"
FORGED = "9" * 400


def _forged(section: str) -> dict[str, str]:
    return {
        f"{section}-TOTAL_FORMS": FORGED,
        f"{section}-INITIAL_FORMS": "0",
        f"{section}-MIN_NUM_FORMS": "0",
        f"{section}-MAX_NUM_FORMS": FORGED,
    }


@pytest.mark.parametrize("section", ["activities", "representatives", "partners", "establishments"])
def test_a_forged_row_count_builds_at_most_the_rows_offered(section) -> None:
    (part,) = [s for s in build_sections(_forged(section)) if s.name == section]

    assert len(part.formset.forms) <= MAX_ROWS
    assert not part.formset.is_valid()


def test_the_page_answers_with_its_form_and_writes_nothing(official) -> None:
    response = client_for(official).post(reverse(PAGE), _forged("activities"))

    assert response.status_code == 200
    assert "La inscripción no se radicó" in response.content.decode()
    assert not Case.objects.exists()
    assert not Registrant.objects.exists()
