"""The participants, one row each: a POST queues the export, the worker writes it in
batches with a progress bar, the job page hands out the file and logs each download."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import AccessLog, Role
from participants.models import Problem
from reports import exports, participant_export
from reports.models import ReportJob
from tests.factories import ParticipantFactory, UserFactory

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
HEADER = [
    "No. registrasi",
    "Nama",
    "NIK",
    "Jenis kelamin",
    "Tahun lahir",
    "Kecamatan",
    "Desa/kelurahan",
    "Masalah",
]
FORMULA_NAME = '=HYPERLINK("http://x","klik")'


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def people(office_a, case_worker_a):
    made = [
        ParticipantFactory(office=office_a, created_by=case_worker_a, full_name=f"Siti {n}")
        for n in range(4)
    ]
    made.append(
        ParticipantFactory(office=office_a, created_by=case_worker_a, full_name=FORMULA_NAME)
    )
    made[0].problems.add(
        Problem.objects.get(code="unpaid_wages"), Problem.objects.get(code="physical_abuse")
    )
    return made


@pytest.fixture
def left_out(office_a, office_b, case_worker_a, coordinator_a):
    """An archived participant of office A and one of office B: in no file of office A."""
    archived = ParticipantFactory(
        office=office_a, created_by=case_worker_a, full_name="Dewi Diarsipkan"
    )
    archived.archived_at, archived.archived_by = timezone.now(), coordinator_a
    archived.save(update_fields=["archived_at", "archived_by"])
    return [archived, ParticipantFactory(office=office_b, full_name="Rina Kantor Lain")]


def start(client, fmt, settings, capture, tasks=IMMEDIATE):
    settings.TASKS = tasks
    with capture(execute=True):
        return client.post(f"/reports/exports/participants.{fmt}")


def download(client, job):
    response = client.get(f"/reports/jobs/{job.pk}/download/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def read_csv(content):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def new_job(user, fmt="csv", office=None):
    return ReportJob.objects.create(
        kind=ReportJob.Kind.PARTICIPANTS,
        format=fmt,
        office=office or user.office,
        created_by=user,
    )


# --- Starting it -----------------------------------------------------------------------


def test_the_post_answers_at_once_with_the_job_page_and_its_progress_bar(
    client, settings, coordinator_a, people, media, django_capture_on_commit_callbacks
):
    client.force_login(coordinator_a)

    response = start(client, "csv", settings, django_capture_on_commit_callbacks, tasks=DUMMY)

    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/reports/jobs/{job.pk}/"
    assert (job.kind, job.format, job.status, job.office) == (
        "participants",
        "csv",
        "queued",
        coordinator_a.office,
    )
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page
    assert 'hx-trigger="every 1s"' in page
    assert "Menunggu giliran diproses" in page
    assert "/download/" not in page
    assert client.get(f"/reports/jobs/{job.pk}/download/").status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def test_a_get_starts_nothing(client, coordinator_a, people):
    client.force_login(coordinator_a)

    assert client.get("/reports/exports/participants.csv").status_code == 405
    assert not ReportJob.objects.exists()


def test_the_exports_page_offers_the_row_export_as_forms_and_lists_the_jobs(
    client, coordinator_a, people, media
):
    participant_export.run_job(new_job(coordinator_a, "xlsx").pk)
    client.force_login(coordinator_a)

    page = client.get("/reports/exports/").content.decode()

    for fmt in ("csv", "xlsx"):
        assert f'<form method="post" action="/reports/exports/participants.{fmt}"' in page
        assert f'href="/reports/exports/participants.{fmt}"' not in page
    # The aggregate exports stay links that answer with the file.
    assert 'href="/reports/exports/participants-by-district.csv"' in page
    job = ReportJob.objects.get()
    assert f'href="/reports/jobs/{job.pk}/"' in page


# --- The file ---------------------------------------------------------------------------


def test_the_csv_has_the_header_and_one_row_per_active_participant_of_the_office(
    client, settings, coordinator_a, people, left_out, media, django_capture_on_commit_callbacks
):
    client.force_login(coordinator_a)

    response = start(client, "csv", settings, django_capture_on_commit_callbacks)

    job = ReportJob.objects.get()
    assert (job.status, job.percent, job.participant_count, job.rows_written) == (
        "done",
        100,
        5,
        5,
    )
    page = client.get(response["Location"]).content.decode()
    assert f'href="/reports/jobs/{job.pk}/download/"' in page
    rows = read_csv(download(client, job))
    assert rows[0] == HEADER
    by_number = {row[0]: row for row in rows[1:]}
    assert sorted(by_number) == sorted(p.registration_number for p in people)
    first = people[0]
    assert by_number[first.registration_number] == [
        first.registration_number,
        "Siti 0",
        first.nik_masked,
        "Perempuan",
        str(first.birth_date.year),
        "Mekar Baru",
        first.village.name,
        "Gaji tidak dibayar, Penganiayaan",
    ]
    text = "\n".join(",".join(row) for row in rows)
    assert "Diarsipkan" not in text and "Kantor Lain" not in text
    assert all(person.nik not in text for person in people)


def test_formulas_are_neutralised_in_both_formats(
    client, settings, coordinator_a, people, media, django_capture_on_commit_callbacks
):
    client.force_login(coordinator_a)
    start(client, "csv", settings, django_capture_on_commit_callbacks)
    start(client, "xlsx", settings, django_capture_on_commit_callbacks)
    csv_job, xlsx_job = ReportJob.objects.order_by("pk")

    names = [row[1] for row in read_csv(download(client, csv_job))[1:]]
    sheet = load_workbook(io.BytesIO(download(client, xlsx_job))).active

    assert "'" + FORMULA_NAME in names
    assert all(not name.startswith("=") for name in names)
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADER
    assert sheet["A1"].font.bold
    assert "'" + FORMULA_NAME in [row[1] for row in rows[1:]]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert xlsx_job.filename.endswith(".xlsx")


def test_the_worker_writes_the_same_rows_as_the_format_of_the_exports_module(
    coordinator_a, people, media
):
    job = new_job(coordinator_a)

    participant_export.run_job(job.pk)

    job.refresh_from_db()
    with job.file.open("rb") as file:
        rows = read_csv(file.read())
    participants = exports.participants_for(coordinator_a)
    assert rows[1:] == [
        [str(exports.safe_cell(cell)) for cell in row]
        for row in exports.participant_rows(participants)
    ]


# --- Progress and queries ------------------------------------------------------------------


def test_progress_is_recorded_after_each_batch_and_reaches_100_when_saved(
    client, coordinator_a, people, media, monkeypatch
):
    job = new_job(coordinator_a)
    seen = []
    record = ReportJob.record_progress

    def record_and_look(self, **fields):
        record(self, **fields)
        row = ReportJob.objects.get(pk=self.pk)
        seen.append((row.stage, row.rows_written, row.participant_count, row.percent))

    monkeypatch.setattr(ReportJob, "record_progress", record_and_look)

    participant_export.run_job(job.pk, batch_rows=2)

    assert seen == [
        ("exporting", 0, 5, 0),
        ("exporting", 2, 5, 40),
        ("exporting", 4, 5, 80),
        ("exporting", 5, 5, 99),
    ]
    job.refresh_from_db()
    assert (job.status, job.stage, job.percent, job.rows_written) == ("done", "done", 100, 5)


def test_the_page_shows_the_rows_written_of_the_total_while_the_worker_goes(client, coordinator_a):
    job = new_job(coordinator_a)
    ReportJob.objects.filter(pk=job.pk).update(
        status="running", stage="exporting", participant_count=5000, rows_written=2000, percent=40
    )
    client.force_login(coordinator_a)

    page = client.get(f"/reports/jobs/{job.pk}/", headers={"HX-Request": "true"}).content.decode()

    assert '<progress class="progress" max="100" value="40">' in page
    assert "2000" in page and "5000" in page
    assert 'hx-trigger="every 1s"' in page
    assert "<html" not in page  # only the part that is swapped


def queries_of_the_job(user):
    job = new_job(user)
    with CaptureQueriesContext(connection) as queries:
        participant_export.run_job(job.pk)
    job.refresh_from_db()
    return job.rows_written, len(queries)


def test_the_jobs_queries_do_not_grow_with_the_rows(office_a, case_worker_a, coordinator_a, media):
    unpaid = Problem.objects.get(code="unpaid_wages")
    for _ in range(5):
        ParticipantFactory(office=office_a, created_by=case_worker_a).problems.add(unpaid)
    rows_few, queries_few = queries_of_the_job(coordinator_a)
    for _ in range(45):
        ParticipantFactory(office=office_a, created_by=case_worker_a).problems.add(unpaid)

    rows_many, queries_many = queries_of_the_job(coordinator_a)

    assert (rows_few, rows_many) == (5, 50)
    assert queries_few == queries_many


def test_each_batch_costs_the_same_queries(coordinator_a, people, media):
    def queries(batch_rows):
        job = new_job(coordinator_a)
        with CaptureQueriesContext(connection) as captured:
            participant_export.run_job(job.pk, batch_rows=batch_rows)
        return len(captured)

    one_batch, three_batches = queries(10), queries(2)

    # Each more batch: the participants, their problems and the progress.
    assert three_batches - one_batch == 2 * 3


# --- Who may have it -----------------------------------------------------------------------


def test_each_download_is_logged_as_the_export_it_is(client, coordinator_a, people, media):
    job = new_job(coordinator_a)
    participant_export.run_job(job.pk)
    client.force_login(coordinator_a)

    download(client, job)
    download(client, job)

    logs = AccessLog.objects.filter(user=coordinator_a, action=AccessLog.Action.EXPORT)
    assert [log.detail for log in logs] == ["participants (rows)"] * 2
    assert logs[0].path == f"/reports/jobs/{job.pk}/download/"


def test_another_coordinator_of_the_office_may_open_it_as_report_jobs(
    client, coordinator_a, office_a, people, media
):
    job = new_job(coordinator_a)
    participant_export.run_job(job.pk)
    colleague = UserFactory(role=Role.COORDINATOR, office=office_a)
    client.force_login(colleague)

    download(client, job)

    assert AccessLog.objects.filter(user=colleague, action=AccessLog.Action.EXPORT).exists()


@pytest.mark.parametrize(
    ("who", "start_answer"),
    [("auditor_a", 403), ("case_worker_a", 404), ("health_worker_a", 404), ("dinsos_officer", 404)],
)
def test_other_roles_may_not_start_open_or_download_it(
    client, request, coordinator_a, people, media, who, start_answer
):
    job = new_job(coordinator_a)
    participant_export.run_job(job.pk)
    client.force_login(request.getfixturevalue(who))

    assert client.post("/reports/exports/participants.csv").status_code == start_answer
    assert client.get(f"/reports/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/reports/jobs/{job.pk}/download/").status_code == 404
    assert ReportJob.objects.count() == 1
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def test_another_offices_coordinator_cannot_see_the_job(
    client, coordinator_a, office_b, people, media
):
    job = new_job(coordinator_a)
    participant_export.run_job(job.pk)
    client.force_login(UserFactory(role=Role.COORDINATOR, office=office_b))

    assert client.get(f"/reports/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/reports/jobs/{job.pk}/download/").status_code == 404
    assert "/reports/jobs/" not in client.get("/reports/exports/").content.decode()


def test_the_administrators_export_of_every_office_is_not_an_offices_job(
    client,
    settings,
    admin_user,
    coordinator_a,
    people,
    left_out,
    media,
    django_capture_on_commit_callbacks,
):
    client.force_login(admin_user)
    start(client, "csv", settings, django_capture_on_commit_callbacks)
    job = ReportJob.objects.get()

    names = [row[1] for row in read_csv(download(client, job))[1:]]

    assert job.office is None
    assert "Rina Kantor Lain" in names and "Dewi Diarsipkan" not in names
    client.force_login(coordinator_a)
    assert client.get(f"/reports/jobs/{job.pk}/").status_code == 404


def test_an_unknown_format_starts_nothing(client, coordinator_a):
    client.force_login(coordinator_a)

    assert client.post("/reports/exports/participants.pdf").status_code == 404
    assert not ReportJob.objects.exists()


def test_a_job_whose_requester_may_no_longer_export_rows_writes_no_file(
    coordinator_a, people, media
):
    job = new_job(coordinator_a)
    coordinator_a.role = Role.CASE_WORKER
    coordinator_a.save(update_fields=["role"])

    participant_export.run_job(job.pk)

    job.refresh_from_db()
    assert job.status == "failed" and not job.file


# --- Failures, history, discarding ----------------------------------------------------------


def test_a_failure_is_said_and_the_page_offers_to_try_again(
    client, coordinator_a, people, media, monkeypatch
):
    job = new_job(coordinator_a, "xlsx")

    def broken(stream, header, rows, *, title):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "write_xlsx", broken)

    participant_export.run_job(job.pk)

    job.refresh_from_db()
    assert job.status == "failed" and not job.file
    client.force_login(coordinator_a)
    page = client.get(f"/reports/jobs/{job.pk}/").content.decode()
    assert job.failure in page
    assert '<form method="post" action="/reports/exports/participants.xlsx">' in page


def test_each_status_of_an_export_job_is_kept_in_its_history(coordinator_a, people, media):
    job = new_job(coordinator_a)

    participant_export.run_job(job.pk)

    history = job.status_events.order_by("pgh_id").values_list("pgh_label", "status")
    assert list(history) == [
        ("created", "queued"),
        ("status_changed", "running"),
        ("status_changed", "done"),
    ]


def test_export_files_are_deleted_after_the_hours_they_are_kept(
    client, settings, coordinator_a, people, media
):
    settings.REPORT_KEEP_HOURS = 24
    old, new = new_job(coordinator_a), new_job(coordinator_a, "xlsx")
    for job in (old, new):
        participant_export.run_job(job.pk)
    ReportJob.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - datetime.timedelta(hours=25)
    )
    old_path = media / ReportJob.objects.get(pk=old.pk).file.name

    call_command("discard_report_files", stdout=io.StringIO())

    old.refresh_from_db()
    new.refresh_from_db()
    assert not old.file and not old_path.exists()
    assert new.file and (media / new.file.name).exists()
    client.force_login(coordinator_a)
    assert client.get(f"/reports/jobs/{old.pk}/download/").status_code == 404
