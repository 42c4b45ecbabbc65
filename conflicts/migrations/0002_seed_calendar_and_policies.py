"""Seed mainland China's business calendar (2026 and 2027) and DOMAIN.md §7.2's policies."""

from django.db import migrations

def seed(apps, schema_editor):
    from conflicts.seeding import seed_defaults

    seed_defaults(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("conflicts", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
