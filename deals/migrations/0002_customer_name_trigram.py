"""Similar customer names (DOMAIN.md §12): the ``pg_trgm`` extension and a GIN trigram index
on the normalised name, so that ``customer_name_key % 'name'`` finds the candidates of a
province without reading them all. PostgreSQL only: on SQLite (the demo) nothing is done,
and ``deals.selectors`` compares names with difflib instead."""

from django.db import migrations

INDEX = "deal_name_trgm_idx"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON deals_dealregistration "
        "USING gin (customer_name_key gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("deals", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
