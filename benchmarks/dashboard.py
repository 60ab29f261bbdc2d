"""Server time of the dashboard for each role, on a database at budget scale.

Run against a database filled by `manage.py generate_scale_data` (participants, then
the scale programs' cases and screenings, then their referrals), e.g.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_scale \\
        .venv/bin/python manage.py generate_scale_data --participants 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_scale \\
        .venv/bin/python benchmarks/dashboard.py --runs 20

It measures the whole Django request in-process (test client: middleware, queries,
template), not the network, and prints the median, the slowest run and the number of
queries per role; then the slowest queries of each.
"""

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

USERS = {
    "coordinator": "koordinator",
    "case worker": "petugas",
    "agency officer (Dinsos)": "dinsos",
    "health worker": "nakes",
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()

    from django.test import Client

    from accounts.models import User
    from benchmarks.timing import time_get
    from cases.models import Case, Screening
    from participants.models import Participant
    from referrals.models import Referral

    print(
        f"{Participant.objects.count()} participants, {Case.objects.count()} cases, "
        f"{Referral.objects.count()} referrals, {Screening.objects.count()} screenings; "
        f"{args.runs} runs per role after one warm-up\n"
    )
    print(f"{'dashboard of':<26} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    slowest = {}
    for label, username in USERS.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=username))
        timings, queries = time_get(client, "/", args.runs)
        slowest[label] = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
        print(
            f"{label:<26} {statistics.median(timings):>10.1f} {max(timings):>8.1f} "
            f"{len(queries):>8}"
        )
    for label, queries in slowest.items():
        print(f"\nSlowest queries of the {label}'s dashboard (last run):")
        for query in queries:
            print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:110]}")


if __name__ == "__main__":
    main()
