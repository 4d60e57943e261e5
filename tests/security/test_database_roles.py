"""The application's database role may only INSERT and SELECT on the append-only tables.

Migrations run as the owner; web, workers and beat connect as DATABASE_APP_ROLE, whose
privileges `manage.py deploy` grants (rut_portal.database_roles). Here the test's superuser
plays the owner and switches to the application role with SET ROLE.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import DatabaseError, connection, transaction

from registry.models import AuditEntry, FormVersion
from rut_portal.database_roles import append_only_tables, grant_application_role
from tests.factories import make_natural

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def as_application_role(postgres_only: None) -> Iterator[str]:
    # Roles are cluster-wide: one per test database, so parallel runs do not share it.
    role = f"{connection.settings_dict['NAME']}_app"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
    grant_application_role(role)
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{role}"')
    yield role
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def test_the_append_only_tables_are_the_protected_ones():
    assert {
        "registry_auditentry",
        "registry_formversion",
        "registry_dataaccesslog",
        "agreements_querylog",
        "procedures_casestep",
        "procedures_officialformat",
        "documents_storeddocument",
    } <= set(append_only_tables())


def test_the_application_still_registers_and_reads(as_application_role, official):
    registrant = make_natural(by=official)

    assert FormVersion.objects.filter(registrant=registrant).exists()
    assert AuditEntry.objects.filter(registrant=registrant).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == (as_application_role,)


@pytest.mark.parametrize("table", ["registry_auditentry", "registry_formversion"])
@pytest.mark.parametrize(
    "statement",
    ["UPDATE {table} SET id = id", "DELETE FROM {table}", "TRUNCATE {table} CASCADE"],
)
def test_update_delete_and_truncate_are_refused_to_the_application_role(
    as_application_role, official, table, statement
):
    make_natural(by=official)

    with pytest.raises(DatabaseError, match="permission denied"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement.format(table=table))


def test_the_application_role_cannot_disable_the_triggers(as_application_role):
    with pytest.raises(DatabaseError, match="must be owner"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("ALTER TABLE registry_auditentry DISABLE TRIGGER ALL")
