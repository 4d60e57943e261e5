"""NIT arithmetic and numbering: the check digit (DV), parsing, formatting and allocation.

The DV follows DIAN's modulo-11 rule as implemented by python-stdnum's `stdnum.co.nit`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _
from stdnum.co import nit as stdnum_nit
from stdnum.exceptions import ValidationError as StdnumError

from rut_portal.errors import DomainError

MAX_BASE_DIGITS = 15


class InvalidNit(DomainError):
    pass


@dataclass(frozen=True)
class Nit:
    number: str
    check_digit: int

    def __str__(self) -> str:
        return format_nit(self.number, self.check_digit)


def _clean_base(nit: str) -> str:
    # A stored NIT is already compact (digits only), and compact() would return it unchanged:
    # skipping its clean-up saves most of the formatting of each NIT in a list.
    base = nit if isinstance(nit, str) and nit.isdigit() else stdnum_nit.compact(str(nit))
    if not base.isdigit() or not 1 <= len(base) <= MAX_BASE_DIGITS:
        raise InvalidNit(
            _("El NIT debe tener entre 1 y 15 dígitos, sin el dígito de verificación."),
            field="nit",
        )
    return base.lstrip("0") or "0"


def check_digit(nit: str) -> int:
    """The DV of a NIT given without its DV (dots, spaces and dashes are ignored)."""
    return int(stdnum_nit.calc_check_digit(_clean_base(nit)))


def _with_dots(base: str) -> str:
    """'900373913' → '900.373.913': thousands grouped with dots, as DIAN writes a NIT."""
    return f"{int(base):,}".replace(",", ".")


def format_nit(nit: str, dv: int | None = None) -> str:
    """'900373913' → '900.373.913-4' (the DV is computed when not given)."""
    base = _clean_base(nit)
    digit = check_digit(base) if dv is None else dv
    return f"{_with_dots(base)}-{digit}"


def parse_nit(text: str) -> Nit:
    """Parse '900.373.913-4' or '9003739134' (the last digit is the DV) and verify the DV."""
    compact = stdnum_nit.compact(str(text or ""))
    if not compact.isdigit() or not 2 <= len(compact) <= MAX_BASE_DIGITS + 1:
        raise InvalidNit(
            _("Escriba el NIT con su dígito de verificación, por ejemplo 900.373.913-4."),
            field="nit",
        )
    base, given = compact[:-1], int(compact[-1])
    expected = check_digit(base)
    if given != expected:
        raise InvalidNit(
            _("El dígito de verificación del NIT %(nit)s es %(expected)s, no %(given)s.")
            % {"nit": _with_dots(base), "expected": expected, "given": given},
            field="nit",
        )
    return Nit(number=base.lstrip("0") or "0", check_digit=expected)


def is_valid_nit(text: str) -> bool:
    try:
        parse_nit(text)
    except (InvalidNit, StdnumError):
        return False
    return True


# --- Numbering ----------------------------------------------------------------------------------
# PostgreSQL: real sequences (migration 0002); nextval() never blocks other transactions and never
# hands out a number twice, even when the transaction that drew it rolls back (that number is
# simply never used). SQLite serialises writers, so a counter row updated in place is enough.

NIT_SEQUENCE = "registry_nit_seq"
FORM_NUMBER_SEQUENCE = "registry_form_number_seq"


def next_value(sequence: str, *, start: int = 1) -> int:
    """The next number of a sequence; `start` is its first value (SQLite creates the row)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(%s)", [sequence])
        else:
            # A test flush can empty registry_counter, so the row is created on first use.
            cursor.execute(
                "INSERT INTO registry_counter (name, value) VALUES (%s, %s) "
                "ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
                [sequence, start],
            )
        row = cursor.fetchone()
    if row is None:
        raise RuntimeError(f"sequence {sequence} is missing; run migrate")
    return int(row[0])


def allocate_nit() -> Nit:
    """Draw the next NIT of the configured range."""
    return _nit_in_range(next_value(NIT_SEQUENCE, start=settings.NIT_RANGE_START))


def _nit_in_range(number: int) -> Nit:
    if number > settings.NIT_RANGE_END:
        raise DomainError(_("Se agotó el rango de NIT configurado; avise al administrador."))
    return Nit(number=str(number), check_digit=check_digit(str(number)))


def allocate_registration_numbers(*, nit: bool, forms: int) -> tuple[Nit | None, list[str]]:
    """A NIT (when `nit`) and `forms` Formulario 001 numbers, in one round trip on PostgreSQL."""
    if connection.vendor != "postgresql":  # SQLite: the counter rows, one statement each
        return (allocate_nit() if nit else None), allocate_form_numbers(forms)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN %s THEN nextval(%s) END, "
            "ARRAY(SELECT nextval(%s) FROM generate_series(1, %s))",
            [nit, NIT_SEQUENCE, FORM_NUMBER_SEQUENCE, forms],
        )
        number, values = cursor.fetchone()
    return (_nit_in_range(number) if nit else None), _form_numbers(sorted(values))


def allocate_form_number() -> str:
    """Next Formulario 001 number: '14' + 9-digit sequence + its own modulo-11 check digit."""
    body = f"14{next_value(FORM_NUMBER_SEQUENCE):09d}"
    return f"{body}{check_digit(body)}"


def allocate_form_numbers(count: int) -> list[str]:
    """`count` Formulario 001 numbers as allocate_form_number gives them, in one round trip."""
    if count <= 0:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(%s) FROM generate_series(1, %s)", [FORM_NUMBER_SEQUENCE, count]
            )
            values = sorted(int(row[0]) for row in cursor.fetchall())
        else:  # SQLite: next_value's counter row, moved once by `count`
            cursor.execute(
                "INSERT INTO registry_counter (name, value) VALUES (%s, %s) "
                "ON CONFLICT (name) DO UPDATE SET value = value + %s RETURNING value",
                [FORM_NUMBER_SEQUENCE, count, count],
            )
            last = int(cursor.fetchone()[0])
            values = list(range(last - count + 1, last + 1))
    return _form_numbers(values)


def _form_numbers(values: list[int]) -> list[str]:
    bodies = [f"14{value:09d}" for value in values]
    return [f"{body}{check_digit(body)}" for body in bodies]


def is_valid_form_number(number: str) -> bool:
    return (
        len(number) == 12
        and number.isdigit()
        and number.startswith("14")
        and check_digit(number[:-1]) == int(number[-1])
    )
