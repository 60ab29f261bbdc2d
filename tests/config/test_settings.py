"""Production mode refuses unsafe settings; its deploy check is clean."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A database URL is given so that no embedded server is started; the checks
# below never connect.
BASE_ENV = {
    "PATH": os.environ.get("PATH", ""),
    "DATABASE_URL": "postgres://purna_app@127.0.0.1:5432/purna_settings_check",
    "DATABASE_OWNER_URL": "postgres://purna_owner@127.0.0.1:5432/purna_settings_check",
    "DJANGO_DEBUG": "false",
}


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**BASE_ENV, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", ALLOWED_HOSTS="purna.bp3mi.go.id")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_development_secret_key():
    result = manage(
        "check",
        ALLOWED_HOSTS="purna.bp3mi.go.id",
        SECRET_KEY="django-insecure-" + "x" * 60,
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", SECRET_KEY=secrets.token_urlsafe(50))

    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_deploy_check_has_no_warnings_in_production():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="purna.bp3mi.go.id",
    )

    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_deploy_check_warns_when_the_app_would_log_in_as_the_tables_owner():
    result = manage(
        "check",
        "--deploy",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="purna.bp3mi.go.id",
        DATABASE_OWNER_URL="",
    )

    assert "purna.W001" in result.stderr + result.stdout
    assert "could empty or rewrite the access log" in result.stderr + result.stdout
