"""Numbering for NITs and Formulario 001, and the trigram index for name search.

PostgreSQL: real sequences (nextval never blocks and never repeats) and a pg_trgm GIN index.
SQLite: counter rows in registry_counter; no trigram index (searches scan, fine for a demo).
The NIT range comes from settings.NIT_RANGE_START/END at the time of migrating.
"""

from django.conf import settings
from django.db import migrations


def create_numbering(apps, schema_editor):
    start = settings.NIT_RANGE_START
    end = settings.NIT_RANGE_END
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE SEQUENCE IF NOT EXISTS registry_nit_seq "
            f"MINVALUE {int(start)} MAXVALUE {int(end)} START {int(start)} NO CYCLE"
        )
        schema_editor.execute(
            "CREATE SEQUENCE IF NOT EXISTS registry_form_number_seq START 1 NO CYCLE"
        )
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS registrant_search_name_trgm "
            "ON registry_registrant USING gin (search_name gin_trgm_ops)"
        )
    else:
        Counter = apps.get_model("registry", "Counter")
        Counter.objects.get_or_create(name="registry_nit_seq", defaults={"value": start - 1})
        Counter.objects.get_or_create(name="registry_form_number_seq", defaults={"value": 0})


def drop_numbering(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registrant_search_name_trgm")
        schema_editor.execute("DROP SEQUENCE IF EXISTS registry_nit_seq")
        schema_editor.execute("DROP SEQUENCE IF EXISTS registry_form_number_seq")
    else:
        apps.get_model("registry", "Counter").objects.filter(
            name__in=["registry_nit_seq", "registry_form_number_seq"]
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(create_numbering, drop_numbering)]
