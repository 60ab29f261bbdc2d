"""Fictional participants in bulk, for benchmarks at budget scale (docs/architecture.md)."""

import datetime
import random

from accounts.demo import OFFICE_NAME
from accounts.models import Office, User
from config.bulk_load import copy_objects, copy_rows
from config.database_roles import analyze
from regions.models import Region

from .models import MigrationEpisode, Participant, ParticipantProblem, Problem

GIVEN_NAMES = [
    "Siti",
    "Nur",
    "Dewi",
    "Sri",
    "Rina",
    "Yuli",
    "Ani",
    "Lilis",
    "Euis",
    "Neneng",
    "Imas",
    "Tuti",
    "Ratna",
    "Wati",
    "Endang",
    "Ahmad",
    "Budi",
    "Asep",
    "Dedi",
    "Agus",
    "Wawan",
    "Dadang",
    "Ujang",
    "Hendra",
    "Iwan",
]
FAMILY_NAMES = [
    "Aminah",
    "Hayati",
    "Lestari",
    "Wahyuni",
    "Marlina",
    "Kartini",
    "Suryani",
    "Rohaeni",
    "Sumiati",
    "Hasanah",
    "Masitoh",
    "Sumarni",
    "Sari",
    "Fauzi",
    "Santoso",
    "Setiawan",
    "Saepudin",
    "Suhendar",
    "Kurniawan",
    "Gunawan",
    "Hidayat",
    "Nurjanah",
    "Rahmawati",
]
COUNTRIES = ["MY", "TW", "HK", "SA", "SG", "KR", "JP", "AE", "QA"]
RETURN_TYPES = [choice for choice, _label in MigrationEpisode.ReturnType.choices]
BATCH = 5000


def generate(*, participants: int, out, seed: int = 2025) -> None:
    rng = random.Random(seed)
    office = Office.objects.get(name=OFFICE_NAME)
    author = User.objects.filter(office=office).order_by("pk").first()
    villages = list(
        Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="36.").values_list(
            "code", flat=True
        )
    )
    problems = list(Problem.objects.values_list("pk", flat=True))
    taken = set(Participant.objects.exclude(nik="").values_list("nik", flat=True))
    made = 0
    while made < participants:
        size = min(BATCH, participants - made)
        numbers = Participant.next_registration_numbers(size)
        rows = []
        for i in range(size):
            sex = rng.choice("FFFM")
            born = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randrange(13000))
            day = born.day + (40 if sex == "F" else 0)
            village = rng.choice(villages)
            district = village[:8].replace(".", "")
            nik = f"{district}{day:02d}{born:%m%y}{rng.randint(1, 9999):04d}"
            if nik in taken or rng.random() < 0.1:
                nik = ""  # about one in ten returnees has no NIK
            taken.add(nik)
            rows.append(
                Participant(
                    office=office,
                    registration_number=numbers[i],
                    full_name=f"{rng.choice(GIVEN_NAMES)} {rng.choice(FAMILY_NAMES)}",
                    nik=nik,
                    sex=sex,
                    birth_date=born,
                    village_id=village,
                    created_by=author,
                )
            )
            rows[-1].refresh_match_keys()
        created = copy_objects(Participant, rows)
        copy_rows(
            MigrationEpisode,
            (
                {
                    "participant_id": participant.pk,
                    "destination_country": rng.choice(COUNTRIES),
                    "return_type": rng.choice(RETURN_TYPES),
                    "arrival_date": datetime.date(2025, 1, 1)
                    + datetime.timedelta(days=rng.randrange(300)),
                }
                for participant in created
            ),
        )
        copy_rows(
            ParticipantProblem,
            (
                {"participant_id": participant.pk, "problem_id": problem}
                for participant in created
                for problem in rng.sample(problems, rng.randint(1, 3))
            ),
        )
        made += size
        out.write(f"  {made} / {participants} participants")
    # Fresh planner statistics, as autovacuum would gather them later.
    analyze(Participant, MigrationEpisode, ParticipantProblem)
