"""Importing participants from a spreadsheet: /participants/import/."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django_tasks import default_task_backend

from participants import import_rows, imports, spreadsheets
from participants.models import (
    ImportJob,
    MigrationEpisode,
    Participant,
    ParticipantProblem,
    PossibleDuplicate,
)
from tests.factories import valid_nik

from .helpers import PDF_BYTES, make_participant

IMPORT_URL = "/participants/import/"
TEMPLATE_URL = "/participants/import/template/"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
HTMX = {"HTTP_HX_REQUEST": "true"}

TEMPLATE_COLUMNS = [
    "full_name", "nik", "kk_number", "sex", "birth_date", "birth_place", "phone", "passport_number",
    "address",
    "village", "marital_status", "education", "religion", "jkn_segment", "jkn_status",
    "bpjs_tk_status", "dtsen_decile", "problems", "narrative", "destination_country",
    "occupation", "sector", "placement_scheme", "employer", "p3mi_agency", "departure_date",
    "arrival_date", "return_type", "siskop2mi_id",
]  # fmt: skip

# Row 1 of the template in Indonesian, the language of the office.
INDONESIAN_HEADERS = [
    "Nama lengkap", "NIK", "Nomor KK", "Jenis kelamin", "Tanggal lahir", "Tempat lahir",
    "Telepon", "Nomor paspor", "Alamat", "Kode desa/kelurahan", "Status perkawinan",
    "Pendidikan", "Agama", "Segmen JKN", "Status JKN", "Status BPJS Ketenagakerjaan",
    "Desil DTSEN", "Masalah yang dialami", "Kronologi kejadian", "Negara tujuan", "Pekerjaan",
    "Sektor", "Skema penempatan", "Pemberi kerja", "P3MI (perusahaan penempatan)",
    "Tanggal berangkat", "Tanggal tiba di Indonesia", "Jenis kepulangan", "ID SiskoP2MI / E-PMI",
]  # fmt: skip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(media_root):
    """Uploaded files go to a temporary folder."""


def returnee(n, **overrides):
    """A valid row: the n-th woman of Mekar Baru back from Malaysia, her NIK matching."""
    birth_date = datetime.date(1980, 1, 1) + datetime.timedelta(days=37 * n)
    row = {
        "full_name": f"Peserta Uji {n:04d}",
        "nik": valid_nik(birth_date, "F", 1000 + n),
        "sex": "F",
        "birth_date": birth_date,
        "village": "36.03.33.2001",
        "jkn_segment": "pbi_apbn",
        "problems": "unpaid_wages, physical_abuse",
        "narrative": "Gaji tidak dibayar.",
        "destination_country": "MY",
        "occupation": "Asisten rumah tangga",
        "sector": "informal",
        "departure_date": datetime.date(2021, 3, 1),
        "arrival_date": datetime.date(2025, 8, 20),
        "return_type": "problem",
    }
    row.update(overrides)
    return row


def xlsx(rows, name="peserta.xlsx", columns=TEMPLATE_COLUMNS):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(column) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=spreadsheets.XLSX_CONTENT_TYPE)


def csv_upload(rows, *, delimiter=",", bom=False, name="peserta.csv"):
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(TEMPLATE_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                value.strftime("%d-%m-%Y") if isinstance(value, datetime.date) else value
                for value in (row.get(column, "") for column in TEMPLATE_COLUMNS)
            ]
        )
    content = ("\ufeff" if bom else "") + text.getvalue()
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")


def upload(client, file):
    response = client.post(IMPORT_URL, {"file": file})
    job = ImportJob.objects.order_by("-pk").first()
    return response, job


def issues_of(job, row):
    return [(issue["column"], issue["level"], issue["message"]) for issue in job.issues
            if issue["row"] == row]  # fmt: skip


def seen_on(job, row):
    """The candidates the preview shows for a row, as its form posts them back."""
    [issue] = [i for i in job.issues if i["row"] == row and i["code"] == "possible_duplicate"]
    return ",".join(str(pk) for pk in issue["candidates"])


def said(row, person, column, value, reason):
    """A row's message as the office reads it: the row, its person, the column, the value."""
    return f'Baris {row} ({person}): kolom "{column}" berisi "{value}": {reason}'


def in_indonesian(message, plural=None, *, n=1, **params):
    """The message as the default language shows it (English until it is translated)."""
    with translation.override("id"):
        text = translation.ngettext(message, plural, n) if plural else translation.gettext(message)
    return text % params if params else text


# --- Checking and committing ---------------------------------------------------------


def test_a_bad_row_among_a_hundred_writes_nothing_and_the_preview_names_it(client, case_worker_a):
    rows = [returnee(n) for n in range(100)]
    rows[41]["nik"] = rows[41]["nik"][:15]  # spreadsheet row 43: header + 42nd row
    client.force_login(case_worker_a)

    response, job = upload(client, xlsx(rows))

    assert response.status_code == 302
    assert response["Location"] == f"/participants/import/{job.pk}/"
    assert job.status == ImportJob.Status.VALIDATED
    assert job.total_rows == 100
    assert job.error_rows == 1
    message = in_indonesian("A NIK has 16 digits; this one has %(count)s.", count=15)
    assert message == "NIK terdiri dari 16 angka; yang ini 15 angka."
    sentence = said(43, "Peserta Uji 0041", "NIK", rows[41]["nik"], message)
    assert issues_of(job, 43) == [("nik", "error", sentence)]
    page = client.get(response["Location"]).content.decode()
    assert ">43</td>" in page
    assert sentence in page
    # The 99 others can still be imported without it, when asked for in so many words.
    assert "Impor 99 baris yang benar, lewati 1 baris bermasalah" in page
    assert job.file

    refused = client.post(f"/participants/import/{job.pk}/commit/", follow=True)

    assert refused.status_code == 200
    assert Participant.objects.count() == 0
    assert MigrationEpisode.objects.count() == 0


def test_a_clean_file_imports_every_row_with_its_episode_and_problems(
    client, case_worker_a, office_a
):
    rows = [returnee(n) for n in range(5)]
    client.force_login(case_worker_a)
    _response, job = upload(client, xlsx(rows))
    assert job.status == ImportJob.Status.VALIDATED
    assert job.error_rows == 0
    page = client.get(job.get_absolute_url()).content.decode()
    assert "/commit/" in page

    response = client.post(f"/participants/import/{job.pk}/commit/")

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED
    assert job.imported_count == 5
    assert job.committed_by == case_worker_a
    participants = Participant.objects.order_by("registration_number")
    assert [p.full_name for p in participants] == [row["full_name"] for row in rows]
    assert {p.office for p in participants} == {office_a}
    assert {p.created_by for p in participants} == {case_worker_a}
    assert len({p.registration_number for p in participants}) == 5
    assert all(p.registration_number.startswith("PMI-") for p in participants)
    first = participants.first()
    assert first.nik == rows[0]["nik"]
    assert first.village_id == "36.03.33.2001"
    assert first.jkn_segment == "pbi_apbn"
    assert first.jkn_status == "unknown"  # an empty cell is the form's default
    assert first.narrative == "Gaji tidak dibayar."
    episode = MigrationEpisode.objects.get(participant=first)
    assert episode.destination_country == "MY"
    assert episode.arrival_date == datetime.date(2025, 8, 20)
    assert sorted(first.problems.values_list("code", flat=True)) == [
        "physical_abuse",
        "unpaid_wages",
    ]
    assert ParticipantProblem.objects.count() == 10
    # The uploaded copy of the file is gone once its rows are in the database.
    assert not job.file


def test_each_imported_row_is_in_the_history_as_written_by_that_import_and_officer(
    client, case_worker_a
):
    rows = [returnee(n) for n in range(3)]
    client.force_login(case_worker_a)
    _response, job = upload(client, xlsx(rows))

    client.post(f"/participants/import/{job.pk}/commit/")

    for model in (Participant, MigrationEpisode, ParticipantProblem):
        events = model.pgh_event_model.objects.filter(
            pgh_label="insert" if model is not ParticipantProblem else "added"
        )
        assert events.count() == model.objects.count() > 0, model
        assert {event.pgh_context.metadata["import_job"] for event in events} == {job.pk}
        assert {event.pgh_context.metadata["user"] for event in events} == {case_worker_a.pk}
    for participant in Participant.objects.all():
        event = participant.events.get(pgh_label="insert")
        assert (event.full_name, event.nik) == (participant.full_name, participant.nik)


def test_a_nik_registered_while_the_rows_are_written_writes_none_of_them(
    client, case_worker_a, office_a, monkeypatch
):
    rows = [returnee(n) for n in range(3)]
    client.force_login(case_worker_a)
    _response, job = upload(client, xlsx(rows))
    check_file = imports.check_file

    def someone_registers_right_after_the_check(*args, **kwargs):
        result = check_file(*args, **kwargs)
        make_participant(office_a, case_worker_a, full_name="Orang Lain", nik=rows[1]["nik"])
        return result

    monkeypatch.setattr(imports, "check_file", someone_registers_right_after_the_check)
    client.post(f"/participants/import/{job.pk}/commit/")

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.failure == in_indonesian(
        "Nothing was imported: a participant with one of these NIKs was registered "
        "while the file was being written. Upload the file again to see which rows."
    )
    assert list(Participant.objects.values_list("full_name", flat=True)) == ["Orang Lain"]
    assert not MigrationEpisode.objects.exclude(participant__full_name="Orang Lain").exists()


def test_labels_names_and_text_dates_are_read_like_codes(client, case_worker_a):
    row = returnee(
        1,
        sex="Perempuan",
        birth_date=returnee(1)["birth_date"].strftime("%d-%m-%Y"),
        marital_status="Kawin",
        jkn_status="ACTIVE",
        destination_country="Arab Saudi",
        sector="Informal (domestic work and the like)",
        village="3603332001",
        problems="Gaji tidak dibayar; physical abuse",
    )
    client.force_login(case_worker_a)

    _response, job = upload(client, xlsx([row]))
    client.post(f"/participants/import/{job.pk}/commit/")

    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED, job.issues
    participant = Participant.objects.get()
    assert participant.sex == "F"
    assert participant.birth_date == returnee(1)["birth_date"]
    assert participant.jkn_status == "active"
    assert participant.village_id == "36.03.33.2001"
    assert participant.episodes.get().destination_country == "SA"
    assert participant.episodes.get().sector == "informal"
    assert sorted(participant.problems.values_list("code", flat=True)) == [
        "physical_abuse",
        "unpaid_wages",
    ]


def test_importing_the_same_file_twice_creates_no_duplicates(client, case_worker_a):
    rows = [returnee(n) for n in range(3)]
    client.force_login(case_worker_a)
    _response, first = upload(client, xlsx(rows))
    client.post(f"/participants/import/{first.pk}/commit/")
    assert Participant.objects.count() == 3

    _response, second = upload(client, xlsx(rows))

    assert second.status == ImportJob.Status.VALIDATED
    assert second.error_rows == 3
    page = client.get(second.get_absolute_url()).content.decode()
    assert in_indonesian("This NIK is already registered:") in page
    assert (
        in_indonesian("Every row is already registered: this file may have been imported before.")
        in page
    )
    response = client.post(f"/participants/import/{second.pk}/commit/")
    assert response.status_code == 302
    assert Participant.objects.count() == 3
    second.refresh_from_db()
    assert second.status == ImportJob.Status.VALIDATED


def test_a_nik_twice_in_the_file_is_reported_on_both_rows(client, case_worker_a):
    rows = [returnee(n) for n in range(3)]
    rows[2]["nik"] = rows[0]["nik"]
    rows[2]["birth_date"] = rows[0]["birth_date"]
    client.force_login(case_worker_a)

    _response, job = upload(client, xlsx(rows))

    assert job.error_rows == 2
    also_on = (
        "This NIK is also on row %(rows)s of this file.",
        "This NIK is also on rows %(rows)s of this file.",
    )
    on_row_2 = in_indonesian(*also_on, rows="4")
    on_row_4 = in_indonesian(*also_on, rows="2")
    nik = rows[0]["nik"]
    assert ("nik", "error", said(2, "Peserta Uji 0000", "NIK", nik, on_row_2)) in issues_of(job, 2)
    assert ("nik", "error", said(4, "Peserta Uji 0002", "NIK", nik, on_row_4)) in issues_of(job, 4)
    assert issues_of(job, 3) == []


def test_a_nik_already_registered_in_the_office_is_reported_with_the_record(
    client, case_worker_a, office_a
):
    existing = make_participant(office_a, case_worker_a, full_name="Siti Aminah")
    row = returnee(1, nik=existing.nik, birth_date=existing.birth_date, full_name="Siti A.")
    client.force_login(case_worker_a)

    _response, job = upload(client, xlsx([row]))

    [(column, level, message)] = issues_of(job, 2)
    assert (column, level) == ("nik", "error")
    assert "Siti Aminah" in message
    assert existing.registration_number in message
    assert f'href="/participants/{existing.pk}/"' in message


def test_a_nik_registered_by_another_office_names_the_number_but_not_the_person(
    client, case_worker_a, office_b, case_worker_b
):
    existing = make_participant(office_b, case_worker_b, full_name="Nur Halimah")
    row = returnee(1, nik=existing.nik, birth_date=existing.birth_date)
    client.force_login(case_worker_a)

    _response, job = upload(client, xlsx([row]))

    [(column, level, message)] = issues_of(job, 2)
    assert (column, level) == ("nik", "error")
    assert existing.registration_number in message
    assert "Nur Halimah" not in message


def test_rows_without_a_nik_alike_a_registered_person_or_each_other_are_caught(
    client, case_worker_a, office_a
):
    existing = make_participant(
        office_a, case_worker_a, full_name="Siti Aminah", birth_date=datetime.date(1990, 3, 15)
    )
    rows = [
        returnee(1, nik="", full_name="  siti   AMINAH ", birth_date=existing.birth_date),
        returnee(2, nik="", full_name="Dewi Lestari"),
        returnee(3, nik="", full_name="dewi lestari", birth_date=returnee(2)["birth_date"]),
    ]
    client.force_login(case_worker_a)

    _response, job = upload(client, xlsx(rows))

    # Like someone registered: decided on the preview. Like another row: an error.
    assert job.error_rows == 1
    [(column, level, message)] = issues_of(job, 2)
    assert (column, level) == ("full_name", "warning")
    assert existing.registration_number in message
    assert seen_on(job, 2) == str(existing.pk)
    assert issues_of(job, 3) == []
    [(column, _level, message)] = issues_of(job, 4)
    assert column == "full_name"
    assert "3" in message


def test_nik_warnings_are_shown_and_do_not_block_the_import(client, case_worker_a, office_a):
    make_participant(
        office_a, case_worker_a, full_name="Siti Aminah", birth_date=datetime.date(1990, 3, 15)
    )
    # Without her NIK, the same name and birth date make her someone to decide about.
    similar = returnee(
        1, full_name="Siti Aminah Sari", birth_date=datetime.date(1990, 3, 15), nik=""
    )
    other_sex = returnee(2, sex="M")
    client.force_login(case_worker_a)

    _response, job = upload(client, xlsx([similar, other_sex]))

    assert job.error_rows == 0
    assert job.warning_count == 2
    [(column, level, message)] = issues_of(job, 2)
    assert (column, level) == ("full_name", "warning")
    assert "Siti Aminah" in message
    woman = in_indonesian("The NIK is one of a woman, the form says male.")
    assert issues_of(job, 3) == [
        ("nik", "warning", said(3, "Peserta Uji 0002", "NIK", other_sex["nik"], woman))
    ]
    client.post(
        f"/participants/import/{job.pk}/commit/",
        {"decision-2": "different", "reason-2": "Lahir di Serang", "seen-2": seen_on(job, 2)},
    )
    assert Participant.objects.count() == 3


def test_what_a_cell_says_is_shown_as_text_in_the_preview(client, case_worker_a):
    client.force_login(case_worker_a)
    _response, job = upload(client, xlsx([returnee(1, sex="<script>alert(1)</script>")]))

    page = client.get(job.get_absolute_url()).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_checking_asks_the_database_the_same_number_of_times_for_any_number_of_rows(
    case_worker_a,
):
    def queries_for(count):
        file = xlsx([returnee(n) for n in range(count)])
        with CaptureQueriesContext(connection) as queries:
            result = import_rows.check_file(file, user=case_worker_a)
        assert result.error_rows == 0
        return len(queries)

    assert queries_for(3) == queries_for(40)


# --- File formats ----------------------------------------------------------------------


def test_a_csv_with_semicolons_and_a_byte_order_mark_is_imported(client, case_worker_a):
    rows = [returnee(n) for n in range(4)]
    client.force_login(case_worker_a)

    _response, job = upload(client, csv_upload(rows, delimiter=";", bom=True))

    assert job.status == ImportJob.Status.VALIDATED, job.failure
    assert job.error_rows == 0, job.issues
    client.post(f"/participants/import/{job.pk}/commit/")
    assert Participant.objects.count() == 4


def test_a_comma_csv_numbers_rows_like_the_spreadsheet(client, case_worker_a):
    rows = [returnee(n) for n in range(3)]
    rows[1]["village"] = "36.03.33.9999"
    client.force_login(case_worker_a)

    _response, job = upload(client, csv_upload(rows))

    assert [issue["row"] for issue in job.issues] == [3]
    assert job.issues[0]["column"] == "village"


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_message(client, case_worker_a):
    client.force_login(case_worker_a)

    response, job = upload(client, SimpleUploadedFile("peserta.xlsx", PDF_BYTES))

    assert response.status_code == 200
    assert job is None
    errors = response.context["form"].errors["file"]
    with translation.override("id"):
        expected = str(spreadsheets._not_a_spreadsheet())
    assert errors == [expected]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ".xls"),
        ("full_name;sex\nSiti Ma\u00e9mun;F\n".encode("cp1252"), "UTF-8"),
    ],
    ids=["old-excel", "csv-not-utf8"],
)
def test_files_excel_often_makes_are_refused_with_what_to_do(client, case_worker_a, content, words):
    client.force_login(case_worker_a)

    response, job = upload(client, SimpleUploadedFile("peserta.xls", content))

    assert job is None
    assert words in response.context["form"].errors["file"][0]


def test_a_text_file_without_the_template_header_is_refused(client, case_worker_a):
    client.force_login(case_worker_a)

    response, job = upload(client, SimpleUploadedFile("catatan.csv", b"nama,umur\nSiti,35\n"))

    assert job is None
    assert response.context["form"].errors["file"] == [
        'Baris 1 harus berisi nama kolom templat ("Nama lengkap", "NIK", "Jenis kelamin", ...). '
        "Unduh templat dan salin datanya ke dalamnya."
    ]


def test_a_file_with_too_many_rows_is_refused(client, case_worker_a, settings):
    settings.IMPORT_MAX_ROWS = 3
    client.force_login(case_worker_a)

    response, job = upload(client, xlsx([returnee(n) for n in range(4)]))

    assert job is None
    assert "3" in response.context["form"].errors["file"][0]


def test_the_template_is_an_xlsx_whose_header_names_the_columns_in_indonesian(
    client, case_worker_a
):
    client.force_login(case_worker_a)

    response = client.get(TEMPLATE_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == spreadsheets.XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    data, explanation = workbook.worksheets
    assert [cell.value for cell in data[1]] == INDONESIAN_HEADERS
    assert data.max_row == 1
    explained = list(explanation.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in explained[: len(INDONESIAN_HEADERS)]] == INDONESIAN_HEADERS
    # Column B: the names older files and the English template give the column.
    assert explained[0][1] == "Full name, full_name"
    [country] = [row for row in explained if row[0] == "Negara tujuan"]
    assert "SA = Arab Saudi" in country[4].split("\n")
    assert "KR = Korea Selatan" in country[4].split("\n")


def test_the_template_speaks_english_to_an_english_user(client, case_worker_a):
    client.force_login(case_worker_a)

    response = client.get(TEMPLATE_URL, HTTP_ACCEPT_LANGUAGE="en")

    data, explanation = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets
    header = [cell.value for cell in data[1]]
    assert header[:5] == ["Full name", "NIK", "KK number", "Sex", "Date of birth"]
    assert "Village code" in header
    [country] = [
        row for row in explanation.iter_rows(values_only=True) if row[0] == "Destination country"
    ]
    assert "SA = Saudi Arabia" in country[4].split("\n")


def test_the_filled_in_template_imports(client, case_worker_a):
    client.force_login(case_worker_a)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(TEMPLATE_URL).content))
    sheet = workbook.worksheets[0]
    row = returnee(7)
    sheet.append([row.get(column) for column in TEMPLATE_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)

    _response, job = upload(client, SimpleUploadedFile("isian.xlsx", buffer.getvalue()))

    assert job.status == ImportJob.Status.VALIDATED
    assert job.total_rows == 1
    assert job.error_rows == 0, job.issues


# --- Large files go through the task worker ----------------------------------------


def test_a_large_file_is_checked_by_a_task_while_the_page_shows_progress(
    client, case_worker_a, settings
):
    settings.IMPORT_BACKGROUND_ROWS = 3
    settings.TASKS = DUMMY
    client.force_login(case_worker_a)

    _response, job = upload(client, xlsx([returnee(n) for n in range(5)]))

    assert job.status == ImportJob.Status.VALIDATING
    [enqueued] = default_task_backend.results
    assert enqueued.task.func is imports.validate_import.func
    page = client.get(job.get_absolute_url()).content.decode()
    assert "<progress" in page
    assert 'hx-trigger="every 1s"' in page

    enqueued.task.call(*enqueued.args, **enqueued.kwargs)  # what the worker does

    partial = client.get(job.get_absolute_url(), **HTMX).content.decode()
    assert "<html" not in partial
    assert "<progress" not in partial
    assert "hx-trigger" not in partial
    assert f"/participants/import/{job.pk}/commit/" in partial
    job.refresh_from_db()
    assert (job.processed_rows, job.total_rows) == (5, 5)


def test_a_large_file_is_checked_and_imported_through_the_task_backend(
    client, case_worker_a, settings
):
    settings.IMPORT_BACKGROUND_ROWS = 3
    settings.TASKS = IMMEDIATE
    client.force_login(case_worker_a)

    _response, job = upload(client, xlsx([returnee(n) for n in range(5)]))
    assert job.status == ImportJob.Status.VALIDATED
    client.post(f"/participants/import/{job.pk}/commit/")

    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED
    assert Participant.objects.count() == 5


# --- Who may import ------------------------------------------------------------------


@pytest.mark.parametrize("url", [IMPORT_URL, TEMPLATE_URL])
def test_health_workers_may_not_import(client, health_worker_a, url):
    client.force_login(health_worker_a)

    assert client.get(url).status_code == 403


@pytest.mark.parametrize("user", ["dinsos_officer", "auditor_a"])
def test_agency_officers_and_auditors_do_not_see_the_import(client, request, user):
    client.force_login(request.getfixturevalue(user))

    assert client.get(IMPORT_URL).status_code == 404
    assert client.get(TEMPLATE_URL).status_code == 404


def test_another_offices_case_worker_cannot_open_or_commit_a_job(
    client, case_worker_a, case_worker_b
):
    client.force_login(case_worker_a)
    _response, job = upload(client, xlsx([returnee(1)]))
    client.force_login(case_worker_b)

    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.post(f"/participants/import/{job.pk}/commit/").status_code == 404
    assert Participant.objects.count() == 0


def test_a_health_worker_of_the_office_cannot_open_a_job(client, case_worker_a, health_worker_a):
    client.force_login(case_worker_a)
    _response, job = upload(client, xlsx([returnee(1)]))
    client.force_login(health_worker_a)

    # Import jobs are seen only by who may register people: for others there is none.
    assert client.get(job.get_absolute_url()).status_code == 404


def test_a_coordinator_of_the_office_can_commit_a_case_workers_upload(
    client, case_worker_a, coordinator_a
):
    client.force_login(case_worker_a)
    _response, job = upload(client, xlsx([returnee(1)]))
    client.force_login(coordinator_a)

    client.post(f"/participants/import/{job.pk}/commit/")

    assert Participant.objects.get().created_by == coordinator_a


def test_the_participant_list_links_to_the_import_for_editors_only(
    client, case_worker_a, health_worker_a
):
    client.force_login(case_worker_a)
    assert 'href="/participants/import/"' in client.get("/participants/").content.decode()

    client.force_login(health_worker_a)
    assert 'href="/participants/import/"' not in client.get("/participants/").content.decode()


def test_administrators_can_follow_import_jobs_in_the_admin(client, admin_user, case_worker_a):
    client.force_login(case_worker_a)
    _response, job = upload(client, xlsx([returnee(1)]))
    client.force_login(admin_user)

    assert client.get("/admin/participants/importjob/").status_code == 200
    assert client.get(f"/admin/participants/importjob/{job.pk}/change/").status_code == 200


def test_each_status_of_an_import_is_kept_in_its_history_with_who_started_the_writing(
    client, case_worker_a
):
    client.force_login(case_worker_a)
    _response, job = upload(client, xlsx([returnee(n) for n in range(2)]))

    client.post(f"/participants/import/{job.pk}/commit/")

    history = job.status_events.order_by("pgh_id")
    assert list(history.values_list("pgh_label", "status")) == [
        ("created", "validating"),
        ("status_changed", "validated"),
        ("status_changed", "committing"),
        ("status_changed", "committed"),
    ]
    assert history[2].pgh_context.metadata["user"] == case_worker_a.pk


def test_a_checked_file_is_not_imported_twice(client, case_worker_a):
    client.force_login(case_worker_a)
    _response, job = upload(client, xlsx([returnee(0)]))
    client.post(f"/participants/import/{job.pk}/commit/")

    response = client.post(f"/participants/import/{job.pk}/commit/", follow=True)

    assert Participant.objects.count() == 1
    assert "tidak dapat diimpor" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED


# --- Rows that may be people registered already ---------------------------------------


def _sri_wahyuni_registered_and_a_file_with_her_again(office_a, case_worker_a):
    first = make_participant(
        office_a, case_worker_a, full_name="Sri Wahyuni", birth_date=datetime.date(1987, 9, 30)
    )
    again = returnee(1, full_name="Sri Wahyuni", birth_date=datetime.date(1987, 9, 30), nik="")
    return first, xlsx([again, returnee(2)])


def test_a_row_that_may_be_someone_registered_shows_them_side_by_side_in_the_preview(
    client, case_worker_a, office_a
):
    first, file = _sri_wahyuni_registered_and_a_file_with_her_again(office_a, case_worker_a)
    client.force_login(case_worker_a)

    _response, job = upload(client, file)

    assert job.error_rows == 0
    assert seen_on(job, 2) == str(first.pk)
    page = client.get(job.get_absolute_url()).content.decode()
    assert first.registration_number in page
    assert f'href="/participants/{first.pk}/"' in page
    assert 'name="decision-2"' in page and 'name="reason-2"' in page


def test_an_undecided_row_writes_nothing_and_keeps_what_was_chosen(client, case_worker_a, office_a):
    _first, file = _sri_wahyuni_registered_and_a_file_with_her_again(office_a, case_worker_a)
    client.force_login(case_worker_a)
    _response, job = upload(client, file)

    response = client.post(
        f"/participants/import/{job.pk}/commit/",
        {"decision-2": "different", "reason-2": "", "seen-2": seen_on(job, 2)},
    )

    assert response.status_code == 400
    assert "decision-2" in response.content.decode()
    assert Participant.objects.count() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED


def test_the_same_person_is_left_out_and_a_different_one_is_imported_with_the_reason(
    client, case_worker_a, office_a
):
    first, file = _sri_wahyuni_registered_and_a_file_with_her_again(office_a, case_worker_a)
    client.force_login(case_worker_a)
    _response, job = upload(client, file)

    client.post(
        f"/participants/import/{job.pk}/commit/",
        {"decision-2": "same", "seen-2": seen_on(job, 2)},
    )

    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED
    assert job.imported_count == 1
    assert Participant.objects.filter(full_name="Sri Wahyuni").count() == 1
    assert not PossibleDuplicate.objects.exists()

    _response, again = upload(
        client, xlsx([returnee(1, full_name="Sri Wahyuni", birth_date=first.birth_date, nik="")])
    )
    client.post(
        f"/participants/import/{again.pk}/commit/",
        {"decision-2": "different", "reason-2": "Adiknya, lahir kembar", "seen-2": str(first.pk)},
    )

    second = Participant.objects.filter(full_name="Sri Wahyuni").exclude(pk=first.pk).get()
    pair = PossibleDuplicate.objects.get()
    assert (pair.first, pair.second) == (first, second)
    assert pair.decision == PossibleDuplicate.Decision.DIFFERENT
    assert (pair.decided_by, pair.note) == (case_worker_a, "Adiknya, lahir kembar")


def test_someone_registered_between_the_check_and_the_import_stops_it_for_a_decision(
    client, case_worker_a, office_a
):
    row = returnee(1, full_name="Sri Wahyuni", birth_date=datetime.date(1987, 9, 30), nik="")
    client.force_login(case_worker_a)
    _response, job = upload(client, xlsx([row]))
    assert job.warning_count == 0
    # A colleague registers her at the desk while the file waits in the preview.
    make_participant(
        office_a, case_worker_a, full_name="Sri Wahyuni", birth_date=datetime.date(1987, 9, 30)
    )

    client.post(f"/participants/import/{job.pk}/commit/")

    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED
    assert job.failure == in_indonesian(
        "Nothing was imported: someone registered meanwhile may be the same person as a row "
        "of this file. Decide again below."
    )
    assert seen_on(job, 2)
    assert Participant.objects.count() == 1


def test_a_name_longer_than_a_record_holds_is_an_error_of_its_row_only(client, case_worker_a):
    client.force_login(case_worker_a)

    _response, job = upload(client, xlsx([returnee(1, full_name="Siti " * 80), returnee(2)]))

    assert job.status == ImportJob.Status.VALIDATED
    assert job.error_rows == 1
    assert [column for column, _level, _message in issues_of(job, 2)] == ["full_name"]
