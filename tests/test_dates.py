"""rut_portal/dates.py: the `date` filter writes day and month names in lower case."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from rut_portal.dates import date_format

TUESDAY = datetime(2026, 11, 24, 9, 30, tzinfo=ZoneInfo("America/Bogota"))


def _render(source: str, **context: object) -> str:
    with translation.override("es-co"):
        return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("format_string", "expected"),
    [
        (r"l j \d\e F \d\e Y, H:i", "martes 24 de noviembre de 2026, 09:30"),
        ("DATE_FORMAT", "24 de noviembre de 2026"),
        ("DATETIME_FORMAT", "24 de noviembre de 2026 a las 09:30"),
        ("D j M", "mar 24 nov"),
        ("SHORT_DATE_FORMAT", "24/11/2026"),
    ],
)
def test_it_writes_day_and_month_names_in_lower_case(format_string, expected):
    assert _render("{{ when|date:format }}", when=TUESDAY, format=format_string) == expected


def test_a_sentence_that_opens_with_the_date_capitalises_only_its_first_letter():
    rendered = _render(r'{{ when|date:"l j \d\e F"|capfirst }}', when=TUESDAY)

    assert rendered == "Martes 24 de noviembre"


def test_the_default_format_is_the_long_date_and_nothing_renders_empty():
    assert _render("{{ when|date }}", when=date(2026, 1, 5)) == "5 de enero de 2026"
    assert _render("{{ when|date }}", when=None) == ""
    assert _render("{{ when|date }}", when="no es una fecha") == ""


def test_python_code_gets_the_same_words():
    with translation.override("es-co"):
        assert date_format(date(2026, 3, 1), r"l j \d\e F") == "domingo 1 de marzo"
