"""Fictional programs, cases and screenings in bulk, for benchmarks at DESIGN section 8's scale.

For every 100,000 participants: 100 programs of about 1,500 cases (each participant is in
one program, every second one in a second program too: 150,000 cases), and about
200,000 screenings (an SRQ-20 for nine cases in ten, a physical screening for four in
ten). Run after participants/scale.py, on the participants it has just made.
"""

import datetime
import random

from django.db import connection
from django.utils import timezone

from accounts.demo import OFFICE_NAME
from accounts.models import Office, Role, User
from regions.models import Region

from .models import Alert, Case, Program, Screening

PROGRAM_PREFIX = "Kegiatan skala"
PARTICIPANTS_PER_PROGRAM = 1000
BATCH = 5000
STATUSES = [
    (Case.Status.INTAKE, 10),
    (Case.Status.ASSESSMENT, 10),
    (Case.Status.PLANNING, 15),
    (Case.Status.IMPLEMENTATION, 30),
    (Case.Status.MONITORING, 20),
    (Case.Status.CLOSED, 15),
]
BLOOD_PRESSURE = ["optimal", "normal", "high_normal", "grade_1", "grade_2", "grade_3"]


def generate(*, participants: int, out, seed: int = 2025) -> None:
    rng = random.Random(seed + 1)
    office = Office.objects.get(name=OFFICE_NAME)
    coordinator = User.objects.filter(office=office, role=Role.COORDINATOR).first()
    workers = list(User.objects.filter(office=office, role=Role.CASE_WORKER)) or [coordinator]
    district = Region.objects.filter(level=Region.Level.DISTRICT, code__startswith="36.").first()
    people = list(
        office_participants(office).order_by("-pk").values_list("pk", flat=True)[:participants]
    )
    count = max(1, len(people) // PARTICIPANTS_PER_PROGRAM)
    first_day = datetime.date(2024, 1, 8)
    programs = Program.objects.bulk_create(
        Program(
            office=office,
            name=f"{PROGRAM_PREFIX} {number + 1}",
            venue="Aula kecamatan",
            district=district,
            start_date=first_day + datetime.timedelta(days=7 * number),
            end_date=first_day + datetime.timedelta(days=7 * number + 1),
            created_by=coordinator,
        )
        for number in range(count)
    )
    statuses, weights = zip(*STATUSES, strict=True)
    made = 0
    rows = []
    for index, participant in enumerate(people):
        enrolments = [programs[index % count]]
        if index % 2 == 0 and count > 1:
            enrolments.append(programs[(index + 1) % count])
        for program in enrolments:
            opened = timezone.make_aware(
                datetime.datetime.combine(program.start_date, datetime.time(9))
            )
            status = rng.choices(statuses, weights)[0]
            closed = status == Case.Status.CLOSED
            rows.append(
                Case(
                    participant_id=participant,
                    program=program,
                    case_worker=rng.choice(workers),
                    status=status,
                    close_reason=Case.CloseReason.GOALS_MET if closed else "",
                    opened_at=opened,
                    closed_at=opened + datetime.timedelta(days=200) if closed else None,
                )
            )
        if len(rows) >= BATCH:
            made += _write(rows, rng, coordinator)
            out.write(f"  {made} cases")
            rows = []
    made += _write(rows, rng, coordinator)
    out.write(f"Cases: {made} in {count} programs, with their screenings.")
    with connection.cursor() as cursor:
        for model in (Program, Case, Screening, Alert):
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def office_participants(office):
    from participants.models import Participant

    return Participant.objects.filter(office=office, archived_at__isnull=True)


def _write(rows, rng, coordinator):
    cases = Case.objects.bulk_create(rows)
    screenings = []
    for case in cases:
        day = case.opened_at.date()
        if rng.random() < 0.9:
            score = min(20, int(rng.expovariate(1 / 3.5)))
            screenings.append(
                Screening(
                    case=case,
                    kind="srq20",
                    screened_on=day,
                    recorded_by=coordinator,
                    score=score,
                    band="positive" if score >= 6 else "negative",
                )
            )
        if rng.random() < 0.4:
            screenings.append(
                Screening(
                    case=case,
                    kind=Screening.PHYSICAL,
                    screened_on=day,
                    recorded_by=coordinator,
                    blood_pressure_class=rng.choice(BLOOD_PRESSURE),
                )
            )
    screenings = Screening.objects.bulk_create(screenings)
    alerts = []
    for screening in screenings:
        if screening.kind == "srq20" and rng.random() < 0.02:
            resolved = rng.random() < 0.8
            raised = timezone.make_aware(
                datetime.datetime.combine(screening.screened_on, datetime.time(10))
            )
            alerts.append(
                Alert(
                    case=screening.case,
                    screening=screening,
                    code=Alert.Code.SUICIDE_RISK,
                    raised_at=raised,
                    action_taken="Dirujuk ke psikolog." if resolved else "",
                    resolved_by=coordinator if resolved else None,
                    resolved_at=raised + datetime.timedelta(hours=3) if resolved else None,
                )
            )
    Alert.objects.bulk_create(alerts)
    return len(cases)
