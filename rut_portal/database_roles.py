"""Privileges of the application's database role (PostgreSQL production topology).

Migrations run as the schema's owner; web, workers and beat connect as a role that may read and
write rows but, on the append-only tables, only INSERT and SELECT. A table is append-only when
its model carries a pgtrigger Protect trigger against both UPDATE and DELETE: the row trigger
stops the application's own SQL, the missing privilege stops whoever holds its password, and a
non-owner can neither TRUNCATE nor ALTER TABLE ... DISABLE TRIGGER.
"""

from __future__ import annotations

import pgtrigger
from django.apps import apps
from django.db import connections
from psycopg2 import sql


def _protects_update_and_delete(trigger: object) -> bool:
    if not isinstance(trigger, pgtrigger.Protect):
        return False
    operations = str(trigger.operation).upper()
    return "UPDATE" in operations and "DELETE" in operations


def append_only_tables() -> list[str]:
    """Tables of the models that refuse UPDATE and DELETE (audit, versions, access logs...)."""
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if any(
            _protects_update_and_delete(trigger) for trigger in getattr(model._meta, "triggers", [])
        )
    )


def grant_application_role(role: str, *, using: str = "default") -> list[str]:
    """Give `role` row access to every table, and only INSERT/SELECT on the append-only ones.

    Run as the owner after each migration (`manage.py deploy` does), so new tables are covered.
    Returns the append-only tables.
    """
    tables = append_only_tables()
    name = sql.Identifier(role)
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(
            name
        ),
        sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(name),
        sql.SQL(
            "REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {}"
        ).format(name),
        sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(
            sql.SQL(", ").join(sql.Identifier(table) for table in tables), name
        ),
    ]
    with connections[using].cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return tables
