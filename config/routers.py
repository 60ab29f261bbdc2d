"""Which database a query goes to: the primary, or for some reads its streaming replica.

Every write and almost every read go to "default", the primary. A read goes to
"replica" only when all of these hold:

- it is made inside `reading_from_replica()`, or in a view wearing `@replica_reads`;
- a "replica" database is configured (DATABASE_REPLICA_URL);
- no transaction is open on the primary: a transaction reads its own writes;
- it is not a cache entry: the cache serves as a shared memory between processes and
  must show the last write.

A replica replays the primary's changes a moment later (usually well under a second,
at worst a few seconds). Only pages that count or print what was already there wear
`@replica_reads`: the home page, the reports and the exports. A page that must show
what its user has just written, or that writes and then reads back, reads the primary.
"""

import contextlib
import contextvars
import functools

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
# The database cache (django.core.cache.backends.db) names its table's model so.
CACHE_APP_LABEL = "django_cache"

_reading_from_replica = contextvars.ContextVar("reading_from_replica", default=False)


@contextlib.contextmanager
def reading_from_replica():
    """Within the block, reads may be served by the replica (see the module's rules).

    Also a decorator: `@reading_from_replica()`.
    """
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def replica_reads(view):
    """A view whose reads may lag the primary by a few seconds: reports, exports, counts."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with reading_from_replica():
            return view(*args, **kwargs)

    return wrapper


def replica_configured() -> bool:
    return REPLICA in connections


def reads_go_to_replica() -> bool:
    """Whether a read made here, now, would be sent to the replica."""
    return (
        _reading_from_replica.get()
        and replica_configured()
        and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    )


class ReplicaRouter:
    """DATABASE_ROUTERS entry: reads as the module says, everything else to the primary."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label != CACHE_APP_LABEL and reads_go_to_replica():
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both hold the same rows: a row read from one may point at a row of the other.
        both = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in both and obj2._state.db in both:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica copies the primary's schema; it is never migrated itself.
        return db == DEFAULT_DB_ALIAS
