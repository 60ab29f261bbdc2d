"""Writing hundreds of thousands of rows at once: COPY, with the history written set-wise.

Row by row, every insert into a tracked table fires its history trigger, a PL/pgSQL
function that opens two exception blocks; at benchmark scale that is most of the time.
`history_in_bulk` switches those triggers off for the duration and then writes the
same insert events with one `INSERT ... SELECT` per table, so the change history of a
bulk-loaded row reads as if it had been inserted one by one. `copy_objects` writes
model instances with COPY instead of multi-row INSERTs.

`history_in_bulk` needs the tables' owner (ALTER TABLE) and a transaction: if anything
fails, the rows, the events and the switched-off triggers are rolled back together.
`copy_objects` needs only the right to insert, and leaves the triggers on: the
participant import writes its rows with it, each recorded in the history as it is.
"""

# ruff: noqa: S608 (the statements name tables and columns from the models, never input)

from contextlib import contextmanager

import pghistory.models
import pghistory.trigger
import pgtrigger
from django.apps import apps
from django.db import connections, transaction
from django.utils import timezone


def _tracked():
    """(tracked model, event model, insert label) for every history table."""
    for event_model in apps.get_models():
        if not issubclass(event_model, pghistory.models.Event) or event_model._meta.abstract:
            continue
        for tracker in event_model.pgh_trackers or []:
            if isinstance(tracker, pghistory.InsertEvent):
                yield event_model.pgh_tracked_model, event_model, tracker.label


@contextmanager
def history_in_bulk(alias: str = "default"):
    """Inside the block the history triggers are off; on leaving it, every row inserted
    meanwhile gets its insert event, one statement per table, and the triggers are on again.

    Only inserts are recorded: the block must not update or delete tracked rows.
    """
    connection = connections[alias]
    if not connection.in_atomic_block:
        raise RuntimeError("history_in_bulk needs a transaction: a failure must undo it all.")
    tracked = list(_tracked())
    triggers = sorted(
        (model._meta.db_table, trigger.get_pgid(model))
        for model, trigger in pgtrigger.registered()
        if isinstance(trigger, pghistory.trigger.Event)
    )
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        last_ids = {}
        for model, _event, _label in tracked:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quote(model._meta.db_table)}")
            last_ids[model] = cursor.fetchone()[0]
        for table, name in triggers:
            cursor.execute(f"ALTER TABLE {quote(table)} DISABLE TRIGGER {quote(name)}")
        yield
        for model, event_model, label in tracked:
            cursor.execute(*_insert_events(connection, model, event_model, label, last_ids[model]))
        # Foreign keys are checked at commit; a table with checks pending cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name in triggers:
            cursor.execute(f"ALTER TABLE {quote(table)} ENABLE TRIGGER {quote(name)}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _insert_events(connection, model, event_model, label, after_id):
    """The insert events the trigger would have written for rows with ids above `after_id`."""
    quote = connection.ops.quote_name
    copied = [
        field.column
        for field in event_model._meta.concrete_fields
        if not field.column.startswith("pgh_")
    ]
    columns = ", ".join(quote(column) for column in copied)
    sql = (
        f"INSERT INTO {quote(event_model._meta.db_table)} "
        f"({columns}, pgh_created_at, pgh_label, pgh_obj_id, pgh_context_id) "
        f"SELECT {columns}, NOW(), %s, id, NULL FROM {quote(model._meta.db_table)} "
        "WHERE id > %s"
    )
    return sql, [label, after_id]


# Fields whose Python values psycopg adapts as they are; the others go through Django.
PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "FloatField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
    "UUIDField",
}


def reserve_ids(model, count: int, alias: str = "default") -> list[int]:
    """`count` primary keys from the table's own sequence, in increasing order."""
    table = model._meta.db_table
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, count],
        )
        return sorted(value for (value,) in cursor.fetchall())


def copy_objects(model, objects, alias: str = "default") -> list:
    """Write new, unsaved instances of `model` with one COPY; return them with their pks.

    Instances that already carry a pk (from `reserve_ids`) keep it. Field values go to
    the database as psycopg adapts them, except those of other types (JSON, files,
    arrays), which Django prepares; fields with
    `auto_now_add` get their value as `save()` would give it.
    """
    objects = list(objects)
    if not objects:
        return objects
    connection = connections[alias]
    if any(obj.pk is None for obj in objects):
        for obj, pk in zip(objects, reserve_ids(model, len(objects), alias), strict=True):
            obj.pk = pk
    fields = model._meta.concrete_fields
    prepared = [field.get_internal_type() not in PLAIN_TYPES for field in fields]
    stamped = [
        getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        for field in fields
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    plain = not any(prepared) and not any(stamped)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        # COPY goes past Django's execute wrappers; a statement through them first sets
        # what they set for the transaction, such as the history context
        # (pghistory.context) that the rows' history triggers record.
        cursor.execute("SELECT 1")
        # Raised as Django's exceptions (IntegrityError for a unique NIK), as an INSERT's.
        with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            _write_objects(copy, objects, fields, prepared, stamped, plain, connection)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = alias
    return objects


def _write_objects(copy, objects, fields, prepared, stamped, plain, connection):
    attnames = [field.attname for field in fields]
    for obj in objects:
        if plain:
            copy.write_row([getattr(obj, name) for name in attnames])
            continue
        row = []
        for field, prepare, stamp in zip(fields, prepared, stamped, strict=True):
            value = field.pre_save(obj, True) if stamp else getattr(obj, field.attname)
            if prepare:
                value = field.get_db_prep_save(value, connection)
            row.append(value)
        copy.write_row(row)


def copy_rows(model, rows, alias: str = "default") -> int:
    """Write rows given as dicts of attribute names (`case_id`, not `case`) with one COPY,
    for the many rows nobody needs back as instances; return how many were written.

    The table's sequence numbers them. A field a row leaves out takes its default,
    evaluated once for the whole COPY (one `now()` for all of it).
    """
    connection = connections[alias]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    defaults = []
    for field in fields:
        stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        defaults.append(timezone.now() if stamped else field.get_default())
    prepared = [field.get_internal_type() not in PLAIN_TYPES for field in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    keys = list(zip((field.attname for field in fields), defaults, strict=True))
    written = 0
    with (
        transaction.atomic(using=alias),
        connection.cursor() as cursor,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            values = [row.get(name, default) for name, default in keys]
            if any(prepared):
                values = [
                    field.get_db_prep_save(value, connection) if prepare else value
                    for field, prepare, value in zip(fields, prepared, values, strict=True)
                ]
            copy.write_row(values)
            written += 1
    return written
