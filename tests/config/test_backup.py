"""Backups restore: every row of every table comes back in an empty database."""

from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from config.database_roles import owner_settings
from tests.cases.conftest import enrol, make_program
from tests.factories import ParticipantFactory

CHECKSUMMED_TABLES = ["accounts_user", "participants_participant", "cases_case"]


def _connect(dbname, *, as_app=False):
    """As the owner role, which makes databases and restores; or as the app's role."""
    database = {**connection.settings_dict, **({} if as_app else owner_settings() or {})}
    return psycopg.connect(
        host=database["HOST"] or None,
        port=database["PORT"] or None,
        user=database["USER"] or None,
        password=database["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


@pytest.fixture
def empty_database():
    """A new, empty database on the test server, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    with _connect("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with _connect("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _tables(conn):
    rows = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    ).fetchall()
    return [row[0] for row in rows]


def _row_counts(conn):
    return {
        table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 (catalog names)
        for table in _tables(conn)
    }


def _checksum(conn, table):
    return conn.execute(
        f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "  # noqa: S608 (catalog names)
        f'FROM "{table}" t'
    ).fetchone()[0]


def _sequence_values(conn):
    rows = conn.execute(
        "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
    ).fetchall()
    return dict(rows)


def _backup(**options):
    out = StringIO()
    call_command("backup", stdout=out, **options)
    return Path(out.getvalue().strip())


@pytest.fixture
def backup_dir(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    return settings.BACKUP_DIR


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_brings_back_every_row(
    backup_dir, empty_database, office_a, coordinator_a, case_worker_a, regions
):
    program = make_program(office_a, coordinator_a, regions["district"])
    for number in range(3):
        enrol(program, case_worker_a, full_name=f"Peserta Uji {number}")
    ParticipantFactory.create_batch(2, office=office_a, created_by=case_worker_a)

    backup = _backup()
    assert backup.parent == backup_dir
    assert backup.is_file()

    out = StringIO()
    call_command("restore", str(backup), database_name=empty_database, stdout=out)
    assert empty_database in out.getvalue()

    source_name = connection.settings_dict["NAME"]
    with _connect(source_name) as source, _connect(empty_database) as restored:
        source_counts = _row_counts(source)
        assert source_counts["participants_participant"] == 5
        assert source_counts["cases_case"] == 3
        assert _row_counts(restored) == source_counts
        for table in CHECKSUMMED_TABLES:
            assert _checksum(restored, table) == _checksum(source, table), table
        # New rows after a restore get fresh ids, not ones already taken.
        assert _sequence_values(restored) == _sequence_values(source)
    # The app's role may work in the restored database, with its rights as before.
    with _connect(empty_database, as_app=True) as restored:
        assert _row_counts(restored) == source_counts
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            restored.execute("TRUNCATE accounts_accesslog")


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(backup_dir, empty_database, case_worker_a):
    backup = _backup()
    call_command("restore", str(backup), database_name=empty_database, stdout=StringIO())
    with _connect(empty_database) as restored:
        counts_before = _row_counts(restored)

    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(backup), database_name=empty_database, stdout=StringIO())

    with _connect(empty_database) as restored:
        assert _row_counts(restored) == counts_before


@pytest.mark.django_db
def test_restore_refuses_the_configured_database_when_it_has_tables(backup_dir):
    backup = _backup()
    with pytest.raises(CommandError, match="Restore only into an empty database"):
        call_command("restore", str(backup), stdout=StringIO())


@pytest.mark.django_db
def test_restore_of_a_missing_file_says_so(tmp_path):
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "missing.dump"), stdout=StringIO())


@pytest.mark.django_db
def test_backup_keep_deletes_all_but_the_newest_backups(backup_dir):
    made = [_backup() for _ in range(3)]
    kept = _backup(keep=2)

    remaining = sorted(backup_dir.iterdir())
    assert len(remaining) == 2
    assert kept in remaining
    assert made[0] not in remaining
    assert made[1] not in remaining


@pytest.mark.django_db
def test_backup_keep_below_one_is_refused_and_writes_nothing(backup_dir):
    with pytest.raises(CommandError, match="--keep must be 1 or more"):
        _backup(keep=0)
    assert not backup_dir.exists()
