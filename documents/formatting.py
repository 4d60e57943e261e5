"""Colombian formats for printed documents: dd/mm/aaaa dates, 1.234.567,89 numbers.

Written out here instead of relying on the active locale so a document prints the same way
whatever the request's language or the server's settings.
"""

from __future__ import annotations

import gettext
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache

import pycountry
from django.utils import timezone

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_ISO_VALUE = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?")


def parse_date(value: object) -> date | None:
    """A date from a date, a datetime (read in Bogotá time) or an ISO string; else None."""
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parse_date(parsed)
    return None


def date_co(value: object) -> str:
    """dd/mm/aaaa, or "" when there is no valid date."""
    parsed = parse_date(value)
    return parsed.strftime("%d/%m/%Y") if parsed else ""


def looks_like_date(value: object) -> bool:
    """Whether a JSON value is an ISO date or datetime (as the snapshots store them)."""
    return isinstance(value, str) and bool(_ISO_VALUE.fullmatch(value))


def number_co(value: object, places: int | None = None) -> str:
    """Thousands with '.', decimals with ','; trailing zeros dropped when places is None."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
    text = format(number, "f")
    if places is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    sign = "-" if text.startswith("-") else ""
    integer, _, fraction = text.lstrip("-").partition(".")
    grouped = f"{int(integer):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def percent_co(value: object) -> str:
    text = number_co(value)
    return f"{text} %" if text else ""


@cache
def _country_names() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"], fallback=True)


def country_co(code: str) -> str:
    """Spanish country name in capitals ('CO' → 'COLOMBIA'); the code when unknown."""
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code.upper()
    return _country_names().gettext(country.name).upper()
