"""The audit trail and the Formulario 001 versions are append-only in the database itself.

pgtrigger Protect triggers (registry/models.py) refuse UPDATE and DELETE on both tables, so not
even raw SQL or a bulk queryset call can rewrite history. Inserting stays allowed.
"""

from __future__ import annotations

import pytest
from django.db import InternalError, connection, transaction
from django.db.models import ProtectedError

from registry.models import AuditEntry, FormVersion, Registrant
from registry.nit import allocate_form_number
from tests.factories import make_natural

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

REFUSAL = "pgtrigger: Cannot update or delete rows from {table} table"
FORM_TABLE = "registry_formversion"
AUDIT_TABLE = "registry_auditentry"


@pytest.fixture
def registrant(official) -> Registrant:
    return make_natural(by=official)


def _refused(table: str) -> pytest.RaisesExc[InternalError]:
    return pytest.raises(InternalError, match=REFUSAL.format(table=table))


def test_a_form_version_cannot_be_changed_through_the_orm(registrant) -> None:
    version = registrant.form_versions.get(version=2)
    version.concept = FormVersion.Concept.CANCELLATION

    with _refused(FORM_TABLE), transaction.atomic():
        version.save()

    version.refresh_from_db()
    assert version.concept == FormVersion.Concept.REGISTRATION


def test_form_versions_cannot_be_changed_in_bulk(registrant) -> None:
    with _refused(FORM_TABLE), transaction.atomic():
        FormVersion.objects.filter(registrant=registrant).update(state="cancelled")

    assert set(registrant.form_versions.values_list("state", flat=True)) == {
        "pre_registered",
        "active",
    }


def test_a_form_version_cannot_be_deleted_through_the_orm(registrant) -> None:
    # Built directly so no audit entry points at it: the database, not Django's PROTECT
    # foreign key, is what must refuse.
    orphan = FormVersion.objects.create(
        registrant=registrant,
        form_number=allocate_form_number(),
        version=3,
        concept=FormVersion.Concept.UPDATE,
        state=registrant.state,
        snapshot={},
    )

    with _refused(FORM_TABLE), transaction.atomic():
        orphan.delete()

    assert FormVersion.objects.filter(pk=orphan.pk).exists()


def test_a_referenced_form_version_is_also_protected_by_its_audit_entry(registrant) -> None:
    with pytest.raises(ProtectedError):
        registrant.form_versions.get(version=1).delete()

    assert registrant.form_versions.count() == 2


def test_form_versions_cannot_be_changed_or_deleted_with_raw_sql(registrant) -> None:
    version = registrant.form_versions.get(version=2)

    with _refused(FORM_TABLE), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {FORM_TABLE} SET snapshot = '{{}}'::jsonb WHERE id = %s", [version.pk]
        )
    with _refused(FORM_TABLE), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FORM_TABLE} WHERE id = %s", [version.pk])

    version.refresh_from_db()
    assert version.snapshot["identification"]["5"] == registrant.nit


def test_an_audit_entry_cannot_be_changed_through_the_orm(registrant, official) -> None:
    entry = AuditEntry.objects.filter(registrant=registrant).latest("id")
    entry.actor = None
    entry.reason = "borrado"

    with _refused(AUDIT_TABLE), transaction.atomic():
        entry.save()
    with _refused(AUDIT_TABLE), transaction.atomic():
        AuditEntry.objects.filter(registrant=registrant).update(reason="borrado")

    entry.refresh_from_db()
    assert (entry.actor, entry.reason) == (official, "")


def test_an_audit_entry_cannot_be_deleted_through_the_orm(registrant) -> None:
    entry = AuditEntry.objects.filter(registrant=registrant).latest("id")

    with _refused(AUDIT_TABLE), transaction.atomic():
        entry.delete()
    with _refused(AUDIT_TABLE), transaction.atomic():
        AuditEntry.objects.all().delete()

    assert AuditEntry.objects.filter(registrant=registrant).count() == 2


def test_audit_entries_cannot_be_changed_or_deleted_with_raw_sql(registrant) -> None:
    entry = AuditEntry.objects.filter(registrant=registrant).latest("id")

    with _refused(AUDIT_TABLE), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AUDIT_TABLE} SET action = 'nada' WHERE id = %s", [entry.pk])
    with _refused(AUDIT_TABLE), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AUDIT_TABLE}")

    entry.refresh_from_db()
    assert entry.action == "formalize"
    assert AuditEntry.objects.filter(registrant=registrant).count() == 2


def test_appending_is_still_allowed(registrant) -> None:
    AuditEntry.objects.create(registrant=registrant, action="note", reason="nota del auditor")

    assert list(
        AuditEntry.objects.filter(registrant=registrant)
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["pre_register", "formalize", "note"]
