"""Time a participant import: N generated rows, checked, then written.

    createdb -h 127.0.0.1 -U postgres purna_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_bench \\
        .venv/bin/python benchmarks/import_participants.py --rows 10000

The script migrates the database, loads the regions and creates a benchmark office
and case worker when they are missing. It runs the import exactly as the job page
does (check, then commit, which checks again and writes), in this process instead
of the worker. The imported participants are deleted afterwards unless --keep.
Use a database of its own: the rows are real inserts.
"""

import argparse
import datetime
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The uploaded copy of the file goes to a scratch folder, not the real media root.
SCRATCH_MEDIA = None
if "MEDIA_ROOT" not in os.environ:
    SCRATCH_MEDIA = os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="purna-bench-media-")

# fmt: off
FEMALE = [
    "Siti", "Nur", "Sri", "Dewi", "Eka", "Rina", "Yuli", "Wati", "Ani", "Tini", "Lestari",
    "Aminah", "Fatimah", "Rohmah", "Suryani", "Yati", "Iis", "Euis", "Neneng", "Imas", "Titin",
    "Ratna", "Ningsih", "Mulyani", "Kartini", "Nurul", "Sumiati", "Rukmini", "Khodijah", "Umi",
]
MALE = [
    "Ahmad", "Muhammad", "Budi", "Agus", "Dedi", "Asep", "Ujang", "Rudi", "Slamet", "Joko",
    "Hendra", "Iwan", "Yusuf", "Hasan", "Saepul", "Dadang", "Entis", "Maman", "Wahyu", "Andi",
]
FAMILY = [
    "Handayani", "Rahayu", "Kurniasih", "Maryati", "Nurhayati", "Supriyadi", "Hidayat",
    "Setiawan", "Saputra", "Wijaya", "Kusuma", "Permana", "Gunawan", "Firmansyah", "Ramadhan",
    "Sulastri", "Purnamasari", "Anggraeni", "Wulandari", "Susanti", "Fitriani", "Rohimah",
    "Maesaroh", "Jubaedah", "Sukmawati", "Nurjanah", "Saefudin", "Mulyadi", "Sopian", "Jaelani",
]
# fmt: on
PLACES = ["Tangerang", "Serang", "Lebak", "Pandeglang", "Cianjur", "Indramayu", "Karawang"]
VILLAGES = [f"36.03.33.{n}" for n in range(2001, 2009)]
COUNTRIES = ["MY", "TW", "HK", "SA", "SG", "Malaysia", "Arab Saudi", "Taiwan", "Hong Kong", "KR"]
OCCUPATIONS = ["Asisten rumah tangga", "Perawat lansia", "Buruh pabrik", "Pekerja perkebunan"]
# fmt: off
PROBLEMS = [
    "unpaid_wages", "physical_abuse", "sexual_violence", "work_accident", "legal_problems",
    "physical_illness", "mental_illness", "documents_confiscated", "overcharging",
]
# fmt: on
RETURN_TYPES = ["contract_ended", "problem", "deported", "repatriated", "sick"]


def generate_rows(count, seed=2025, district="360333"):
    """Valid, distinct rows of returnees living in Kecamatan Mekar Baru."""
    rng = random.Random(seed)  # noqa: S311 (made-up people, not secrets)
    today = datetime.date.today()
    used = set()
    rows = []
    while len(rows) < count:
        sex = "F" if rng.random() < 0.7 else "M"
        first = rng.choice(FEMALE if sex == "F" else MALE)
        name = f"{first} {rng.choice(FAMILY)}"
        if rng.random() < 0.3:
            name = f"{first} {rng.choice(FEMALE if sex == 'F' else MALE)} {rng.choice(FAMILY)}"
        birth_date = today - datetime.timedelta(days=rng.randint(20 * 365, 55 * 365))
        day = birth_date.day + (40 if sex == "F" else 0)
        nik_prefix = f"{district}{day:02d}{birth_date:%m%y}"
        serial = rng.randint(1, 9999)
        if (nik_prefix, serial) in used:
            continue
        used.add((nik_prefix, serial))
        departure = today - datetime.timedelta(days=rng.randint(400, 3000))
        rt = rng.randint(1, 19)
        arrival = departure + datetime.timedelta(days=rng.randint(200, 390))
        rows.append(
            {
                "full_name": name,
                "nik": f"{nik_prefix}{serial:04d}",
                "kk_number": f"360333{rng.randint(0, 10**10 - 1):010d}",
                "sex": sex if rng.random() < 0.8 else ("Perempuan" if sex == "F" else "Laki-laki"),
                "birth_date": birth_date,
                "birth_place": rng.choice(PLACES),
                "phone": f"08{rng.randint(10**9, 10**10 - 1)}",
                "passport_number": f"C{rng.randint(10**6, 10**7 - 1)}"
                if rng.random() < 0.5
                else "",
                "address": f"Kp. {rng.choice(FAMILY)} RT {rt:03d}/RW {rt // 4 + 1:03d}",
                "village": rng.choice(VILLAGES),
                "marital_status": rng.choice(["single", "married", "divorced", "widowed"]),
                "education": rng.choice(["sd", "smp", "sma", ""]),
                "religion": "islam" if rng.random() < 0.9 else "protestant",
                "jkn_segment": rng.choice(["pbi_apbn", "pbpu", "not_enrolled", ""]),
                "jkn_status": rng.choice(["active", "inactive", ""]),
                "bpjs_tk_status": rng.choice(["active", "never", ""]),
                "dtsen_decile": rng.choice([None, 1, 2, 3, 4, 5]),
                "problems": ", ".join(rng.sample(PROBLEMS, rng.randint(0, 3))),
                "narrative": "Bekerja tanpa libur, gaji beberapa bulan tidak dibayar.",
                "destination_country": rng.choice(COUNTRIES),
                "occupation": rng.choice(OCCUPATIONS),
                "sector": rng.choice(["formal", "informal"]),
                "placement_scheme": rng.choice(["p_to_p", "g_to_g", "nonprocedural", ""]),
                "employer": f"Mr. {rng.choice(['Tan', 'Lim', 'Chen', 'Al-Harbi', 'Wong'])}",
                "p3mi_agency": f"PT {rng.choice(FAMILY)} Jaya Abadi",
                "departure_date": departure,
                "arrival_date": min(arrival, today),
                "return_type": rng.choice(RETURN_TYPES),
                "siskop2mi_id": "",
            }
        )
    return rows


def write_xlsx(rows, path):
    import openpyxl

    from participants.spreadsheets import COLUMNS

    workbook = openpyxl.Workbook()  # not write-only: like Excel, it records the sheet's size
    sheet = workbook.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([row[name] for name in COLUMNS])
    workbook.save(path)


def set_up():
    from django.core.management import call_command

    from accounts.models import Office, Role, User
    from regions.models import Region

    call_command("migrate", verbosity=0)
    if not Region.objects.filter(code="36.03.33.2001").exists():
        call_command("load_regions")
    office, _created = Office.objects.get_or_create(
        name="BP3MI Banten (benchmark)", defaults={"province_id": "36"}
    )
    user, _created = User.objects.get_or_create(
        username="benchmark_importer",
        defaults={"role": Role.CASE_WORKER, "office": office, "full_name": "Benchmark"},
    )
    return office, user


def remove_imported(user):
    """Delete what an earlier run imported, then vacuum as autovacuum would (it is off on
    some development servers): 10,000 dead rows a run left in the tables slow every
    page measured on the same database afterwards."""
    from config.database_roles import connect_as_owner
    from participants.models import MigrationEpisode, Participant, ParticipantProblem

    MigrationEpisode.objects.filter(participant__created_by=user).delete()
    if not Participant.objects.filter(created_by=user).delete()[0]:
        return
    with connect_as_owner(autocommit=True) as owner:
        for model in (Participant, MigrationEpisode, ParticipantProblem):
            owner.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')


def prefill(office, count):
    """Make sure the office has `count` earlier registrations (kept between runs)."""
    from django.db import connection

    from accounts.models import Role, User
    from participants.import_rows import ValidRow
    from participants.imports import import_participants
    from participants.models import MigrationEpisode, Participant
    from regions.models import Region

    registrar, _created = User.objects.get_or_create(
        username="benchmark_registrar", defaults={"role": Role.CASE_WORKER, "office": office}
    )
    missing = count - Participant.objects.filter(created_by=registrar).count()
    if missing <= 0:
        return
    started = time.perf_counter()
    # Another district's NIKs (Balaraja), so that they never collide with the file's.
    rows = generate_rows(count, seed=1, district="360301")[-missing:]
    # Spread over the regency's villages: a hundred thousand returnees do not live in
    # the eight villages of one district (about 40,000 people live there in all).
    villages = list(
        Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="36.03.")
        .order_by("code")
        .values_list("code", flat=True)
    )
    spread = random.Random(1)  # noqa: S311 (made-up people, not secrets)
    for row in rows:
        row["village"] = spread.choice(villages)
    for start in range(0, missing, 10_000):
        batch = []
        for row in rows[start : start + 10_000]:
            participant = Participant(
                **{name: row[name] or "" for name in ("full_name", "nik", "birth_place")},
                sex="F" if row["sex"] in ("F", "Perempuan") else "M",
                birth_date=row["birth_date"],
                village_id=row["village"],
            )
            episode = MigrationEpisode(destination_country="MY", occupation=row["occupation"])
            batch.append(ValidRow(participant=participant, problem_ids=[], episode=episode))
        import_participants(rows=batch, office=office, by=registrar)
    # Fresh planner statistics, as autovacuum would gather them (it is off on some
    # development servers, and a plan made for an empty table is no plan for 100,000).
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{Participant._meta.db_table}"')
    print(f"prefilled {missing} participants in {time.perf_counter() - started:.1f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the imported participants")
    parser.add_argument(
        "--existing",
        type=int,
        default=0,
        help="participants the office has already (created once, kept between runs)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.files import File
    from django.db import connection
    from django.test.utils import override_settings

    from participants import imports
    from participants.models import ImportJob, Participant

    office, user = set_up()
    remove_imported(user)
    prefill(office, args.existing)
    existing = Participant.objects.count()

    started = time.perf_counter()
    rows = generate_rows(args.rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "peserta.xlsx"
        write_xlsx(rows, path)
        size = path.stat().st_size
        print(
            f"generated {args.rows} rows, {size / 1e6:.1f} MB XLSX, "
            f"in {time.perf_counter() - started:.1f} s"
        )
        with path.open("rb") as f:
            job = ImportJob.objects.create(
                office=office,
                created_by=user,
                file=File(f, name="peserta.xlsx"),
                original_name="peserta.xlsx",
                status=ImportJob.Status.VALIDATING,
                total_rows=args.rows,
            )

    write_seconds = []
    write = imports.import_participants

    def timed_write(**kwargs):
        started = time.perf_counter()
        try:
            return write(**kwargs)
        finally:
            write_seconds.append(time.perf_counter() - started)

    imports.import_participants = timed_write
    # Same code path as the worker, run here: no task backend involved.
    with (
        override_settings(IMPORT_BACKGROUND_ROWS=10**9, IMPORT_MAX_ROWS=max(args.rows, 20_000)),
        mock.patch.object(imports, "_in_background", lambda job: False),
    ):
        started = time.perf_counter()
        imports.run_validation(job.pk)
        check = time.perf_counter() - started
        job.refresh_from_db()
        if job.status != ImportJob.Status.VALIDATED or job.error_rows:
            issues = [i for i in job.issues if i["level"] == "error"][:5]
            sys.exit(f"check failed: {job.status} {job.failure} {issues}")

        # The rows that may be someone registered already, decided as an officer would
        # after comparing them: here, every one a different person.
        to_decide = imports.possible_duplicate_rows(job)
        decisions = {
            str(row): {"same": False, "reason": "Diperiksa", "seen": issue["candidates"]}
            for row, issue in to_decide.items()
        }
        started = time.perf_counter()
        imports.start_commit(job, by=user, decisions=decisions)
        commit = time.perf_counter() - started
    job.refresh_from_db()
    if job.status != ImportJob.Status.COMMITTED:
        sys.exit(f"commit failed: {job.status} {job.failure}")

    print(
        f"database: {connection.settings_dict['NAME']}, {existing} participants before the import"
    )
    print(f"rows:                     {job.imported_count}")
    print(f"warnings:                 {job.warning_count}")
    print(f"rows to decide:           {len(to_decide)} (may be someone registered already)")
    print(f"(a) parse + check:        {check:6.1f} s")
    print(f"(b) commit:               {commit:6.1f} s (checked again, then written)")
    print(f"    of which writing:     {write_seconds[0]:6.1f} s")
    print(f"upload to imported:       {check + commit:6.1f} s")
    if not args.keep:
        remove_imported(user)
    if SCRATCH_MEDIA:
        shutil.rmtree(SCRATCH_MEDIA)


if __name__ == "__main__":
    main()
