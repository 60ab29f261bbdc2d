"""A streaming-replication standby of the local server, its lag, and the pages that read it.

One command starts a standby of the PostgreSQL server given by `--primary`
(`pg_basebackup -R -X stream` into `--data-dir`, then `pg_ctl start` on `--port`),
waits until it replays in recovery and the primary lists it as streaming, measures
the replay lag, and then, with Django configured with DATABASE_REPLICA_URL pointing
at the standby, opens the home page, a small program's report PDF and an aggregate
export through the test client as the demo coordinator, counting the queries each
database served per page:

    .venv/bin/python benchmarks/replica.py --database purna_h1
    .venv/bin/python benchmarks/replica.py --database purna_scale --runs 10 --write
    .venv/bin/python benchmarks/replica.py --stop

The standby keeps running between runs (a second run reuses it); `--stop` stops it,
drops its replication slot on the primary and deletes its data directory (a copy of
the whole cluster). `--write` puts the Markdown section into benchmarks/RESULTS.md
("## Read replica"), replacing an earlier one. The pages write their access-log rows
and the session to the primary's `--database`, as any visit does.

The primary must accept replication connections from 127.0.0.1: when it does not,
the line to add to its pg_hba.conf is printed. Debian's binaries are used
(`--bin-dir`); run as root, the server programs run as the `postgres` user.
"""

import argparse
import contextlib
import datetime
import os
import platform
import pwd
import re
import shutil
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SLOT = "purna_replica"
# The standby's name: its walreceiver's application_name in pg_stat_replication.
CLUSTER_NAME = "purna_replica"
SECTION = "## Read replica"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
# Settings a hot standby must have at least as high as its primary.
AT_LEAST_PRIMARY = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


def fail(message):
    sys.exit(f"\n{message}")


# --- The servers --------------------------------------------------------------------


class Primary:
    def __init__(self, url):
        parts = urlsplit(url if "://" in url else f"postgres://{url}")
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 5432
        self.user = parts.username or "postgres"
        self.password = parts.password or ""

    def dsn(self, dbname="postgres", *, port=None, host=None):
        dsn = f"host={host or self.host} port={port or self.port} user={self.user} dbname={dbname}"
        return f"{dsn} password={self.password}" if self.password else dsn

    def connect(self, dbname="postgres", **kwargs):
        import psycopg

        return psycopg.connect(self.dsn(dbname, **kwargs), autocommit=True, connect_timeout=5)

    def value(self, sql, params=None, dbname="postgres", **kwargs):
        with self.connect(dbname, **kwargs) as connection:
            return connection.execute(sql, params).fetchone()[0]


def as_server_user(command):
    """Run a server program as `postgres` when we are root: PostgreSQL refuses root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def run(command, **kwargs):
    return subprocess.run(as_server_user(command), capture_output=True, text=True, **kwargs)


def standby_running(args):
    if not (args.data_dir / "postmaster.pid").exists():
        return False
    return run([str(args.bin_dir / "pg_ctl"), "-D", str(args.data_dir), "status"]).returncode == 0


def replication_rule_missing(primary):
    """Whether the primary's pg_hba.conf lacks any line for replication connections."""
    try:
        rules = primary.value(
            "select count(*) from pg_hba_file_rules where 'replication' = any(database)"
        )
    except Exception:  # pg_hba_file_rules needs a superuser; pg_basebackup will tell.
        return False
    return rules == 0


def print_hba_advice(primary):
    try:
        hba = primary.value("show hba_file")
    except Exception:
        hba = "/etc/postgresql/15/main/pg_hba.conf"
    fail(
        "The primary refuses replication connections. Add this line to "
        f"{hba}:\n\n"
        f"    host replication {primary.user} {primary.host}/32 trust\n\n"
        "(on a shared machine scram-sha-256 and a password instead of trust), then reload:\n\n"
        f"    psql -h {primary.host} -p {primary.port} -U {primary.user} "
        '-c "select pg_reload_conf()"\n'
    )


def check_primary(primary):
    wal_level = primary.value("show wal_level")
    if wal_level not in ("replica", "logical"):
        fail(f"The primary's wal_level is {wal_level}: set it to replica and restart it.")
    if int(primary.value("show max_wal_senders")) < 1:
        fail("The primary's max_wal_senders is 0: raise it and restart the primary.")
    if replication_rule_missing(primary):
        print_hba_advice(primary)


def check_disk(primary, data_dir):
    cluster = primary.value("select sum(pg_database_size(datname))::bigint from pg_database")
    free = shutil.disk_usage(data_dir.parent).free
    if free < 2 * cluster:
        fail(
            f"The copy needs about {cluster / 2**30:.1f} GiB and {data_dir.parent} has "
            f"{free / 2**30:.1f} GiB free: choose another --data-dir."
        )
    return cluster


def standby_conf(primary, args):
    """postgresql.conf of the copy: Debian keeps the primary's in /etc, so none is copied."""
    lines = [
        f"port = {args.port}",
        "listen_addresses = '127.0.0.1'",
        f"unix_socket_directories = '{args.data_dir}'",
        f"cluster_name = '{CLUSTER_NAME}'",
        "hot_standby = on",
        # Long report queries are not cancelled by the primary's vacuum.
        "hot_standby_feedback = on",
        "shared_buffers = '128MB'",
        "logging_collector = off",
    ]
    with primary.connect() as connection:
        for name in AT_LEAST_PRIMARY:
            value = connection.execute(f"show {name}").fetchone()[0]
            lines.append(f"{name} = {value}")
    return "\n".join(lines) + "\n"


def hba_conf(primary):
    """pg_hba.conf of the copy: the primary's own rules where it can be read."""
    try:
        return Path(primary.value("show hba_file")).read_text()
    except Exception:
        return "local all all trust\nhost all all 127.0.0.1/32 trust\n"


def give_to_server_user(path):
    if os.geteuid() == 0:
        server = pwd.getpwnam("postgres")
        os.chown(path, server.pw_uid, server.pw_gid)


def base_backup(primary, args):
    """Copy the primary into --data-dir, ready to start as its standby."""
    check_primary(primary)
    args.data_dir.parent.mkdir(parents=True, exist_ok=True)
    size = check_disk(primary, args.data_dir)
    with primary.connect() as connection:
        # A slot left by an earlier copy that was deleted holds WAL for nobody.
        connection.execute(
            "select pg_drop_replication_slot(slot_name) from pg_replication_slots "
            "where slot_name = %s and not active",
            [SLOT],
        )
    args.data_dir.mkdir(mode=0o700)
    give_to_server_user(args.data_dir)
    print(f"Copying the primary ({size / 2**20:,.0f} MiB) into {args.data_dir} ...", flush=True)
    started = time.perf_counter()
    command = [
        str(args.bin_dir / "pg_basebackup"),
        "--pgdata",
        str(args.data_dir),
        "--host",
        primary.host,
        "--port",
        str(primary.port),
        "--username",
        primary.user,
        "--write-recovery-conf",
        "--wal-method",
        "stream",
        "--create-slot",
        "--slot",
        SLOT,
        "--checkpoint",
        "fast",
        "--no-password",
    ]
    env = {**os.environ, "PGPASSWORD": primary.password} if primary.password else None
    result = run(command, env=env)
    if result.returncode != 0:
        shutil.rmtree(args.data_dir, ignore_errors=True)
        if "pg_hba.conf" in result.stderr:
            print(result.stderr.strip(), file=sys.stderr)
            print_hba_advice(primary)
        fail(f"pg_basebackup failed:\n{result.stderr}")
    seconds = time.perf_counter() - started
    for name, text in (
        ("postgresql.conf", standby_conf(primary, args)),
        ("pg_hba.conf", hba_conf(primary)),
    ):
        (args.data_dir / name).write_text(text)
        give_to_server_user(args.data_dir / name)
    return seconds


def start_standby(primary, args):
    copied = None
    if not (args.data_dir / "PG_VERSION").exists():
        if args.data_dir.exists() and any(args.data_dir.iterdir()):
            fail(f"{args.data_dir} is not empty and holds no PostgreSQL cluster.")
        if args.data_dir.exists():
            args.data_dir.rmdir()
        copied = base_backup(primary, args)
    elif not (args.data_dir / "standby.signal").exists():
        fail(f"{args.data_dir} holds a cluster that is not a standby.")
    if not standby_running(args):
        log = args.data_dir / "standby.log"
        result = run(
            [str(args.bin_dir / "pg_ctl"), "-D", str(args.data_dir), "-l", str(log), "-w", "start"]
        )
        if result.returncode != 0:
            fail(f"The standby did not start:\n{result.stdout}{result.stderr}\nSee {log}.")
    return copied


def wait_streaming(primary, args, timeout=120):
    """Seconds until the standby is in recovery and the primary lists it as streaming."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            in_recovery = primary.value("select pg_is_in_recovery()", port=args.port)
            state = primary.value(
                "select coalesce(max(state), '') from pg_stat_replication "
                "where application_name = %s",
                [CLUSTER_NAME],
            )
        except Exception:
            in_recovery, state = None, ""
        if in_recovery and state == "streaming":
            return time.perf_counter() - started
        time.sleep(0.2)
    fail(f"The standby was not streaming after {timeout} s; see {args.data_dir / 'standby.log'}.")


def measure_lag(primary, args):
    """The standby's lag: bytes of WAL behind now, and ms until a committed row shows there."""
    with primary.connect() as source, primary.connect(port=args.port) as standby:
        source.execute("create table if not exists purna_replica_probe (n bigint primary key)")
        source.execute("truncate purna_replica_probe")
        # Wait until the table exists on the standby too.
        while not standby.execute("select to_regclass('purna_replica_probe')").fetchone()[0]:
            time.sleep(0.01)
        waits = []
        for n in range(args.probes):
            source.execute("insert into purna_replica_probe values (%s)", [n])
            written = time.perf_counter()
            while not standby.execute(
                "select 1 from purna_replica_probe where n = %s", [n]
            ).fetchone():
                time.sleep(0.0005)
            waits.append((time.perf_counter() - written) * 1000)
        current = source.execute("select pg_current_wal_lsn()").fetchone()[0]
        replayed = standby.execute("select pg_last_wal_replay_lsn()").fetchone()[0]
        behind = source.execute("select pg_wal_lsn_diff(%s, %s)", [current, replayed]).fetchone()[0]
        lag = source.execute(
            "select replay_lag from pg_stat_replication where application_name = %s",
            [CLUSTER_NAME],
        ).fetchone()[0]
        source.execute("drop table purna_replica_probe")
    return {"waits": waits, "bytes_behind": int(behind), "replay_lag": lag}


def stop(primary, args):
    if standby_running(args):
        result = run(
            [str(args.bin_dir / "pg_ctl"), "-D", str(args.data_dir), "-m", "fast", "-w", "stop"]
        )
        print(result.stdout.strip() or result.stderr.strip())
    else:
        print(f"No standby running in {args.data_dir}.")
    with primary.connect() as connection:
        dropped = connection.execute(
            "select count(pg_drop_replication_slot(slot_name)) from pg_replication_slots "
            "where slot_name = %s and not active",
            [SLOT],
        ).fetchone()[0]
        connection.execute("drop table if exists purna_replica_probe")
    print(f"Replication slot {SLOT}: {'dropped' if dropped else 'none'} on the primary.")
    if args.data_dir.exists():
        shutil.rmtree(args.data_dir)
        print(f"Deleted {args.data_dir}.")


# --- The pages --------------------------------------------------------------------------


def configure_django(primary, args):
    base = f"postgres://{args.role}@{primary.host}"
    os.environ["DATABASE_URL"] = f"{base}:{primary.port}/{args.database}"
    os.environ["DATABASE_REPLICA_URL"] = f"{base}:{args.port}/{args.database}"
    import django

    django.setup()


@contextlib.contextmanager
def queries_per_alias():
    from django.db import connections

    counts = {"default": 0, "replica": 0}

    def counter(alias):
        def count(execute, sql, params, many, context):
            counts[alias] += 1
            return execute(sql, params, many, context)

        return count

    with (
        connections["default"].execute_wrapper(counter("default")),
        connections["replica"].execute_wrapper(counter("replica")),
    ):
        yield counts


def small_program(user):
    """The coordinator's largest program whose report is made in the request."""
    from django.conf import settings
    from django.db.models import Count

    from cases.models import Program

    return (
        Program.objects.visible_to(user)
        .annotate(n=Count("cases"))
        .filter(n__gt=0, n__lte=settings.REPORT_BACKGROUND_PARTICIPANTS)
        .order_by("-n", "pk")
        .first()
    )


def measure_pages(args):
    from django.db import connections
    from django.test import Client

    from accounts.models import User

    in_recovery = {}
    for alias in ("default", "replica"):
        with connections[alias].cursor() as cursor:
            cursor.execute("select pg_is_in_recovery()")
            in_recovery[alias] = cursor.fetchone()[0]
    if in_recovery != {"default": False, "replica": True}:
        fail(f"pg_is_in_recovery() per alias: {in_recovery}; the replica must be the standby.")
    user = User.objects.get(username=args.username)
    program = small_program(user)
    if program is None:
        fail(f"{args.username} has no program small enough for a report in the request.")
    pages = [
        ("home page (dashboard)", "get", "/"),
        (
            f"program report PDF ({program.n} participants)",
            "post",
            f"/reports/programs/{program.pk}/report/",
        ),
        ("export: referrals by agency (CSV)", "get", "/reports/exports/referrals-by-agency.csv"),
    ]
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    rows = []
    for label, method, url in pages:
        timings = {"replica": [], "primary": []}
        # Each run once with the standby and once without, interleaved, so that load from
        # elsewhere on the machine falls on both alike; one warm-up of each first.
        for run_number in range(args.runs + 1):
            for mode in ("replica", "primary"):
                with primary_only(mode == "primary"), queries_per_alias() as counts:
                    started = time.perf_counter()
                    response = getattr(client, method)(url)
                    elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    fail(f"{url} answered {response.status_code}")
                if run_number:
                    timings[mode].append(elapsed)
                if mode == "replica":
                    on_standby = dict(counts)
                else:
                    alone = counts["default"]
        rows.append(
            {
                "page": label,
                "primary": on_standby["default"],
                "standby": on_standby["replica"],
                "alone": alone,
                "ms": statistics.median(timings["replica"]),
                "ms_alone": statistics.median(timings["primary"]),
            }
        )
    return rows


@contextlib.contextmanager
def primary_only(active):
    """Within the block (when `active`), the router acts as if no replica were configured."""
    if not active:
        yield
        return
    with mock.patch("config.routers.replica_configured", return_value=False):
        yield


# --- The report -----------------------------------------------------------------------------


def machine():
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} vCPU {cpu}, Python {platform.python_version()}"


def command_line(args):
    parts = [".venv/bin/python benchmarks/replica.py"]
    if args.database != "purna_scale":
        parts.append(f"--database {args.database}")
    if args.runs != 5:
        parts.append(f"--runs {args.runs}")
    return " ".join(parts) + " --write"


# Once per server: let 127.0.0.1 open replication connections.
ALLOW_REPLICATION = (
    "echo 'host replication all 127.0.0.1/32 trust' >> /etc/postgresql/15/main/pg_hba.conf\n"
    'psql -h 127.0.0.1 -U postgres -c "select pg_reload_conf()"'
)


def commands(args):
    return (
        f"{ALLOW_REPLICATION}\n{command_line(args)}\n.venv/bin/python benchmarks/replica.py --stop"
    )


def paragraph(text):
    return textwrap.fill(" ".join(text.split()), width=88, break_on_hyphens=False)


def markdown(args, *, version, counts, copied, streaming, lag, rows):
    from django.conf import settings

    waits = lag["waits"]
    table = "\n".join(
        f"| {row['page']} | {row['primary']} | {row['standby']} | {row['alone']} "
        f"| {row['ms']:,.0f} | {row['ms_alone']:,.0f} |"
        for row in rows
    )
    if copied is not None:
        copy = (
            f"The copy (`pg_basebackup` of the whole cluster) took {copied:.1f} s; the standby "
            f"was streaming {streaming:.1f} s after it started."
        )
    else:
        copy = "The standby was already running from an earlier run."
    intro = f"""
        A streaming-replication standby takes the reads that may lag a few seconds: the
        home page, the reports and the exports (`config/routers.py`, `DATABASE_REPLICA_URL`;
        `docs/deploy.md`). `benchmarks/replica.py` makes a standby of the local server
        (`pg_basebackup -R -X stream` with a replication slot, started on port {args.port}
        with Debian's binaries), waits until it is in recovery and the primary's
        `pg_stat_replication` lists it as streaming, and opens three pages through the test
        client as `{args.username}` with Django's "replica" alias on the standby. It counts
        the queries each server answered (`connection.execute_wrapper` on both aliases, the
        last of {args.runs} runs after one warm-up) and, interleaved run by run, the same
        pages with every query on the primary. The standby answered `pg_is_in_recovery()`
        true, the primary false.
    """
    machine_line = f"""
        Machine: {machine()}, PostgreSQL {version}, primary and standby on the same host,
        {datetime.date.today():%Y-%m-%d}; database `{args.database}` ({counts}),
        `DJANGO_DEBUG={str(settings.DEBUG).lower()}`. Other sessions used the machine at
        the same time.
    """
    reading = """
        The primary keeps what every request reads before the view (the session and its
        user), the program report's choice between the request and the worker (the
        program and its case count: a job is written and read back on the primary), and
        every write: the access-log row of each page and file. The rest of each page is
        read from the standby, the same number of queries as on the primary alone. On one
        host the standby saves the primary work, not time: the win is the primary's CPU and
        I/O left to the pages that write.
    """
    lag_text = f"""
        Lag. {copy} A row committed on the primary was visible on the standby after
        {statistics.median(waits):.1f} ms (median of {len(waits)}; at most
        {max(waits):.1f} ms); after the pages the standby was {lag["bytes_behind"]:,} bytes
        of WAL behind (`pg_stat_replication.replay_lag` {lag["replay_lag"]}). On one host
        this is the floor: across a network add the round trip, and under heavy writes or
        a long vacuum the replay can fall seconds behind, which is all the pages sent to
        the standby can bear.
    """
    return (
        "\n\n".join(
            [
                SECTION,
                paragraph(intro),
                paragraph(machine_line),
                f"```\n{commands(args)}\n```",
                "| page | queries on the primary | on the standby | all on the primary alone "
                "| median ms | median ms, primary alone |\n"
                "| --- | ---: | ---: | ---: | ---: | ---: |\n" + table,
                paragraph(reading),
                paragraph(lag_text),
            ]
        )
        + "\n"
    )


def write_section(text):
    results = RESULTS.read_text()
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(results):
        results = pattern.sub(lambda _match: text + "\n", results, count=1)
    else:
        results = results.rstrip("\n") + "\n\n" + text
    RESULTS.write_text(results.rstrip("\n") + "\n")
    print(f"Wrote the section into {RESULTS}.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--primary", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".data" / "replica")
    parser.add_argument("--port", type=int, default=5433)
    parser.add_argument("--bin-dir", type=Path, default=Path("/usr/lib/postgresql/15/bin"))
    parser.add_argument("--database", default="purna_scale")
    parser.add_argument("--role", default="purna_app", help="the app's role, for Django")
    parser.add_argument("--username", default="koordinator")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--probes", type=int, default=20, help="rows written to time the lag")
    parser.add_argument("--write", action="store_true", help="put the section into RESULTS.md")
    parser.add_argument("--stop", action="store_true", help="stop and delete the standby")
    args = parser.parse_args()
    args.data_dir = args.data_dir.resolve()
    primary = Primary(args.primary)

    if args.stop:
        stop(primary, args)
        return
    copied = start_standby(primary, args)
    streaming = wait_streaming(primary, args)
    print(f"Standby on port {args.port}: in recovery and streaming.", flush=True)
    version = primary.value("show server_version").split()[0]

    configure_django(primary, args)
    from participants.models import Participant
    from referrals.models import Referral

    counts = f"{Participant.objects.count():,} participants, {Referral.objects.count():,} referrals"
    rows = measure_pages(args)
    lag = measure_lag(primary, args)
    text = markdown(
        args, version=version, counts=counts, copied=copied, streaming=streaming, lag=lag, rows=rows
    )
    print("\n" + text)
    if args.write:
        write_section(text)
    print(f"The standby keeps running; stop it with: {sys.argv[0]} --stop")


if __name__ == "__main__":
    main()
