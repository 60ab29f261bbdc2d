"""The Mekar Baru event of 5-6 November 2025: the program, its 20 cases, screenings, plans."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.demo import AGENCIES, OFFICE_NAME
from accounts.models import Agency, Office, User
from participants.demo import recent_returnees
from participants.models import Participant
from regions.models import Region

from . import instruments, outcomes, physical, services
from .models import (
    Alert,
    Case,
    CaseNote,
    CaseStatusChange,
    OutcomeMeasure,
    PlanItem,
    Program,
    Screening,
)

PROGRAM_NAME = "Rehabilitasi dan Reintegrasi Sosial PMI Purna Kecamatan Mekar Baru 2025"
EVENT_DAY = datetime.date(2025, 11, 5)

# Where each returnee's case stands a year on (by position in participants.demo).
STAGES = {
    0: Case.Status.IMPLEMENTATION,
    1: Case.Status.MONITORING,
    2: Case.Status.IMPLEMENTATION,
    3: Case.Status.MONITORING,
    4: Case.Status.CLOSED,
    5: Case.Status.PLANNING,
    6: Case.Status.IMPLEMENTATION,
    7: Case.Status.PLANNING,
    8: Case.Status.ASSESSMENT,
    9: Case.Status.IMPLEMENTATION,
    10: Case.Status.MONITORING,
    11: Case.Status.PLANNING,
    12: Case.Status.IMPLEMENTATION,
    13: Case.Status.ASSESSMENT,
    14: Case.Status.PLANNING,
    15: Case.Status.IMPLEMENTATION,
    16: Case.Status.ASSESSMENT,
    17: Case.Status.INTAKE,
    18: Case.Status.ASSESSMENT,
    19: Case.Status.INTAKE,
}
# SRQ-20 "ya" answers per returnee (item numbers); item 17 is the suicide-risk item.
SRQ_YES = {
    1: [1, 3, 4, 5, 9, 10, 16, 18],
    2: [3, 4, 5, 9, 10, 11, 15, 16, 17, 20],
    9: [1, 3, 5, 9, 12, 18, 20],
    13: [3, 5, 9, 10, 11, 15, 16, 18, 20],
    15: [3, 5, 6, 20],
}
ORDER = list(Case.Status.values)


def seed(out) -> None:
    _seed_mekar_baru(out)
    _seed_running_program(out)


def _seed_mekar_baru(out):
    office = Office.objects.get(name=OFFICE_NAME)
    program, created = Program.objects.get_or_create(
        office=office,
        name=PROGRAM_NAME,
        defaults={
            "venue": "Aula Kecamatan Mekar Baru",
            "district": Region.objects.get(code="36.03.33"),
            "start_date": EVENT_DAY,
            "end_date": EVENT_DAY + datetime.timedelta(days=1),
            "description": "Skrining kesehatan fisik dan jiwa, informasi adminduk dan JKN, "
            "rencana tindak lanjut bersama Dinkes, Dinsos, Disdukcapil dan Disnakertrans.",
            "created_by": User.objects.get(username="koordinator"),
        },
    )
    if created:
        program.partner_agencies.set(Agency.objects.filter(name__in=AGENCIES.values()))
    if program.cases.exists():
        out.write(f"Program {program.name}: already seeded.")
        return
    worker = User.objects.get(username="petugas")
    nurse = User.objects.get(username="nakes")
    coordinator = User.objects.get(username="koordinator")
    returnees = Participant.objects.filter(office=office).order_by("pk")[: len(STAGES)]
    for index, participant in enumerate(returnees):
        case = Case.objects.create(
            participant=participant,
            program=program,
            case_worker=worker,
            opened_at=timezone.make_aware(datetime.datetime.combine(EVENT_DAY, datetime.time(9))),
            intake_date=EVENT_DAY,
        )
        services.open_schedule(case=case)
        _visit(case, index, worker, nurse)
        _walk(case, STAGES[index], worker, coordinator)
        _screen(case, index, nurse, coordinator)
        _plan(case, index, worker)
        _measure_outcomes(case, index, worker)
    out.write(f"Program {program.name}: {program.cases.count()} cases.")


def _walk(case, target, worker, coordinator):
    """Move the case step by step to its stage, keeping the history a real case has."""
    when = timezone.make_aware(datetime.datetime.combine(EVENT_DAY, datetime.time(9)))
    CaseStatusChange.objects.create(
        case=case, from_status="", to_status=Case.Status.INTAKE, changed_by=worker, changed_at=when
    )
    steps = (
        ORDER[1 : ORDER.index(target) + 1]
        if target != Case.Status.CLOSED
        else [
            Case.Status.ASSESSMENT,
            Case.Status.PLANNING,
            Case.Status.IMPLEMENTATION,
            Case.Status.MONITORING,
            Case.Status.CLOSED,
        ]
    )
    previous = Case.Status.INTAKE
    for status in steps:
        when += datetime.timedelta(days=30)
        closing = status == Case.Status.CLOSED
        CaseStatusChange.objects.create(
            case=case,
            from_status=previous,
            to_status=status,
            changed_by=coordinator if closing else worker,
            changed_at=when,
            reason="Tujuan rehabilitasi tercapai; usaha warung berjalan." if closing else "",
        )
        previous = status
    case.status = target
    if target == Case.Status.CLOSED:
        case.close_reason = Case.CloseReason.GOALS_MET
        case.closed_at = when
        case.outcome_summary = (
            "Usaha warung berjalan dengan modal UEP; utang penempatan lunas; KTP-el dan BPJS aktif."
        )
        case.returnee_view = (
            "Bantuan modal dan pendampingan sangat membantu; ingin ikut pelatihan lagi."
        )
        case.returnee_rating = Case.HelpRating.VERY_HELPFUL
    case.save(
        update_fields=[
            "status",
            "close_reason",
            "closed_at",
            "outcome_summary",
            "returnee_view",
            "returnee_rating",
        ]
    )


def _screen(case, index, nurse, coordinator):
    if case.status == Case.Status.INTAKE:
        return
    systolic = 118 + (index * 7) % 70
    diastolic = 76 + (index * 5) % 40
    if diastolic >= systolic:
        diastolic = systolic - 30
    screening = Screening(
        case=case,
        kind=Screening.Kind.PHYSICAL,
        screened_on=EVENT_DAY,
        recorded_by=nurse,
        height_cm=Decimal(150 + index % 15),
        weight_kg=Decimal(48 + (index * 3) % 30),
        systolic_1=systolic,
        diastolic_1=diastolic,
    )
    alerts = screening.classify(sex=case.participant.sex)
    bp = physical.classification("blood_pressure", screening.blood_pressure_class)
    if bp.level != "ok":
        screening.decision = "Kontrol tekanan darah di Puskesmas."
    screening.save()
    for code in alerts:
        _handled(
            case,
            screening,
            code,
            coordinator,
            "Dirujuk hari itu juga ke IGD RSUD Tangerang; tekanan darah terkendali.",
        )
    yes = SRQ_YES.get(index, [3, 18] if index % 2 else [1])
    screening = Screening(
        case=case,
        kind=Screening.Kind.SRQ20,
        screened_on=EVENT_DAY,
        recorded_by=nurse,
        answers={item.number: int(item.number in yes) for item in instruments.SRQ20.items},
    )
    alerts = screening.classify()
    if screening.band == "positive":
        screening.decision = "Konseling psikolog Puskesmas."
    screening.save()
    for code in alerts:
        _handled(
            case,
            screening,
            code,
            coordinator,
            "Psikolog mendampingi hari itu; keluarga diberi tahu; rujukan ke RSJ.",
        )


def _handled(case, screening, code, coordinator, action):
    Alert.objects.create(
        case=case,
        screening=screening,
        code=code,
        raised_at=timezone.make_aware(datetime.datetime.combine(EVENT_DAY, datetime.time(10))),
        action_taken=action,
        resolved_by=coordinator,
        resolved_at=timezone.make_aware(datetime.datetime.combine(EVENT_DAY, datetime.time(15))),
    )


def _replanned(index, number):
    """The due date of a step still under way, set again at the latest visit: spread over
    the weeks around the day the demo is seeded, so that a few fall due this week."""
    return timezone.localdate() + datetime.timedelta(days=(index * 7 + number * 11) % 60 - 3)


def _plan(case, index, worker):
    if ORDER.index(case.status) < ORDER.index(Case.Status.PLANNING):
        return
    agencies = {agency.type: agency for agency in Agency.objects.filter(name__in=AGENCIES.values())}
    items = [
        (PlanItem.Dimension.PSYCHOSOCIAL, "Konseling psikolog", Agency.Type.DINKES),
        (
            PlanItem.Dimension.ECONOMIC,
            "Pelatihan dan modal Usaha Ekonomi Produktif",
            Agency.Type.DISNAKERTRANS,
        ),
        (PlanItem.Dimension.SOCIAL, "Usulan PKH dan reaktivasi PBI-JK", Agency.Type.DINSOS),
    ]
    done = case.status in (Case.Status.MONITORING, Case.Status.CLOSED)
    for number, (dimension, intervention, agency_type) in enumerate(items[: 1 + index % 3]):
        PlanItem.objects.create(
            case=case,
            dimension=dimension,
            intervention=intervention,
            responsible_agency=agencies.get(agency_type),
            due_date=EVENT_DAY + datetime.timedelta(days=30 * (number + 1))
            if done
            else _replanned(index, number),
            status=PlanItem.Status.DONE if done else PlanItem.Status.IN_PROGRESS,
            created_by=worker,
        )
    CaseNote.objects.create(
        case=case,
        author=worker,
        text="Kunjungan rumah: peserta dan keluarga menyetujui rencana tindak lanjut.",
        created_at=timezone.make_aware(
            datetime.datetime.combine(EVENT_DAY + datetime.timedelta(days=14), datetime.time(10))
        ),
    )


# Visits of the Mekar Baru cases left undone, as (position, month): the work lists show
# them overdue, and the 6-month visit of position 1 is the one to record in the demo.
LEFT_OVERDUE = {(1, 6), (3, 12), (10, 12), (17, 1), (19, 1)}
VISIT_SUMMARIES = {
    1: "Kunjungan rumah pertama; peserta tinggal bersama keluarga.",
    3: "Peserta mengikuti konseling; mulai mencari pekerjaan.",
    6: "Kondisi membaik; usaha kecil mulai berjalan.",
    12: "Evaluasi satu tahun bersama keluarga dan perangkat desa.",
}


def _visit(case, index, worker, nurse):
    """The visits made in the year after the event, before the case moves along its
    stages (a closed case takes no visits); those of LEFT_OVERDUE wait."""
    last_day = timezone.localdate() - datetime.timedelta(days=3)
    if STAGES[index] == Case.Status.CLOSED:
        last_day = min(last_day, EVENT_DAY + datetime.timedelta(days=30 * 5))
    for follow_up in case.follow_ups.order_by("month"):
        visited_on = follow_up.due_on + datetime.timedelta(days=index % 6)
        if (index, follow_up.month) in LEFT_OVERDUE or visited_on > last_day:
            continue
        services.record_follow_up(
            follow_up=follow_up,
            visited_on=visited_on,
            summary=VISIT_SUMMARIES[follow_up.month],
            by=worker,
        )
        # The repeat SRQ-20 of those who screened positive at the event, at 6 months.
        if follow_up.month == 6 and index in SRQ_YES:
            yes = SRQ_YES[index][: max(1, len(SRQ_YES[index]) // 2 - 1)]
            screening = Screening(
                case=case,
                follow_up=follow_up,
                kind=Screening.Kind.SRQ20,
                screened_on=visited_on,
                recorded_by=nurse,
                answers={i.number: int(i.number in yes) for i in instruments.SRQ20.items},
            )
            screening.classify()
            screening.decision = (
                "Lanjut konseling di Puskesmas." if screening.band == "positive" else ""
            )
            screening.save()


# The outcome measure's answers (0 worst - 3 best) for the four questions of each
# dimension, at intake and 6 months later, by position; most improved, some did not.
INTAKE_ANSWERS = {"economic": [0, 1, 0, 1], "social": [1, 2, 1, 1], "psychosocial": [1, 1, 2, 1]}
SIX_MONTH_CHANGE = {
    "economic": lambda index: 0 if index % 4 == 3 else 1 + index % 2,
    "social": lambda index: index % 2,
    "psychosocial": lambda index: -1 if index == 13 else (1 if index % 3 else 0),
}


def _answers(levels, step=0):
    answers = {}
    for dimension, values in levels.items():
        for question, value in zip(outcomes.questions_of(dimension), values, strict=True):
            answers[question.number] = max(0, min(outcomes.MAX_ANSWER, value + step))
    return answers


def _measure(case, occasion, answers, taken_on, by, follow_up=None):
    OutcomeMeasure.objects.create(
        case=case,
        occasion=occasion,
        taken_on=taken_on,
        follow_up=follow_up,
        answers={str(number): value for number, value in answers.items()},
        **{f"{d}_score": score for d, score in outcomes.score(answers).items()},
        recorded_by=by,
    )


def _measure_outcomes(case, index, worker):
    """The measure at intake for most, again at the 6-month visit where it was made, and
    at closing."""
    if index in (17, 19):
        return
    _measure(case, OutcomeMeasure.Occasion.INTAKE, _answers(INTAKE_ANSWERS), EVENT_DAY, worker)
    later = {
        dimension: [value + SIX_MONTH_CHANGE[dimension](index) for value in values]
        for dimension, values in INTAKE_ANSWERS.items()
    }
    visit = case.follow_ups.filter(month=6, visited_on__isnull=False).first()
    if visit is not None and index % 5 != 2:
        _measure(
            case, OutcomeMeasure.Occasion.MONTH_6, _answers(later), visit.visited_on, worker, visit
        )
    if case.status == Case.Status.CLOSED:
        _measure(
            case,
            OutcomeMeasure.Occasion.CLOSING,
            _answers(later, step=1),
            timezone.localdate(case.closed_at),
            worker,
        )


RUNNING_PROGRAM_NAME = "Pendampingan Reintegrasi PMI Purna Kabupaten Tangerang"
# The running program began this many days before the demo was seeded.
RUNNING_STARTED_DAYS_AGO = 38
# Per returnee of participants.demo.recent_returnees, in order: the intake, in days
# after the program's first day, and whether the 1-month visit is made. With a start
# 38 days ago, three 1-month visits fall due this week, one is overdue, one is made,
# one comes later; the last returnee came in days ago with an answer that raised an alert.
RUNNING_INTAKES = [(9, False), (10, False), (12, False), (0, False), (0, True), (36, False)]
RUNNING_STAGES = [
    Case.Status.IMPLEMENTATION,
    Case.Status.PLANNING,
    Case.Status.PLANNING,
    Case.Status.ASSESSMENT,
    Case.Status.IMPLEMENTATION,
    Case.Status.INTAKE,
]
# Plan items of the running program: position -> (dimension, intervention, agency type,
# due in days from today, status). The referrals demo sends referrals for some of them.
RUNNING_PLAN = {
    0: (PlanItem.Dimension.SOCIAL, "Usulan PKH", Agency.Type.DINSOS, 10),
    1: (PlanItem.Dimension.SOCIAL, "Perekaman KTP-el dan NIK", Agency.Type.DISDUKCAPIL, 14),
    2: (PlanItem.Dimension.PSYCHOSOCIAL, "Konseling psikolog", Agency.Type.DINKES, 7),
    4: (
        PlanItem.Dimension.ECONOMIC,
        "Klaim JKK dan pelatihan kerja",
        Agency.Type.DISNAKERTRANS,
        5,
    ),
}
RUNNING_SRQ_YES = {
    0: [1, 3],
    1: [],
    2: [1, 3, 4, 5, 9, 10, 18],
    3: [1],
    4: [3, 4],
    5: [1, 3, 5, 9, 17],
}


def _seed_running_program(out):
    office = Office.objects.get(name=OFFICE_NAME)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=RUNNING_STARTED_DAYS_AGO)
    coordinator = User.objects.get(username="koordinator")
    program, created = Program.objects.get_or_create(
        office=office,
        name=RUNNING_PROGRAM_NAME,
        defaults={
            "venue": "Balai Desa Mekar Baru",
            "district": Region.objects.get(code="36.03.33"),
            "start_date": start,
            "end_date": start + datetime.timedelta(days=1),
            "description": "Pendampingan satu tahun bagi PMI purna yang pulang tahun ini.",
            "created_by": coordinator,
        },
    )
    if created:
        program.partner_agencies.set(Agency.objects.filter(name__in=AGENCIES.values()))
    if program.cases.exists():
        out.write(f"Program {program.name}: already seeded.")
        return
    worker = User.objects.get(username="petugas")
    agencies = {agency.type: agency for agency in Agency.objects.filter(name__in=AGENCIES.values())}
    names = [row[0] for row in recent_returnees(today)]
    people = {
        p.full_name: p for p in Participant.objects.filter(office=office, full_name__in=names)
    }
    for index, name in enumerate(names):
        offset, visited = RUNNING_INTAKES[index]
        intake = start + datetime.timedelta(days=offset)
        case = Case.objects.create(
            participant=people[name],
            program=program,
            case_worker=worker,
            opened_at=timezone.make_aware(datetime.datetime.combine(intake, datetime.time(9))),
            intake_date=intake,
        )
        CaseStatusChange.objects.create(
            case=case,
            from_status="",
            to_status=Case.Status.INTAKE,
            changed_by=worker,
            changed_at=case.opened_at,
        )
        services.open_schedule(case=case)
        previous = Case.Status.INTAKE
        for step in ORDER[1 : ORDER.index(RUNNING_STAGES[index]) + 1]:
            CaseStatusChange.objects.create(
                case=case,
                from_status=previous,
                to_status=step,
                changed_by=worker,
                changed_at=case.opened_at + datetime.timedelta(days=1 + ORDER.index(step)),
            )
            previous = step
        case.status = RUNNING_STAGES[index]
        case.save(update_fields=["status"])
        answers = {
            i.number: int(i.number in RUNNING_SRQ_YES[index]) for i in instruments.SRQ20.items
        }
        screening = services.record_questionnaire(
            case=case, instrument=instruments.SRQ20, answers=answers, by=worker
        )
        Screening.objects.filter(pk=screening.pk).update(screened_on=intake)
        _measure(
            case,
            OutcomeMeasure.Occasion.INTAKE,
            _answers(INTAKE_ANSWERS, step=index % 2),
            intake,
            worker,
        )
        if visited:
            first = case.follow_ups.get(month=1)
            services.record_follow_up(
                follow_up=first,
                visited_on=min(first.due_on + datetime.timedelta(days=2), today),
                summary=VISIT_SUMMARIES[1],
                by=worker,
            )
        if index in RUNNING_PLAN:
            dimension, intervention, agency_type, due_in = RUNNING_PLAN[index]
            PlanItem.objects.create(
                case=case,
                dimension=dimension,
                intervention=intervention,
                responsible_agency=agencies.get(agency_type),
                due_date=today + datetime.timedelta(days=due_in),
                created_by=worker,
            )
    out.write(f"Program {program.name}: {program.cases.count()} cases, started {start}.")
