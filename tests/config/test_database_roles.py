# ruff: noqa: S608 (the statements name tables from the models, never input)
"""The app's database role cannot wipe or rewrite the access log or the history.

The tests run as the app's role (tests/conftest.py logs in as it once the owner has
made the test database), so every statement here is tried as the web server would.
"""

from pathlib import Path

import pghistory.models
import pgtrigger
import psycopg
import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from accounts.models import AccessLog
from config.checks import app_role_is_not_the_owner
from config.database_roles import analyze, append_only_tables, connect_as_owner
from config.db_roles import APP_ROLE, OWNER_ROLE, create_statements
from participants.models import Participant
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

ACCESS_LOG = AccessLog._meta.db_table


INSUFFICIENT_PRIVILEGE = "42501"


def refused(sql: str, params=()) -> bool:
    """Whether the database refuses the statement for want of a right.

    Run in a savepoint, so the test goes on. Any other error (a wrong name, a table in
    use) is not a refusal and fails the test.
    """
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as error:
        sqlstate = getattr(error.__cause__, "sqlstate", None)
        if sqlstate != INSUFFICIENT_PRIVILEGE:
            raise
        return True
    return False


@pytest.fixture
def logged(case_worker_a):
    entry = AccessLog.objects.create(user=case_worker_a, action=AccessLog.Action.VIEW)
    return entry


def history_tables():
    return [t for t in append_only_tables() if t != ACCESS_LOG]


def test_the_suite_runs_as_the_app_role_which_is_no_superuser_and_owns_no_table():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper, rolcreaterole, rolbypassrls "
            "FROM pg_roles WHERE rolname = current_user"
        )
        assert cursor.fetchone() == (APP_ROLE, False, False, False)
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tableowner = current_user")
        assert cursor.fetchone() == (0,)
        cursor.execute(
            "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = %s", [ACCESS_LOG]
        )
        assert cursor.fetchone() == (OWNER_ROLE,)
        cursor.execute("SELECT pg_has_role(current_user, %s, 'USAGE')", [OWNER_ROLE])
        assert cursor.fetchone() == (False,)


def test_the_access_log_and_every_history_table_are_protected():
    protected = append_only_tables()
    assert ACCESS_LOG in protected
    assert "participants_participantevent" in protected
    assert len(history_tables()) >= 10


def test_the_app_role_adds_and_reads_log_rows(logged):
    assert AccessLog.objects.filter(pk=logged.pk).exists()


@pytest.mark.parametrize(
    "statement",
    [
        f"TRUNCATE {ACCESS_LOG}",
        f"TRUNCATE {ACCESS_LOG} CASCADE",
        f"DELETE FROM {ACCESS_LOG}",
        f"UPDATE {ACCESS_LOG} SET detail = 'rewritten'",
        f"ALTER TABLE {ACCESS_LOG} DISABLE TRIGGER ALL",
        f"ALTER TABLE {ACCESS_LOG} DISABLE TRIGGER USER",
        f"ALTER TABLE {ACCESS_LOG} RENAME TO old_log",
        f"DROP TABLE {ACCESS_LOG}",
        "DROP TRIGGER pgtrigger_accesslog_append_only_705d2 ON " + ACCESS_LOG,
        "SET session_replication_role = replica",
        "SET LOCAL session_replication_role = replica",
        f"SET ROLE {OWNER_ROLE}",
        "SET ROLE postgres",
        f"CREATE TABLE {ACCESS_LOG}_copy AS SELECT * FROM {ACCESS_LOG}",
    ],
)
def test_the_app_role_cannot_wipe_or_rewrite_the_access_log(logged, statement):
    assert refused(statement), statement
    assert AccessLog.objects.filter(pk=logged.pk, detail="").exists()


def test_pgtrigger_ignore_does_not_let_the_app_delete_or_change_log_rows(logged):
    with pgtrigger.ignore("accounts.AccessLog:accesslog_append_only"):
        assert refused(f"DELETE FROM {ACCESS_LOG}")
        assert refused(f"UPDATE {ACCESS_LOG} SET detail = 'rewritten'")
        with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
            AccessLog.objects.filter(pk=logged.pk).delete()
    assert AccessLog.objects.filter(pk=logged.pk, detail="").exists()


def test_the_app_role_cannot_empty_rewrite_or_alter_any_history_table(office_a):
    participant = ParticipantFactory(office=office_a, full_name="Siti Aminah")
    participant.full_name = "Siti Aminah binti Ahmad"
    participant.save()
    for table in history_tables():
        for statement in (
            f"TRUNCATE {table}",
            f"DELETE FROM {table}",
            f"UPDATE {table} SET pgh_label = pgh_label",
            f"ALTER TABLE {table} DISABLE TRIGGER ALL",
            f"DROP TABLE {table}",
        ):
            assert refused(statement), statement
    history = connection.ops.quote_name("participants_participantevent")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT full_name FROM {history} WHERE pgh_obj_id = %s", [participant.pk])
        assert {row[0] for row in cursor.fetchall()} == {"Siti Aminah", "Siti Aminah binti Ahmad"}


def test_the_context_of_changes_may_be_extended_but_never_emptied():
    table = pghistory.models.Context._meta.db_table
    assert refused(f"TRUNCATE {table}")
    assert refused(f"DELETE FROM {table}")


def test_the_app_role_cannot_alter_or_empty_ordinary_tables_either():
    table = Participant._meta.db_table
    assert refused(f"TRUNCATE {table} CASCADE")
    assert refused(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
    assert refused(f"ALTER TABLE {table} ADD COLUMN extra text")
    assert refused("CREATE TABLE scratch (id int)")


def test_the_readme_gives_the_sql_that_makes_the_roles():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    statements = create_statements(owner_password="owner-secret", app_password="app-secret")
    assert "```sql\n" + "\n".join(statements) + "\n```" in readme


def test_check_deploy_warns_when_one_role_owns_the_tables_and_runs_the_app(settings):
    assert app_role_is_not_the_owner() == []
    settings.DATABASE_OWNER = None
    assert [warning.id for warning in app_role_is_not_the_owner()] == ["purna.W001"]
    settings.DATABASE_OWNER = dict(settings.DATABASE_APP)
    assert [warning.id for warning in app_role_is_not_the_owner()] == ["purna.W001"]


@pytest.mark.django_db(transaction=True)
def test_even_the_owner_role_is_refused_changing_log_rows_by_the_trigger(case_worker_a):
    entry = AccessLog.objects.create(user=case_worker_a, action=AccessLog.Action.VIEW)
    with connect_as_owner() as owner:
        for statement in (f"UPDATE {ACCESS_LOG} SET detail = 'x'", f"DELETE FROM {ACCESS_LOG}"):
            with pytest.raises(psycopg.errors.RaiseException, match="Cannot update or delete"):
                owner.execute(statement)
            owner.rollback()
    assert AccessLog.objects.filter(pk=entry.pk, detail="").exists()


@pytest.mark.django_db(transaction=True)
def test_analyze_after_a_bulk_load_runs_as_the_owner_once_the_rows_are_committed(office_a):
    ParticipantFactory.create_batch(3, office=office_a)
    table = Participant._meta.db_table
    last_analyzed = "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = %s"

    with connect_as_owner() as owner:
        (before,) = owner.execute(last_analyzed, [table]).fetchone()

    with transaction.atomic():
        analyze(Participant)
        with connect_as_owner() as owner:
            assert owner.execute(last_analyzed, [table]).fetchone() == (before,)

    with connect_as_owner() as owner:
        (after,) = owner.execute(last_analyzed, [table]).fetchone()
    assert after is not None
    assert before is None or after > before


def current_ignore_list():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pgtrigger.ignore', true)")
        return cursor.fetchone()[0]


def test_the_history_triggers_find_an_empty_ignore_list_before_and_after_pgtrigger_ignore():
    # Unset, the triggers' read of it raises and rolls back a subtransaction per row.
    assert current_ignore_list() == "{}"
    with transaction.atomic():
        with pgtrigger.ignore("accounts.AccessLog:accesslog_append_only"):
            assert current_ignore_list() != "{}"
        assert current_ignore_list() == "{}"
    assert current_ignore_list() == "{}"
