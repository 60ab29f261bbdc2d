"""Restore a backup made by `manage.py backup` into an empty database.

    python manage.py restore .data/backups/purna-20260101-020000.dump
    python manage.py restore FILE --database-name purna_check   # another database, same server

Only an empty database is accepted (create it with `createdb`): restoring over
existing tables would mix two states of the data. The restore runs in one
transaction, so it either brings back everything or leaves the database empty.
It runs as the owner role, which then grants the app role its rights, as after
a migration.
"""

import subprocess
from pathlib import Path

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from accounts.management.commands.backup import (
    connection_env,
    find_program,
    server_major_version,
)
from config.database_roles import grant_app_role, owner_settings

USER_RELATIONS = """
    SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
"""


def connect(database: dict, name: str):
    try:
        return psycopg.connect(
            host=database.get("HOST") or None,
            port=database.get("PORT") or None,
            user=database.get("USER") or None,
            password=database.get("PASSWORD") or None,
            dbname=name,
        )
    except psycopg.Error as error:
        raise CommandError(f"Cannot connect to database {name!r}: {error}") from error


def count_relations(database: dict, name: str) -> int:
    with connect(database, name) as conn:
        return conn.execute(USER_RELATIONS).fetchone()[0]


class Command(BaseCommand):
    help = "Restore a backup file (pg_restore) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A backup written by `manage.py backup`.")
        parser.add_argument(
            "--database-name",
            help="Restore into this database on the configured server instead of the "
            "configured database.",
        )

    def handle(self, *args, file, database_name=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No backup file at {path}.")
        database = {**connections["default"].settings_dict, **(owner_settings() or {})}
        name = database_name or database["NAME"]
        tables = count_relations(database, name)
        if tables:
            raise CommandError(
                f"Database {name!r} is not empty ({tables} tables, sequences or indexes). "
                "Restore only into an empty database: create a new one with createdb, "
                "or drop and re-create this one, then run restore again."
            )
        pg_restore = find_program("pg_restore", server_major_version())
        # Owners and grants are left out: the configured user owns what it restores,
        # and the roles of the server the backup came from need not exist here.
        result = subprocess.run(
            [
                pg_restore,
                "--exit-on-error",
                "--single-transaction",
                "--no-owner",
                "--no-privileges",
                "--dbname",
                name,
                str(path),
            ],
            env=connection_env(database, name),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        with connect(database, name) as conn, conn.cursor() as cursor:
            grant_app_role(cursor, database["USER"])
        self.stdout.write(f"Restored {path} into database {name!r}.")
