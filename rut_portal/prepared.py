"""Statements compiled from the ORM once per process, then run with each request's values.

Compiling a queryset (resolving its lookups and joins, quoting every column, ordering) costs the
worker more CPU than PostgreSQL spends answering a lookup by key: close to a millisecond for
each statement of the Mi RUT home, which runs one for the session, one for the user and one
for the recent cases on every request. A `Prepared` statement is built once, with stand-ins for
the values that change, and each run puts the request's values in their places. The public
lookup (page and API) and the verification page read one row by a unique key the same way.

The stand-ins must be values no real parameter of the statement takes (a negative key, a date
in 1901, a string no session key can be), and each must reach the SQL unchanged by its lookup
(`exact`, `gt`, `in`...): the first compilation checks that every one was found.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import cached_property
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet

Row = tuple[Any, ...]
Adapt = Callable[[Any], Any]
Slot = tuple[int, int, Adapt]  # position in the parameters, index of the stand-in, its adapter
M = TypeVar("M", bound=Model)

# The stand-in for a string key (a NIT, a verification code, a session key): no real one holds
# a NUL character, and it is only compiled into the SQL, never sent to the database.
KEY = "\x00prepared-key\x00"


class Prepared:
    """`build(*stand_ins)` gives the queryset (a `values_list`, so the row is the columns it
    names); `rows(*values)` runs its SQL with the values in place of the stand-ins, the
    fields' own conversions (JSON, ...) applied as the ORM would."""

    def __init__(self, build: Callable[..., QuerySet[Any]], *stand_ins: object) -> None:
        self._build = build
        self._stand_ins = stand_ins

    @cached_property
    def _compiled(self) -> tuple[str, list[Any], list[Slot], str, list[Any]]:
        queryset = self._build(*self._stand_ins)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        # A backend may adapt a value before it reaches the SQL (SQLite writes a datetime as
        # text): the stand-in is found as adapted, and each run adapts its value the same way.
        forms = [_forms(stand_in, compiler.connection) for stand_in in self._stand_ins]
        found: dict[int, tuple[int, Adapt]] = {}
        for position, param in enumerate(params):
            for index, candidates in enumerate(forms):
                for form, adapt in candidates:
                    if type(param) is type(form) and param == form:
                        found.setdefault(position, (index, adapt))
        slots = [(position, index, adapt) for position, (index, adapt) in found.items()]
        missing = set(range(len(self._stand_ins))) - {index for _p, index, _a in slots}
        if missing:
            raise ImproperlyConfigured(
                f"{self._build.__qualname__}: stand-ins {sorted(missing)} are not in its SQL"
            )
        columns = [expression for expression, _sql, _alias in compiler.select]
        converters = [
            (column, compiler.get_converters([expression]).get(0))
            for column, expression in enumerate(columns)
        ]
        return sql, list(params), slots, queryset.db, [c for c in converters if c[1]]

    def rows(self, *values: object) -> list[Row]:
        sql, template, slots, alias, converters = self._compiled
        params = list(template)
        for position, index, adapt in slots:
            params[position] = adapt(values[index])
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not converters:
            return rows
        converted = []
        for row in rows:
            values_ = list(row)
            for column, (functions, expression) in converters:
                for function in functions:
                    values_[column] = function(values_[column], expression, connection)
            converted.append(tuple(values_))
        return converted

    def row(self, *values: object) -> Row | None:
        """The first row of `rows`, or None (for a read by a unique key)."""
        found = self.rows(*values)
        return found[0] if found else None


def _unchanged(value: Any) -> Any:
    return value


def _forms(stand_in: object, connection: BaseDatabaseWrapper) -> list[tuple[Any, Adapt]]:
    """The stand-in as the compiled parameters may hold it, each with how to adapt a value."""
    forms: list[tuple[Any, Adapt]] = [(stand_in, _unchanged)]
    if isinstance(stand_in, datetime):
        adapt: Adapt = connection.ops.adapt_datetimefield_value
        forms.append((adapt(stand_in), adapt))
    elif isinstance(stand_in, date):
        adapt = connection.ops.adapt_datefield_value
        forms.append((adapt(stand_in), adapt))
    return forms


def attnames(model: type[Model]) -> list[str]:
    """The columns of a model's row, in the order `from_db` takes them."""
    return [field.attname for field in model._meta.concrete_fields]


def instance(model: type[M], names: Sequence[str], values: Sequence[Any]) -> M:
    """A model instance from a row read by a `Prepared` statement, as the ORM builds it (the
    fields not in `names` are deferred)."""
    return model.from_db(DEFAULT_DB_ALIAS, list(names), list(values))
