"""The indexes a change of state writes are only those some lookup reads (registry 0011).

No change of state is a HOT update, so every index of registry_registrant and of the tables a
mass change inserts into costs an entry per inscrito: an index nobody reads is pure cost.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.db.models import Model, QuerySet

from mass_changes.models import MassChangeItem, MassChangeNotice
from registry.models import FormVersion, Registrant
from tests.factories import make_natural

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

WRITTEN_BY_A_MASS_CHANGE = (
    "registry_registrant",
    "registry_formversion",
    "registry_auditentry",
    "mass_changes_masschangenotice",
)


def _index_definitions(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return [row[0] for row in cursor.fetchall()]


def _plan(queryset: Callable[[], QuerySet[Model]]) -> str:
    sql, params = queryset().query.sql_with_params()
    with connection.cursor() as cursor:
        # Tiny tables: leave only bitmap scans, which name the index that answers the condition.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("table", WRITTEN_BY_A_MASS_CHANGE)
def test_no_table_a_mass_change_writes_keeps_a_pattern_index(table: str) -> None:
    definitions = _index_definitions(table)

    assert definitions
    assert [d for d in definitions if "varchar_pattern_ops" in d] == []


def test_the_registrant_table_keeps_twelve_indexes() -> None:
    # Adding one makes every change of state slower: name it here on purpose.
    names = sorted(
        d.split(" ON ")[0].rsplit(" ", 1)[1] for d in _index_definitions("registry_registrant")
    )

    assert len(names) == 12, names
    assert "registry_registrant_seccional_id_ba6ca056" not in names


def test_the_composite_indexes_serve_the_lookups_of_the_dropped_ones(official) -> None:
    registrant = make_natural(by=official)

    assert "on registrant_seccional_state" in _plan(
        lambda: Registrant.objects.filter(seccional_id=registrant.seccional_id)
    )
    assert "on form_version_unique" in _plan(
        lambda: FormVersion.objects.filter(registrant=registrant)
    )
    assert "on mass_item_" in _plan(lambda: MassChangeItem.objects.filter(batch_id=1))
    assert "on mass_notice_" in _plan(lambda: MassChangeNotice.objects.filter(batch_id=1))


def test_a_nit_and_a_form_number_are_still_found_by_their_unique_indexes(official) -> None:
    version = make_natural(by=official).form_versions.first()
    assert version is not None

    assert "on registry_registrant_nit_key" in _plan(
        lambda: Registrant.objects.filter(nit=version.registrant.nit)
    )
    assert "on registry_formversion_form_number_key" in _plan(
        lambda: FormVersion.objects.filter(form_number=version.form_number)
    )
