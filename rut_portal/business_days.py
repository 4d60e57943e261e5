"""The business-day calendar and term arithmetic (no clock reads, no database).

Which term each rule sets (its amount, unit and legal basis) is defined once, in
deadlines/rules.py; this module only counts days.

Colombian business days are Monday to Friday except national holidays, with the Ley Emiliani
moves (Ley 51 de 1983) that the `holidays` package already applies. Extra closing days (a day
DIAN closes) come from settings.EXTRA_NON_BUSINESS_DAYS. Terms "in days" in Colombian law are
business days unless the norm says calendar days, and a term that ends on a non-business day
runs to the next business day (Ley 4 de 1913, art. 62), so every Term names its unit.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class Unit(enum.Enum):
    BUSINESS_DAYS = "business_days"
    CALENDAR_DAYS = "calendar_days"
    MONTHS = "months"
    YEARS = "years"


@dataclass(frozen=True)
class Term:
    amount: int
    unit: Unit
    basis: str

    def describe(self) -> str:
        """The term in words, e.g. «3 días hábiles»."""
        n = self.amount
        if self.unit is Unit.BUSINESS_DAYS:
            return ngettext("%(n)s día hábil", "%(n)s días hábiles", n) % {"n": n}
        if self.unit is Unit.CALENDAR_DAYS:
            return ngettext("%(n)s día calendario", "%(n)s días calendario", n) % {"n": n}
        if self.unit is Unit.MONTHS:
            return ngettext("%(n)s mes", "%(n)s meses", n) % {"n": n}
        return ngettext("%(n)s año", "%(n)s años", n) % {"n": n}


def extra_non_business_days(values: list[str] | tuple[str, ...]) -> frozenset[date]:
    """Parse settings.EXTRA_NON_BUSINESS_DAYS (ISO dates); a bad value is a configuration error."""
    days = set()
    for value in values:
        try:
            days.add(date.fromisoformat(str(value).strip()))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"EXTRA_NON_BUSINESS_DAYS must hold ISO dates (YYYY-MM-DD), got {value!r}"
            ) from exc
    return frozenset(days)


@lru_cache(maxsize=256)
def _non_business_days(year: int, extra: tuple[str, ...]) -> frozenset[date]:
    days = set(holidays.country_holidays("CO", years=year))
    days.update(d for d in extra_non_business_days(extra) if d.year == year)
    return frozenset(days)


def is_business_day(day: date) -> bool:
    if day.weekday() >= 5:
        return False
    extra = tuple(getattr(settings, "EXTRA_NON_BUSINESS_DAYS", ()))
    return day not in _non_business_days(day.year, extra)


def next_business_day(day: date) -> date:
    """The first business day strictly after `day`."""
    return add_business_days(day, 1)


def business_day_on_or_after(day: date) -> date:
    """`day` itself when it is a business day, else the next one (Ley 4 de 1913, art. 62)."""
    return day if is_business_day(day) else next_business_day(day)


def add_business_days(start: date, days: int) -> date:
    """The date `days` business days after `start` (start itself does not count)."""
    if days < 0:
        raise ValueError("days must be zero or positive")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_business_day(current):
            remaining -= 1
    return current


def business_days_between(start: date, end: date) -> int:
    """Business days after `start` up to and including `end`; negative when end is earlier."""
    if end < start:
        return -business_days_between(end, start)
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_business_day(current):
            count += 1
    return count


def add_months(start: date, months: int) -> date:
    """Same day `months` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    for day in range(start.day, 27, -1):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return date(year, month, min(start.day, 28))


def due_date(start: date, term: Term) -> date:
    """The last day of a term that starts on `start` (the day of the fact does not count).

    Business-day terms end on a business day by construction; calendar-day, month and year terms
    that end on a non-business day run to the next business day (Ley 4 de 1913, art. 62).
    """
    if term.amount < 0:
        raise ValueError(_("Un término no puede ser negativo."))
    if term.unit is Unit.BUSINESS_DAYS:
        return add_business_days(start, term.amount)
    if term.unit is Unit.CALENDAR_DAYS:
        end = start + timedelta(days=term.amount)
    elif term.unit is Unit.MONTHS:
        end = add_months(start, term.amount)
    else:
        end = add_months(start, 12 * term.amount)
    return business_day_on_or_after(end)
