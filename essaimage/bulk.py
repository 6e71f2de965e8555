"""Creating many rows with their history, fast enough for an import of 50,000 structures.

Django's bulk_create spends most of its time preparing each value in Python (22 columns ×
50,000 rows, twice with the history) and psycopg quoting the arrays it sends. On PostgreSQL,
`create_with_history` writes the same rows with COPY instead: the ids are drawn from the
table's sequence first, so that the history rows can name the rows they record. Elsewhere
(SQLite for `make run`) it is simple_history's bulk_create_with_history.

No signal is sent and no save() runs, as with bulk_create: the caller sets what save() would
derive.
"""

from collections.abc import Iterable, Sequence
from operator import attrgetter

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

# Values of these fields go to COPY as Python holds them: psycopg writes them as PostgreSQL
# reads them. Any other field (JSON, decimals, arrays...) is prepared by the field itself.
PLAIN_FIELDS = {
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "DateField",
    "DateTimeField", "EmailField", "ForeignKey", "IntegerField", "OneToOneField",
    "PositiveBigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
    "SlugField", "SmallIntegerField", "TextField", "URLField", "UUIDField",
}
HISTORY_FIELDS = {"history_id", "history_date", "history_change_reason", "history_type",
                  "history_user_id"}


def create_with_history(objects: Sequence, model, *, user, reason: str) -> Sequence:
    """Insert `objects` (unsaved instances of `model`) and a "+" history row for each, by
    `user` for `reason`, in one transaction; the objects get their ids."""
    history_model = get_history_manager_for_model(model).model
    if connection.vendor != "postgresql" or not _copyable_history(model, history_model):
        return bulk_create_with_history(objects, model, batch_size=2000, default_user=user,
                                        default_change_reason=reason)
    if not objects:
        return objects
    with transaction.atomic(savepoint=False):
        _assign_ids(model, objects)
        fields = model._meta.concrete_fields
        row = _row_maker(fields)
        _copy(model._meta.db_table, [field.column for field in fields], map(row, objects))
        if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            _copy_history(history_model, objects, user=user, reason=reason)
    return objects


def _copyable_history(model, history_model) -> bool:
    """Whether the history rows hold only the tracked fields and simple_history's own: a
    history with custom fields or a relation goes through simple_history."""
    tracked = {field.attname for field in history_model.tracked_fields}
    names = {field.attname for field in history_model._meta.concrete_fields}
    return names <= tracked | HISTORY_FIELDS and not hasattr(history_model, "history_relation")


def _assign_ids(model, objects: Sequence) -> None:
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)",
                       [connection.ops.quote_name(table), column, len(objects)])
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objects, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def _row_maker(fields, *, saving: bool = True):
    """A function giving an object's row of `fields`, decided once per field rather than
    once per value. `saving` gives auto_now fields their value, as save() would; the history
    copies what the row got."""
    getters = []
    for field in fields:
        if saving and (getattr(field, "auto_now", False)
                       or getattr(field, "auto_now_add", False)):
            getters.append(lambda obj, field=field: field.pre_save(obj, add=True))
        elif field.get_internal_type() in PLAIN_FIELDS:
            getters.append(attrgetter(field.attname))
        else:
            getters.append(lambda obj, field=field: field.get_db_prep_save(
                getattr(obj, field.attname), connection))
    return lambda obj: tuple(getter(obj) for getter in getters)


def _copy_history(history_model, objects: Sequence, *, user, reason: str) -> None:
    tracked = history_model.tracked_fields
    now = timezone.now()
    user_id = user.pk if user is not None else None
    extra = {"history_date": now, "history_change_reason": reason or None,
             "history_type": "+", "history_user_id": user_id}
    columns = [field.column for field in tracked] + list(extra)
    row = _row_maker(tracked, saving=False)
    values = tuple(extra.values())
    _copy(history_model._meta.db_table, columns, (row(obj) + values for obj in objects))


def _copy(table: str, columns: list[str], rows: Iterable[tuple]) -> None:
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns)))
    # Django's own error classes (IntegrityError...), as bulk_create would raise them.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
