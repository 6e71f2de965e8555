"""Helpers for the demo data: writes that change nothing when the data is already there."""

DEMO_PASSWORD = "essaimage-demo"
DEMO_DOMAIN = "essaimage.test"


def upsert(model, lookup: dict, values: dict):
    """Create the row, or update it only where it differs, so a re-run adds no history."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        return model.objects.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save()
    return instance, False


def sync_m2m(manager, objects) -> None:
    """Make a many-to-many relation hold exactly `objects`, touching it only if it differs."""
    wanted = {obj.pk for obj in objects}
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(objects)
