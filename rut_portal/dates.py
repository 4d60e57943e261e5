"""Dates written as Spanish writes them: day and month names in lower case.

Django's es_CO catalogue capitalises those names ("Martes 24 de Noviembre de 2026"), unlike
its `es` one, and keeping the Colombian catalogue matters for every other message ("Ingrese una
fecha válida", not "Introduzca"). This module's `date` filter is a template builtin (see
TEMPLATES in settings) that replaces Django's, so every page, email and PDF template writes
"martes 24 de noviembre de 2026". A template that opens a sentence with a date adds `|capfirst`.
"""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime

from django import template
from django.utils import formats
from django.utils.dateformat import DateFormat

register = template.Library()


class SpanishDateFormat(DateFormat):
    """Django's formatter with the locale's day and month names in lower case."""

    def D(self) -> str:
        return super().D().lower()

    def E(self) -> str:
        return super().E().lower()

    def F(self) -> str:
        return super().F().lower()

    def l(self) -> str:  # noqa: E743 (the name is Django's format character)
        return super().l().lower()

    def M(self) -> str:
        # Django title-cases the three-letter month ("Nov") whatever the locale says.
        return super().M().lower()

    def N(self) -> str:
        return super().N().lower()


def date_format(value: Date | datetime, format_name: str | None = None) -> str:
    """`value` in a named format (DATE_FORMAT, ...) or a format string, like Django's."""
    return SpanishDateFormat(value).format(formats.get_format(format_name or "DATE_FORMAT"))


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Date | datetime | None, arg: str | None = None) -> str:
    if value in (None, ""):
        return ""
    try:
        return date_format(value, arg)  # type: ignore[arg-type]
    except AttributeError:
        return ""
