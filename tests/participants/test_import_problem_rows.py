"""An import with some bad rows: messages office staff can act on, the bad rows to download
and fix, and the good rows imported without them when asked for in so many words."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AccessLog
from participants.models import ImportJob, MigrationEpisode, Participant, ParticipantProblem
from tests.factories import valid_nik

from .helpers import make_participant
from .test_import import (
    INDONESIAN_HEADERS,
    TEMPLATE_COLUMNS,
    csv_upload,
    issues_of,
    returnee,
    upload,
    xlsx,
)

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ENGLISH_HEADERS = [
    "Full name", "NIK", "KK number", "Sex", "Date of birth", "Place of birth", "Phone",
    "Passport number", "Address", "Village code", "Marital status", "Education", "Religion",
    "JKN segment", "JKN status", "BPJS Ketenagakerjaan status", "DTSEN decile",
    "Problems experienced", "What happened", "Destination country", "Occupation", "Sector",
    "Placement scheme", "Employer", "P3MI (placement company)", "Departure date",
    "Arrival date in Indonesia", "Return type", "SiskoP2MI / E-PMI id",
]  # fmt: skip
BAD_DATE = (
    'Baris 7 (Siti Aminah): kolom "Tanggal lahir" berisi "31-02-1990", bukan tanggal yang '
    "valid. Tulis sebagai HH-BB-TTTT, misalnya 17-08-1990."
)
BAD_COUNTRY = (
    'Baris 9 (Dewi Lestari): kolom "Negara tujuan" berisi "Narnia", bukan negara yang dikenal '
    "sistem ini. Tulis nama negaranya, misalnya Malaysia, Taiwan, Arab Saudi, atau kode ISO-nya."
)


@pytest.fixture(autouse=True)
def _media(media_root):
    """Uploaded files go to a temporary folder."""


def twenty_rows_two_bad():
    """20 rows: row 7 (Siti Aminah) has a 31 February, row 9 (Dewi Lestari) a made-up
    country, and a narrative that a spreadsheet would take for a formula."""
    rows = [returnee(n) for n in range(20)]
    rows[5].update(full_name="Siti Aminah", birth_date="31-02-1990")
    rows[7].update(
        full_name="Dewi Lestari",
        destination_country="Narnia",
        narrative="@majikan tidak membayar gaji",
    )
    return rows


def with_header(rows, header, name="peserta.xlsx"):
    """The rows under another row 1: `header` names the template's columns in order."""
    file = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append([row.get(column) for column in TEMPLATE_COLUMNS])
    workbook.save(file)
    return SimpleUploadedFile(name, file.getvalue())


def good_names(rows):
    return sorted(row["full_name"] for n, row in enumerate(rows) if n not in (5, 7))


# --- The messages ------------------------------------------------------------------------


def test_a_message_names_the_row_the_person_the_column_in_indonesian_and_the_value(
    client, case_worker_a
):
    client.force_login(case_worker_a)

    _response, job = upload(client, xlsx(twenty_rows_two_bad()))

    assert job.error_rows == 2
    assert issues_of(job, 7) == [("birth_date", "error", BAD_DATE)]
    assert issues_of(job, 9) == [("destination_country", "error", BAD_COUNTRY)]
    page = client.get(job.get_absolute_url()).content.decode()
    assert BAD_DATE in page
    assert BAD_COUNTRY in page
    assert ">Tanggal lahir</td>" in page  # the column, as the template names it


def test_a_row_without_a_name_is_named_by_its_nik(client, case_worker_a):
    row = returnee(1, full_name="")
    client.force_login(case_worker_a)

    _response, job = upload(client, xlsx([row]))

    assert issues_of(job, 2) == [
        (
            "full_name",
            "error",
            f'Baris 2 ({row["nik"]}): kolom "Nama lengkap" kosong, padahal wajib diisi.',
        )
    ]


def test_an_english_user_reads_the_messages_in_english(client, case_worker_a):
    client.force_login(case_worker_a)

    response = client.post("/participants/import/", {"file": xlsx(twenty_rows_two_bad())}, **EN)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert issues_of(job, 7) == [
        (
            "birth_date",
            "error",
            'Row 7 (Siti Aminah): column "Date of birth" holds "31-02-1990", which is not a '
            "valid date. Write it as DD-MM-YYYY, e.g. 17-08-1990.",
        )
    ]
    [(_column, _level, country)] = issues_of(job, 9)
    assert country == (
        'Row 9 (Dewi Lestari): column "Destination country" holds "Narnia", which is not a '
        "country this system knows. Write the country's name, e.g. Malaysia, Taiwan, Saudi "
        "Arabia, or its ISO code."
    )


def test_a_file_with_the_english_headers_imports(client, case_worker_a):
    rows = [returnee(n) for n in range(3)]
    client.force_login(case_worker_a)

    _response, job = upload(client, with_header(rows, ENGLISH_HEADERS))
    client.post(f"/participants/import/{job.pk}/commit/")

    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED, job.issues
    assert sorted(Participant.objects.values_list("full_name", flat=True)) == sorted(
        row["full_name"] for row in rows
    )


def test_the_old_internal_headers_still_import(client, case_worker_a):
    client.force_login(case_worker_a)

    _response, job = upload(client, xlsx([returnee(1)], columns=TEMPLATE_COLUMNS))
    client.post(f"/participants/import/{job.pk}/commit/")

    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED, job.issues
    assert Participant.objects.get().full_name == returnee(1)["full_name"]


def test_a_missing_required_column_is_named_in_indonesian(client, case_worker_a):
    columns = [name for name in INDONESIAN_HEADERS if name != "Tanggal lahir"]
    file = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(columns)
    workbook.active.append(["Siti Aminah"])
    workbook.save(file)
    client.force_login(case_worker_a)

    response, job = upload(client, SimpleUploadedFile("peserta.xlsx", file.getvalue()))

    assert job is None
    assert response.context["form"].errors["file"] == ['Kolom wajib "Tanggal lahir" tidak ada.']


# --- The rows with problems, to download ----------------------------------------------------


def test_the_rows_with_problems_download_with_the_same_headers_and_what_to_fix(
    client, case_worker_a
):
    rows = twenty_rows_two_bad()
    client.force_login(case_worker_a)
    _response, job = upload(client, with_header(rows, INDONESIAN_HEADERS))
    page = client.get(job.get_absolute_url()).content.decode()
    assert f'href="/participants/import/{job.pk}/problems.xlsx"' in page

    response = client.get(f"/participants/import/{job.pk}/problems.xlsx")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert 'filename="peserta - baris bermasalah.xlsx"' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert table[0] == [*INDONESIAN_HEADERS, "Masalah"]
    assert len(table) == 3  # the header and the two rows with problems, nothing else
    siti, dewi = table[1:]
    assert siti[0] == "Siti Aminah"
    assert siti[INDONESIAN_HEADERS.index("Tanggal lahir")] == "31-02-1990"
    assert siti[INDONESIAN_HEADERS.index("NIK")] == rows[5]["nik"]
    assert siti[-1] == BAD_DATE
    assert dewi[0] == "Dewi Lestari"
    assert dewi[INDONESIAN_HEADERS.index("Negara tujuan")] == "Narnia"
    assert dewi[-1] == BAD_COUNTRY
    # A cell that would start a formula is text, and says so.
    narrative = sheet.cell(row=3, column=INDONESIAN_HEADERS.index("Kronologi kejadian") + 1)
    assert narrative.data_type == "s"
    assert narrative.value == "'@majikan tidak membayar gaji"
    entry = AccessLog.objects.get(action=AccessLog.Action.DOWNLOAD)
    assert (entry.user, entry.object_type, entry.object_id) == (
        case_worker_a,
        "participants.importjob",
        str(job.pk),
    )


def test_the_rows_with_problems_of_a_semicolon_csv_download_as_such(client, case_worker_a):
    rows = twenty_rows_two_bad()
    rows[5]["narrative"] = '=HYPERLINK("http://x","klik")'
    client.force_login(case_worker_a)
    _response, job = upload(client, csv_upload(rows, delimiter=";"))

    response = client.get(f"/participants/import/{job.pk}/problems.csv")

    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0] == [*TEMPLATE_COLUMNS, "Masalah"]
    assert [line[0] for line in lines[1:]] == ["Siti Aminah", "Dewi Lestari"]
    assert lines[1][-1] == BAD_DATE
    assert lines[1][TEMPLATE_COLUMNS.index("narrative")] == '\'=HYPERLINK("http://x","klik")'


def test_the_fixed_rows_upload_again_without_a_word_about_the_problem_column(client, case_worker_a):
    client.force_login(case_worker_a)
    _response, job = upload(client, xlsx(twenty_rows_two_bad()))
    content = client.get(f"/participants/import/{job.pk}/problems.xlsx").content
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    born = returnee(5)["birth_date"]  # the date her NIK gives
    sheet.cell(row=2, column=TEMPLATE_COLUMNS.index("birth_date") + 1).value = f"{born:%d-%m-%Y}"
    sheet.cell(row=3, column=TEMPLATE_COLUMNS.index("destination_country") + 1).value = "Taiwan"
    fixed = io.BytesIO()
    workbook.save(fixed)

    _response, again = upload(client, SimpleUploadedFile("diperbaiki.xlsx", fixed.getvalue()))

    assert (again.error_rows, again.warning_count) == (0, 0), again.issues
    client.post(f"/participants/import/{again.pk}/commit/")
    dewi = Participant.objects.get(full_name="Dewi Lestari")
    assert dewi.episodes.get().destination_country == "TW"
    assert dewi.narrative == "@majikan tidak membayar gaji"  # as written, the quote gone
    assert Participant.objects.get(full_name="Siti Aminah").birth_date == born


@pytest.mark.parametrize("user", ["case_worker_b", "health_worker_a", "auditor_a"])
def test_the_rows_with_problems_are_seen_by_whoever_sees_the_job_only(client, request, user):
    client.force_login(request.getfixturevalue("case_worker_a"))
    _response, job = upload(client, xlsx(twenty_rows_two_bad()))
    client.force_login(request.getfixturevalue(user))

    assert client.get(f"/participants/import/{job.pk}/problems.xlsx").status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).exists()


def test_a_job_without_problems_has_no_rows_to_download(client, case_worker_a):
    client.force_login(case_worker_a)
    _response, job = upload(client, xlsx([returnee(1)]))

    assert client.get(f"/participants/import/{job.pk}/problems.xlsx").status_code == 404
    assert "problems.xlsx" not in client.get(job.get_absolute_url()).content.decode()


# --- Importing the good rows without the bad ------------------------------------------------


def test_the_page_says_how_many_rows_are_good_and_what_skipping_the_others_means(
    client, case_worker_a
):
    client.force_login(case_worker_a)
    _response, job = upload(client, xlsx(twenty_rows_two_bad()))

    page = client.get(job.get_absolute_url()).content.decode()

    assert "<strong>18</strong> baris benar" in page
    assert "<strong>2</strong> baris bermasalah" in page
    assert "Impor 18 baris yang benar, lewati 2 baris bermasalah</button>" in page
    assert "2 baris bermasalah dilewati dan tidak disimpan." in page
    assert 'name="skip" value="7,9"' in page
    assert Participant.objects.count() == 0  # nothing until the button is pressed


def test_the_good_rows_are_imported_and_exactly_those(client, case_worker_a):
    rows = twenty_rows_two_bad()
    client.force_login(case_worker_a)
    _response, job = upload(client, xlsx(rows))

    response = client.post(f"/participants/import/{job.pk}/commit/", {"skip": "7,9"})

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED
    assert (job.imported_count, job.skipped_rows) == (18, [7, 9])
    assert sorted(Participant.objects.values_list("full_name", flat=True)) == good_names(rows)
    assert MigrationEpisode.objects.count() == 18
    assert ParticipantProblem.objects.count() == 36
    assert not job.file  # imported: the upload is gone, the two rows are kept to download
    page = client.get(job.get_absolute_url()).content.decode()
    assert "18 peserta berhasil diimpor." in page
    assert "2 baris bermasalah dilewati dan tidak disimpan." in page
    assert f'href="/participants/import/{job.pk}/problems.xlsx"' in page
    download = client.get(f"/participants/import/{job.pk}/problems.xlsx")
    table = list(openpyxl.load_workbook(io.BytesIO(download.content)).worksheets[0].values)
    assert [row[0] for row in table[1:]] == ["Siti Aminah", "Dewi Lestari"]


def test_without_the_button_nothing_is_imported(client, case_worker_a):
    client.force_login(case_worker_a)
    _response, job = upload(client, xlsx(twenty_rows_two_bad()))

    # The import of a clean file, asked for on a file with bad rows: refused.
    response = client.post(f"/participants/import/{job.pk}/commit/", follow=True)

    assert "tidak dapat diimpor" in response.content.decode()
    assert Participant.objects.count() == 0
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED
    assert job.file  # the good rows can still be imported


def test_rows_to_skip_other_than_those_shown_import_nothing(client, case_worker_a):
    client.force_login(case_worker_a)
    _response, job = upload(client, xlsx(twenty_rows_two_bad()))

    response = client.post(f"/participants/import/{job.pk}/commit/", {"skip": "7"}, follow=True)

    assert "baris bermasalah tidak sama dengan yang ditampilkan" in response.content.decode()
    assert Participant.objects.count() == 0
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED


def test_a_failure_half_way_through_the_good_rows_leaves_the_database_as_it_was(
    client, case_worker_a, monkeypatch
):
    client.force_login(case_worker_a)
    _response, job = upload(client, xlsx(twenty_rows_two_bad()))

    def break_down(*args, **kwargs):
        raise RuntimeError("the disk is full")

    # The participants and their episodes are written; their problems fail.
    monkeypatch.setattr(ParticipantProblem.objects, "bulk_create", break_down)
    client.post(f"/participants/import/{job.pk}/commit/", {"skip": "7,9"})

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert Participant.objects.count() == 0
    assert MigrationEpisode.objects.count() == 0


def test_a_good_row_gone_bad_before_writing_stops_the_import_for_a_new_look(
    client, case_worker_a, office_a
):
    rows = twenty_rows_two_bad()
    client.force_login(case_worker_a)
    _response, job = upload(client, xlsx(rows))
    # A colleague registers the person of row 2 at the desk meanwhile.
    make_participant(
        office_a,
        case_worker_a,
        full_name=rows[0]["full_name"],
        nik=rows[0]["nik"],
        birth_date=rows[0]["birth_date"],
    )

    client.post(f"/participants/import/{job.pk}/commit/", {"skip": "7,9"})

    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED
    assert job.failure == (
        "Tidak ada yang diimpor: pemeriksaan sebelum menyimpan menemukan baris bermasalah yang "
        "berbeda dari yang Anda pilih untuk dilewati. Periksa di bawah."
    )
    assert job.error_rows == 3
    assert Participant.objects.count() == 1
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Impor 17 baris yang benar, lewati 3 baris bermasalah" in page


def test_a_file_whose_every_row_is_bad_offers_no_import(client, case_worker_a):
    rows = [returnee(n, birth_date="31-02-1990", nik=valid_nik(datetime.date(1990, 1, 1), "F", n))
            for n in range(2)]  # fmt: skip
    client.force_login(case_worker_a)

    _response, job = upload(client, xlsx(rows))

    page = client.get(job.get_absolute_url()).content.decode()
    assert job.error_rows == 2
    assert "/commit/" not in page
    assert "problems.xlsx" in page
    assert not job.file  # nothing in it can be imported
