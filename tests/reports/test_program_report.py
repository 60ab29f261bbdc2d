"""The program report: its totals against the database, its text, who may take it, the worker."""

import datetime
import io
import statistics

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import AccessLog
from cases import instruments
from cases import services as case_services
from cases.models import Alert, Case, Screening
from participants.models import Participant, Problem
from referrals import services as referral_services
from referrals.models import Referral, ReferralStatus, Service, Urgency
from reports import figures, program_report
from reports.models import ReportJob
from tests.cases.conftest import enrol, make_program
from tests.reports.conftest import refer

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
SRQ = instruments.get_instrument("srq20")
NARRATIVE = "Disekap majikan selama dua minggu di gudang belakang rumah."


def srq_answers(yes):
    return {item.number: int(item.number in yes) for item in SRQ.items}


POSITIVE = srq_answers({1, 2, 3, 4, 5, 6, 7})
NEGATIVE = srq_answers({1, 2})
SUICIDE_RISK = srq_answers({17})


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def screen(case, answers, by, on):
    screening = case_services.record_questionnaire(
        case=case, instrument=SRQ, answers=answers, by=by
    )
    Screening.objects.filter(pk=screening.pk).update(screened_on=on)
    return screening


def physical(case, by, bp_class):
    return Screening.objects.create(
        case=case, kind=Screening.PHYSICAL, recorded_by=by, blood_pressure_class=bp_class
    )


def took_days(referral, days):
    """Say the referral was sent `days` days before it was completed."""
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=referral.completed_at - datetime.timedelta(days=days)
    )


@pytest.fixture
def program(
    office_a,
    coordinator_a,
    case_worker_a,
    health_worker_a,
    regions,
    dinsos,
    dinkes,
    dinsos_officer,
    dinkes_officer,
):
    """An event with a mix a report must count right, and what it must leave out."""
    program = make_program(
        office_a, coordinator_a, regions["district"], name="Kegiatan Uji Laporan"
    )
    program.partner_agencies.set([dinsos, dinkes])
    event = program.start_date
    people = [
        ("Siti Aminah", "F", 23, "SA", "problem", ["physical_abuse", "unpaid_wages"]),
        ("Dewi Lestari", "F", 31, "MY", "sick", ["mental_illness"]),
        ("Rina Marlina", "F", 38, "MY", "problem", ["unpaid_wages"]),
        ("Yuyun Yuningsih", "F", 47, "HK", "contract_ended", []),
        ("Budi Santoso", "M", 29, "KR", "deported", ["legal_problems", "physical_abuse"]),
        ("Asep Saepudin", "M", 58, "MY", "problem", ["unpaid_wages"]),
    ]
    cases = []
    for name, sex, age, country, return_type, problems in people:
        case = enrol(
            program,
            case_worker_a,
            full_name=name,
            sex=sex,
            birth_date=event.replace(year=event.year - age) - datetime.timedelta(days=10),
            narrative=NARRATIVE if name == "Siti Aminah" else "",
            episode__destination_country=country,
            episode__return_type=return_type,
        )
        case.participant.problems.set(Problem.objects.filter(code__in=problems))
        cases.append(case)
    siti, dewi, rina, yuyun, budi, asep = cases

    later = event + datetime.timedelta(days=90)
    screen(siti, POSITIVE, health_worker_a, event)
    screen(siti, NEGATIVE, health_worker_a, later)  # better at the follow-up
    screen(dewi, POSITIVE, health_worker_a, event)
    screen(rina, NEGATIVE, health_worker_a, event)
    screen(rina, POSITIVE, health_worker_a, later)  # worse at the follow-up
    screen(budi, SUICIDE_RISK, health_worker_a, event)
    physical(siti, health_worker_a, "grade_1")
    physical(dewi, health_worker_a, "grade_3")
    physical(budi, health_worker_a, "normal")
    alert = Alert.objects.get(case=budi)
    case_services.resolve_alert(
        alert=alert, by=coordinator_a, action_taken="Dirujuk ke psikolog RSUD hari itu juga."
    )

    S = ReferralStatus
    officers = {dinsos: dinsos_officer, dinkes: dinkes_officer}

    def send(case, agency, code, *moves):
        return refer(
            case,
            agency,
            code,
            by=case_worker_a,
            coordinator=coordinator_a,
            officer=officers[agency],
            moves=moves,
        )

    finished = [S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED]
    done = [
        send(siti, dinsos, "pkh_proposal", *finished),
        send(dewi, dinsos, "dtsen_registration", *finished),
        send(rina, dinsos, "pkh_proposal", *finished),
        send(dewi, dinkes, "psychological_counselling", *finished),
    ]
    for referral, days in zip(done, [4, 10, 30, 7], strict=True):
        took_days(referral, days)
    send(budi, dinsos, "pbi_jk_activation", S.DECLINED)
    late = send(asep, dinkes, "follow_up_examination", S.ACCEPTED)
    Referral.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(days=2))
    send(yuyun, dinkes, "follow_up_examination")
    referral_services.create_referral(  # a draft: never sent, never counted
        case=yuyun,
        agency=dinsos,
        service=Service.objects.get(code="pkh_proposal"),
        reason="Belum dikirim.",
        urgency=Urgency.NORMAL,
        by=case_worker_a,
    )

    # Left out: a participant archived as registered by mistake, and another program.
    mistake = enrol(program, case_worker_a, full_name="Salah Input", sex="M")
    screen(mistake, POSITIVE, health_worker_a, event)
    Participant.objects.filter(pk=mistake.participant_id).update(
        archived_at=timezone.now(), archived_by=coordinator_a
    )
    other = make_program(office_a, coordinator_a, regions["district"], name="Kegiatan Lain")
    elsewhere = enrol(other, case_worker_a, full_name="Lain Program", sex="F")
    screen(elsewhere, POSITIVE, health_worker_a, event)
    return program


def counted_cases(program):
    return [
        case
        for case in Case.objects.filter(program=program).select_related("participant")
        if case.participant.archived_at is None
    ]


def test_the_totals_equal_counts_taken_straight_from_the_database(program, dinsos, dinkes):
    result = figures.program_figures(program)

    cases = counted_cases(program)
    people = [case.participant for case in cases]
    assert result.participants == len(cases) == 6
    by_sex = dict(result.by_sex)
    assert by_sex["Perempuan"] == sum(p.sex == "F" for p in people)
    assert by_sex["Laki-laki"] == sum(p.sex == "M" for p in people)
    assert sum(dict(result.by_age).values()) == len(people)
    ages = [p.age(on=program.start_date) for p in people]
    assert dict(result.by_age)["Di bawah 25"] == sum(age < 25 for age in ages)
    assert dict(result.by_age)["55 ke atas"] == sum(age >= 55 for age in ages)
    assert dict(result.by_country)["Malaysia"] == sum(
        p.episodes.get().destination_country == "MY" for p in people
    )
    assert dict(result.by_return_type)["Pulang bermasalah"] == sum(
        p.episodes.get().return_type == "problem" for p in people
    )
    unpaid = Problem.objects.get(code="unpaid_wages")
    assert dict(result.by_problem)[str(unpaid)] == sum(unpaid in p.problems.all() for p in people)

    first, latest = {}, {}
    for case in cases:
        srq = list(Screening.objects.filter(case=case, kind="srq20").order_by("screened_on", "pk"))
        if srq:
            first[case.pk], latest[case.pk] = srq[0].band, srq[-1].band
    assert result.srq_screened == len(first) == 4
    assert result.srq_positive_first == list(first.values()).count("positive") == 2
    assert result.srq_positive_latest == list(latest.values()).count("positive") == 2
    assert result.physical_screened == 3
    assert dict(result.by_blood_pressure)["Hipertensi derajat 3"] == 1
    assert [alert.code for alert in result.alerts] == ["suicide_risk"]

    rows = {row.agency: row for row in result.agencies}
    for agency in (dinsos, dinkes):
        sent = Referral.objects.filter(
            case__in=cases, agency=agency, sent_at__isnull=False
        ).select_related()
        completed = [r for r in sent if r.status == ReferralStatus.COMPLETED]
        row = rows[agency.name]
        assert row.sent == sent.count()
        assert row.accepted == sum(
            r.transitions.filter(to_status=ReferralStatus.ACCEPTED).exists() for r in sent
        )
        assert row.completed == len(completed)
        assert row.declined == sum(r.status == ReferralStatus.DECLINED for r in sent)
        assert row.overdue == sum(r.is_overdue for r in sent)
        days = [
            (r.transitions.get(to_status="completed").at - r.sent_at).total_seconds() / 86400
            for r in completed
        ]
        assert row.median_days == round(statistics.median(days), 1)
    assert (rows[dinsos.name].sent, rows[dinsos.name].completed) == (4, 3)
    assert rows[dinsos.name].median_days == 10.0
    assert (rows[dinkes.name].sent, rows[dinkes.name].overdue) == (3, 1)
    total = result.agency_total
    assert (total.sent, total.accepted, total.completed, total.declined, total.overdue) == (
        7,
        5,
        4,
        1,
        1,
    )
    assert total.median_days == statistics.median([4, 10, 30, 7]) == 8.5


def test_the_coordinator_downloads_a_report_a_reader_can_check(client, coordinator_a, program):
    client.force_login(coordinator_a)

    response = client.post(f"/reports/programs/{program.pk}/report/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "RAHASIA" in text
    assert "Kegiatan Uji Laporan" in text
    assert "Dinas Sosial" in text and "Dinas Kesehatan" in text  # the partners
    # The referrals table's total row: sent, accepted, completed, declined, overdue, median.
    assert "Semua instansi 7 5 4 1 1 8,5" in text
    assert "Perempuan 4 67" in text  # 4 of 6, in percent
    assert "Risiko bunuh diri 1 1" in text  # alerts counted: raised, acted on
    assert "Dari 6 peserta, 6 telah dirujuk ke instansi mitra." in " ".join(text.split())
    # The report counts: it names nobody and quotes no note written about a person.
    for name in ("Siti Aminah", "Budi Santoso", "Asep Saepudin"):
        assert name not in text
    assert "Dirujuk ke psikolog RSUD hari itu juga." not in text
    # Left out: the archived participant, the other program, the story, any NIK.
    assert "Salah Input" not in text
    assert "Lain Program" not in text
    assert NARRATIVE not in text
    for participant in Participant.objects.all():
        assert participant.nik not in text
    assert AccessLog.objects.filter(
        user=coordinator_a,
        action=AccessLog.Action.DOWNLOAD,
        object_type="cases.program",
        object_id=str(program.pk),
    ).exists()


def test_the_report_takes_the_same_queries_for_a_larger_program(
    client, coordinator_a, case_worker_a, program
):
    client.force_login(coordinator_a)
    with CaptureQueriesContext(connection) as small:
        client.post(f"/reports/programs/{program.pk}/report/", {"names": "1"})
    added = [enrol(program, case_worker_a) for _ in range(6)]
    for case in added:
        screen(case, POSITIVE, case_worker_a, program.start_date)
    with CaptureQueriesContext(connection) as large:
        response = client.post(f"/reports/programs/{program.pk}/report/", {"names": "1"})

    text = pdf_text(response.content)
    assert all(case.participant.registration_number in text for case in added)
    assert len(large) == len(small)


def test_a_report_is_taken_with_a_post_not_a_link_anyone_could_prefetch(
    client, coordinator_a, program
):
    client.force_login(coordinator_a)

    assert client.get(f"/reports/programs/{program.pk}/report/").status_code == 405


@pytest.mark.parametrize("who", ["case_worker_a", "health_worker_a"])
def test_office_staff_who_are_not_coordinators_are_refused(client, request, program, who):
    client.force_login(request.getfixturevalue(who))

    assert client.post(f"/reports/programs/{program.pk}/report/").status_code == 403


def test_a_program_page_offers_the_report_to_coordinators_only(
    client, coordinator_a, case_worker_a, program
):
    url = f"/reports/programs/{program.pk}/report/"
    client.force_login(coordinator_a)
    assert url in client.get(program.get_absolute_url()).content.decode()
    client.force_login(case_worker_a)
    assert url not in client.get(program.get_absolute_url()).content.decode()


# --- Large programs: the worker -----------------------------------------------------------


def test_a_large_program_goes_to_the_worker_and_the_page_offers_the_download(
    client, settings, coordinator_a, program, django_capture_on_commit_callbacks
):
    settings.REPORT_BACKGROUND_PARTICIPANTS = 5
    settings.TASKS = IMMEDIATE
    client.force_login(coordinator_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reports/programs/{program.pk}/report/")

    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/reports/jobs/{job.pk}/"
    assert (job.status, job.percent, job.participant_count) == ("done", 100, 6)
    assert job.page_count >= 2
    page = client.get(response["Location"]).content.decode()
    assert "Laporan sudah siap" in page
    assert f"/reports/jobs/{job.pk}/download/" in page
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).exists()

    download = client.get(f"/reports/jobs/{job.pk}/download/")

    text = pdf_text(b"".join(download.streaming_content))
    assert "Semua instansi 7 5 4 1 1 8,5" in text
    assert AccessLog.objects.filter(
        user=coordinator_a, action=AccessLog.Action.DOWNLOAD, object_id=str(program.pk)
    ).exists()


def test_while_the_worker_has_not_started_the_page_shows_a_progress_bar_that_polls(
    client, settings, coordinator_a, program, django_capture_on_commit_callbacks
):
    settings.REPORT_BACKGROUND_PARTICIPANTS = 5
    settings.TASKS = DUMMY
    client.force_login(coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reports/programs/{program.pk}/report/", follow=True)

    page = response.content.decode()
    assert "<progress" in page
    assert 'hx-trigger="every 1s"' in page
    assert "Menunggu giliran diproses" in page
    assert "/download/" not in page
    job = ReportJob.objects.get()
    assert client.get(f"/reports/jobs/{job.pk}/download/").status_code == 404

    ReportJob.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    page = client.get(f"/reports/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert "db_worker" in page.content.decode()
    assert "<html" not in page.content.decode()  # only the part that is swapped


def test_the_stages_move_the_bar_forward_as_the_worker_goes(coordinator_a, program, monkeypatch):
    job = ReportJob.objects.create(office=program.office, program=program, created_by=coordinator_a)
    seen = []

    def look():
        job.refresh_from_db()
        seen.append((job.status, job.stage, job.percent))

    write = program_report.write_pdf

    def write_and_look(html, on_laid_out=None):
        look()
        return write(html, on_laid_out=lambda pages: (on_laid_out(pages), look()))

    monkeypatch.setattr(program_report, "write_pdf", write_and_look)

    program_report.run_job(job.pk)

    assert seen == [("running", "laying_out", 50), ("running", "saving", 90)]
    job.refresh_from_db()
    assert (job.status, job.stage, job.percent) == ("done", "done", 100)
    assert job.file.name.startswith("reports/") and job.file.name.endswith(".pdf")


def test_a_failure_in_the_worker_is_said_and_leaves_no_file(coordinator_a, program, monkeypatch):
    job = ReportJob.objects.create(office=program.office, program=program, created_by=coordinator_a)

    def broken(html, on_laid_out=None):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(program_report, "write_pdf", broken)

    program_report.run_job(job.pk)

    job.refresh_from_db()
    assert job.status == "failed"
    assert "kesalahan di server" in job.failure
    assert not job.file


def test_report_files_are_deleted_after_the_hours_they_are_kept(
    settings, coordinator_a, program, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.REPORT_KEEP_HOURS = 24
    old = ReportJob.objects.create(office=program.office, program=program, created_by=coordinator_a)
    new = ReportJob.objects.create(office=program.office, program=program, created_by=coordinator_a)
    for job in (old, new):
        program_report.run_job(job.pk)
    ReportJob.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - datetime.timedelta(hours=25)
    )
    old_path = tmp_path / ReportJob.objects.get(pk=old.pk).file.name

    call_command("discard_report_files", stdout=io.StringIO())

    old.refresh_from_db()
    new.refresh_from_db()
    assert not old.file and not old_path.exists()
    assert new.file and (tmp_path / new.file.name).exists()


# --- Who may take it -----------------------------------------------------------------------


@pytest.fixture
def finished_job(coordinator_a, program, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = ReportJob.objects.create(office=program.office, program=program, created_by=coordinator_a)
    program_report.run_job(job.pk)
    return job


@pytest.mark.parametrize(
    "outsider", ["dinsos_officer", "dinkes_officer", "case_worker_b", "auditor_a"]
)
def test_agency_officers_and_outsiders_get_404_on_every_program_report_url(
    client, request, program, finished_job, outsider
):
    client.force_login(request.getfixturevalue(outsider))

    assert client.post(f"/reports/programs/{program.pk}/report/").status_code == 404
    assert client.get(f"/reports/jobs/{finished_job.pk}/").status_code == 404
    assert client.get(f"/reports/jobs/{finished_job.pk}/download/").status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).exists()


def test_another_offices_coordinator_cannot_open_the_job(client, program, finished_job, office_b):
    from tests.factories import UserFactory

    client.force_login(UserFactory(role="coordinator", office=office_b))

    assert client.get(f"/reports/jobs/{finished_job.pk}/").status_code == 404
    assert client.get(f"/reports/jobs/{finished_job.pk}/download/").status_code == 404


def test_each_status_of_a_report_job_is_kept_in_its_history(coordinator_a, program, monkeypatch):
    job = ReportJob.objects.create(office=program.office, program=program, created_by=coordinator_a)
    monkeypatch.setattr(program_report, "write_pdf", lambda html, on_laid_out=None: b"%PDF-")

    program_report.run_job(job.pk)

    history = job.status_events.order_by("pgh_id").values_list("pgh_label", "status")
    assert list(history) == [
        ("created", "queued"),
        ("status_changed", "running"),
        ("status_changed", "done"),
    ]
