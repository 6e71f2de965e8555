"""Reminders sent by e-mail, each at most once: a registry of reminder sources, the scan that
queues what is due, and the send that claims, sends and records each reminder.

essaimage may not import the apps above it: each app registers, in its AppConfig.ready(), the
sources of the reminders it knows about (meetings, action items, reporting periods, reviews,
trainings, events), as it registers its tabs (essaimage.navigation). A source answers two
questions: which reminders fall due in a window of time (`due`), and how to send one of them
(`send`), built again from the item at send time so that the e-mail says what is true then.

The sent-log (essaimage.models.SentReminder) has a unique constraint on recipient, item, kind
and occurrence: the scan inserts its rows with INSERT ... ON CONFLICT DO NOTHING and queues a
send only for the rows its own statement created, so that two scans or two workers at once
still send each reminder once. The occurrence tells a new send from a repeat: a meeting moved
to another date has a new "J-7:<start>" occurrence, a new version of its invitation a new
"seq:<n>".

Times: reminders go at 09:00, Paris time, on their day ("J-7" is the seventh day before the
meeting's day in Paris), whatever the season: the days are counted in Europe/Paris and the
instant computed from there, so the changes of the last Sundays of March and October move
the instant in UTC, not the hour people read.
"""

import logging
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from itertools import islice
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import SentReminder

logger = logging.getLogger(__name__)

Status = SentReminder.Status

PARIS = ZoneInfo("Europe/Paris")
# The hour reminders of a day go, Paris time.
SEND_TIME = time(9, 0)
# A reminder whose time passed longer ago than this is not sent late: after a pause, or a
# scan that did not run, nothing piles up beyond the day's reminders.
LATE_LIMIT = timedelta(hours=24)
# What the staff page shows ahead.
PLANNED_DAYS = 30
# Rows inserted per statement.
BATCH_SIZE = 500
# A reminder still queued this long after it was queued lost its worker (retries with
# backoff end well before): it is shown failed, so that staff can send it again.
STALE_AFTER = timedelta(hours=6)
ERROR_LENGTH = 1000

# Why a reminder was not sent or failed, stored in English and shown translated.
NO_EMAIL = gettext_noop("not sent: no e-mail address")
NO_LONGER_DUE = gettext_noop("not sent: no longer due")
SUPERSEDED = gettext_noop("not sent: a newer version was sent")
PAUSED = gettext_noop("not sent: reminders are paused")
UNKNOWN_KIND = gettext_noop("not sent: this kind of reminder no longer exists")
INTERRUPTED = gettext_noop("interrupted: the send did not finish")
KNOWN_REASONS = {NO_EMAIL, NO_LONGER_DUE, SUPERSEDED, PAUSED, UNKNOWN_KIND, INTERRUPTED}


# --- Time ---------------------------------------------------------------------------------------


def paris_time(day: date, at: time = SEND_TIME) -> datetime:
    """The instant of `at` o'clock, Paris time, on `day` (an aware datetime)."""
    return datetime.combine(day, at, tzinfo=PARIS)


def paris_day(moment: datetime) -> date:
    """The day it is in Paris at `moment`."""
    return moment.astimezone(PARIS).date()


def send_days(start: datetime, end: datetime, at: time = SEND_TIME) -> tuple[date, date] | None:
    """The first and last days whose send time falls in the window (start, end], or None."""
    first = paris_day(start)
    if paris_time(first, at) <= start:
        first += timedelta(days=1)
    last = paris_day(end)
    if paris_time(last, at) > end:
        last -= timedelta(days=1)
    return (first, last) if first <= last else None


def on_days(field: str, days: tuple[date, date]) -> dict:
    """A filter on a datetime `field` falling on one of the Paris days (first, last)."""
    first, last = days
    return {f"{field}__gte": paris_time(first, time(0)),
            f"{field}__lt": paris_time(last + timedelta(days=1), time(0))}


def instant(moment: datetime) -> str:
    """A moment as occurrences write it: UTC, to the second."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def shifted(days: tuple[date, date] | None, offset: int) -> tuple[date, date] | None:
    """The window of send days moved by `offset` days: the dates of items due `offset` days
    after the day they are reminded (e.g. due dates, for a reminder two days before)."""
    if days is None:
        return None
    return days[0] + timedelta(days=offset), days[1] + timedelta(days=offset)


# --- Sources ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueReminder:
    """One reminder a source says is due: to whom, about what, which occurrence, and when."""

    kind: str
    item: object  # a model instance
    occurrence: str
    due_at: datetime
    recipient_email: str = ""  # empty: nobody to write to, recorded as not sent
    recipient: object = None  # the person with an account, when there is one
    recipient_name: str = ""
    project_id: int | None = None

    @property
    def key(self) -> tuple:
        return (self.recipient_email.lower(), self.item._meta.label_lower, self.item.pk,
                self.kind, self.occurrence)

    @property
    def has_email(self) -> bool:
        return bool(self.recipient_email)

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


class ReminderSource(ABC):
    """What an app registers: the kinds of reminder it sends, what is due, and how to send it.
    Subclasses set `kinds` and implement `due` and `send`: a source missing one cannot be
    instantiated, so it fails when its app registers it, not in the middle of a scan."""

    kinds: dict[str, Promise] = {}  # kind → lazy label

    @abstractmethod
    def due(self, start: datetime, end: datetime, *,
            project_id: int | None = None) -> Iterable[DueReminder]:
        """The reminders whose time falls in (start, end], as things stand now; only those of
        one scaling project when `project_id` is given. Reads, never writes."""

    @abstractmethod
    def send(self, reminder: SentReminder) -> str:
        """Send the reminder (its `item` is loaded); return "" once sent, or the reason
        (one of KNOWN_REASONS) it should not be sent any more."""

    # What the staff page shows of the items; override to load related rows at once.
    def display_queryset(self, model):
        return model._default_manager.all()

    def item_label(self, item) -> str:
        return str(item)

    def item_url(self, item) -> str:
        url = getattr(item, "get_absolute_url", None)
        return url() if url else ""

    def recipient_names(self, reminders: list[SentReminder]) -> dict[int, str]:
        """Names to show for rows with no e-mail address, by row id."""
        return {}


_sources: list[ReminderSource] = []
_by_kind: dict[str, ReminderSource] = {}


def register_reminder_source(source: ReminderSource) -> None:
    """Make the source's kinds of reminder known to the scan, the sends and the staff page;
    registering a source of the same class again replaces it (reloads)."""
    for existing in list(_sources):
        if type(existing) is type(source):
            _sources.remove(existing)
    _sources.append(source)
    for kind in source.kinds:
        if len(kind) > SentReminder._meta.get_field("kind").max_length:
            raise ValueError(f"Reminder kind too long: {kind!r}")
        _by_kind[kind] = source


def reminder_sources() -> list[ReminderSource]:
    return list(_sources)


def source_of(kind: str) -> ReminderSource | None:
    return _by_kind.get(kind)


def kind_choices() -> list[tuple[str, Promise]]:
    return [(kind, label) for source in _sources for kind, label in source.kinds.items()]


def kind_label(kind: str) -> str:
    source = _by_kind.get(kind)
    return str(source.kinds[kind]) if source else kind


def reason_label(reminder: SentReminder) -> str:
    """Why the reminder was not sent or failed, in the reader's language when it is ours."""
    if reminder.error in KNOWN_REASONS:
        return _(reminder.error)
    return reminder.error


def language_of(reminder: SentReminder) -> str:
    """The recipient's language: their account's, or the platform's for outside members."""
    if reminder.recipient is not None and reminder.recipient.language:
        return reminder.recipient.language
    return settings.LANGUAGE_CODE


# --- Recording and queueing ---------------------------------------------------------------------


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


_COLUMNS = ("kind", "recipient_email", "recipient_id", "item_type_id", "item_id", "occurrence",
            "project_id", "status", "attempts", "error", "queued_at")


def _insert(reminders: list[DueReminder], now: datetime) -> list[tuple[int, str]]:
    """Insert the rows of the sent-log that do not exist yet, in one statement; return the
    (id, status) of those this statement created. The unique constraint does the sorting:
    rows another scan inserted first, even at the same moment, are left out."""
    table = connection.ops.quote_name(SentReminder._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in _COLUMNS)
    queued_at = connection.ops.adapt_datetimefield_value(now)
    placeholders, params = [], []
    for reminder in reminders:
        content_type = ContentType.objects.get_for_model(type(reminder.item))
        status, error = (Status.QUEUED, "") if reminder.has_email else (Status.SKIPPED, NO_EMAIL)
        placeholders.append(f"({', '.join(['%s'] * len(_COLUMNS))})")
        params += [reminder.kind, reminder.recipient_email.lower(),
                   getattr(reminder.recipient, "pk", None), content_type.pk, reminder.item.pk,
                   reminder.occurrence, reminder.project_id, status, 0, error, queued_at]
    sql = (f"INSERT INTO {table} ({columns}) VALUES {', '.join(placeholders)} "
           f"ON CONFLICT DO NOTHING RETURNING id, status")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], row[1]) for row in cursor.fetchall()]


def record_reminders(reminders: Iterable[DueReminder], *, now: datetime | None = None,
                     queue: bool = True, batch_size: int = BATCH_SIZE) -> tuple[int, int]:
    """Write the reminders to the sent-log, skipping those already there, and queue one send
    per new row once its batch is committed; return how many were queued and how many were
    recorded as not sent (no address). Call it inside a service's transaction to queue with
    its change, or alone (each batch is then its own transaction)."""
    now = now or timezone.now()
    queued = skipped = 0
    # One row per key, in the same order in every scan: two scans at once then wait for each
    # other's rows in one direction only, and cannot deadlock.
    unique = sorted({r.key: r for r in reminders}.values(), key=lambda r: r.key)
    for batch in _batches(unique, batch_size):
        with transaction.atomic():
            created = _insert(batch, now)
            ids = [pk for pk, status in created if status == Status.QUEUED]
            if queue and ids:
                # robust: in eager mode (no broker) a failed send must not undo the scan.
                transaction.on_commit(partial(queue_sends, ids), robust=True)
        queued += len(ids)
        skipped += len(created) - len(ids)
    return queued, skipped


def queue_sends(ids: list[int]) -> None:
    from .tasks import send_reminder_task

    for pk in ids:
        send_reminder_task.delay(pk)


# --- The scan -----------------------------------------------------------------------------------


@dataclass
class ScanResult:
    queued: int = 0  # new rows, a send queued for each
    skipped: int = 0  # new rows recorded as not sent (no address)
    given_up: int = 0  # stale queued rows marked failed
    # Reminders due in the scan's window, by kind, whether this scan or an earlier one
    # recorded them.
    by_kind: dict = field(default_factory=lambda: defaultdict(int))


def scan_reminders(now: datetime | None = None, *, queue: bool = True,
                   batch_size: int = BATCH_SIZE) -> ScanResult:
    """Queue every reminder due at `now` (or late by less than LATE_LIMIT) that is not in the
    sent-log yet. Safe to run twice, or twice at once: each reminder is queued once."""
    now = now or timezone.now()
    result = ScanResult(given_up=fail_stale_reminders(now))
    start = now - LATE_LIMIT
    for source in reminder_sources():
        due = [reminder for reminder in source.due(start, now) if start < reminder.due_at <= now]
        queued, skipped = record_reminders(due, now=now, queue=queue, batch_size=batch_size)
        result.queued += queued
        result.skipped += skipped
        for reminder in due:
            result.by_kind[reminder.kind] += 1
    if result.queued or result.skipped:
        logger.info("Reminder scan: %d queued, %d not sent (no address)", result.queued,
                    result.skipped)
    return result


def planned_reminders(project_id: int, now: datetime | None = None,
                      days: int = PLANNED_DAYS) -> list[DueReminder]:
    """What the sources will send about the project's items in the next `days` days, as
    things stand now, soonest first. Writes nothing."""
    now = now or timezone.now()
    end = now + timedelta(days=days)
    planned = [reminder for source in reminder_sources()
               for reminder in source.due(now, end, project_id=project_id)
               if now < reminder.due_at <= end]
    planned.sort(key=lambda r: (r.due_at, r.kind, r.recipient_name or r.recipient_email))
    return planned


# --- Sending ------------------------------------------------------------------------------------


def send_reminder(reminder_id: int, *, attempt: int = 0) -> str:
    """Send one queued reminder. The row is claimed first by raising its attempts from
    `attempt` (the task's retry count) in one conditional UPDATE: a second delivery of the
    same message finds it taken and does nothing. Returns the row's new status, or "" when
    there was nothing to do."""
    claimed = SentReminder.objects.filter(pk=reminder_id, status=Status.QUEUED,
                                          attempts=attempt).update(attempts=attempt + 1)
    if not claimed:
        return ""
    reminder = SentReminder.objects.select_related("recipient", "item_type").get(pk=reminder_id)
    source = _by_kind.get(reminder.kind)
    item = reminder.item if source is not None else None
    if source is None:
        reason = UNKNOWN_KIND
    elif item is None:
        reason = NO_LONGER_DUE  # deleted since
    else:
        reason = source.send(reminder)
    status = Status.SKIPPED if reason else Status.SENT
    SentReminder.objects.filter(pk=reminder_id, status=Status.QUEUED).update(
        status=status, error=reason, sent_at=timezone.now() if not reason else None)
    return status


def note_error(reminder_id: int, error: BaseException, *, final: bool) -> None:
    """Keep the last error of a send; the final one marks the reminder failed."""
    text = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
    update = {"error": text}
    if final:
        update["status"] = Status.FAILED
    SentReminder.objects.filter(pk=reminder_id, status=Status.QUEUED).update(**update)


def fail_stale_reminders(now: datetime | None = None) -> int:
    """Mark failed the reminders queued so long ago that their worker is gone, so that they
    show and can be sent again; returns how many."""
    now = now or timezone.now()
    count = SentReminder.objects.filter(status=Status.QUEUED,
                                        queued_at__lt=now - STALE_AFTER).update(
        status=Status.FAILED, error=INTERRUPTED)
    if count:
        logger.warning("Gave up %d reminder(s) queued for more than %s", count, STALE_AFTER)
    return count


@transaction.atomic
def retry_reminder(reminder: SentReminder) -> bool:
    """Queue a failed reminder again, from its first attempt; False if it is not failed (any
    more): two clicks queue it once."""
    retried = SentReminder.objects.filter(pk=reminder.pk, status=Status.FAILED).update(
        status=Status.QUEUED, attempts=0, error="", queued_at=timezone.now())
    if retried:
        transaction.on_commit(partial(queue_sends, [reminder.pk]), robust=True)
    return bool(retried)


# --- The staff page -----------------------------------------------------------------------------


def project_reminders(project_id: int, *, kind: str = "", status: str = ""):
    """The project's sent-log, latest first, with the recipient's account."""
    rows = SentReminder.objects.filter(project_id=project_id).select_related("recipient")
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-queued_at", "-pk")


def describe(reminders: list[SentReminder]) -> list[SentReminder]:
    """Give each row of a page `item_label`, `item_url`, `kind_label`, `reason` and
    `recipient_label`: a few queries per kind of item, whatever the number of rows."""
    by_source = defaultdict(list)
    for reminder in reminders:
        by_source[_by_kind.get(reminder.kind)].append(reminder)
    for source, rows in by_source.items():
        names = source.recipient_names(rows) if source else {}
        by_type = defaultdict(list)
        for row in rows:
            by_type[row.item_type_id].append(row)
        for type_id, typed in by_type.items():
            model = ContentType.objects.get_for_id(type_id).model_class()
            queryset = (source.display_queryset(model) if source and model
                        else model._default_manager.all() if model else None)
            items = queryset.in_bulk({row.item_id for row in typed}) if queryset is not None else {}
            for row in typed:
                item = items.get(row.item_id)
                row.item_label = (_("(deleted)") if item is None
                                  else source.item_label(item) if source else str(item))
                row.item_url = source.item_url(item) if item and source else ""
        for row in rows:
            row.kind_label = kind_label(row.kind)
            row.reason = reason_label(row)
            row.recipient_label = (
                (row.recipient.display_name if row.recipient else "")
                or names.get(row.pk, "") or row.recipient_email)
    return reminders
