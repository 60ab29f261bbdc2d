"""Time the import upload request for zip bombs and for a real 20,000-row file.

    createdb -h 127.0.0.1 -U postgres purna_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_bench \\
        .venv/bin/python benchmarks/import_limits.py

The script sets up the database as benchmarks/import_participants.py does, then posts
each file to /participants/import/ through the test client, as a case worker would
upload it, and prints how long the request took and what it answered: the form's
error, or the job it created. The task backend is a dummy one: the worker's part (the
check of a large file) is not timed here, only the request. Jobs are deleted afterwards.
"""

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
SCRATCH_MEDIA = None
if "MEDIA_ROOT" not in os.environ:
    SCRATCH_MEDIA = os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="purna-bench-media-")

SHEET = "xl/worksheets/sheet1.xml"
MB = 1024 * 1024
NAMESPACE = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def with_sheet(rows, *, dimension=None):
    """An openpyxl workbook whose first sheet's XML is the template header and `rows`."""
    import openpyxl

    from participants.spreadsheets import COLUMNS

    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    source = zipfile.ZipFile(buffer)
    out = io.BytesIO()
    header = "".join(
        f'<c r="{openpyxl.utils.get_column_letter(i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for i, name in enumerate(COLUMNS, start=1)
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != SHEET:
                archive.writestr(info, source.read(info))
                continue
            with archive.open(SHEET, "w") as member:
                member.write(b'<worksheet xmlns="' + NAMESPACE + b'">')
                if dimension:
                    member.write(f'<dimension ref="{dimension}"/>'.encode())
                member.write(f'<sheetData><row r="1">{header}</row>'.encode())
                for chunk in rows:
                    member.write(chunk)
                member.write(b"</sheetData></worksheet>")
    return out.getvalue()


def repeated_rows(total):
    row = b'<row><c t="inlineStr"><is><t>Siti Aminah</t></is></c></row>' * 1000
    for _ in range(total // len(row)):
        yield row


def numbered_rows(total):
    """Rows that differ by their number: packed about 30:1, under the ratio limit."""
    written, n = 0, 2
    while written < total:
        chunk = b"".join(
            f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>Peserta {i}</t></is></c>'
            f'<c r="B{i}" t="n"><v>{i * 7919 % 100003}</v></c></row>'.encode()
            for i in range(n, n + 1000)
        )
        n += 1000
        written += len(chunk)
        yield chunk


def understated(content, name, size):
    """`content` with `name`'s unpacked size in the zip directory set to `size`."""
    import struct

    data = bytearray(content)
    entry = 0
    while True:
        entry = data.index(b"PK\x01\x02", entry)
        length = struct.unpack_from("<H", data, entry + 28)[0]
        if data[entry + 46 : entry + 46 + length] == name.encode():
            break
        entry += 4
    struct.pack_into("<I", data, entry + 24, size)
    return bytes(data)


def real_workbook(count, *, write_only=False):
    import openpyxl
    from import_participants import generate_rows

    from participants.spreadsheets import COLUMNS

    workbook = openpyxl.Workbook(write_only=write_only)
    sheet = workbook.create_sheet() if write_only else workbook.active
    sheet.append(COLUMNS)
    for row in generate_rows(count):
        sheet.append([row[name] for name in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def unpacked(content):
    return sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(content)).infolist())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment
    from import_participants import set_up

    from participants.models import ImportJob

    _office, user = set_up()
    setup_test_environment()  # the response carries its form, to print the refusal
    client = Client()
    client.force_login(user)

    started = time.perf_counter()
    bomb = with_sheet(repeated_rows(150 * MB))
    files = [
        ("zip bomb: 150 MB of rows, no <dimension>", bomb, unpacked(bomb)),
        (
            "zip bomb: 30 MB of rows declared as 600 KB",
            understated(with_sheet(repeated_rows(30 * MB)), SHEET, 600 * 1024),
            30 * MB,
        ),
    ]
    largest = with_sheet(numbered_rows(78 * MB))
    files.append(("78 MB of numbered rows, no <dimension>", largest, unpacked(largest)))
    real = real_workbook(args.rows)
    files.append((f"real {args.rows:,} rows (openpyxl)", real, unpacked(real)))
    bare = real_workbook(args.rows, write_only=True)
    files.append((f"real {args.rows:,} rows, no <dimension>", bare, unpacked(bare)))
    print(f"files built in {time.perf_counter() - started:.1f} s")

    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    print(f"{'file':<44} {'size':>8} {'unpacked':>9} {'median':>8} {'max':>8}  answer")
    with override_settings(TASKS=dummy, IMPORT_MAX_ROWS=max(args.rows, 20_000)):
        for label, content, size in files:
            timings = []
            for _ in range(args.runs):
                upload = SimpleUploadedFile("peserta.xlsx", content)
                start = time.perf_counter()
                response = client.post("/participants/import/", {"file": upload})
                timings.append(time.perf_counter() - start)
                job = ImportJob.objects.filter(created_by=user).order_by("-pk").first()
                if response.status_code == 302 and job:
                    answer = f"job: {job.status}, {job.total_rows} rows"
                    job.file.delete(save=False)
                    job.delete()
                else:
                    answer = "refused: " + response.context["form"].errors["file"][0][:60]
            print(
                f"{label:<44} {len(content) / MB:6.2f}MB {size / MB:7.1f}MB "
                f"{statistics.median(timings):7.3f}s {max(timings):7.3f}s  {answer}"
            )
    if SCRATCH_MEDIA:
        shutil.rmtree(SCRATCH_MEDIA)


if __name__ == "__main__":
    main()
