"""A new record written at once: the row, its children, seccional, Formulario 001 versions, audit.

On PostgreSQL this is one INSERT statement: the inscrito's row in a data-modifying CTE whose id
the children, the seccional assignment, the versions and the audit entries take, each table's
rows passed as one array per column (unnest). Building a model instance per child row and an
INSERT per table, as bulk_create does, was most of a registration's CPU (issue 18). The statement
text depends only on the models, so it is built once per process.

Elsewhere (SQLite, in development) the ORM writes the tables one after another.

Column values are what the ORM would store: an attname missing from a row takes the field's
default (the given `now` for auto_now_add), JSON goes through its field; everything else is a
plain value the driver adapts. A unique constraint's refusal is the IntegrityError of the one
statement, raised before anything is written.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Field, ForeignKey, JSONField, Model

from registry.models import AuditEntry, FormVersion, Registrant, SeccionalAssignment
from registry.services.record import children_rows
from registry.validation import RegistrantData

# The attname of every other table's link to the record.
_PARENT = "registrant_id"


def write_new_record(
    registrant: Registrant,
    data: RegistrantData,
    *,
    started_at: datetime,
    versions: list[dict[str, Any]],
    audits: list[dict[str, Any]],
) -> None:
    """Insert `registrant` (unsaved) with the children of `data` and its versions and audit.

    `versions`: FormVersion columns by attname (form_number, version, concept, state, snapshot,
    created_by_id). `audits`: AuditEntry columns by attname, whose `form_version_id` is the
    *version number* of one of `versions` (or None). `started_at`: when the seccional assignment
    starts, also the time of the versions and entries. Sets the registrant's id.
    """
    rows: dict[type[Model], list[dict[str, Any]]] = {
        **children_rows(data),
        SeccionalAssignment: [{"seccional_id": registrant.seccional_id, "started_at": started_at}],
        FormVersion: versions,
        AuditEntry: audits,
    }
    if connection.vendor == "postgresql":
        _insert_in_one_statement(registrant, rows, now=started_at)
    else:
        _insert_table_by_table(registrant, rows)
    registrant._update_initial_state()  # what save() does for ConcurrentTransitionMixin


def _insert_table_by_table(
    registrant: Registrant, rows: dict[type[Model], list[dict[str, Any]]]
) -> None:
    registrant.save()
    audits = rows.pop(AuditEntry)
    created: dict[int, int] = {}
    for model, table_rows in rows.items():
        objects = model._default_manager.bulk_create(
            [model(**{_PARENT: registrant.pk}, **row) for row in table_rows]
        )
        if model is FormVersion:
            created = {v.version: v.pk for v in objects}  # type: ignore[attr-defined]
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                registrant_id=registrant.pk,
                **{**row, "form_version_id": created.get(row.get("form_version_id"))},  # type: ignore[arg-type]
            )
            for row in audits
        ]
    )


def _insert_in_one_statement(
    registrant: Registrant, rows: dict[type[Model], list[dict[str, Any]]], *, now: datetime
) -> None:
    sql, tables = _statement()
    params: list[Any] = [
        field.get_db_prep_save(field.pre_save(registrant, add=True), connection)
        for field in _fields(Registrant)
    ]
    for model, fields in tables:
        table_rows = rows[model]
        for field in fields:
            params.append([_value(field, row, now) for row in table_rows])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        registrant.pk = cursor.fetchone()[0]
    registrant._state.adding = False
    registrant._state.db = connection.alias


def _value(field: Field, row: dict[str, Any], now: datetime) -> Any:
    if field.attname in row:
        value = row[field.attname]
    elif getattr(field, "auto_now_add", False):
        value = now
    else:
        value = field.get_default()
    if isinstance(field, JSONField):
        return field.get_db_prep_save(value, connection)
    return value


def _fields(model: type[Model]) -> list[Field]:
    """The columns an INSERT gives (every concrete one but the id and the link to the record)."""
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and not (isinstance(f, ForeignKey) and f.attname == _PARENT)
    ]


def _column(field: Field) -> str:
    assert field.column is not None  # concrete fields have one
    return field.column


@cache
def _statement() -> tuple[str, list[tuple[type[Model], list[Field]]]]:
    """The INSERT and, in parameter order, each child table with its array columns."""
    quote = connection.ops.quote_name
    registrant_fields = _fields(Registrant)
    ctes = [
        f"r AS (INSERT INTO {quote(Registrant._meta.db_table)} "
        f"({', '.join(quote(_column(f)) for f in registrant_fields)}) "
        f"VALUES ({', '.join(['%s'] * len(registrant_fields))}) RETURNING id)"
    ]
    models: list[type[Model]] = [
        *children_rows(RegistrantData(kind="")),
        SeccionalAssignment,
        FormVersion,
        AuditEntry,
    ]
    tables: list[tuple[type[Model], list[Field]]] = []
    for n, model in enumerate(models):
        fields = _fields(model)
        tables.append((model, fields))
        arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
        names = [quote(f.attname) for f in fields]
        selected = [f"u.{name}" for name in names]
        join = ""
        if model is AuditEntry:  # the entry's version, by number, among the ones just written
            at = [f.attname for f in fields].index("form_version_id")
            selected[at] = "v.id"
            join = " LEFT JOIN v ON v.version = u.form_version_id"
        alias = "v" if model is FormVersion else f"t{n}"
        returning = " RETURNING id, version" if model is FormVersion else ""
        ctes.append(
            f"{alias} AS (INSERT INTO {quote(model._meta.db_table)} "
            f"({quote(_PARENT)}, {', '.join(quote(_column(f)) for f in fields)}) "
            f"SELECT r.id, {', '.join(selected)} "
            f"FROM r CROSS JOIN unnest({arrays}) WITH ORDINALITY AS u({', '.join(names)}, n)"
            f"{join} ORDER BY u.n{returning})"
        )
    return f"WITH {', '.join(ctes)} SELECT id FROM r", tables
