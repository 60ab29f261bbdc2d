"""The cache is a table in PostgreSQL: every app server and worker sees the same entries.

With Django's default (memory of one process), each of several gunicorn workers or
servers would keep entries of its own, and a change seen by one would not be by another.
"""

# ruff: noqa: S608 (the statements name the cache table from the settings, never input)

import base64
import datetime
import pickle

import psycopg
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from config.db_roles import APP_ROLE
from tests.participants.helpers import make_participant

TABLE = settings.CACHE_TABLE
COUNTRIES_KEY = ":1:participants:recorded_countries"


def second_server():
    """A connection of its own, as the app role, as another gunicorn worker would have."""
    return psycopg.connect(
        host=settings.DATABASE_APP["HOST"] or None,
        port=settings.DATABASE_APP["PORT"] or None,
        user=settings.DATABASE_APP["USER"] or None,
        password=settings.DATABASE_APP["PASSWORD"] or None,
        dbname=connection.settings_dict["NAME"],
        autocommit=True,
    )


def stored(value) -> str:
    """A value as Django's database cache writes it into the table."""
    return base64.b64encode(pickle.dumps(value, pickle.HIGHEST_PROTOCOL)).decode("latin1")


def test_the_default_cache_is_the_database_table():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert settings.CACHES["default"]["LOCATION"] == TABLE == "purna_cache"


@pytest.mark.django_db
def test_the_app_role_reads_and_writes_cache_rows_but_cannot_empty_or_alter_the_table():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, pg_get_userbyid(relowner) FROM pg_class WHERE relname = %s",
            [TABLE],
        )
        assert cursor.fetchone() == (APP_ROLE, "purna_owner")
        cursor.execute(
            "SELECT privilege, has_table_privilege(current_user, %s, privilege) "
            "FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', "
            "'REFERENCES', 'TRIGGER']) AS privilege",
            [TABLE],
        )
        assert dict(cursor.fetchall()) == {
            "SELECT": True,
            "INSERT": True,
            "UPDATE": True,
            "DELETE": True,
            "TRUNCATE": False,
            "REFERENCES": False,
            "TRIGGER": False,
        }


@pytest.mark.django_db(transaction=True)
def test_a_value_cached_by_one_server_is_seen_by_another_through_the_table():
    cache.set("shared", {"countries": ["MY", "TW"]}, timeout=60)

    with second_server() as other:
        row = other.execute(
            f"SELECT value, expires FROM {TABLE} WHERE cache_key = %s",
            [":1:shared"],
        ).fetchone()
        assert row is not None
        assert pickle.loads(base64.b64decode(row[0])) == {"countries": ["MY", "TW"]}  # noqa: S301 (a row this test wrote)
        assert row[1] > timezone.now()

        other.execute(
            f"UPDATE {TABLE} SET value = %s WHERE cache_key = %s",
            [stored({"countries": ["SA"]}), ":1:shared"],
        )
        other.execute(
            f"INSERT INTO {TABLE} (cache_key, value, expires) VALUES (%s, %s, %s)",
            [":1:from_the_other", stored("hello"), timezone.now() + datetime.timedelta(minutes=1)],
        )

    assert cache.get("shared") == {"countries": ["SA"]}
    assert cache.get("from_the_other") == "hello"


@pytest.mark.django_db
def test_the_countries_the_participant_list_offers_are_kept_in_the_table(
    client, office_a, case_worker_a
):
    make_participant(office_a, case_worker_a, episode__destination_country="TW")
    client.force_login(case_worker_a)

    response = client.get("/participants/")

    assert response.status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {TABLE} WHERE cache_key = %s", [COUNTRIES_KEY])
        (value,) = cursor.fetchone()
    assert pickle.loads(base64.b64decode(value)) == ["TW"]  # noqa: S301 (a row this test wrote)


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_cache_with_the_tables():
    cache.set("kept", "stale", timeout=60)

    call_command("flush", interactive=False, verbosity=0)

    assert cache.get("kept") is None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        assert cursor.fetchone() == (0,)
