"""Load the French régions and départements shipped in communities/data/territories.csv."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "territories.csv"


def load_territories(apps, schema_editor):
    Territory = apps.get_model("communities", "Territory")
    with DATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    regions = {}
    for row in rows:
        if row["kind"] == "region":
            regions[row["code"]], _ = Territory.objects.update_or_create(
                kind="region", code=row["code"], defaults={"name": row["name"]}
            )
    for row in rows:
        if row["kind"] == "department":
            Territory.objects.update_or_create(
                kind="department",
                code=row["code"],
                defaults={"name": row["name"], "parent": regions[row["parent_code"]]},
            )


class Migration(migrations.Migration):
    dependencies = [("communities", "0001_initial")]

    operations = [migrations.RunPython(load_territories, migrations.RunPython.noop)]
