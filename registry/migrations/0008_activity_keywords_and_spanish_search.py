"""Keywords of the CIIU search, and PostgreSQL's Spanish text search without accents.

PostgreSQL: the `unaccent` extension and the `rut_spanish` text search configuration (Spanish
stemming after removing accents) that registry.ciiu_search uses. `unaccent` is a trusted
extension (PostgreSQL 13 and later): a role that is not superuser but may CREATE in the database
can install it; otherwise a superuser runs `CREATE EXTENSION unaccent` once before migrating.
SQLite: nothing to create; the search stems in Python.
"""

from django.db import migrations, models


def create_spanish_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS rut_spanish")
    schema_editor.execute("CREATE TEXT SEARCH CONFIGURATION rut_spanish (COPY = spanish)")
    schema_editor.execute(
        "ALTER TEXT SEARCH CONFIGURATION rut_spanish "
        "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem"
    )


def drop_spanish_search(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS rut_spanish")


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0007_registrant_issue_and_birth_country'),
    ]

    operations = [
        migrations.RunPython(create_spanish_search, drop_spanish_search),
        migrations.CreateModel(
            name='ActivityKeyword',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('word', models.CharField(help_text='Una sola palabra, como la escribe la gente: «ropa», «taxi», «abogado».', max_length=40, verbose_name='palabra')),
                ('means', models.CharField(help_text='Palabras de la CIIU que deben aparecer todas en la actividad: «prendas de vestir».', max_length=120, verbose_name='equivale a')),
            ],
            options={
                'verbose_name': 'palabra clave de actividad (CIIU)',
                'verbose_name_plural': 'palabras clave de actividades (CIIU)',
                'ordering': ['word', 'means'],
                'constraints': [models.UniqueConstraint(fields=('word', 'means'), name='activity_keyword_unique'), models.CheckConstraint(condition=models.Q(models.Q(('word__contains', ' '), _negated=True), models.Q(('word', ''), _negated=True)), name='activity_keyword_one_word')],
            },
        ),
    ]
