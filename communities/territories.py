"""The French régions and départements shipped with the platform (INSEE COG codes)."""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "territories.csv"


def load_territories(territory_model) -> None:
    """Create or update every région and département; safe to run again.

    Takes the model as an argument so that the data migration can pass its historical one.
    """
    with DATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    regions = {}
    for row in rows:
        if row["kind"] == "region":
            regions[row["code"]], _ = territory_model.objects.update_or_create(
                kind="region", code=row["code"], defaults={"name": row["name"]}
            )
    for row in rows:
        if row["kind"] == "department":
            territory_model.objects.update_or_create(
                kind="department",
                code=row["code"],
                defaults={"name": row["name"], "parent": regions[row["parent_code"]]},
            )
