"""Writing many rows of one model at once, faster than bulk_create where it matters."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Model


def insert_many(
    model: type[Model], *, template: dict[str, Any], varying: dict[str, list[Any]]
) -> list[int]:
    """Insert rows that share the `template` values and differ in the `varying` columns.

    Returns the new ids in order. On PostgreSQL this is one INSERT ... SELECT FROM unnest(...)
    whose shared values are prepared once from a prototype instance (so model defaults and
    auto_now_add apply as in save()): building and preparing a model instance per row, as
    bulk_create does, is most of the time a 100,000-row feed takes. Elsewhere, bulk_create.
    """
    count = len(next(iter(varying.values())))
    if count == 0:
        return []
    if connection.vendor != "postgresql":
        objects = [
            model(**template, **{name: values[i] for name, values in varying.items()})
            for i in range(count)
        ]
        return [obj.pk for obj in model._default_manager.bulk_create(objects)]
    prototype = model(**template)
    quote = connection.ops.quote_name
    pk_column = model._meta.pk.column if model._meta.pk else None
    assert pk_column
    columns, selects, shared, arrays, aliases = [], [], [], [], []
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key:
            continue
        column, db_type = model_field.column, model_field.db_type(connection)
        assert column and db_type  # concrete fields have both
        columns.append(quote(column))
        if model_field.attname in varying:
            aliases.append(quote(model_field.attname))
            selects.append(f"u.{quote(model_field.attname)}")
            arrays.append(
                (
                    f"%s::{db_type}[]",
                    [
                        model_field.get_db_prep_save(v, connection)
                        for v in varying[model_field.attname]
                    ],
                )
            )
        else:
            value = model_field.pre_save(prototype, add=True)
            selects.append(f"%s::{db_type}")
            shared.append(model_field.get_db_prep_save(value, connection))
    unknown = set(varying) - {f.attname for f in model._meta.concrete_fields}
    assert not unknown, unknown
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(selects)} "
        f"FROM unnest({', '.join(a for a, _v in arrays)}) AS u({', '.join(aliases)}) "
        f"RETURNING {quote(pk_column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*shared, *(v for _a, v in arrays)])
        # Rows come back in the order unnest produced them, as Django's bulk_create relies on.
        return [row[0] for row in cursor.fetchall()]
