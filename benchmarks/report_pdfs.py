"""Time of the participant PDF and the program report PDF, against WeasyPrint alone.

Run against a database with the demo data; `--setup` adds (once) a program of
`--participants` returnees of the demo office with screenings, alerts and referrals:

    createdb -h 127.0.0.1 -U postgres purna_bench_reports
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_bench_reports
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_regions
    DJANGO_DEBUG=true .venv/bin/python manage.py seed_demo
    .venv/bin/python benchmarks/report_pdfs.py --setup --participants 500 --runs 10

Production settings measure what users get (no query logging, no template debug):

    DJANGO_DEBUG=false SECURE_SSL_REDIRECT=false ALLOWED_HOSTS=127.0.0.1 \
        SECRET_KEY=<50 or more random characters> \
        .venv/bin/python benchmarks/report_pdfs.py --participants 500 --runs 15 --large-runs 3

It measures, after a warm-up, the median of `--runs` runs (`--large-runs` for
the large program, whose every run takes seconds):

1. the participant PDF as a whole request in-process (test client, as the
   coordinator) against WeasyPrint alone on the HTML that request rendered: both
   `reports.pdf.write_pdf` (the app's call, with the chart stylesheet) and bare
   `weasyprint.HTML(string=html).write_pdf()`, with that stylesheet and without;
   the four are interleaved, so that load from elsewhere on the machine falls on
   all alike;
2. the program report of the demo program and of the large one, by stage: the
   figures (`program_report.context`), the HTML, WeasyPrint's layout and its PDF
   writing, and the pages of the PDF (read back with pypdf); the demo program
   also as a whole POST request (it is small enough to be made in the request);
3. the background route for the large program: `program_report.run_job` on a
   fresh ReportJob, end to end, with the time spent in each of its stages.

The time Python's garbage collector paused the work is shown beside (gc.callbacks).
Report files are written under a temporary MEDIA_ROOT (unless MEDIA_ROOT is set)
and deleted with their jobs at the end.
"""

import argparse
import datetime
import gc
import io
import itertools
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

LARGE_PROGRAM = "Benchmark: laporan program {n} peserta"


def ms(seconds):
    return seconds * 1000


def median_ms(values):
    return ms(statistics.median(values))


class QueryCounter:
    """Counts the queries run while installed with `connection.execute_wrapper`.

    (CaptureQueriesContext undercounts around test-client requests: each request
    empties the query log when it starts.)
    """

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class GcTimer:
    """Adds up the time Python's cyclic garbage collector pauses the program."""

    def __init__(self):
        self.seconds = 0.0
        self._start = None

    def __call__(self, phase, info):
        if phase == "start":
            self._start = time.perf_counter()
        elif self._start is not None:
            self.seconds += time.perf_counter() - self._start
            self._start = None

    def __enter__(self):
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc):
        gc.callbacks.remove(self)


def page_count(pdf):
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


# --- Data ------------------------------------------------------------------------------


def setup_large_program(n, seed, out):
    """A program of `n` new participants of the demo office; nothing if it exists."""
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.demo import AGENCIES, OFFICE_NAME
    from accounts.models import Agency, Office, User
    from cases import instruments, physical
    from cases.models import Alert, Case, CaseStatusChange, Program, Screening
    from participants import scale
    from participants.models import Participant
    from referrals.models import (
        RESPONSE_TIME,
        Referral,
        ReferralStatus,
        ReferralTransition,
        Service,
        Urgency,
    )
    from regions.models import Region

    name = LARGE_PROGRAM.format(n=n)
    existing = Program.objects.filter(name=name).first()
    if existing is not None:
        out.write(f"{name}: already set up ({existing.cases.count()} cases).\n")
        return
    rng = random.Random(seed)  # noqa: S311 (made-up people, not secrets)
    office = Office.objects.get(name=OFFICE_NAME)
    coordinator = User.objects.get(username="koordinator")
    worker = User.objects.get(username="petugas")
    nurse = User.objects.get(username="nakes")
    agencies = list(Agency.objects.filter(name__in=AGENCIES.values()).order_by("name"))
    officers = {u.agency_id: u for u in User.objects.filter(agency__in=agencies)}
    services = {
        agency.pk: list(Service.objects.filter(agency_type=agency.type).order_by("code"))
        for agency in agencies
    }
    srq = instruments.get_instrument(Screening.Kind.SRQ20)
    event = timezone.localdate() - datetime.timedelta(days=120)

    def at(day, hour=9):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    started = time.perf_counter()
    with transaction.atomic():
        program = Program.objects.create(
            office=office,
            name=name,
            venue="Aula Kabupaten Tangerang",
            district=Region.objects.get(code="36.03.33"),
            start_date=event,
            end_date=event + datetime.timedelta(days=2),
            description="Program fiktif untuk mengukur waktu laporan PDF.",
            created_by=coordinator,
        )
        program.partner_agencies.set(agencies)

        # Participants, their periods abroad and problems: the scale generator's rows.
        before = Participant.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        scale.generate(participants=n, out=io.StringIO(), seed=seed)
        participants = list(Participant.objects.filter(pk__gt=before).order_by("pk"))

        statuses = rng.choices(
            list(Case.Status), weights=[10, 15, 20, 30, 15, 10], k=len(participants)
        )
        cases = Case.objects.bulk_create(
            Case(
                participant=participant,
                program=program,
                case_worker=worker,
                status=status,
                opened_at=at(event),
                close_reason=Case.CloseReason.GOALS_MET if status == Case.Status.CLOSED else "",
                closed_at=at(event + datetime.timedelta(days=100))
                if status == Case.Status.CLOSED
                else None,
            )
            for participant, status in zip(participants, statuses, strict=True)
        )
        CaseStatusChange.objects.bulk_create(
            change
            for case in cases
            for change in [
                CaseStatusChange(
                    case=case,
                    from_status="",
                    to_status=Case.Status.INTAKE,
                    changed_by=worker,
                    changed_at=at(event),
                )
            ]
            + (
                [
                    CaseStatusChange(
                        case=case,
                        from_status=Case.Status.INTAKE,
                        to_status=case.status,
                        changed_by=coordinator if case.status == Case.Status.CLOSED else worker,
                        changed_at=at(event + datetime.timedelta(days=30)),
                    )
                ]
                if case.status != Case.Status.INTAKE
                else []
            )
        )

        # Screenings: SRQ-20 for everyone past intake (about a quarter positive, some
        # screened again three months on), a physical screening for about 60%.
        screenings, alert_codes = [], []
        for case in cases:
            if case.status == Case.Status.INTAKE:
                continue
            troubled = rng.random() < 0.25
            visits = [(event, 0.45 if troubled else 0.1)]
            if rng.random() < 0.3:
                visits.append((event + datetime.timedelta(days=90), 0.25 if troubled else 0.05))
            for day, p_yes in visits:
                answers = {item.number: int(rng.random() < p_yes) for item in srq.items}
                if rng.random() < 0.03:
                    answers[17] = 1  # the suicide-risk item
                screening = Screening(
                    case=case,
                    kind=Screening.Kind.SRQ20,
                    screened_on=day,
                    recorded_by=nurse,
                    recorded_at=at(day, 10),
                    answers=answers,
                )
                alert_codes.append(screening.classify())
                if screening.band == "positive":
                    screening.decision = "Konseling psikolog Puskesmas."
                screenings.append(screening)
            if rng.random() < 0.6:
                height = Decimal(rng.randint(145, 178))
                weight = Decimal(rng.randint(40, 88))
                systolic = rng.randint(100, 185)
                diastolic = rng.randint(60, min(112, systolic - 25))
                glucose = rng.randint(80, 260) if rng.random() < 0.4 else None
                screening = Screening(
                    case=case,
                    kind=Screening.Kind.PHYSICAL,
                    screened_on=event,
                    recorded_by=nurse,
                    recorded_at=at(event, 11),
                    height_cm=height,
                    weight_kg=weight,
                    systolic_1=systolic,
                    diastolic_1=diastolic,
                    glucose_mg_dl=glucose,
                    glucose_sample=Screening.GlucoseSample.CAPILLARY if glucose else "",
                )
                alert_codes.append(screening.classify())
                bp = physical.classification("blood_pressure", screening.blood_pressure_class)
                if bp.level != "ok":
                    screening.decision = "Kontrol tekanan darah di Puskesmas."
                screenings.append(screening)
        screenings = Screening.objects.bulk_create(screenings)
        alerts = []
        for screening, codes in zip(screenings, alert_codes, strict=True):
            for code in codes:
                raised = at(screening.screened_on, 10)
                resolved = rng.random() < 0.8
                alerts.append(
                    Alert(
                        case=screening.case,
                        screening=screening,
                        code=code,
                        raised_at=raised,
                        action_taken="Didampingi psikolog hari itu; dirujuk." if resolved else "",
                        resolved_by=coordinator if resolved else None,
                        resolved_at=raised + datetime.timedelta(hours=5) if resolved else None,
                    )
                )
        Alert.objects.bulk_create(alerts)

        # Referrals: about half the cases past intake have one to three, in every status;
        # half of the open ones were sent after the event (overdue), half lately.
        S = ReferralStatus
        moves_to = {
            S.DRAFT: [],
            S.SENT: [S.SENT],
            S.ACCEPTED: [S.SENT, S.ACCEPTED],
            S.IN_PROGRESS: [S.SENT, S.ACCEPTED, S.IN_PROGRESS],
            S.COMPLETED: [S.SENT, S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED],
            S.DECLINED: [S.SENT, S.DECLINED],
            S.UNABLE: [S.SENT, S.ACCEPTED, S.IN_PROGRESS, S.UNABLE],
            S.CANCELLED: [S.SENT, S.CANCELLED],
        }
        referrals, moves = [], []
        for case in cases:
            if case.status == Case.Status.INTAKE or rng.random() < 0.5:
                continue
            for _ in range(rng.choice([1, 1, 2, 3])):
                agency = rng.choice(agencies)
                status = rng.choices(list(moves_to), weights=[8, 12, 12, 15, 30, 8, 7, 8])[0]
                urgency = rng.choices(list(Urgency), weights=[5, 20, 75])[0]
                path = moves_to[status]
                recent = status in (S.SENT, S.ACCEPTED, S.IN_PROGRESS) and rng.random() < 0.5
                drafted = (
                    timezone.now() - datetime.timedelta(days=3)
                    if recent
                    else at(event + datetime.timedelta(days=2))
                )
                sent = drafted + datetime.timedelta(days=1) if path else None
                referrals.append(
                    Referral(
                        case=case,
                        agency=agency,
                        service=rng.choice(services[agency.pk]),
                        reason=f"Tindak lanjut skrining dan asesmen {case.participant.full_name}.",
                        urgency=urgency,
                        status=status,
                        version=len(path) + 1,
                        sent_at=sent,
                        due_at=sent + RESPONSE_TIME[urgency] if sent else None,
                        consent_override_reason="Data benchmark." if sent else "",
                        consent_override_by=coordinator if sent else None,
                        decline_reason="Peserta sudah terdaftar." if status == S.DECLINED else "",
                        outcome="Layanan sudah diterima peserta." if status == S.COMPLETED else "",
                        created_by=worker,
                        created_at=drafted,
                    )
                )
                gap = datetime.timedelta(days=rng.randint(2, 12))
                steps = [(S.DRAFT, drafted, worker)] + [
                    (
                        to,
                        sent + gap * step,
                        coordinator if to in (S.SENT, S.CANCELLED) else officers[agency.pk],
                    )
                    for step, to in enumerate(path)
                ]
                moves.append(steps)
        referrals = Referral.objects.bulk_create(referrals)
        for referral in referrals:
            if referral.sent_at:
                referral.number = f"{referral.pk:05d}/RUJ/{office.pk}/BENCH/{event.year}"
        Referral.objects.bulk_update([r for r in referrals if r.number], ["number"])
        ReferralTransition.objects.bulk_create(
            ReferralTransition(
                referral=referral,
                from_status=steps[i - 1][0] if i else "",
                to_status=to,
                by=by,
                at=when,
            )
            for referral, steps in zip(referrals, moves, strict=True)
            for i, (to, when, by) in enumerate(steps)
        )
        with connection.cursor() as cursor:
            for model in (Case, CaseStatusChange, Screening, Alert, Referral, ReferralTransition):
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    out.write(
        f"{name}: {len(cases)} cases, {len(screenings)} screenings, {len(alerts)} alerts, "
        f"{len(referrals)} referrals ({time.perf_counter() - started:.1f} s).\n"
    )


# --- 1. Participant PDF ----------------------------------------------------------------


def participant_pdf(client, runs):
    import weasyprint
    from django.db import connection
    from django.db.models import Count

    from cases.demo import PROGRAM_NAME
    from participants.models import Participant
    from reports import pdf

    # The demo returnee with the most to show: referrals first, then screenings.
    participant = (
        Participant.objects.filter(cases__program__name=PROGRAM_NAME)
        .annotate(
            referrals=Count("cases__referrals", distinct=True),
            screenings=Count("cases__screenings", distinct=True),
        )
        .order_by("-referrals", "-screenings", "pk")
        .first()
    )
    url = f"/reports/participants/{participant.pk}.pdf"

    # The warm-up request, whose HTML is kept to give WeasyPrint alone the same input.
    captured = []
    real_write_pdf = pdf.write_pdf

    def capturing(html, **kwargs):
        captured.append(html)
        return real_write_pdf(html, **kwargs)

    start = time.perf_counter()
    with mock.patch.object(pdf, "write_pdf", capturing):
        response = client.get(url)
    first = time.perf_counter() - start
    if response.status_code != 200 or response["Content-Type"] != "application/pdf":
        sys.exit(f"{url} answered {response.status_code} {response['Content-Type']}")
    html = captured[0]
    pages = page_count(response.content)

    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        client.get(url)
    stylesheet = pdf.chart_stylesheet()

    def request():
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")

    calls = {
        "whole request (test client)": request,
        "reports.pdf.write_pdf(html)": lambda: pdf.write_pdf(html),
        "weasyprint, same stylesheet": lambda: weasyprint.HTML(string=html).write_pdf(
            stylesheets=[stylesheet]
        ),
        "weasyprint, no stylesheet": lambda: weasyprint.HTML(string=html).write_pdf(),
    }
    # Interleaved, each run in a rotated order, so that load from elsewhere on the
    # machine falls on all four alike.
    timings = {label: [] for label in calls}
    collected = {label: 0.0 for label in calls}
    labels = list(calls)
    for call in calls.values():
        call()
    for run in range(runs):
        shift = run % len(labels)
        for label in labels[shift:] + labels[:shift]:
            with GcTimer() as collector:
                start = time.perf_counter()
                calls[label]()
                timings[label].append(time.perf_counter() - start)
            collected[label] += collector.seconds

    print(
        f"1. Participant PDF: {participant.full_name} ({participant.referrals} referrals, "
        f"{participant.screenings} screenings), {len(html) / 1024:.0f} KB of HTML, "
        f"{pages} page(s), {queries.count} queries a request; {runs} runs after one warm-up "
        f"(the warm-up, first PDF of the process: {ms(first):.0f} ms)\n"
    )
    baseline = statistics.median(timings["weasyprint, same stylesheet"])
    print(
        f"{'':<30} {'median ms':>10} {'min ms':>7} {'max ms':>7} {'x weasyprint':>13} "
        f"{'gc ms, all runs':>16}"
    )
    for label, values in timings.items():
        print(
            f"{label:<30} {median_ms(values):>10.1f} {ms(min(values)):>7.1f} "
            f"{ms(max(values)):>7.1f} {statistics.median(values) / baseline:>13.2f} "
            f"{ms(collected[label]):>16.0f}"
        )
    print()


# --- 2. Program PDFs -------------------------------------------------------------------


def noting(marks):
    """An `on_laid_out` callback that notes when WeasyPrint's layout ended."""
    return lambda _page_count: marks.append(time.perf_counter())


def time_program(program, user, runs):
    """Median seconds of each stage over `runs` after a warm-up; and what was made."""
    import weasyprint
    from django.conf import settings
    from django.db import connection
    from django.utils import translation

    from reports import program_report
    from reports.pdf import chart_stylesheet, render_html, write_pdf

    stages = {"figures": [], "html": [], "layout": [], "pdf writing": [], "total": []}
    stages |= {"gc": [], "weasyprint alone": []}
    with translation.override(settings.LANGUAGE_CODE):
        for run in range(runs + 1):
            queries = QueryCounter()
            with GcTimer() as collector:
                marks = [time.perf_counter()]
                with connection.execute_wrapper(queries):
                    ctx = program_report.context(program, user=user)
                    marks.append(time.perf_counter())
                    html = render_html(program_report.TEMPLATE, ctx)
                    marks.append(time.perf_counter())
                pdf = write_pdf(html, on_laid_out=noting(marks))
                marks.append(time.perf_counter())
            if run == 0:
                continue  # warm-up
            for name, begin, end in zip(stages, marks, marks[1:], strict=False):
                stages[name].append(end - begin)
            stages["total"].append(marks[-1] - marks[0])
            stages["gc"].append(collector.seconds)
            # WeasyPrint's own time on the same HTML: a new font configuration, the
            # collector running, as a plain call does.
            start = time.perf_counter()
            weasyprint.HTML(string=html).write_pdf(stylesheets=[chart_stylesheet()])
            stages["weasyprint alone"].append(time.perf_counter() - start)
    made = {
        "participants": len(ctx["figures"].roster),
        "queries": queries.count,
        "html_kb": len(html) / 1024,
        "pdf_kb": len(pdf) / 1024,
        "pages": page_count(pdf),
    }
    return {name: statistics.median(values) for name, values in stages.items()}, made


def program_pdfs(client, coordinator, large, runs, large_runs):
    from cases.demo import PROGRAM_NAME
    from cases.models import Program

    demo = Program.objects.get(name=PROGRAM_NAME)
    programs = [(demo, runs)] + ([(large, large_runs)] if large else [])
    results = [(program, n, *time_program(program, coordinator, n)) for program, n in programs]

    # The demo program is made within the request (fewer than REPORT_BACKGROUND_PARTICIPANTS).
    url = f"/reports/programs/{demo.pk}/report/"
    client.post(url)
    request_times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.post(url)
        request_times.append(time.perf_counter() - start)
        if response.status_code != 200 or response["Content-Type"] != "application/pdf":
            sys.exit(f"POST {url} answered {response.status_code}")

    print("2. Program report PDF, by stage (median ms after one warm-up)\n")
    head = (
        f"{'participants':>12} {'runs':>4} {'figures':>8} {'html':>7} {'layout':>8} "
        f"{'pdf write':>9} {'total':>8} {'of it gc':>8} {'pages':>5} {'queries':>7} "
        f"{'HTML KB':>7} {'PDF KB':>6} {'weasyprint alone':>16}"
    )
    print(head)
    for _program, n, stages, made in results:
        print(
            f"{made['participants']:>12} {n:>4} {ms(stages['figures']):>8.0f} "
            f"{ms(stages['html']):>7.0f} {ms(stages['layout']):>8.0f} "
            f"{ms(stages['pdf writing']):>9.0f} {ms(stages['total']):>8.0f} "
            f"{ms(stages['gc']):>8.0f} "
            f"{made['pages']:>5} {made['queries']:>7} {made['html_kb']:>7.0f} "
            f"{made['pdf_kb']:>6.0f} {ms(stages['weasyprint alone']):>16.0f}"
        )
    print(
        "\n(figures: program_report.context; layout and pdf write: WeasyPrint's two steps "
        "in reports.pdf.write_pdf; of it gc: pauses of Python's garbage collector in the "
        "total; weasyprint alone: weasyprint.HTML(string=html).write_pdf() on the same HTML "
        "and stylesheet, as a plain call makes it)"
    )
    print(
        f"\nDemo program as a whole POST request (test client): median "
        f"{median_ms(request_times):.0f} ms, max {ms(max(request_times)):.0f} ms\n"
    )


# --- 3. Background route ---------------------------------------------------------------


def timing_recorder(real_recorder, seen):
    """A `_stage_recorder` that also notes when each stage was first reported."""

    def recorder(job):
        record = real_recorder(job)

        def timed(stage, percent, *, force=False):
            seen.setdefault(str(stage), time.perf_counter())
            record(stage, percent, force=force)

        return timed

    return recorder


def background(program, coordinator, runs):
    from django.conf import settings

    from reports import program_report
    from reports.models import ReportJob

    real_recorder = program_report._stage_recorder
    rows = []
    for _ in range(runs):
        seen = {}
        recorder = timing_recorder(real_recorder, seen)
        job = ReportJob.objects.create(
            office=program.office,
            program=program,
            created_by=coordinator,
            language=settings.LANGUAGE_CODE,
            participant_count=program_report.program_cases(program).count(),
        )
        with GcTimer() as collector, mock.patch.object(program_report, "_stage_recorder", recorder):
            start = time.perf_counter()
            program_report.run_job(job.pk)
            end = time.perf_counter()
        job.refresh_from_db()
        if job.status != ReportJob.Status.DONE:
            sys.exit(f"Report job {job.pk} ended {job.status}: {job.failure}")
        S = ReportJob.Stage
        order = [S.COUNTING, S.WRITING, S.LAYING_OUT, S.SAVING]
        marks = [start] + [seen[str(step)] for step in order] + [end]
        rows.append(
            [b - a for a, b in itertools.pairwise(marks)] + [end - start, collector.seconds]
        )
        pages, size = job.page_count, job.file.size
        job.file.delete(save=False)
        job.delete()
    medians = [statistics.median(column) for column in zip(*rows, strict=True)]
    print(
        f"3. Background route, {program.cases.count()} participants: "
        f"program_report.run_job on a new ReportJob, {runs} run(s); "
        f"{pages} pages, {size / 1024:.0f} KB (median ms)\n"
    )
    labels = ["start", "counting", "writing", "laying out", "saving", "end to end", "of it gc"]
    print(" ".join(f"{label:>10}" for label in labels))
    print(" ".join(f"{ms(value):>10.0f}" for value in medians))
    print(
        "\n(start: loading the job until the first stage; counting: figures; writing: "
        "HTML; laying out: WeasyPrint layout; saving: PDF writing, file and job saved)"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--participants", type=int, default=500, help="size of the large program")
    parser.add_argument(
        "--large-runs", type=int, default=5, help="runs of the large program and its job"
    )
    parser.add_argument(
        "--setup", action="store_true", help="create the large program first (once)"
    )
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()

    media = None
    if not os.environ.get("MEDIA_ROOT"):
        media = tempfile.mkdtemp(prefix="purna-bench-media-")
        os.environ["MEDIA_ROOT"] = media

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from accounts.models import User
    from cases.models import Program

    try:
        if args.setup:
            setup_large_program(args.participants, args.seed, sys.stdout)
        large = Program.objects.filter(name=LARGE_PROGRAM.format(n=args.participants)).first()
        if large is None:
            print(f"No program of {args.participants} participants: run with --setup for it.\n")

        coordinator = User.objects.get(username="koordinator")
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(coordinator)
        print(f"DEBUG={settings.DEBUG}\n")
        participant_pdf(client, args.runs)
        program_pdfs(client, coordinator, large, args.runs, args.large_runs)
        if large is not None:
            background(large, coordinator, args.large_runs)
    finally:
        if media:
            shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    main()
