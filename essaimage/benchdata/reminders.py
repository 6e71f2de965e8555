"""The bench reminders: 10,000 open action items of the bench programme due on the same day,
so that one scan, at the hour their owners are reminded, has 10,000 reminders to record.

The day is far in the future and fixed: the scan is given its time (`SCAN_AT`), so the
measurement is the same whenever it runs, and nothing else of the bench falls due then.
"""

from datetime import date, timedelta

from essaimage.reminders import paris_time
from programmes.models import ActionItem, Programme, ScalingProject
from programmes.reminders import ACTION_DUE_DAYS

from .directory import BATCH_SIZE, BenchData

REMINDER_ITEMS = 10_000
DUE_ON = date(2030, 1, 16)
# When the owners hear of them: 09:00 in Paris, two days before.
SCAN_AT = paris_time(DUE_ON - timedelta(days=ACTION_DUE_DAYS))
PROJECTS = 200


def create_reminder_items(data: BenchData, programme: Programme, directory: dict) -> int:
    """10,000 action items spread over the programme's projects and owned by bench people."""
    projects = list(ScalingProject.objects.filter(programme=programme).order_by("pk")[:PROJECTS])
    people = directory["people"]
    ActionItem.objects.bulk_create(
        [ActionItem(project=projects[n % len(projects)], owner_user=data.rng.choice(people),
                    title=f"Action de mesure n°{n + 1} : transmettre le bilan", due_on=DUE_ON)
         for n in range(REMINDER_ITEMS)],
        batch_size=BATCH_SIZE)
    return REMINDER_ITEMS
