"""The embedded PostgreSQL server a fresh machine runs on."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import psycopg
import pytest

from config import embedded_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_dir(tmp_path):
    yield tmp_path
    embedded_db.stop(tmp_path)


def connect(settings):
    return psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], autocommit=True
    )


def test_first_start_creates_the_database_with_trigram_support(data_dir):
    settings = embedded_db.ensure_running(data_dir)

    with connect(settings) as conn:
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


def start_in_another_process(data_dir):
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from config.embedded_db import ensure_running;"
            " ensure_running(Path(sys.argv[1]))",
            str(data_dir),
        ],
        cwd=ROOT,
        check=True,
    )


def test_a_server_left_running_for_a_deleted_cluster_is_stopped_before_a_new_one_starts(
    data_dir,
):
    start_in_another_process(data_dir)
    pid_file = data_dir / embedded_db.CLUSTER_DIR / "postmaster.pid"
    orphan = psutil.Process(int(pid_file.read_text().split()[0]))
    # Somebody deletes the data folder while its server runs (a `rm -rf` of a clone).
    shutil.rmtree(data_dir / embedded_db.CLUSTER_DIR)

    settings = embedded_db.ensure_running(data_dir)

    # Stopped: gone, or a zombie waiting for its parent to collect it.
    assert not orphan.is_running() or orphan.status() == psutil.STATUS_ZOMBIE
    with connect(settings) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
