"""Drop the indexes of registry_registrant and registry_formversion that nothing needs.

A change of state can never be a HOT update (`state` is in registrant_seccional_state and in the
predicate of registrant_unique_live_business_name), so PostgreSQL writes an entry in every index
of the table for each inscrito changed: 20 of them before this migration. Eight are never used:

- the `varchar_pattern_ops` twins (`…_like`) Django adds on PostgreSQL to the indexes of text
  columns, for `LIKE 'prefix%'`. No query filters these columns by prefix: NITs, form numbers,
  DIVIPOLA and document-type codes are looked up by equality (registry/selectors.py, the admin's
  `=form_number` and `registrant__nit__exact`, the public lookup and API), and the admin's
  `icontains` on a NIT is `UPPER(nit) LIKE`, which no pattern index serves either;
- the single-column index on seccional_id, the leading column of registrant_seccional_state.

Each new Formulario 001 version likewise loses two of its six: the form number's pattern twin and
the single-column index on registrant_id, the leading column of form_version_unique.

With mass_changes 0003 (one index of the notice), each suspension of a mass change writes 25
index entries instead of 36: 12 for the inscrito, 4 for its new version, 4 for its audit entry,
5 for its notice (see bench/mass_change.py). The equality indexes stay, so do the foreign keys' own indexes.
"""

from django.db import migrations, models

# (table, column, index): the pattern-ops twins, named as Django's PostgreSQL backend names them.
PATTERN_INDEXES = [
    ("registry_registrant", "nit", "registry_registrant_nit_0768b5a3_like"),
    ("registry_registrant", "document_type_id", "registry_registrant_document_type_id_7feac4b6_like"),
    (
        "registry_registrant",
        "document_issue_place_id",
        "registry_registrant_document_issue_place_id_eedd3580_like",
    ),
    ("registry_registrant", "birth_place_id", "registry_registrant_birth_place_id_f8e4a5cd_like"),
    ("registry_registrant", "department_id", "registry_registrant_department_id_a5465c08_like"),
    ("registry_registrant", "municipality_id", "registry_registrant_municipality_id_60f3332d_like"),
    ("registry_formversion", "form_number", "registry_formversion_form_number_c58f1e70_like"),
]


def drop_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for _table, _column, index in PATTERN_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


def restore_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table, column, index in PATTERN_INDEXES:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON {table} ({column} varchar_pattern_ops)"
            )


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0010_seccional_signer"),
    ]

    operations = [
        # Drops registry_registrant_seccional_id_… and its _like twin.
        migrations.AlterField(
            model_name="registrant",
            name="seccional",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.PROTECT,
                related_name="registrants",
                to="registry.seccional",
                verbose_name="seccional",
            ),
        ),
        # Drops registry_formversion_registrant_id_… (form_version_unique serves its lookups).
        migrations.AlterField(
            model_name="formversion",
            name="registrant",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.PROTECT,
                related_name="form_versions",
                to="registry.registrant",
                verbose_name="inscrito",
            ),
        ),
        migrations.RunPython(drop_pattern_indexes, restore_pattern_indexes),
    ]
