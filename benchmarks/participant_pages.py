"""Server time of the participant list and detail pages on a large database.

Run against a database filled by `manage.py generate_scale_data`, e.g.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_scale \\
        .venv/bin/python manage.py generate_scale_data --participants 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_scale \\
        .venv/bin/python benchmarks/participant_pages.py --runs 30

It measures the whole Django request in-process (test client: middleware,
queries, template), not the network, and prints the median and the number of
queries per page.
"""

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()

    from django.test import Client

    from accounts.models import User
    from benchmarks.timing import time_get
    from participants.models import Participant

    user = User.objects.get(username="petugas")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    sample = Participant.objects.exclude(nik="").order_by("pk")[Participant.objects.count() // 2]
    misspelt = sample.full_name.replace("a", "aa", 1)
    # "Sri Wahyuni" -> "Sri Wahyini": one letter wrong in the last word.
    first, last = sample.full_name.rsplit(" ", 1)
    slipped = f"{first} {last[:-2]}x{last[-1]}"
    pages = {
        "list": "/participants/",
        "list, search by misspelt name": f"/participants/?q={misspelt}",
        "list, search one slip in a word": f"/participants/?q={slipped}",
        "list, search one word": f"/participants/?q={sample.full_name.split()[-1]}",
        "list, search old spelling": "/participants/?q=Soeryani",
        "list, search three words, one missing": f"/participants/?q={sample.full_name} Binti",
        "list, search by NIK": f"/participants/?q={sample.nik}",
        "list, district + problem + sex": (
            f"/participants/?regency={sample.village_id[:5]}"
            f"&district={sample.village_id[:8]}&problem=1&sex=F"
        ),
        "list, page 200": "/participants/?page=200",
        "detail": f"/participants/{sample.pk}/",
    }
    total = Participant.objects.count()
    print(f"{total} participants; {args.runs} runs per page after one warm-up\n")
    print(f"{'page':<34} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for label, url in pages.items():
        timings, queries = time_get(client, url, args.runs)
        print(
            f"{label:<34} {statistics.median(timings):>10.1f} {max(timings):>8.1f} "
            f"{len(queries):>8}"
        )


if __name__ == "__main__":
    main()
