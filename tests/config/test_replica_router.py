"""Reads that may lag go to the streaming replica; everything else goes to the primary.

The "replica" alias of these tests is a second connection to the test database, as
DATABASE_REPLICA_URL's is to a standby: it sees what is committed, nothing of an open
transaction.
"""

import contextlib
import copy
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from accounts.models import AccessLog, User
from cases.models import Case
from config.routers import REPLICA, ReplicaRouter, reading_from_replica, replica_reads
from participants.models import Participant
from tests.cases.conftest import enrol, make_program

ROOT = Path(__file__).resolve().parents[2]
ROUTER = ReplicaRouter()


@pytest.fixture
def case_a(office_a, coordinator_a, case_worker_a, regions):
    """An intake case of office A's program, whose coordinator takes the reports."""
    program = make_program(office_a, coordinator_a, regions["district"])
    return enrol(program, case_worker_a, full_name="Siti Aminah", sex="F")


@pytest.fixture(scope="module")
def replica_alias(django_db_setup):
    """A "replica" alias: its own connection to the test database, as a test mirror.

    Module-wide, so that it exists before a test's database set-up checks the aliases
    the test may use.
    """
    mirror = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    mirror["TEST"] = {**mirror.get("TEST", {}), "MIRROR": DEFAULT_DB_ALIAS}
    connections.settings[REPLICA] = mirror
    yield
    del connections.settings[REPLICA]


@pytest.fixture
def replica(replica_alias, settings):
    """The replica configured and the router installed, as the settings do both."""
    settings.DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
    yield
    for connection in connections.all(initialized_only=True):
        if connection.alias == REPLICA:
            connection.close()
            if connection.settings_dict.get("OPTIONS", {}).get("pool"):
                connection.close_pool()
            del connections[REPLICA]


# Tests whose requests read through the replica's own connection: it sees only what is
# committed, as a standby does.
reads_both_databases = pytest.mark.django_db(
    transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA]
)


@contextlib.contextmanager
def queries_by_alias():
    """The SQL each alias ran in the block, in order."""
    ran = {DEFAULT_DB_ALIAS: [], REPLICA: []}

    def recorder(alias):
        def record(execute, sql, params, many, context):
            ran[alias].append(sql)
            return execute(sql, params, many, context)

        return record

    with (
        connections[DEFAULT_DB_ALIAS].execute_wrapper(recorder(DEFAULT_DB_ALIAS)),
        connections[REPLICA].execute_wrapper(recorder(REPLICA)),
    ):
        yield ran


def tables_read(queries):
    """The tables named after FROM or JOIN in the SELECTs among `queries`."""
    selects = [sql for sql in queries if sql.lstrip().upper().startswith("SELECT")]
    return {name for sql in selects for name in re.findall(r'(?:FROM|JOIN) "(\w+)"', sql)}


def writes(queries):
    """The tables written by `queries`, in order."""
    return [
        match.group(1)
        for sql in queries
        if (match := re.match(r'\s*(?:INSERT INTO|UPDATE|DELETE FROM) "(\w+)"', sql))
    ]


# --- The router's rules ---------------------------------------------------------------


def test_reads_go_to_the_primary_outside_the_block_even_with_a_replica(replica):
    assert ROUTER.db_for_read(Participant) == DEFAULT_DB_ALIAS


def test_reads_in_the_block_go_to_the_replica_and_come_back_after_it(replica):
    with reading_from_replica():
        assert ROUTER.db_for_read(Participant) == REPLICA
        with reading_from_replica():
            assert ROUTER.db_for_read(Case) == REPLICA
        # Leaving the inner block keeps the outer one's choice.
        assert ROUTER.db_for_read(Case) == REPLICA
    assert ROUTER.db_for_read(Participant) == DEFAULT_DB_ALIAS


def test_without_a_replica_configured_the_block_reads_the_primary(monkeypatch):
    monkeypatch.delitem(connections.settings, REPLICA, raising=False)
    assert REPLICA not in connections
    with reading_from_replica():
        assert ROUTER.db_for_read(Participant) == DEFAULT_DB_ALIAS


def test_writes_always_go_to_the_primary(replica):
    with reading_from_replica():
        assert ROUTER.db_for_write(Participant) == DEFAULT_DB_ALIAS
        assert ROUTER.db_for_write(AccessLog) == DEFAULT_DB_ALIAS
    assert ROUTER.db_for_write(Participant) == DEFAULT_DB_ALIAS


def test_cache_entries_are_read_from_the_primary(replica):
    from django.core.cache import cache

    with reading_from_replica():
        assert ROUTER.db_for_read(cache.cache_model_class) == DEFAULT_DB_ALIAS


def test_a_view_wearing_the_decorator_reads_the_replica_and_keeps_its_name(replica):
    @replica_reads
    def report(request):
        """A report."""
        return ROUTER.db_for_read(Participant)

    assert report(None) == REPLICA
    assert report.__name__ == "report"
    assert report.__doc__ == "A report."
    assert ROUTER.db_for_read(Participant) == DEFAULT_DB_ALIAS


def test_the_block_as_a_decorator_reads_the_replica(replica):
    @reading_from_replica()
    def count():
        return ROUTER.db_for_read(Participant)

    assert count() == REPLICA
    assert count() == REPLICA


def test_another_thread_is_not_in_the_block_of_this_one(replica):
    seen = []
    with reading_from_replica():
        thread = threading.Thread(target=lambda: seen.append(ROUTER.db_for_read(Participant)))
        thread.start()
        thread.join()
        assert ROUTER.db_for_read(Participant) == REPLICA
    assert seen == [DEFAULT_DB_ALIAS]


def test_only_the_primary_is_migrated_and_rows_of_both_may_be_related():
    assert ROUTER.allow_migrate(DEFAULT_DB_ALIAS, "participants")
    assert not ROUTER.allow_migrate(REPLICA, "participants")
    on_primary, on_replica = User(), Participant()
    on_primary._state.db, on_replica._state.db = DEFAULT_DB_ALIAS, REPLICA
    assert ROUTER.allow_relation(on_primary, on_replica) is True
    on_replica._state.db = "elsewhere"
    assert ROUTER.allow_relation(on_primary, on_replica) is None


@pytest.mark.django_db
def test_in_a_transaction_the_block_reads_the_primary_which_holds_its_writes(replica):
    with transaction.atomic(), reading_from_replica():
        assert ROUTER.db_for_read(Participant) == DEFAULT_DB_ALIAS


# --- The settings -----------------------------------------------------------------------


def databases_with(**env):
    """settings.DATABASES and DATABASE_ROUTERS as a fresh process reads them from `env`."""
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps({'databases': settings.DATABASES, "
        "'routers': settings.DATABASE_ROUTERS}, default=str))"
    )
    base = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": "postgres://purna_app@db.internal:5432/purna",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_a_replica_url_adds_the_replica_alias_and_the_router():
    found = databases_with(
        DATABASE_REPLICA_URL="postgres://purna_app:secret@standby.internal:5432/purna",
        DATABASE_SERVER_SIDE_CURSORS="true",
    )

    replica = found["databases"][REPLICA]
    default = found["databases"][DEFAULT_DB_ALIAS]
    assert found["routers"] == ["config.routers.ReplicaRouter"]
    assert (replica["HOST"], replica["NAME"], replica["USER"]) == (
        "standby.internal",
        "purna",
        "purna_app",
    )
    assert replica["OPTIONS"] == default["OPTIONS"]
    assert replica["OPTIONS"]["options"].startswith("-c jit=off")
    assert "pool" in replica["OPTIONS"]
    # The replica follows the primary's setting, here turned on.
    assert replica["DISABLE_SERVER_SIDE_CURSORS"] is default["DISABLE_SERVER_SIDE_CURSORS"] is False
    assert replica["TEST"]["MIRROR"] == DEFAULT_DB_ALIAS


def test_without_a_replica_url_there_is_one_database_and_no_router():
    found = databases_with()

    assert list(found["databases"]) == [DEFAULT_DB_ALIAS]
    assert found["routers"] == []
    # Off by default: a form's select would otherwise open a cursor for its choices.
    assert found["databases"][DEFAULT_DB_ALIAS]["DISABLE_SERVER_SIDE_CURSORS"] is True


# --- The pages --------------------------------------------------------------------------


def test_in_a_test_transaction_the_home_page_reads_what_the_test_wrote(
    client, replica, coordinator_a, case_a
):
    client.force_login(coordinator_a)

    with queries_by_alias() as ran:
        response = client.get("/")

    assert response.status_code == 200
    assert response.context["stages"].values[str(Case.Status.INTAKE.label)] == 1
    assert ran[REPLICA] == []


# The set-up every request reads on the primary before the view: the session and its user.
REQUEST_SET_UP = {"django_session", "accounts_user"}


@reads_both_databases
def test_the_home_page_reads_the_replica_and_logs_the_visit_on_the_primary(
    client, replica, coordinator_a, case_a
):
    client.force_login(coordinator_a)

    with queries_by_alias() as ran:
        response = client.get("/")

    assert response.status_code == 200
    # The replica's connection sees the committed case: the page counts it.
    assert response.context["stages"].values[str(Case.Status.INTAKE.label)] == 1
    assert {"cases_case", "referrals_referral", "participants_participant"} <= tables_read(
        ran[REPLICA]
    )
    assert writes(ran[REPLICA]) == []
    assert tables_read(ran[DEFAULT_DB_ALIAS]) == REQUEST_SET_UP
    assert writes(ran[DEFAULT_DB_ALIAS]) == ["accounts_accesslog"]
    assert AccessLog.objects.filter(user=coordinator_a, detail="home page").count() == 1


@reads_both_databases
def test_reports_and_exports_read_the_replica_and_other_pages_the_primary(
    client, replica, coordinator_a, case_a
):
    program, participant = case_a.program, case_a.participant
    client.force_login(coordinator_a)
    # Each page: what it reads on the primary besides the request's set-up, and whether
    # it logs the file it hands out.
    pages = [
        ("get", f"/reports/participants/{participant.pk}.pdf", set(), True),
        # Whether the report is made at once or by the worker is decided on the primary.
        (
            "post",
            f"/reports/programs/{program.pk}/report/",
            {"cases_program", "cases_case", "participants_participant"},
            True,
        ),
        ("get", f"/reports/programs/{program.pk}/outcomes/", set(), False),
        ("get", f"/reports/programs/{program.pk}/outcomes.pdf", set(), True),
        ("get", "/reports/exports/participants-by-district.csv", set(), True),
        ("get", "/reports/exports/referrals-by-agency.csv", set(), True),
        ("get", "/reports/exports/participants-by-problem.xlsx", set(), True),
    ]
    for method, url, on_primary, logged in pages:
        with queries_by_alias() as ran:
            response = getattr(client, method)(url)

        assert response.status_code == 200, url
        assert tables_read(ran[REPLICA]), url
        assert writes(ran[REPLICA]) == [], url
        assert tables_read(ran[DEFAULT_DB_ALIAS]) == REQUEST_SET_UP | on_primary, url
        assert writes(ran[DEFAULT_DB_ALIAS]) == (["accounts_accesslog"] if logged else []), url

    # A page that must show what was just written, such as the list of jobs, reads the
    # primary only.
    with queries_by_alias() as ran:
        response = client.get("/reports/exports/")
    assert response.status_code == 200
    assert ran[REPLICA] == []
