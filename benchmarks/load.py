"""Many users at once: gunicorn in production mode, driven by locust over HTTP.

    DATABASE_URL=postgres://purna_app@127.0.0.1:5432/purna_scale \\
        .venv/bin/python benchmarks/load.py --users 50 --time 60s

It collects the static files (production serves them through WhiteNoise from a
manifest) into a scratch folder, starts `gunicorn config.wsgi` on port 8001 (and
8002, ... with --servers), waits for /healthz, runs benchmarks/locustfile.py headless
(the users spread evenly over the servers), stops the servers and prints a Markdown
section with the requests, failures, requests per second and the 50th, 95th and 99th
percentile response times of each page; --write puts it in benchmarks/RESULTS.md as
the "Load" section.

The servers run as in production (DJANGO_DEBUG=false, a random SECRET_KEY) except
that they speak plain HTTP on 127.0.0.1: no HTTPS redirect, no HSTS, cookies not
restricted to HTTPS, and no one-time code at login (REQUIRE_2FA=false). The database
needs the demo users (`manage.py seed_demo`); the run logs them in and writes what
their reading writes (sessions, the access log).
"""

import argparse
import csv
import datetime
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
HEADING = "## Load"


def server_environment(args, static_root: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="false",
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        REQUIRE_2FA="false",
        STATIC_ROOT=str(static_root),
        # One pooled connection per thread of each worker process.
        DATABASE_POOL_MAX_SIZE=str(max(args.threads, 2)),
        LOG_LEVEL="WARNING",
    )
    return env


def check_migrated(env: dict) -> None:
    """Refuse a database whose schema is behind the code: its pages would answer 500."""
    checked = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=False,
    )
    if checked.returncode:
        sys.exit("The database has unapplied migrations: run `manage.py migrate` first.")


def collect_static(env: dict) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def start_servers(args, env: dict, logs: Path) -> list[tuple[subprocess.Popen, str, Path]]:
    servers = []
    for number in range(args.servers):
        port = args.port + number
        log = logs / f"gunicorn-{port}.log"
        log.unlink(missing_ok=True)
        command = [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--error-logfile",
            str(log),
            "--capture-output",
        ]
        process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        servers.append((process, f"http://127.0.0.1:{port}", log))
    for process, host, log in servers:
        wait_until_up(process, host, log)
    return servers


def wait_until_up(process: subprocess.Popen, host: str, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn on {host} stopped (exit {process.returncode}); see {log}")
        try:
            with urllib.request.urlopen(f"{host}/healthz", timeout=2) as response:  # noqa: S310 (our own server)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    sys.exit(f"gunicorn on {host} did not answer /healthz within {seconds:.0f} s; see {log}")


def stop_servers(servers) -> None:
    for process, _, _ in servers:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process, _, _ in servers:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_locust(args, hosts: list[str], csv_prefix: Path, logs: Path) -> int:
    env = dict(os.environ, PURNA_HOSTS=",".join(hosts), PURNA_STATS_CSV=str(csv_prefix))
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "benchmarks" / "locustfile.py"),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        args.time,
        "--host",
        hosts[0],
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--logfile",
        str(logs / "locust.log"),
    ]
    # Locust exits 1 when any request failed; the failures are in the results.
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


class CpuMeter:
    """Core-seconds spent while locust runs, by the app servers, PostgreSQL and locust.

    Reads each process's user and system time from /proc twice a second (a process that
    ends between two readings is counted up to its last one): the gunicorn processes by
    their session (each server is started in one of its own), PostgreSQL's by name
    (the server on this host only), locust's by its command line.
    """

    TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def __init__(self, server_sessions: set[int]):
        self.sessions = server_sessions
        self.first: dict[int, tuple[str, float]] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self.running = False
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _group(self, stat: str, pid: str) -> str | None:
        name, fields = stat.split(" (", 1)[1].rsplit(")", 1)
        session = int(fields.split()[3])
        if session in self.sessions:
            return "app"
        if name.startswith("postgres"):
            return "database"
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return None
        return "locust" if b"locust" in command else None

    def _read(self) -> dict[int, tuple[str, float]]:
        seen = {}
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            group = self._group(stat, pid)
            if group:
                fields = stat.rsplit(")", 1)[1].split()
                seen[int(pid)] = (group, (int(fields[11]) + int(fields[12])) / self.TICK)
        return seen

    def _sample(self):
        while self.running:
            self.last.update(self._read())
            time.sleep(0.5)

    def __enter__(self):
        if Path("/proc/self/stat").exists():
            self.first = self._read()
            self.running = True
            self.thread.start()
        return self

    def __exit__(self, *exc):
        if self.running:
            self.running = False
            self.thread.join()
            self.last.update(self._read())

    def seconds(self) -> dict[str, float]:
        used: dict[str, float] = {}
        for pid, (group, total) in self.last.items():
            used[group] = used.get(group, 0.0) + total - self.first.get(pid, (group, 0.0))[1]
        return used


def read_stats(csv_prefix: Path) -> tuple[list[dict], dict | None, list[dict]]:
    with open(f"{csv_prefix}_stats.csv", newline="") as stats_file:
        rows = list(csv.DictReader(stats_file))
    aggregated = next((row for row in rows if row["Name"] == "Aggregated"), None)
    pages = [row for row in rows if row["Name"] != "Aggregated"]
    pages.sort(key=lambda row: -int(row["Request Count"]))
    failures_path = Path(f"{csv_prefix}_failures.csv")
    failures = []
    if failures_path.exists():
        with open(failures_path, newline="") as failures_file:
            failures = list(csv.DictReader(failures_file))
    return pages, aggregated, failures


def database_summary() -> str:
    """The PostgreSQL version and how many participants, cases and referrals it holds."""
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return "the embedded PostgreSQL server"
    counts = {}
    with psycopg.connect(url) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0].split()[0]
        for label, table in (
            ("participants", "participants_participant"),
            ("cases", "cases_case"),
            ("referrals", "referrals_referral"),
        ):
            # Planner estimates: a count(*) of the large tables would itself load the host.
            counts[label] = connection.execute(
                "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE relname = %s", [table]
            ).fetchone()[0]
        if counts["participants"] < 10_000:
            for label, table in (
                ("participants", "participants_participant"),
                ("cases", "cases_case"),
                ("referrals", "referrals_referral"),
            ):
                counts[label] = connection.execute(
                    f"SELECT count(*) FROM {table}"  # noqa: S608 (fixed names)
                ).fetchone()[0]
    database = url.rsplit("/", 1)[-1]
    figures = ", ".join(f"{count:,} {label}" for label, count in counts.items())
    return f"PostgreSQL {version} on the same host, database `{database}` ({figures})"


def machine() -> str:
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} vCPU {model}"


def milliseconds(row: dict, column: str) -> str:
    value = row.get(column, "")
    return "-" if value in ("", "N/A") else f"{float(value):,.0f}"


def table_row(name: str, row: dict) -> str:
    return (
        f"| {name} | {int(row['Request Count']):,} | {int(row['Failure Count']):,} "
        f"| {float(row['Requests/s']):.1f} | {milliseconds(row, '50%')} "
        f"| {milliseconds(row, '95%')} | {milliseconds(row, '99%')} |"
    )


def failure_text(error: str) -> str:
    """The message of a failure, without locust's exception wrapper."""
    found = re.fullmatch(r"CatchResponseError\((['\"])(.*)\1\)", error)
    return found[2] if found else error


def cpu_text(used: dict[str, float], aggregated: dict | None, seconds: float) -> str:
    """Where the cores went while locust ran, per request of the mix."""
    if not used:
        return ""
    requests = int(aggregated["Request Count"]) if aggregated else 0
    parts = []
    for group, label in (
        ("app", "the app servers"),
        ("database", "PostgreSQL"),
        ("locust", "locust"),
    ):
        if group in used:
            each = f" ({used[group] * 1000 / requests:.0f} ms a request)" if requests else ""
            parts.append(f"{label} {used[group]:.0f} s{each}")
    return (
        f"CPU while locust ran ({seconds:.0f} s on {os.cpu_count()} cores, "
        f"{seconds * (os.cpu_count() or 1):.0f} core-seconds in all): " + ", ".join(parts) + "."
    )


def report(args, command: str, pages, aggregated, failures, cpu: str = "") -> str:
    spread = (
        f"{args.servers} servers of {args.workers} workers x {args.threads} threads, "
        "the users spread evenly over them"
        if args.servers > 1
        else f"one server of {args.workers} workers x {args.threads} threads"
    )
    wait = f"{os.environ.get('PURNA_WAIT_MIN', '1')}-{os.environ.get('PURNA_WAIT_MAX', '4')}"
    paragraphs = [
        "`benchmarks/load.py` starts gunicorn in production mode (DJANGO_DEBUG=false, "
        "WhiteNoise, the pooled database connections; plain HTTP on 127.0.0.1, no one-time "
        "code) and drives it with locust (`benchmarks/locustfile.py`): an office day of case "
        "workers (weight 5), coordinators (2), health workers (2), Dinsos and Dinkes officers "
        "(1 each) and administrators (1), each logged in once through the login form and "
        f"pausing {wait} s between pages. Which records they open is read from the links on "
        "the pages they saw; searches and filter changes are the list's htmx requests. A "
        "response outside 2xx/3xx, or a page that lands on the login form, is a failure.",
        f"Machine: {machine()}, {database_summary()}; locust on the same host; {spread}; "
        f"{datetime.date.today().isoformat()}.",
    ]
    lines = [f"## {args.section}", ""]
    for paragraph in paragraphs:
        lines += [*textwrap.wrap(paragraph, width=88, break_on_hyphens=False), ""]
    lines += [
        "```",
        command,
        "```",
        "",
        f"{args.users} users, {args.spawn_rate:g} started a second, for {args.time}. "
        "Times in milliseconds, from locust (the whole HTTP request).",
        "",
        "| request | requests | failures | req/s | p50 | p95 | p99 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [table_row(row["Name"], row) for row in pages]
    if aggregated:
        lines.append(table_row("**all**", aggregated))
    slowest = sorted(
        (row for row in pages if row.get("95%") not in ("", "N/A", None)),
        key=lambda row: -float(row["95%"]),
    )[:3]
    lines.append("")
    if cpu:
        lines += [cpu, ""]
    if slowest:
        names = ", ".join(f"{row['Name']} ({milliseconds(row, '95%')} ms)" for row in slowest)
        lines.append(f"Slowest at the 95th percentile: {names}.")
    if failures:
        lines += ["", "| failed request | error | occurrences |", "| --- | --- | ---: |"]
        lines += [
            f"| {row['Method']} {row['Name']} | {failure_text(row['Error'])} "
            f"| {row['Occurrences']} |"
            for row in failures
        ]
    else:
        lines.append("No request failed.")
    return "\n".join(lines) + "\n"


def write_section(section: str, heading: str = HEADING) -> None:
    """Replace the section of RESULTS.md (up to the next `## ` heading), or append it."""
    text = RESULTS.read_text()
    start = text.find(f"\n{heading}\n")
    if start == -1:
        RESULTS.write_text(text.rstrip("\n") + "\n\n" + section)
        return
    start += 1
    end = text.find("\n## ", start + len(heading))
    rest = "" if end == -1 else "\n" + text[end + 1 :]
    RESULTS.write_text(text[:start] + section + rest)


def shown_command(argv: list[str]) -> str:
    database = urllib.parse.urlsplit(os.environ.get("DATABASE_URL", ""))
    if database.password:  # never a password in the printed command
        database = database._replace(netloc=database.netloc.replace(f":{database.password}@", "@"))
    prefix = f"DATABASE_URL={database.geturl()} " if database.geturl() else ""
    for name in ("PURNA_WAIT_MAX", "PURNA_WAIT_MIN"):  # the pauses decide the offered load
        if os.environ.get(name):
            prefix = f"{name}={shlex.quote(os.environ[name])} " + prefix
    return prefix + ".venv/bin/python benchmarks/load.py " + shlex.join(argv)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", "-u", type=int, default=50)
    parser.add_argument("--spawn-rate", "-r", type=float, default=10)
    parser.add_argument("--time", "-t", default="60s", help="locust's --run-time, e.g. 60s, 5m")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker")
    parser.add_argument("--servers", type=int, default=1, help="gunicorns on port, port+1, ...")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--logs", type=Path, help="folder for the gunicorn and locust logs")
    parser.add_argument("--write", action="store_true", help=f"put the section into {RESULTS.name}")
    parser.add_argument(
        "--section", default=HEADING.removeprefix("## "), help="the heading of the section written"
    )
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="purna-load-"))
    logs = args.logs or scratch
    logs.mkdir(parents=True, exist_ok=True)
    env = server_environment(args, scratch / "static")
    check_migrated(env)
    collect_static(env)
    servers = []
    try:
        servers = start_servers(args, env, logs)
        started = time.monotonic()
        with CpuMeter({process.pid for process, _, _ in servers}) as meter:
            returncode = run_locust(
                args, [host for _, host, _ in servers], scratch / "locust", logs
            )
        ran = time.monotonic() - started
    finally:
        stop_servers(servers)
        shutil.rmtree(scratch / "static", ignore_errors=True)
    if not Path(f"{scratch / 'locust'}_stats.csv").exists():
        sys.exit(f"locust wrote no results (exit {returncode}); see {logs / 'locust.log'}")
    pages, aggregated, failures = read_stats(scratch / "locust")
    cpu = cpu_text(meter.seconds(), aggregated, ran)
    section = report(args, shown_command(argv), pages, aggregated, failures, cpu)
    print(section)
    print(f"Logs: {', '.join(str(log) for _, _, log in servers)}, {logs / 'locust.log'}")
    if args.write:
        write_section(section, f"## {args.section}")
        print(f"Written to {RESULTS.relative_to(ROOT)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
