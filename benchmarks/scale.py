"""Every list page, detail page and dashboard at national scale, against its budget.

Run against a database filled by `manage.py generate_scale_data` (100,000 participants,
150,000 cases, 300,000 referrals, 195,000 screenings), with production settings:

    .venv/bin/python benchmarks/scale.py --runs 20            # prints the tables
    .venv/bin/python benchmarks/scale.py --runs 20 --write    # and updates RESULTS.md

It times whole requests in-process through the test client (middleware, queries,
templates; no network), interleaved: each run requests every page once, so a busy
moment of a shared machine falls on all pages alike. For each page: median, p95 and
query count, and the slowest query of one more request. Then the participant list against
the Django admin changelist of the same rows and filters, for every role that reads
the list: a scratch admin site, registered here only, never in the project's URLs.
Then the requests that hand heavy work to the worker (the row-level participant
export, the largest program's report, a 10,000-row import upload), against the
300 ms a request may take, and each job as the worker runs it. The jobs, their files
and their queued tasks are deleted afterwards; the uploads and files go to a scratch
MEDIA_ROOT unless one is set.
"""

import argparse
import contextlib
import datetime
import io
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
SCRATCH_MEDIA = None
if "MEDIA_ROOT" not in os.environ:
    SCRATCH_MEDIA = os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="purna-scale-media-")

RESULTS = Path(__file__).with_name("RESULTS.md")
SECTION = "## Every page at national scale"
# Server-time budgets (docs/architecture.md, "Budgets"), in milliseconds.
LIST_BUDGET = 50
DASHBOARD_BUDGET = 300
JOB_START_BUDGET = 300

urlpatterns = []  # filled by main(): this module is the scratch URLconf


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def largest_program():
    from django.db.models import Count

    from cases.models import Program

    return Program.objects.annotate(n=Count("cases")).order_by("-n", "pk").first()


def pages():
    """(label, username, url, budget) of every page measured."""

    from accounts.models import User
    from cases.models import Case
    from participants.models import MigrationEpisode, Participant
    from referrals.models import Referral, ReferralStatus

    program = largest_program()
    participant = Participant.objects.exclude(nik="").order_by("pk")[
        Participant.objects.count() // 2
    ]
    case = Case.objects.filter(program=program).order_by("pk").first()
    referral = (
        Referral.objects.filter(case__program=program, status=ReferralStatus.IN_PROGRESS)
        .order_by("pk")
        .first()
    )
    dinsos_referral = (
        Referral.objects.filter(
            agency=User.objects.get(username="dinsos").agency, status=ReferralStatus.SENT
        )
        .order_by("pk")
        .first()
    )
    regency = participant.village_id[:5]
    country = MigrationEpisode.objects.filter(participant=participant).first().destination_country
    rows = [
        ("referral outbox", "petugas", "/referrals/", LIST_BUDGET),
        ("referral outbox", "koordinator", "/referrals/", LIST_BUDGET),
        ("referral outbox, overdue box", "koordinator", "/referrals/?box=overdue", LIST_BUDGET),
        ("referral outbox, page 2", "koordinator", "/referrals/?page=2", LIST_BUDGET),
        ("agency inbox", "dinsos", "/referrals/", LIST_BUDGET),
        ("agency inbox, page 2", "dinsos", "/referrals/?page=2", LIST_BUDGET),
        ("agency inbox", "dinkes", "/referrals/", LIST_BUDGET),
        ("agency inbox, page 2", "dinkes", "/referrals/?page=2", LIST_BUDGET),
        ("referral page", "koordinator", f"/referrals/{referral.pk}/", LIST_BUDGET),
        ("referral page", "dinsos", f"/referrals/{dinsos_referral.pk}/", LIST_BUDGET),
        ("program list", "koordinator", "/programs/", LIST_BUDGET),
        (
            f"program page ({program.cases.count():,} cases)",
            "koordinator",
            f"/programs/{program.pk}/",
            LIST_BUDGET,
        ),
        ("case page", "petugas", f"/cases/{case.pk}/", LIST_BUDGET),
        ("dashboard", "petugas", "/", DASHBOARD_BUDGET),
        ("dashboard", "koordinator", "/", DASHBOARD_BUDGET),
        ("dashboard", "admin", "/", DASHBOARD_BUDGET),
        ("dashboard", "dinsos", "/", DASHBOARD_BUDGET),
        ("dashboard", "nakes", "/", DASHBOARD_BUDGET),
        ("work list", "petugas", "/tasks/", LIST_BUDGET),
        ("participant page", "petugas", f"/participants/{participant.pk}/", LIST_BUDGET),
    ]
    for username in ("petugas", "koordinator", "admin"):
        for label, query in participant_filters(regency, country):
            rows.append((f"participant list{label}", username, f"/participants/{query}", 50))
    return rows


def participant_filters(regency, country):
    """(label, query string) of the participant list's filters compared with the admin."""
    return [
        ("", ""),
        (", by regency", f"?regency={regency}"),
        (", by country", f"?destination_country={country}"),
        (", by return type", "?return_type=deported"),
        (", page 200", "?page=200"),
    ]


def admin_query(query):
    """The same filter in the scratch admin's lookups."""
    return (
        query.replace("regency=", "village__code__startswith=")
        .replace("destination_country=", "episodes__destination_country=")
        .replace("return_type=", "episodes__return_type=")
        .replace("page=200", "p=199")
    )


def scratch_admin():
    """A Django admin changelist of participants, as a developer would write it first:
    the list's columns, its filters and the office each user may see."""
    from django.contrib import admin

    from participants.models import Participant

    class Site(admin.AdminSite):
        def has_permission(self, request):
            return request.user.is_active

    class ParticipantAdmin(admin.ModelAdmin):
        list_display = ["registration_number", "full_name", "sex", "birth_date", "village"]
        list_select_related = ["village__parent"]
        list_per_page = 25
        ordering = ["-created_at", "-id"]

        def lookup_allowed(self, lookup, value, request=None):
            return True

        def has_view_permission(self, request, obj=None):
            return True

        def get_queryset(self, request):
            return Participant.objects.visible_to(request.user)

    site = Site(name="scratch_admin")
    site.register(Participant, ParticipantAdmin)
    return site


def measure(rows, clients, runs):
    """Times of every run, and the queries of one more request of each page.

    The queries are recorded apart from the timed runs: the query log costs time of its
    own, and it keeps at most 9,000 queries, after which a capture sees none."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    timings = {row: [] for row in rows}
    queries = {}
    for row in rows:  # warm-up
        clients[row[1]].get(row[2])
    for _ in range(runs):
        for row in rows:
            start = time.perf_counter()
            response = clients[row[1]].get(row[2])
            timings[row].append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                sys.exit(f"{row[2]} as {row[1]} answered {response.status_code}")
    for row in rows:
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            clients[row[1]].get(row[2])
        queries[row] = captured.captured_queries
    return timings, queries


def page_table(rows, timings, queries):
    lines = [
        "| page | as | median ms | p95 ms | queries | budget ms | slowest query ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        label, username, _url, budget = row
        median = statistics.median(timings[row])
        slowest = max((float(q["time"]) for q in queries[row]), default=0) * 1000
        mark = "" if median <= budget else " **over**"
        lines.append(
            f"| {label} | {username} | {median:.1f}{mark} | {percentile(timings[row], 0.95):.1f} "
            f"| {len(queries[row])} | {budget} | {slowest:.1f} |"
        )
    return lines


def admin_table(pairs, timings):
    lines = [
        "| participant list | as | ours, median ms | admin changelist, median ms | ratio |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    worst = 0
    for ours, theirs in pairs:
        mine, admin = statistics.median(timings[ours]), statistics.median(timings[theirs])
        worst = max(worst, mine / admin)
        lines.append(
            f"| {ours[0].removeprefix('participant list') or 'unfiltered'} | {ours[1]} "
            f"| {mine:.1f} | {admin:.1f} | {mine / admin:.2f} |"
        )
    return lines, worst


def job_requests(program):
    """(label, username, url) of the requests that start a job."""
    return [
        ("row-level participant export, CSV", "koordinator", "/reports/exports/participants.csv"),
        ("row-level participant export, XLSX", "koordinator", "/reports/exports/participants.xlsx"),
        (
            f"program report ({program.cases.count():,} cases)",
            "koordinator",
            f"/reports/programs/{program.pk}/report/",
        ),
        (
            f"program report with the names ({program.cases.count():,} cases)",
            "koordinator",
            f"/reports/programs/{program.pk}/report/?names=1",
        ),
        ("import upload (10,000 rows, 1.7 MB)", "petugas", "/participants/import/"),
    ]


def measure_jobs(requests, clients, runs):
    """Times of the POSTs that queue the jobs, of the job page each leads to, and of one
    job of each kind as the worker runs it; everything they made is deleted after."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult
    from import_limits import real_workbook

    from participants.models import ImportJob
    from reports import participant_export, program_report
    from reports.models import ReportJob

    workbook = real_workbook(10_000)
    report_jobs = set(ReportJob.objects.values_list("pk", flat=True))
    import_jobs = set(ImportJob.objects.values_list("pk", flat=True))
    started = timezone.now()
    posts = {request: [] for request in requests}
    pages = {request: [] for request in requests}
    worker, last_job = {}, {}
    try:
        for run in range(runs + 1):  # the first is a warm-up
            for request in requests:
                label, username, url = request
                path, _, query = url.partition("?")
                data = dict(urllib.parse.parse_qsl(query))
                if "import" in path:
                    data["file"] = SimpleUploadedFile("peserta.xlsx", workbook)
                start = time.perf_counter()
                response = clients[username].post(path, data)
                elapsed = (time.perf_counter() - start) * 1000
                if response.status_code != 302:
                    sys.exit(f"POST {url} as {username} answered {response.status_code}")
                start = time.perf_counter()
                page = clients[username].get(response["Location"])
                page_elapsed = (time.perf_counter() - start) * 1000
                if page.status_code != 200:
                    sys.exit(f"{response['Location']} answered {page.status_code}")
                if run:
                    posts[request].append(elapsed)
                    pages[request].append(page_elapsed)
                last_job[request] = response["Location"]
        for request in requests:
            label, _username, url = request
            if not last_job[request].startswith("/reports/jobs/"):
                continue  # the import's check is timed by the import benchmark
            job = ReportJob.objects.get(pk=last_job[request].split("/")[3])
            run_job = participant_export.run_job if "exports" in url else program_report.run_job
            start = time.perf_counter()
            run_job(job.pk)
            seconds = time.perf_counter() - start
            job.refresh_from_db()
            if job.status != ReportJob.Status.DONE:
                sys.exit(f"the job of {label} ended {job.status}: {job.error}")
            pages_made = f", {job.page_count} pages" if job.page_count else ""
            worker[request] = f"{seconds:.1f} s, {job.file.size / 1024:,.0f} KB{pages_made}"
    finally:
        for job in ReportJob.objects.exclude(pk__in=report_jobs):
            job.file.delete(save=False)
            job.delete()
        for job in ImportJob.objects.exclude(pk__in=import_jobs):
            job.file.delete(save=False)
            job.delete()
        DBTaskResult.objects.filter(enqueued_at__gte=started).delete()
    return posts, pages, worker


def job_table(requests, posts, pages, worker):
    lines = [
        "| request | as | POST median ms | p95 ms | budget ms | job page median ms "
        "| the job in the worker |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for request in requests:
        label, username, _url = request
        median = statistics.median(posts[request])
        mark = "" if median <= JOB_START_BUDGET else " **over**"
        done = worker.get(request, "the import benchmark below")
        lines.append(
            f"| {label} | {username} | {median:.1f}{mark} | {percentile(posts[request], 0.95):.1f} "
            f"| {JOB_START_BUDGET} | {statistics.median(pages[request]):.1f} | {done} |"
        )
    return lines


def sub_benchmark(command):
    """Another benchmark script's printed table, run in its own process."""
    done = subprocess.run(
        [sys.executable, *command], capture_output=True, text=True, check=False, env=os.environ
    )
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.rstrip()


def machine():
    cpus = os.cpu_count()
    model = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as info:
        model = next((line.split(":", 1)[1].strip() for line in info if "model name" in line), "")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    python = platform.python_version()
    return (
        f"{cpus} vCPU {model}, PostgreSQL {version} on the same host "
        f"(shared_buffers {buffers}), Python {python}"
    )


def write_section(text):
    results = RESULTS.read_text()
    start = results.find(SECTION)
    if start == -1:
        results = results.rstrip() + "\n\n" + text + "\n"
    else:
        end = results.find("\n## ", start + len(SECTION))
        results = results[:start] + text + ("\n" + results[end:] if end != -1 else "\n")
    RESULTS.write_text(results)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    parser.add_argument("--only", help="measure only pages whose label contains this")
    parser.add_argument(
        "--skip-others", action="store_true", help="leave out the PDF and the import benchmarks"
    )
    parser.add_argument(
        "--prepare",
        type=int,
        metavar="PARTICIPANTS",
        help="first run generate_scale_data, timed, unless the database holds that many",
    )
    args = parser.parse_args()

    import django

    django.setup()

    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import include, path

    from accounts.models import User
    from cases.models import Case, Screening
    from participants.models import Participant
    from referrals.models import Referral

    generated = prepare(args.prepare) if args.prepare else None
    urlpatterns[:] = [
        path("scratch-admin/", scratch_admin().urls),
        path("", include(settings.ROOT_URLCONF)),
    ]
    scale = (
        f"{Participant.objects.count():,} participants, {Case.objects.count():,} cases, "
        f"{Referral.objects.count():,} referrals, {Screening.objects.count():,} screenings"
    )
    print(f"{scale}; {args.runs} interleaved runs after one warm-up; DEBUG={settings.DEBUG}")
    rows = [row for row in pages() if not args.only or args.only in row[0]]
    pairs = [
        (
            row,
            (
                f"admin changelist{row[0].removeprefix('participant list')}",
                row[1],
                "/scratch-admin/participants/participant/"
                + admin_query(row[2].split("/participants/", 1)[1]),
                0,
            ),
        )
        for row in rows
        if row[0].startswith("participant list")
    ]
    with override_settings(ROOT_URLCONF=__name__):
        clients = {}
        for username in {row[1] for row in rows}:
            clients[username] = Client(HTTP_HOST="127.0.0.1")
            clients[username].force_login(User.objects.get(username=username))
        timings, queries = measure(rows + [theirs for _ours, theirs in pairs], clients, args.runs)
    pages_lines = page_table(rows, timings, queries)
    admin_lines, worst = admin_table(pairs, timings)
    over = [row for row in rows if statistics.median(timings[row]) > row[3]]
    print("\n".join(pages_lines))
    print()
    print("\n".join(admin_lines))
    others = []
    jobs_lines = []
    if not args.skip_others:
        requests = job_requests(largest_program())
        for username in {request[1] for request in requests} - set(clients):
            clients[username] = Client(HTTP_HOST="127.0.0.1")
            clients[username].force_login(User.objects.get(username=username))
        with override_settings(ROOT_URLCONF=__name__):
            jobs_lines = job_table(requests, *measure_jobs(requests, clients, args.runs))
        print()
        print("\n".join(jobs_lines))
        from benchmarks import report_pdfs

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username="koordinator"))
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            report_pdfs.participant_pdf(client, args.runs)
        others.append(("Participant PDF against WeasyPrint alone", buffer.getvalue().rstrip()))
        others.append(
            (
                "Import of 10,000 rows, beside the participants above",
                sub_benchmark(["benchmarks/import_participants.py", "--rows", "10000"]),
            )
        )
        for title, text in others:
            print(f"\n{title}\n{text}")
    if args.write:
        write_section(
            render(
                machine(),
                scale,
                args.runs,
                settings.DEBUG,
                pages_lines,
                admin_lines,
                worst,
                over,
                jobs_lines,
                others,
                generated,
            )
        )
        print(f"\nwritten to {RESULTS}")
    if SCRATCH_MEDIA:
        shutil.rmtree(SCRATCH_MEDIA, ignore_errors=True)


def prepare(participants):
    """Seconds `generate_scale_data` took, or None when the data was there already."""
    from django.core.management import call_command

    from config.database_roles import connect_as_owner
    from participants.models import Participant

    if Participant.objects.count() >= participants:
        return None
    start = time.perf_counter()
    call_command("generate_scale_data", participants=participants)
    seconds = time.perf_counter() - start
    # As autovacuum would after the bulk load (it is off on some development servers):
    # until then the new rows are not marked all-visible, and index-only scans read the
    # table too.
    with connect_as_owner(autocommit=True) as owner:
        owner.execute("VACUUM ANALYZE")
    return seconds


def render(
    machine_text,
    scale,
    runs,
    debug,
    pages_lines,
    admin_lines,
    worst,
    over,
    jobs_lines,
    others,
    generated,
):
    verdict = (
        "Every page is within its budget."
        if not over
        else "Over budget: " + ", ".join(f"{row[0]} ({row[1]})" for row in over) + "."
    )
    parts = [
        SECTION,
        "",
        f"Machine: {machine_text}; {datetime.date.today():%Y-%m-%d}. Data: {scale}, made by "
        "`manage.py generate_scale_data --participants 100000`. Production settings "
        f"(DEBUG={debug}). {runs} interleaved runs of each page after one warm-up, "
        "through the test client (the whole request in-process: middleware, queries, "
        "template; no network).",
        "",
        "```",
        "make benchmark    # or: .venv/bin/python benchmarks/scale.py --runs 20 --write",
        "```",
        "",
        verdict,
        "",
        *(
            [
                f"`generate_scale_data --participants 100000` made the data in "
                f"{generated / 60:.1f} minutes (COPY, the history written set-wise).",
                "",
            ]
            if generated
            else []
        ),
        *pages_lines,
        "",
        "The participant list against the Django admin changelist of the same rows, "
        "columns and filters (a scratch admin the benchmark registers for itself, "
        f"never in the project's URLs), role by role; the worst ratio is {worst:.2f}:",
        "",
        *admin_lines,
    ]
    if jobs_lines:
        parts += [
            "",
            "Heavy work goes to the worker: the request that asks for it queues a job and "
            "leads to the job's page, which shows the progress. Each POST and its job page "
            f"were timed {runs} times after one warm-up; then one job of each kind ran as "
            "the worker runs it, in this process:",
            "",
            *jobs_lines,
        ]
    for title, text in others:
        parts += ["", f"{title}:", "", "```", text, "```"]
    return "\n".join(parts)


if __name__ == "__main__":
    main()
