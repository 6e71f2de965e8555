from django.db import migrations

from communities.territories import load_territories


def load(apps, schema_editor):
    load_territories(apps.get_model("communities", "Territory"))


class Migration(migrations.Migration):
    dependencies = [("communities", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
