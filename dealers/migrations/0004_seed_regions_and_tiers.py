from django.db import migrations


def seed(apps, schema_editor):
    from dealers.region_data import load_regions, load_tiers

    load_regions(apps.get_model("dealers", "Region"))
    load_tiers(apps.get_model("dealers", "Tier"))


class Migration(migrations.Migration):
    dependencies = [("dealers", "0003_applications_certifications")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
