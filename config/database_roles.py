"""Schema work as the owner role, and what the owner grants the app role after it.

The app connects as a role that owns nothing (see config/db_roles.py). Commands that
change the schema or empty tables (`migrate`, `flush`, `restore`) switch the default
connection to the owner's credentials, `DATABASE_OWNER` in the settings, for as long
as they run, then back. Without `DATABASE_OWNER` one role does both, and the app's
role could wipe the access log: `check --deploy` says so.
"""

from contextlib import contextmanager

import pghistory.models
import psycopg
from django.apps import apps
from django.conf import settings
from django.db import connections, transaction

from config.db_roles import grant_statements, quote_ident

# Made by a participants migration; the app role may execute it, nothing more.
BLANK_HISTORY_FUNCTION = "purna_blank_history(regclass, bigint[], text[])"


def owner_settings() -> dict | None:
    """The owner's credentials (USER, PASSWORD, HOST, PORT), or None when one role does both."""
    owner = getattr(settings, "DATABASE_OWNER", None) or None
    if owner is None or owner["USER"] == settings.DATABASE_APP["USER"]:
        return None
    return owner


def _log_in(connection, credentials: dict) -> None:
    connection.close()
    # Pooled connections keep the credentials they were opened with.
    if connection.settings_dict.get("OPTIONS", {}).get("pool"):
        connection.close_pool()
    connection.settings_dict.update(credentials)


def use_role(role: str, alias: str = "default") -> None:
    """From now on, log the `alias` connection in as "owner" or "app" (test set-up)."""
    credentials = owner_settings() if role == "owner" else settings.DATABASE_APP
    if credentials is not None:
        _log_in(connections[alias], credentials)


@contextmanager
def connected_as_owner(alias: str = "default"):
    """Run the body with the `alias` connection logged in as the owner role.

    Only for commands and test set-up, where no other thread uses the connection.
    """
    owner = owner_settings()
    connection = connections[alias]
    if owner is None or connection.settings_dict.get("USER") == owner["USER"]:
        yield connection
        return
    saved = {key: connection.settings_dict.get(key) for key in owner}
    _log_in(connection, owner)
    try:
        yield connection
    finally:
        _log_in(connection, saved)


def append_only_tables() -> list[str]:
    """The access log and every history (pghistory event) table: read and add only."""
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if not model._meta.proxy
        and (
            model._meta.label == "accounts.AccessLog"
            or (issubclass(model, pghistory.models.Event) and not model._meta.abstract)
        )
    )


def grant_app_role(cursor, owner: str) -> list[str]:
    """Give the app role what it needs on every table `owner` holds; return the SQL.

    `cursor` is connected as the owner, to the database just migrated or restored.
    """
    if owner_settings() is None:
        return []
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s",
        [owner],
    )
    tables = sorted(row[0] for row in cursor.fetchall())
    statements = grant_statements(
        settings.DATABASE_APP["USER"],
        tables=tables,
        append_only=append_only_tables(),
        # The history triggers upsert the context of each change (who, from where).
        no_delete=[pghistory.models.Context._meta.db_table],
    )
    # The one way the app may blank columns of history rows (anonymising a person).
    cursor.execute("SELECT to_regprocedure(%s) IS NOT NULL", [BLANK_HISTORY_FUNCTION])
    if cursor.fetchone()[0]:
        app = quote_ident(settings.DATABASE_APP["USER"])
        statements.append(f"GRANT EXECUTE ON FUNCTION {BLANK_HISTORY_FUNCTION} TO {app};")
    for statement in statements:
        cursor.execute(statement)
    return statements


def analyze(*models, alias: str = "default") -> None:
    """Fresh planner statistics for these models' tables once what was written commits.

    After a bulk load, before autovacuum gets to it. ANALYZE needs the owner's rights,
    so it runs on a short connection of its own as the owner.
    """
    tables = [model._meta.db_table for model in models]
    transaction.on_commit(lambda: _analyze(tables, alias), using=alias)


def _analyze(tables: list[str], alias: str) -> None:
    connection = connections[alias]
    owner = owner_settings()
    statements = [f"ANALYZE {connection.ops.quote_name(table)}" for table in tables]
    if owner is None:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        return
    with connect_as_owner(alias, autocommit=True) as owner_connection:
        for statement in statements:
            owner_connection.execute(statement)


def connect_as_owner(alias: str = "default", **options) -> psycopg.Connection:
    """A psycopg connection of its own to the `alias` database, as the owner role."""
    database = {**connections[alias].settings_dict, **(owner_settings() or {})}
    return psycopg.connect(
        host=database["HOST"] or None,
        port=database["PORT"] or None,
        user=database["USER"] or None,
        password=database["PASSWORD"] or None,
        dbname=database["NAME"],
        **options,
    )
