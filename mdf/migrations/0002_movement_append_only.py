"""Fund movements are append-only: a PostgreSQL trigger refuses to update or delete them,
for every writer (a raw UPDATE, a shell, another app). SQLite (the demo) has no trigger:
there the services alone guard the rule."""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION mdf_movement_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'marketing fund movement % is append-only: it cannot be %', OLD.id, lower(TG_OP)
        USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS mdf_movement_append_only ON mdf_movement;
CREATE TRIGGER mdf_movement_append_only
    BEFORE UPDATE OR DELETE ON mdf_movement
    FOR EACH ROW EXECUTE FUNCTION mdf_movement_append_only();
"""

DROP = r"""
DROP TRIGGER IF EXISTS mdf_movement_append_only ON mdf_movement;
DROP FUNCTION IF EXISTS mdf_movement_append_only();
"""


def _run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [("mdf", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
