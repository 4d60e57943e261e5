"""The audit trail and the Formulario 001 versions cannot be emptied with TRUNCATE either
(ASVS 7.3.3): UPDATE and DELETE were already refused row by row."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.mark.parametrize(
    "table", ["registry_auditentry", "registry_formversion", "registry_dataaccesslog"]
)
def test_truncate_is_refused(postgres_only, table):
    with pytest.raises(DatabaseError, match="Cannot truncate"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table} CASCADE")
