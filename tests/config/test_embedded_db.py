"""The embedded PostgreSQL server a fresh machine runs on."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from config import embedded_db
from config.db_roles import APP_ROLE, OWNER_ROLE

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_dir(tmp_path):
    yield tmp_path
    embedded_db.stop(tmp_path)


def connect(settings, user=None):
    return psycopg.connect(
        dbname=settings["NAME"],
        user=user or settings["USER"],
        host=settings["HOST"],
        autocommit=True,
    )


def test_first_start_creates_the_database_with_trigram_support(data_dir):
    settings = embedded_db.ensure_running(data_dir)

    # Migrations create the extension as the owner role.
    with connect(settings, user=OWNER_ROLE) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        similarity = conn.execute("SELECT similarity('Siti Aminah', 'Siti Aminnah')").fetchone()[0]
    assert similarity > 0.5
    assert (data_dir / embedded_db.CLUSTER_DIR / "PG_VERSION").exists()


def test_a_second_start_reuses_the_running_server(data_dir):
    first = embedded_db.ensure_running(data_dir)
    pid_file = data_dir / embedded_db.CLUSTER_DIR / "postmaster.pid"
    pid = pid_file.read_text().split()[0]

    second = embedded_db.ensure_running(data_dir)

    assert second == first
    assert pid_file.read_text().split()[0] == pid


def test_an_interrupted_first_start_leaves_nothing_half_made(data_dir):
    starter = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from config.embedded_db import ensure_running;"
            " ensure_running(Path(sys.argv[1]))",
            str(data_dir),
        ],
        cwd=ROOT,
        start_new_session=True,
    )
    # Kill the whole start (the starter and its initdb) once initdb is writing.
    deadline = time.monotonic() + 20
    while not list(data_dir.glob(embedded_db.STAGING_PREFIX + "*/PG_VERSION")):
        assert time.monotonic() < deadline, "the start never began initialising"
        time.sleep(0.05)
    os.killpg(starter.pid, signal.SIGKILL)
    starter.wait()
    assert not (data_dir / embedded_db.CLUSTER_DIR).exists()

    settings = embedded_db.ensure_running(data_dir)

    assert list(data_dir.glob(embedded_db.STAGING_PREFIX + "*")) == []
    with connect(settings) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_a_server_left_running_for_a_deleted_cluster_is_stopped_before_a_new_one_starts(
    data_dir, tmp_path_factory
):
    # What `ps` shows of a server whose cluster folder was deleted under it: a process
    # named postgres, started with -D and that folder.
    bin_dir = tmp_path_factory.mktemp("bin")
    fake = bin_dir / "postgres"
    fake.write_text("#!/bin/sh\nsleep 120\n")
    fake.chmod(0o755)
    orphan = subprocess.Popen([str(fake), "-D", str(data_dir / embedded_db.CLUSTER_DIR)])
    try:
        settings = embedded_db.ensure_running(data_dir)

        assert orphan.wait(timeout=10) is not None
        with connect(settings) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        orphan.kill()


def test_a_half_written_process_list_left_by_a_kill_does_not_stop_the_next_start(data_dir):
    embedded_db.ensure_running(data_dir)
    embedded_db.stop(data_dir)
    # A process killed while the wheel rewrote its list of users leaves it empty.
    (data_dir / embedded_db.CLUSTER_DIR / ".handle_pids.json").write_text("")

    settings = embedded_db.ensure_running(data_dir)

    with connect(settings) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


ROLE_AND_OWNER = """
    SELECT r.rolsuper, r.rolcreaterole, pg_get_userbyid(d.datdba)
    FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()
"""


def test_the_app_logs_in_as_a_plain_role_and_the_owner_role_owns_the_database(data_dir):
    settings = embedded_db.ensure_running(data_dir)

    assert settings["USER"] == APP_ROLE
    with connect(settings) as conn:
        assert conn.execute(ROLE_AND_OWNER).fetchone() == (False, False, OWNER_ROLE)
    with connect(settings, user=OWNER_ROLE) as conn:
        assert conn.execute(ROLE_AND_OWNER).fetchone() == (False, False, OWNER_ROLE)


def test_a_cluster_made_before_the_roles_gets_them_and_hands_its_tables_over(data_dir):
    settings = embedded_db.ensure_running(data_dir)
    with connect(settings, user="postgres") as conn:
        conn.execute("ALTER DATABASE purna OWNER TO postgres")
        conn.execute("CREATE TABLE earlier (id serial PRIMARY KEY)")
        conn.execute("DROP ROLE purna_app")
    (data_dir / embedded_db.CLUSTER_DIR / embedded_db.ROLES_MARKER).unlink()
    embedded_db.stop(data_dir)

    settings = embedded_db.ensure_running(data_dir)

    with connect(settings, user=OWNER_ROLE) as conn:
        owners = conn.execute(
            "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname LIKE 'earlier%'"
        ).fetchall()
        assert conn.execute(ROLE_AND_OWNER).fetchone()[2] == OWNER_ROLE
    assert owners == [(OWNER_ROLE,), (OWNER_ROLE,), (OWNER_ROLE,)]  # table, sequence, key
    with connect(settings) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (APP_ROLE,)
