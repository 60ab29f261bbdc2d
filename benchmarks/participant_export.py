"""Time of the row-level participant export, as the worker writes it, and of the POST
that queues it.

The export (`--user`, a coordinator or the administrator, default the first
coordinator) reads what the worker reads and writes what it writes: the count, then
`exports.participant_rows` in batches into `exports.write_csv` and `write_xlsx`, to a
temporary file. It runs in a READ ONLY transaction, so it may be pointed at a database
that must not change (the scale database):

    DATABASE_URL=postgres://purna_app@127.0.0.1:5432/purna_scale \\
        .venv/bin/python benchmarks/participant_export.py --runs 1

`--request N` times instead the POST of /reports/exports/participants.csv as the
coordinator, N times (test client, in-process): it writes a job and its task row, so
point it at a database of your own; the jobs it made are deleted at the end.
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def exporter(username):
    from accounts.models import Role, User

    users = User.objects.filter(is_active=True)
    if username:
        return users.get(username=username)
    return users.filter(role=Role.COORDINATOR).order_by("pk").first()


def time_export(user, fmt):
    from django.db import connection, transaction
    from django.utils import translation

    from reports import exports

    written = [0]
    queries = QueryCounter()
    with transaction.atomic(), translation.override("id"):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION READ ONLY")
        with connection.execute_wrapper(queries), tempfile.TemporaryFile() as stream:
            start = time.perf_counter()
            participants = exports.participants_for(user, office_id=user.office_id)
            total = participants.count()
            rows = exports.participant_rows(
                participants, on_batch=lambda n: written.__setitem__(0, written[0] + n)
            )
            if fmt == "xlsx":
                exports.write_xlsx(stream, exports.participant_header(), rows, title="peserta")
            else:
                exports.write_csv(stream, exports.participant_header(), rows)
            seconds = time.perf_counter() - start
            size = stream.tell()
    return total, written[0], seconds, size, queries.count


def time_requests(user, runs):
    from django.test import Client
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from reports.models import ReportJob

    client = Client()
    client.force_login(user)
    before = set(ReportJob.objects.values_list("pk", flat=True))
    started = timezone.now()
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        response = client.post("/reports/exports/participants.csv")
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 302:
            raise SystemExit(f"the POST answered {response.status_code}")
    DBTaskResult.objects.filter(
        task_path__endswith="make_participant_export", enqueued_at__gte=started
    ).delete()
    ReportJob.objects.exclude(pk__in=before).delete()
    return times[1:]


def main():
    import django

    django.setup()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--user", default="")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--request", type=int, default=0, metavar="N")
    args = parser.parse_args()
    user = exporter(args.user)
    if args.request:
        times = time_requests(user, args.request)
        print(
            f"POST /reports/exports/participants.csv as {user.username}, {len(times)} runs: "
            f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms"
        )
        return
    for fmt in ("csv", "xlsx"):
        for _ in range(args.runs):
            peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            total, written, seconds, size, queries = time_export(user, fmt)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            print(
                f"{fmt}: {written} of {total} rows in {seconds:.2f} s, {size / 1e6:.1f} MB, "
                f"{queries} queries, peak memory {peak / 1024:.0f} MB "
                f"(+{(peak - peak_before) / 1024:.0f} MB)"
            )


if __name__ == "__main__":
    main()
