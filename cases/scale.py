"""Fictional programs, cases and screenings in bulk, for benchmarks at budget scale.

For every 100,000 participants: 100 programs of about 1,500 cases (each participant is in
one program, every second one in a second program too: 150,000 cases), and about
200,000 screenings (an SRQ-20 for nine cases in ten, a physical screening for four in
ten), and each case's four follow-up visits. Run after participants/scale.py, on the
participants it has just made.
"""

import datetime
import random

from django.utils import timezone

from accounts.demo import OFFICE_NAME
from accounts.models import Office, Role, User
from config.bulk_load import copy_objects, copy_rows
from config.database_roles import analyze
from regions.models import Region

from . import instruments, schedule
from .models import Alert, Case, FollowUp, Program, Screening

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
SRQ20 = instruments.get_instrument(Screening.Kind.SRQ20)
# The item whose "Ya" is a suicide-risk alert; answered so by about one in fifty.
SUICIDE_ITEM = 17
VISITS_MADE = 0.75
ACTIONS = {
    Alert.Code.SUICIDE_RISK: "Dirujuk ke psikolog.",
    Alert.Code.URGENT_BLOOD_PRESSURE: "Dirujuk ke IGD hari itu juga.",
}


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
    programs = copy_objects(
        Program,
        [
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
        ],
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
                    intake_date=program.start_date,
                    closed_at=opened + datetime.timedelta(days=200) if closed else None,
                )
            )
        if len(rows) >= BATCH:
            made += _write(rows, rng, coordinator)
            out.write(f"  {made} cases")
            rows = []
    made += _write(rows, rng, coordinator)
    out.write(f"Cases: {made} in {count} programs, with their screenings.")
    analyze(Program, Case, Screening, Alert, FollowUp)


def office_participants(office):
    from participants.models import Participant

    return Participant.objects.filter(office=office, archived_at__isnull=True)


def _write(rows, rng, coordinator):
    cases = copy_objects(Case, rows)
    screenings, alert_codes = [], []
    for case in cases:
        day = case.opened_at.date()
        made = []
        if rng.random() < 0.9:
            made.append(
                Screening(
                    case=case,
                    kind=Screening.Kind.SRQ20,
                    screened_on=day,
                    recorded_by=coordinator,
                    answers=_srq_answers(rng),
                )
            )
        if rng.random() < 0.4:
            made.append(_physical(case, day, rng, coordinator))
        for screening in made:
            # No waist is measured here, so no sex is needed (nor a query for it).
            alert_codes.append(screening.classify())
            screenings.append(screening)
    screenings = copy_objects(Screening, screenings)
    alerts = []
    for screening, codes in zip(screenings, alert_codes, strict=True):
        for code in codes:
            resolved = rng.random() < 0.8
            raised = timezone.make_aware(
                datetime.datetime.combine(screening.screened_on, datetime.time(10))
            )
            alerts.append(
                Alert(
                    case=screening.case,
                    screening=screening,
                    code=code,
                    raised_at=raised,
                    action_taken=ACTIONS[code] if resolved else "",
                    resolved_by=coordinator if resolved else None,
                    resolved_at=raised + datetime.timedelta(hours=3) if resolved else None,
                )
            )
    copy_objects(Alert, alerts)
    copy_rows(FollowUp, _schedules(cases, rng, coordinator))
    return len(cases)


def _schedules(cases, rng, coordinator):
    """Each case's visits; of those already due, about three in four were made."""
    today = timezone.localdate()
    for case in cases:
        for month in schedule.SCHEDULE_MONTHS:
            due_on = schedule.due_date(case.intake_date, month)
            made = due_on < today and rng.random() < VISITS_MADE
            yield {
                "case_id": case.pk,
                "month": month,
                "due_on": due_on,
                "visited_on": due_on + datetime.timedelta(days=rng.randint(0, 20))
                if made
                else None,
                "recorded_by_id": coordinator.pk if made else None,
            }


def _srq_answers(rng):
    """SRQ-20 answers with a few "Ya" (about 3.5 on average, a tail up to all 20)."""
    others = [number for number in SRQ20.item_numbers if number != SUICIDE_ITEM]
    suicide_risk = rng.random() < 0.02
    count = min(len(others), int(rng.expovariate(1 / 3.5)))
    yes = set(rng.sample(others, count)) | ({SUICIDE_ITEM} if suicide_risk else set())
    return {number: int(number in yes) for number in SRQ20.item_numbers}


def _physical(case, day, rng, coordinator):
    """Height, weight and two blood-pressure readings, spread roughly as among adults."""
    systolic = max(90, min(220, round(rng.gauss(128, 18))))
    diastolic = max(55, min(systolic - 25, round(rng.gauss(82, 11))))
    return Screening(
        case=case,
        kind=Screening.Kind.PHYSICAL,
        screened_on=day,
        recorded_by=coordinator,
        height_cm=rng.randint(145, 178),
        weight_kg=rng.randint(40, 90),
        systolic_1=systolic,
        diastolic_1=diastolic,
        systolic_2=systolic + rng.randint(-6, 6),
        diastolic_2=diastolic + rng.randint(-4, 4),
    )
