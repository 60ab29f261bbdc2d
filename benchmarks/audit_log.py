"""Server time of the access log (/audit/) with a million entries.

Run against a database with the demo data (`migrate`, `load_regions`, `seed_demo`), e.g.

    createdb -h 127.0.0.1 -U postgres purna_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_bench
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_regions
    .venv/bin/python manage.py seed_demo
    .venv/bin/python benchmarks/audit_log.py --rows 1000000 --runs 20

It adds a second office with five people (whose entries the demo office must not
read), then inserts the entries in one INSERT ... SELECT over generate_series: a year
of them, one every 30 seconds, by every user, on the demo participants, referrals and
program and on 90,000 participants that exist only in the log. About one entry in ten
is on a demo participant (10,000 each at a million: much-read records). Then it adds
what the log holds nothing of: a new office with its coordinator, and a participant
nobody has opened, the cases where a plan that walks the time index finds nothing to
stop at. Entries already there are kept, so a second run only times the pages.

The entries are written outside any request: the log is append-only, so they stay.
The script refuses to run with DJANGO_DEBUG=false unless given --yes.

It measures the whole Django request in-process (test client: middleware, queries,
template), not the network, and prints the median, the 95th percentile and the number
of queries per page; with --explain, the plan of each page's slowest query.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

OTHER_OFFICE = "BP3MI Benchmark Lain"
NEW_OFFICE = "BP3MI Benchmark Baru"
UNREAD = "Peserta Belum Dibuka"
LOGINS = {
    "coordinator": "koordinator",
    "auditor": "auditor",
    "new office's coordinator": "koordinator_baru",
    "admin": "admin",
}

# Each entry g: its kind from g % 20, its user and objects from r, a scrambled g.
INSERT = """
WITH people AS (
    SELECT array_agg(id ORDER BY id) AS ids, array_agg(username ORDER BY id) AS names
    FROM accounts_user
),
participants AS (SELECT array_agg(id ORDER BY id) AS ids FROM participants_participant),
referrals AS (SELECT array_agg(id ORDER BY id) AS ids FROM referrals_referral),
programs AS (SELECT array_agg(id ORDER BY id) AS ids FROM cases_program),
numbers AS (
    SELECT g, g %% 20 AS kind, (g::bigint * 2654435761) %% 4294967291 AS r
    FROM generate_series(%(first)s, %(last)s) AS g
),
entries AS (
    SELECT
        g,
        CASE WHEN g %% 50 = 0 THEN NULL ELSE 1 + r %% cardinality(people.ids) END AS who,
        CASE WHEN g %% 50 = 0 THEN 'login_failed'
             WHEN kind < 14 THEN 'view'
             WHEN kind = 14 THEN 'reveal'
             WHEN kind < 17 THEN 'download'
             WHEN kind = 17 THEN 'export'
             WHEN kind = 18 THEN 'login'
             ELSE 'logout' END AS action,
        CASE WHEN g %% 50 = 0 THEN ''
             WHEN kind < 12 OR kind IN (14, 15) THEN 'participants.participant'
             WHEN kind IN (12, 13) THEN 'referrals.referral'
             WHEN kind = 16 THEN 'cases.program'
             ELSE '' END AS object_type,
        CASE WHEN g %% 50 = 0 THEN ''
             WHEN (kind < 12 AND g %% 10 = 0) OR kind IN (14, 15)
                 THEN participants.ids[1 + (r / 7) %% cardinality(participants.ids)]::text
             WHEN kind < 12 THEN (1000000 + (r / 7) %% 90000)::text
             WHEN kind IN (12, 13)
                 THEN referrals.ids[1 + (r / 7) %% cardinality(referrals.ids)]::text
             WHEN kind = 16 THEN programs.ids[1 + (r / 7) %% cardinality(programs.ids)]::text
             ELSE '' END AS object_id
    FROM numbers, people, participants, referrals, programs
)
INSERT INTO accounts_accesslog
    (at, user_id, username, action, object_type, object_id, detail, path, ip_address)
SELECT
    now() - g * interval '30 seconds',
    people.ids[who],
    CASE WHEN who IS NULL THEN 'tamu' ELSE people.names[who] END,
    action,
    object_type,
    object_id,
    CASE WHEN action = 'reveal' THEN 'nik' ELSE '' END,
    CASE WHEN object_type = 'participants.participant' THEN '/participants/' || object_id || '/'
         WHEN object_type = 'referrals.referral' THEN '/referrals/' || object_id || '/'
         WHEN action LIKE 'login%%' THEN '/accounts/login/'
         ELSE '/reports/exports/' END,
    ('10.0.0.' || (1 + g %% 200))::inet
FROM entries, people
"""


def fill(rows):
    from django.db import connection, transaction

    from accounts.models import AccessLog, Office, Role, User
    from participants.models import Participant

    demo = Office.objects.get(name="BP3MI Banten")
    if not Office.objects.filter(name=OTHER_OFFICE).exists():
        office = Office.objects.create(name=OTHER_OFFICE, province_id=demo.province_id)
        for number in range(5):
            User.objects.create_user(
                username=f"lain{number}",
                full_name=f"Petugas Kantor Lain {number}",
                role=Role.CASE_WORKER,
                office=office,
            )
    have = AccessLog.objects.count()
    if have >= rows:
        print(f"{have} access-log entries already there; none added")
    else:
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(INSERT, {"first": have + 1, "last": rows})
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE accounts_accesslog")
        print(f"{rows - have} access-log entries added in {time.perf_counter() - start:.1f} s")
    # Made after the entries, so that nothing in the log is theirs: a new office's
    # coordinator, and a participant nobody has opened yet.
    if not Office.objects.filter(name=NEW_OFFICE).exists():
        office = Office.objects.create(name=NEW_OFFICE, province_id=demo.province_id)
        User.objects.create_user(
            username=LOGINS["new office's coordinator"],
            full_name="Koordinator Kantor Baru",
            role=Role.COORDINATOR,
            office=office,
        )
    if not Participant.objects.filter(full_name=UNREAD).exists():
        model = Participant.objects.filter(office=demo).order_by("pk").first()
        Participant.objects.create(
            office=demo,
            full_name=UNREAD,
            sex="F",
            birth_date=model.birth_date,
            village_id=model.village_id,
            created_by_id=model.created_by_id,
        )


def page_urls():
    from django.db.models import Count

    from accounts.models import AccessLog, User
    from participants.models import Participant
    from reports.audit import _cursor

    petugas = User.objects.get(username="petugas")
    demo = Participant.objects.filter(office_id=petugas.office_id)
    counts = (
        AccessLog.objects.filter(
            object_type="participants.participant",
            object_id__in=[str(pk) for pk in demo.values_list("pk", flat=True)],
        )
        .values_list("object_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    read_most, entries = counts[0]
    read_most = demo.get(pk=read_most)
    unread = demo.get(full_name=UNREAD)
    newest = AccessLog.objects.order_by("-at").values_list("at", flat=True).first()
    date_from = (newest - datetime.timedelta(days=100)).date()
    date_to = date_from + datetime.timedelta(days=6)
    deep = (
        AccessLog.objects.filter(user__office_id=petugas.office_id)
        .order_by("-at", "-pk")
        .only("at", "pk")[100 * 50]
    )
    return {
        "coordinator": {
            "unfiltered": "/audit/",
            f"by a much-read participant ({entries:,})": (
                f"/audit/?participant={read_most.registration_number}"
            ),
            "by a participant nobody opened": f"/audit/?participant={unread.registration_number}",
            "by user": f"/audit/?user={petugas.pk}",
            "by date range (a week)": f"/audit/?date_from={date_from}&date_to={date_to}",
            "by user + action + week": (
                f"/audit/?user={petugas.pk}&action=reveal&date_from={date_from}&date_to={date_to}"
            ),
            "page 101 (older cursor)": f"/audit/?older={_cursor(deep)}",
            "participant's change history": f"/audit/participants/{read_most.pk}/",
            "participant page with the panel": f"/participants/{read_most.pk}/",
            "CSV, much-read participant (5,000 rows, the cap)": (
                f"/audit/export.csv?participant={read_most.registration_number}"
            ),
        },
        "auditor": {"unfiltered": "/audit/"},
        "new office's coordinator": {"unfiltered (no entry of theirs)": "/audit/"},
        "admin": {
            "unfiltered": "/audit/",
            "by username (failed logins)": "/audit/?username=tamu",
        },
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--explain", action="store_true", help="print the slowest query's plan")
    parser.add_argument("--yes", action="store_true", help="run even with DJANGO_DEBUG=false")
    args = parser.parse_args()

    import django

    django.setup()

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from accounts.models import AccessLog, User
    from benchmarks.timing import time_get

    if not settings.DEBUG and not args.yes:
        sys.exit(
            "Refusing to add a million entries to an append-only log with DJANGO_DEBUG=false "
            "(a production database?). Use --yes if this is a scratch database."
        )
    fill(args.rows)
    total = AccessLog.objects.count()
    print(f"{total} access-log entries; {args.runs} runs per page after one warm-up\n")
    print(f"{'page':<64} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    plans = []
    for who, urls in page_urls().items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=LOGINS[who]))
        for label, url in urls.items():
            timings, queries = time_get(client, url, args.runs)
            p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else timings[0]
            print(
                f"{who + ', ' + label:<64} {statistics.median(timings):>10.1f} {p95:>8.1f} "
                f"{len(queries):>8}"
            )
            slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
            plans.append((f"{who}, {label}", slowest))
    if args.explain:
        for label, query in plans:
            print(f"\n{label}: {float(query['time']) * 1000:.1f} ms")
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                for (line,) in cursor.fetchall():
                    print("   ", line)


if __name__ == "__main__":
    main()
