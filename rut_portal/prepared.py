"""Querysets compiled to SQL once per process, for the busiest public reads by a unique key.

For a one-row read such as the public RUT lookup, building and compiling the queryset (fields,
joins, the SELECT list) costs several times the round trip to the database: ~0.9 ms against
~0.2 ms on this machine (issue 18). A PreparedQuery compiles its queryset once per database
alias with a placeholder in place of the key, then runs that same SQL with each request's key,
through the connection's ordinary cursor (statement counts, execute wrappers and debug capture
see it as any other query) and with the fields' own converters applied to the row.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

# Never a real key: the compiled parameters are searched for it to find where the key goes.
_PLACEHOLDER = "\x00prepared-query-key\x00"


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    key_position: int
    converters: dict[int, tuple[list[Callable[..., Any]], Any]]


class PreparedQuery:
    """`build(key)` gives the queryset; `row(key)` runs its SQL compiled once, first row only."""

    def __init__(self, build: Callable[[str], QuerySet[Any]]) -> None:
        self._build = build
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _compile(self, using: str) -> _Compiled:
        compiled = self._compiled.get(using)
        if compiled is None:
            compiler = self._build(_PLACEHOLDER).query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            positions = [i for i, value in enumerate(params) if value == _PLACEHOLDER]
            if len(positions) != 1:
                raise ValueError("a prepared query takes its key exactly once")
            columns = [expression for expression, _sql, _alias in compiler.select]
            compiled = _Compiled(sql, tuple(params), positions[0], compiler.get_converters(columns))
            with self._lock:
                self._compiled[using] = compiled
        return compiled

    def row(self, key: str, *, using: str = DEFAULT_DB_ALIAS) -> tuple[Any, ...] | None:
        """The first row for `key`, its values converted as the queryset would, or None."""
        compiled = self._compile(using)
        params = list(compiled.params)
        params[compiled.key_position] = key
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            found = cursor.fetchone()
        if found is None or not compiled.converters:
            return found
        values = list(found)
        for position, (converters, expression) in compiled.converters.items():
            for convert in converters:
                values[position] = convert(values[position], expression, connection)
        return tuple(values)
