"""Numbering for cases and official formats: PostgreSQL sequences, or counter rows on SQLite."""

from django.db import migrations

SEQUENCES = ["procedures_case_seq", "procedures_format_seq"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in SEQUENCES:
            schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name} START 1 NO CYCLE")
    else:
        Counter = apps.get_model("registry", "Counter")
        for name in SEQUENCES:
            Counter.objects.get_or_create(name=name, defaults={"value": 0})


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in SEQUENCES:
            schema_editor.execute(f"DROP SEQUENCE IF EXISTS {name}")
    else:
        apps.get_model("registry", "Counter").objects.filter(name__in=SEQUENCES).delete()


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_initial"), ("registry", "0002_numbering_and_search")]
    operations = [migrations.RunPython(create, drop)]
