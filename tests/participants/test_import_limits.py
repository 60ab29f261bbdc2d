"""Limits of an import file: what it unpacks to and how many rows it has, enforced while reading.

The upload request does bounded work whatever the file: a zip bomb is refused from its
zip directory or within the unpacked limit, rows are counted from the bytes, and a
workbook too large to parse in a request goes to the worker. The tests measure the
work through hooks (bytes unpacked, rows openpyxl parsed), never the time.
"""

import csv
import io
import random
import struct
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django_tasks import default_task_backend
from openpyxl.worksheet._reader import WorkSheetParser

from participants import imports, spreadsheets
from participants.models import ImportJob, Participant

from .test_import import DUMMY, TEMPLATE_COLUMNS, csv_upload, returnee, upload, xlsx

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _media(media_root):
    """Uploaded files go to a temporary folder."""


@pytest.fixture
def reading(monkeypatch):
    """What reading costs: bytes out of zip members, rows openpyxl parsed, workbooks opened."""
    counts = {"unpacked": 0, "rows_parsed": 0, "workbooks_opened": 0}
    read, parse_row, load = (
        zipfile.ZipExtFile.read,
        WorkSheetParser.parse_row,
        openpyxl.load_workbook,
    )

    def counting_read(self, n=-1):
        data = read(self, n)
        counts["unpacked"] += len(data)
        return data

    def counting_parse_row(self, row):
        counts["rows_parsed"] += 1
        return parse_row(self, row)

    def counting_load(*args, **kwargs):
        counts["workbooks_opened"] += 1
        return load(*args, **kwargs)

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    monkeypatch.setattr(WorkSheetParser, "parse_row", counting_parse_row)
    monkeypatch.setattr(openpyxl, "load_workbook", counting_load)
    return counts


def message(error):
    """An ImportFileError's text as the default language shows it."""
    with translation.override("id"):
        return str(error())


def form_error(response):
    return response.context["form"].errors["file"]


def nothing_written():
    return not ImportJob.objects.exists() and not Participant.objects.exists()


# Workbooks built by hand --------------------------------------------------------


def header_row():
    cells = "".join(
        f'<c r="{openpyxl.utils.get_column_letter(i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for i, name in enumerate(TEMPLATE_COLUMNS, start=1)
    )
    return f'<row r="1">{cells}</row>'.encode()


def sheet_xml(body_chunks, *, dimension=None, header=None):
    """A worksheet's XML in pieces: the template header, then the given rows."""
    yield b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    if dimension:
        yield f'<dimension ref="{dimension}"/>'.encode()
    yield b"<sheetData>" + (header or header_row())
    yield from body_chunks
    yield b"</sheetData></worksheet>"


def workbook_with_sheet(chunks, name="peserta.xlsx"):
    """A real workbook (openpyxl's parts) whose first sheet's XML is `chunks`, streamed in."""
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    source = zipfile.ZipFile(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename == SHEET:
                with archive.open(SHEET, "w") as member:
                    for chunk in chunks:
                        member.write(chunk)
            else:
                archive.writestr(info, source.read(info))
    return out.getvalue()


def repeated_rows(total_bytes):
    row = b'<row><c t="inlineStr"><is><t>Siti Aminah</t></is></c></row>' * 1000
    for _ in range(total_bytes // len(row)):
        yield row


def upload_bytes(content, name="peserta.xlsx"):
    return SimpleUploadedFile(name, content, content_type=spreadsheets.XLSX_CONTENT_TYPE)


def declared_size(content, name, size):
    """The workbook with `name`'s unpacked size in the zip directory set to `size`."""
    data = bytearray(content)
    entry = 0
    while True:
        entry = data.index(b"PK\x01\x02", entry)  # an entry of the central directory
        name_length = struct.unpack_from("<H", data, entry + 28)[0]
        if data[entry + 46 : entry + 46 + name_length] == name.encode():
            break
        entry += 4
    struct.pack_into("<I", data, entry + 24, size)
    return bytes(data)


def without_dimension(content):
    """The workbook with its first sheet's <dimension> taken out, as some writers do."""
    return rewrite_sheet(content, lambda xml: _drop(xml, b"<dimension", b"/>"))


def with_dimension(content, ref):
    """The workbook with its first sheet claiming the size `ref`."""
    return rewrite_sheet(
        without_dimension(content),
        lambda xml: xml.replace(b"<sheetData>", f'<dimension ref="{ref}"/><sheetData>'.encode(), 1),
    )


def _drop(xml, start, end):
    at = xml.find(start)
    if at == -1:
        return xml
    return xml[:at] + xml[xml.index(end, at) + len(end) :]


def rewrite_sheet(content, change):
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            archive.writestr(info.filename, change(data) if info.filename == SHEET else data)
    return out.getvalue()


# --- Zip bombs --------------------------------------------------------------------


@pytest.mark.parametrize("dimension", ["A1:AC2", None], ids=["lying-dimension", "no-dimension"])
def test_a_small_workbook_unpacking_to_150_mb_is_refused_before_anything_is_unpacked(
    client, case_worker_a, reading, dimension
):
    content = workbook_with_sheet(sheet_xml(repeated_rows(150 * MB), dimension=dimension))
    assert len(content) < MB  # a few hundred KB
    client.force_login(case_worker_a)
    reading["unpacked"] = 0

    response, _job = upload(client, upload_bytes(content))

    assert form_error(response) == [message(spreadsheets._unpacks_too_large)]
    assert nothing_written()
    assert reading["unpacked"] == 0  # the zip directory was enough
    assert reading["workbooks_opened"] == reading["rows_parsed"] == 0


def test_one_cell_holding_a_huge_string_is_refused_as_packed_like_a_bomb(
    client, case_worker_a, reading
):
    cell = [b'<row r="2"><c r="A2" t="inlineStr"><is><t>', b"A" * (40 * MB), b"</t></is></c></row>"]
    content = workbook_with_sheet(sheet_xml(cell))
    assert len(content) < MB
    client.force_login(case_worker_a)

    response, _job = upload(client, upload_bytes(content))

    assert form_error(response) == [message(spreadsheets._packed_like_a_bomb)]
    assert nothing_written()
    assert reading["workbooks_opened"] == reading["rows_parsed"] == 0


def test_a_workbook_whose_zip_directory_understates_its_size_is_unpacked_no_further(
    client, case_worker_a, reading
):
    # 30 MB of rows, declared as 600 KB: small enough for every check of the directory.
    honest = workbook_with_sheet(sheet_xml(repeated_rows(30 * MB)))
    content = declared_size(honest, SHEET, 600 * 1024)
    assert zipfile.ZipFile(io.BytesIO(content)).getinfo(SHEET).file_size == 600 * 1024
    client.force_login(case_worker_a)
    reading["unpacked"] = 0

    response, _job = upload(client, upload_bytes(content))

    assert form_error(response) == [message(spreadsheets._damaged)]
    assert nothing_written()
    assert reading["unpacked"] < MB
    assert reading["workbooks_opened"] == reading["rows_parsed"] == 0


def test_the_scan_stops_as_soon_as_more_than_the_limit_comes_out(settings, monkeypatch, reading):
    # The limit comes down to 3 MB; the directory is not asked, only the bytes coming out.
    settings.IMPORT_MAX_ROWS = 1024
    monkeypatch.setattr(spreadsheets, "UNPACKED_BYTES_PER_ROW", 1024)
    limit = spreadsheets.unpacked_limit()
    assert limit == 3 * MB
    content = workbook_with_sheet(sheet_xml(repeated_rows(20 * MB)))
    reading["unpacked"] = 0

    with pytest.raises(spreadsheets.ImportFileError) as refused:
        spreadsheets.WorkbookScan(io.BytesIO(content))

    assert str(refused.value) == str(spreadsheets._unpacks_too_large())
    assert limit < reading["unpacked"] <= limit + spreadsheets.CHUNK_BYTES
    assert reading["rows_parsed"] == 0


def test_a_real_workbook_of_the_template_is_far_below_the_limits():
    rows = [returnee(n) for n in range(200)]
    archive = zipfile.ZipFile(io.BytesIO(xlsx(rows).read()))
    unpacked = sum(info.file_size for info in archive.infolist())
    sheet = archive.getinfo(SHEET)

    # 200 rows of every column: well within 4 KB a row, and packed like text.
    assert unpacked < 200 * spreadsheets.UNPACKED_BYTES_PER_ROW / 2
    assert sheet.file_size / sheet.compress_size < spreadsheets.MAX_COMPRESSION_RATIO / 5


# --- Rows -------------------------------------------------------------------------


def xlsx_bytes(count):
    return xlsx([returnee(n) for n in range(count)]).read()


def write_only_xlsx(count):
    """Written in openpyxl's write-only mode, which records no sheet size."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(TEMPLATE_COLUMNS)
    for n in range(count):
        row = returnee(n)
        sheet.append([row.get(column) for column in TEMPLATE_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


KINDS = {
    "xlsx": lambda count: upload_bytes(xlsx_bytes(count)),
    "no-dimension": lambda count: upload_bytes(write_only_xlsx(count)),
    "lying-dimension": lambda count: upload_bytes(with_dimension(xlsx_bytes(count), "A1:AC2")),
    "csv": lambda count: csv_upload([returnee(n) for n in range(count)]),
}


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_one_row_over_the_limit_is_refused_before_its_rows_are_parsed(
    client, case_worker_a, settings, reading, kind
):
    settings.IMPORT_MAX_ROWS = 5
    file = KINDS[kind](6)
    client.force_login(case_worker_a)

    response, _job = upload(client, file)

    assert form_error(response) == [message(spreadsheets.too_many_rows)]
    assert "5" in form_error(response)[0]
    assert nothing_written()
    assert reading["rows_parsed"] <= 2  # reading the header parses rows 1 and 2


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_at_the_row_limit_is_checked_to_its_last_row(client, case_worker_a, settings, kind):
    settings.IMPORT_MAX_ROWS = 5
    client.force_login(case_worker_a)

    _response, job = upload(client, KINDS[kind](5))

    assert job.status == ImportJob.Status.VALIDATED
    assert (job.total_rows, job.error_rows) == (5, 0), job.issues


def test_a_csv_stops_at_the_first_row_over_the_limit(settings):
    settings.IMPORT_MAX_ROWS = 5
    file = csv_upload([returnee(n) for n in range(50)])
    read = []

    with spreadsheets.Sheet(file) as sheet, pytest.raises(spreadsheets.ImportFileError) as refused:
        for number, _cells in sheet.rows():
            read.append(number)

    assert str(refused.value) == str(spreadsheets.too_many_rows())
    assert read == [2, 3, 4, 5, 6]


def test_a_workbook_with_too_many_rows_is_refused_by_the_worker_before_a_row_is_parsed(
    client, case_worker_a, settings, reading
):
    settings.IMPORT_MAX_ROWS = 5
    settings.IMPORT_BACKGROUND_ROWS = 3
    settings.TASKS = DUMMY
    client.force_login(case_worker_a)
    _response, job = upload(client, upload_bytes(xlsx_bytes(5)))
    [enqueued] = default_task_backend.results
    settings.IMPORT_MAX_ROWS = 4  # lowered while the file waits for the worker
    reading["rows_parsed"] = 0

    enqueued.task.call(*enqueued.args, **enqueued.kwargs)  # what the worker does

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    with translation.override(job.language):
        assert job.failure == str(spreadsheets.too_many_rows())
    assert not Participant.objects.exists()
    assert reading["rows_parsed"] <= 2


# --- What a request leaves to the worker -----------------------------------------


# fmt: off
WORDS = [
    "gaji", "tidak", "dibayar", "majikan", "paspor", "ditahan", "kerja", "tanpa", "libur",
    "sakit", "pulang",
]
# fmt: on


def long_text(size, rng):
    words = rng.choices(WORDS, k=size // 6)
    return " ".join(words)[:size]


def test_a_workbook_too_large_to_check_in_a_request_goes_to_the_worker_whatever_its_rows(
    client, case_worker_a, settings
):
    settings.TASKS = DUMMY
    rng = random.Random(5)  # noqa: S311 (made-up text, not secrets)
    # A cell holds at most 32,767 characters: 200 rows of notes make 6 MB.
    rows = [returnee(n, catatan=long_text(30_000, rng)) for n in range(200)]
    file = xlsx(rows, columns=[*TEMPLATE_COLUMNS, "catatan"])
    client.force_login(case_worker_a)

    _response, job = upload(client, file)

    assert job.total_rows == 200 < settings.IMPORT_BACKGROUND_ROWS
    assert job.status == ImportJob.Status.VALIDATING
    [enqueued] = default_task_backend.results
    assert enqueued.task.func is imports.validate_import.func


def test_a_sheet_too_large_to_open_in_a_request_leaves_its_header_to_the_worker(
    client, case_worker_a, settings, reading
):
    settings.TASKS = DUMMY
    rng = random.Random(7)  # noqa: S311 (made-up text, not secrets)
    header = b'<row r="1"><c r="A1" t="inlineStr"><is><t>nama</t></is></c></row>'
    body = (
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{long_text(9000, rng)}</t></is></c></row>'
        .encode()
        for n in range(2, 2002)
    )  # fmt: skip
    content = workbook_with_sheet(sheet_xml(body, header=header))  # no <dimension>: 18 MB
    assert spreadsheets.WorkbookScan(io.BytesIO(content)).opening_bytes > (
        spreadsheets.REQUEST_PARSE_BYTES
    )
    client.force_login(case_worker_a)
    reading["workbooks_opened"] = 0

    _response, job = upload(client, upload_bytes(content))

    assert reading["workbooks_opened"] == reading["rows_parsed"] == 0
    assert (job.status, job.total_rows) == (ImportJob.Status.VALIDATING, 2000)
    [enqueued] = default_task_backend.results

    enqueued.task.call(*enqueued.args, **enqueued.kwargs)  # what the worker does

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert '"Nama lengkap"' in job.failure
    assert not Participant.objects.exists()


def test_rows_are_counted_from_the_bytes_without_empty_formatted_rows():
    rows = [returnee(n) for n in range(7)]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(TEMPLATE_COLUMNS)
    for row in rows[:3]:
        sheet.append([row.get(column) for column in TEMPLATE_COLUMNS])
    sheet.append([None, "   "])  # blank
    sheet.cell(row=6, column=1).number_format = "@"  # formatted, no value
    for row in rows[3:]:
        sheet.append([row.get(column) for column in TEMPLATE_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)

    with spreadsheets.Sheet(buffer) as opened:
        read = [number for number, _cells in opened.rows()]
        counted = opened.estimated_rows()

    assert len(read) == 7
    assert counted == 8  # a cell of spaces counts as a value for the scan, only


def test_a_csv_of_the_limit_is_counted_without_reading_past_the_limit(settings):
    settings.IMPORT_MAX_ROWS = 5
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(TEMPLATE_COLUMNS)
    for n in range(40):
        row = returnee(n)
        writer.writerow([row.get(column, "") for column in TEMPLATE_COLUMNS])
    file = SimpleUploadedFile("peserta.csv", text.getvalue().encode())

    with spreadsheets.Sheet(file) as sheet:
        assert sheet.estimated_rows() == 6
