"""The Mekar Baru event of 5-6 November 2025: the program, its 20 cases, screenings, plans."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.demo import AGENCIES, OFFICE_NAME
from accounts.models import Agency, Office, User
from participants.models import Participant
from regions.models import Region

from . import instruments, physical, services
from .models import Alert, Case, CaseNote, CaseStatusChange, PlanItem, Program, Screening

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
        _walk(case, STAGES[index], worker, coordinator)
        _screen(case, index, nurse, coordinator)
        _plan(case, index, worker)
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
    case.save(update_fields=["status", "close_reason", "closed_at"])


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
            due_date=EVENT_DAY + datetime.timedelta(days=30 * (number + 1)),
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
