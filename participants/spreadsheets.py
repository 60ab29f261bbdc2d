"""Spreadsheets of participants: reading XLSX and CSV files, and the import template.

What a cell may hold is what a case worker would type: a code or its label in
either language, a real Excel date or DD-MM-YYYY text, a village code with or
without dots. RowReader turns a row into the data the registration form expects;
participants.import_rows checks it with the form's rules.
"""

import csv
import datetime
import functools
import io
import re
import zipfile
import zlib

import openpyxl
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import formats, translation
from django.utils.html import conditional_escape
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.cells import FORMULA_STARTS, safe_cell
from regions.forms import CHAIN

from .countries import COMMON_DESTINATIONS, country_code_from_name, country_name
from .forms import MigrationEpisodeForm, ParticipantForm
from .models import MigrationEpisode, Participant, Problem, Sex

# The columns are the registration forms' fields, so the two never drift apart; the
# reason for a missing NIK and the civil-registration issues are left to the record page.
LEFT_TO_THE_RECORD_PAGE = {"nik_missing_reason", "civil_status_issues"}
PARTICIPANT_COLUMNS = [
    name for name in ParticipantForm.Meta.fields if name not in LEFT_TO_THE_RECORD_PAGE
]
EPISODE_COLUMNS = list(MigrationEpisodeForm.Meta.fields)
COLUMNS = PARTICIPANT_COLUMNS + EPISODE_COLUMNS
REQUIRED_COLUMNS = ["full_name", "sex", "birth_date", "village", "destination_country"]
DATE_COLUMNS = {"birth_date", "departure_date", "arrival_date"}
DIGIT_COLUMNS = {"nik", "kk_number", "phone", "village", "siskop2mi_id"}
CHOICE_COLUMNS = {
    "sex": Participant,
    "marital_status": Participant,
    "education": Participant,
    "religion": Participant,
    "jkn_segment": Participant,
    "jkn_status": Participant,
    "bpjs_tk_status": Participant,
    "sector": MigrationEpisode,
    "placement_scheme": MigrationEpisode,
    "return_type": MigrationEpisode,
}
# What people write on Indonesian forms (L/P: laki-laki/perempuan).
SEX_ALIASES = {
    "l": Sex.MALE,
    "laki-laki": Sex.MALE,
    "laki laki": Sex.MALE,
    "pria": Sex.MALE,
    "p": Sex.FEMALE,
    "perempuan": Sex.FEMALE,
    "wanita": Sex.FEMALE,
}
COLUMN_HELP = {
    "full_name": gettext_lazy("Full name as on the KTP."),
    "nik": gettext_lazy(
        "16 digits from the KTP or KK; empty if the returnee has none. Keep this column "
        "formatted as Text: Excel keeps only 15 digits of a number."
    ),
    "kk_number": gettext_lazy("16 digits of the family card (KK), as Text."),
    "sex": gettext_lazy("M or F (L or P are understood too)."),
    "birth_date": gettext_lazy("An Excel date, or text as DD-MM-YYYY or YYYY-MM-DD."),
    "birth_place": gettext_lazy("Town or regency of birth."),
    "phone": gettext_lazy("Mobile number, as Text so that the leading 0 stays."),
    "address": gettext_lazy("Street, house number, RT/RW."),
    "village": gettext_lazy(
        "The Kemendagri village code with dots, e.g. 36.03.33.2001 (Mekar Baru, Kabupaten "
        "Tangerang). Province, regency and district follow from it."
    ),
    "dtsen_decile": gettext_lazy("1 (poorest) to 10, when known."),
    "problems": gettext_lazy(
        "Problem codes separated by commas, e.g. unpaid_wages, physical_abuse."
    ),
    "narrative": gettext_lazy("What happened. Sensitive: only case workers read it."),
    "destination_country": gettext_lazy(
        "The ISO code (MY, TW, HK, SA, ...) or the country's name in Indonesian or English."
    ),
    "departure_date": gettext_lazy("An Excel date, or text as DD-MM-YYYY or YYYY-MM-DD."),
    "arrival_date": gettext_lazy(
        "Date of arrival in Indonesia: an Excel date, or text as DD-MM-YYYY or YYYY-MM-DD."
    ),
    "siskop2mi_id": gettext_lazy("The id in SiskoP2MI or E-PMI, when known."),
}
CHOICE_HELP = gettext_lazy("A code from the list on the right, or its name.")
# Row 1 of the template, in the user's language. A file's header may use these in
# Indonesian or English, the field's label, or the internal name of older templates.
COLUMN_HEADERS = {
    "full_name": gettext_lazy("Full name"),
    "nik": gettext_lazy("NIK"),
    "kk_number": gettext_lazy("KK number"),
    "sex": gettext_lazy("Sex"),
    "birth_date": gettext_lazy("Date of birth"),
    "birth_place": gettext_lazy("Place of birth"),
    "phone": gettext_lazy("Phone"),
    "passport_number": gettext_lazy("Passport number"),
    "address": gettext_lazy("Address"),
    "village": gettext_lazy("Village code"),
    "marital_status": gettext_lazy("Marital status"),
    "education": gettext_lazy("Education"),
    "religion": gettext_lazy("Religion"),
    "jkn_segment": gettext_lazy("JKN segment"),
    "jkn_status": gettext_lazy("JKN status"),
    "bpjs_tk_status": gettext_lazy("BPJS Ketenagakerjaan status"),
    "dtsen_decile": gettext_lazy("DTSEN decile"),
    "problems": gettext_lazy("Problems experienced"),
    "narrative": gettext_lazy("What happened"),
    "destination_country": gettext_lazy("Destination country"),
    "occupation": gettext_lazy("Occupation"),
    "sector": gettext_lazy("Sector"),
    "placement_scheme": gettext_lazy("Placement scheme"),
    "employer": gettext_lazy("Employer"),
    "p3mi_agency": gettext_lazy("P3MI (placement company)"),
    "departure_date": gettext_lazy("Departure date"),
    "arrival_date": gettext_lazy("Arrival date in Indonesia"),
    "return_type": gettext_lazy("Return type"),
    "siskop2mi_id": gettext_lazy("SiskoP2MI / E-PMI id"),
}
# The column the file of rows with problems adds; left out when that file comes back.
PROBLEM_COLUMN = gettext_lazy("Problem")
HEADER_LANGUAGES = ("id", "en")
BLANK_RUN_LIMIT = 1000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OTHER_BINARY_SIGNATURES = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")
DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
PROBLEM_SEPARATORS = re.compile(r"[,;\n]")


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message tells the user why."""


def new_issue(row, column, level, message, code=""):
    return {
        "row": row,
        "column": column,
        "level": level,
        "message": str(conditional_escape(message)),
        "code": code,
    }


# Reading the file ---------------------------------------------------------------

# How much an uploaded workbook may unpack to, in all and so in any one part. A
# 20,000-row template filled with realistic values (every column, as generated by
# benchmarks/import_participants.py) unpacks to 30.5 MB, 1.6 KB a row, as openpyxl
# writes it (inline strings, the most verbose form; Excel's shared strings take less):
# 4 KB a row leaves a margin of 2.5 times, 80 MB for IMPORT_MAX_ROWS = 20,000 rows.
UNPACKED_BYTES_PER_ROW = 4 * 1024
UNPACKED_OVERHEAD = 2 * 1024 * 1024  # styles, theme, properties of any workbook
# The sheets of real workbooks pack 9:1 (varied rows) to 18:1 (one row copied 20,000
# times); deflate reaches about 1,000:1 on repeated text, which is how a zip bomb of a
# few hundred KB unpacks to gigabytes. Small parts (styles) may pack tighter.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_ABOVE = 1024 * 1024
MAX_ZIP_ENTRIES = 1000
# The request parses at most this much XML: openpyxl's read-only parse runs at about
# 28 MB/s, and reading cells at about 7 MB/s (20,000 rows in 4.7 s). A workbook that
# unpacks to more than REQUEST_UNPACKED_BYTES (about 2,500 template rows) is checked
# by the worker whatever its row count; one whose opening would parse more than
# REQUEST_PARSE_BYTES (a sheet without a recorded size, large shared strings) has its
# header checked by the worker too.
REQUEST_UNPACKED_BYTES = 4 * 1024 * 1024
REQUEST_PARSE_BYTES = 16 * 1024 * 1024
CHUNK_BYTES = 1024 * 1024
# Tags that matter when counting rows: the sheet's size, its rows and their values.
OUTSIDE_ROWS = re.compile(rb"<(/?)(?:[\w.-]+:)?(sheetData|dimension|row)\b([^>]*)>")
ROW_END = re.compile(rb"</(?:[\w.-]+:)?row\s*>")
A_VALUE = re.compile(rb"<(?:[\w.-]+:)?[vt](?:\s[^>]*[^/>])?>[^<]")
ROW_NUMBER = re.compile(rb'\sr\s*=\s*["\'](\d+)')
LONGEST_TAG = 64 * 1024


def unpacked_limit() -> int:
    return settings.IMPORT_MAX_ROWS * UNPACKED_BYTES_PER_ROW + UNPACKED_OVERHEAD


def _not_a_spreadsheet():
    return ImportFileError(
        _(
            "This file is not an Excel workbook (.xlsx) or a CSV file. Download the "
            "template, fill it in and upload it."
        )
    )


def _unpacks_too_large():
    return ImportFileError(
        _(
            "The workbook holds more data than %(rows)s rows of the template (more than "
            "%(limit)s once unpacked). Delete the empty rows and columns that have "
            "formatting, or split it into smaller files."
        )
        % {
            "rows": f"{settings.IMPORT_MAX_ROWS:,}".replace(",", "."),
            "limit": filesizeformat(unpacked_limit()),
        }
    )


def _packed_like_a_bomb():
    return ImportFileError(
        _(
            "The workbook unpacks to far more than a spreadsheet of its size can hold, as "
            "harmful files do, and is not read. Open it in Excel, save it again and upload it."
        )
    )


def _damaged():
    return ImportFileError(
        _(
            "The workbook is damaged and cannot be read. Open it in Excel, save it again "
            "and upload it."
        )
    )


def sniff_format(fileobj) -> str:
    """The format read from the content, not the name: xlsx or csv, else ImportFileError.

    A workbook is also refused when its zip directory declares more than a full
    template unpacks to, or a part packed like a zip bomb.
    """
    fileobj.seek(0)
    head = fileobj.read(8192)
    fileobj.seek(0)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(fileobj) as archive:
                entries = archive.infolist()
        except zipfile.BadZipFile as error:
            raise _not_a_spreadsheet() from error
        finally:
            fileobj.seek(0)
        names = {info.filename for info in entries}
        if "xl/workbook.xml" not in names:
            if "content.xml" in names:
                raise ImportFileError(
                    _("OpenDocument spreadsheets (.ods) are not read. Save it as .xlsx first.")
                )
            raise _not_a_spreadsheet()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise _not_a_spreadsheet()
        if sum(info.file_size for info in entries) > unpacked_limit():
            raise _unpacks_too_large()
        for info in entries:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_CHECKED_ABOVE and ratio > MAX_COMPRESSION_RATIO:
                raise _packed_like_a_bomb()
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _(
                "This is an old Excel file (.xls) or a password-protected workbook. Save it "
                "as an Excel Workbook (.xlsx) without a password, then upload it again."
            )
        )
    if b"\x00" in head or head.startswith(OTHER_BINARY_SIGNATURES):
        raise _not_a_spreadsheet()
    return "csv"


class _PartScan:
    """What one part of a workbook holds, counted from its bytes without parsing it.

    `rows` counts the rows below row 1 holding a value, as Sheet.rows() would (it stops
    after BLANK_RUN_LIMIT blank rows) and at most IMPORT_MAX_ROWS + 1; `dimension_end`
    and `second_row_end` say how much of a sheet openpyxl parses to open the workbook
    (it looks for the recorded size, <dimension>, and parses the whole sheet when there
    is none before the rows) and to read the header (rows 1 and 2).
    """

    def __init__(self, max_rows):
        self.max_rows = max_rows
        self.size = 0
        self.is_sheet = False
        self.rows = 0
        self.counting = True
        self.dimension_end = None
        self.second_row_end = None
        self._row = None
        self._in_row = False
        self._row_has_value = False
        self._last_number = 1
        self._rows_seen = 0
        self._carry = b""

    def feed(self, chunk):
        start = self.size - len(self._carry)
        self.size += len(chunk)
        if not self.counting:
            return
        data = self._carry + chunk
        # A tag may go on in the next chunk: the text from the last "<" waits for it.
        cut = data.rfind(b"<")
        cut = len(data) if cut == -1 else cut
        self._tags(data, start, cut)
        self._carry = data[cut:]
        if len(self._carry) > LONGEST_TAG:  # a long text: nothing but its first tag counts
            self._tags(self._carry, start + cut, len(self._carry))
            self._carry = b""

    def finish(self):
        if self.counting and self._carry:
            self._tags(self._carry, self.size - len(self._carry), len(self._carry))
        self._carry = b""

    def _tags(self, data, offset, end):
        # One search a row (its end, and its first value), not one a cell.
        pos = 0
        while self.counting:
            if self._in_row:
                row_end = ROW_END.search(data, pos, end)
                until = row_end.start() if row_end else end
                if not self._row_has_value and A_VALUE.search(data, pos, until):
                    self._row_has_value = True
                if row_end is None:
                    return
                self._end_row(offset + row_end.end())
                pos = row_end.end()
                continue
            match = OUTSIDE_ROWS.search(data, pos, end)
            if match is None:
                return
            pos = match.end()
            closing, name, attributes = match.groups()
            if closing:
                continue
            if name == b"sheetData":
                self.is_sheet = True
            elif name == b"dimension" and not self.is_sheet:
                self.dimension_end = offset + pos
            elif name == b"row":
                number = ROW_NUMBER.search(attributes)
                self._row = int(number.group(1)) if number else (self._row or 0) + 1
                self._in_row = True
                self._row_has_value = False
                if attributes.endswith(b"/"):
                    self._end_row(offset + pos)

    def _end_row(self, at):
        self._in_row = False
        self._rows_seen += 1
        if self._rows_seen == 2:
            self.second_row_end = at
        number, has_value = self._row, self._row_has_value
        if number is not None and number >= 2 and has_value:
            if number - self._last_number - 1 > BLANK_RUN_LIMIT:
                self.counting = False  # rows() stops at such a run of blank rows
                return
            self._last_number = number
            self.rows += 1
            if self.rows > self.max_rows:
                self.counting = False  # too many already: the rest is only measured


class WorkbookScan:
    """Every part of a workbook read through zipfile once, within a byte budget.

    Reading stops as soon as more than unpacked_limit() bytes come out, whatever the
    zip directory declares; nothing is parsed before the scan says how much there is.
    """

    def __init__(self, fileobj):
        self.parts = {}
        self.unpacked = 0
        limit = unpacked_limit()
        fileobj.seek(0)
        try:
            with zipfile.ZipFile(fileobj) as archive:
                for info in archive.infolist():
                    part = self.parts[info.filename] = _PartScan(settings.IMPORT_MAX_ROWS)
                    with archive.open(info) as member:
                        while chunk := member.read(CHUNK_BYTES):
                            self.unpacked += len(chunk)
                            if self.unpacked > limit:
                                raise _unpacks_too_large()
                            part.feed(chunk)
                    part.finish()
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as e:
            # A wrong checksum, sizes that do not add up, an unknown packing or a password.
            raise _damaged() from e
        finally:
            fileobj.seek(0)

    @property
    def opening_bytes(self) -> int:
        """How much XML openpyxl parses to open the workbook and read its header."""
        sheets = [part for part in self.parts.values() if part.is_sheet]
        probes = sum(part.dimension_end or part.size for part in sheets)
        header = max((part.second_row_end or part.size for part in sheets), default=0)
        others = sum(part.size for part in self.parts.values() if not part.is_sheet)
        return others + probes + header

    def rows_of(self, name) -> int:
        return self.parts[name].rows

    def sheet_rows(self) -> list[int]:
        """The rows counted in each worksheet, whichever is the first."""
        return [part.rows for part in self.parts.values() if part.is_sheet]


def needs_worker(fileobj) -> bool:
    """Whether checking the file's rows is more than a request should do, whatever their number."""
    try:
        if sniff_format(fileobj) != "xlsx":
            return False
        with zipfile.ZipFile(fileobj) as archive:
            return sum(info.file_size for info in archive.infolist()) > REQUEST_UNPACKED_BYTES
    except (ImportFileError, zipfile.BadZipFile):
        return False  # the check itself refuses it, at once
    finally:
        fileobj.seek(0)


def _normalise_header(value) -> str:
    """A header as compared: case, underscores and runs of spaces ignored."""
    return " ".join(str(value or "").replace("_", " ").casefold().split())


def column_header(name) -> str:
    """The column's name in row 1 of the template, in the active language."""
    return capfirst(str(COLUMN_HEADERS[name]))


@functools.cache
def header_lookup():
    """({compared header: column}, {compared headers of the problem column})."""
    lookup = {}
    for name in COLUMNS:
        lookup[_normalise_header(name)] = name
        for each in HEADER_LANGUAGES:
            with translation.override(each):
                for text in (column_header(name), _column_label(name)):
                    lookup.setdefault(_normalise_header(text), name)
    ignored = set()
    for each in HEADER_LANGUAGES:
        with translation.override(each):
            ignored.add(_normalise_header(PROBLEM_COLUMN))
    return lookup, frozenset(ignored)


def column_for(text):
    """The column a header names, in either language or by its internal name, or None."""
    return header_lookup()[0].get(_normalise_header(text))


class Sheet:
    """The first worksheet of a workbook, or a CSV file: a header row and data rows.

    A workbook is scanned first (WorkbookScan: its real size, and its rows counted
    from the bytes); openpyxl opens it only when the scan has passed.
    """

    def __init__(self, fileobj, scan=None):
        self.format = sniff_format(fileobj)
        self.delimiter = ","
        self._workbook = None
        self.scan = None
        if self.format == "xlsx":
            self.scan = scan or WorkbookScan(fileobj)
            try:
                self._workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
            except Exception as error:  # openpyxl raises many kinds on a broken file
                raise _not_a_spreadsheet() from error
            if not self._workbook.worksheets:
                raise _not_a_spreadsheet()
            self._worksheet = self._workbook.worksheets[0]
            # The recorded size may be wrong: rows are read until the sheet ends.
            self._worksheet.reset_dimensions()
            header = next(self._worksheet.iter_rows(max_row=1, values_only=True), ())
        else:
            self._lines = self._csv_lines(fileobj)
            header = next(self._lines, [])
        lookup, ignored = header_lookup()
        labels = ["" if value is None else str(value).strip() for value in header]
        while labels and not labels[-1]:
            labels.pop()
        # Row 1 as written, and what each column is: a column of the template, a column
        # of the user's own (its text), or "" (no name, or the problem column of the
        # file of rows with problems): read by nobody.
        self.labels = labels
        self.header = [
            ""
            if not label or _normalise_header(label) in ignored
            else lookup.get(_normalise_header(label), label)
            for label in labels
        ]

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        if self._workbook is not None:
            self._workbook.close()

    def _csv_lines(self, fileobj):
        fileobj.seek(0)
        try:
            text = fileobj.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportFileError(
                _(
                    'The CSV file is not in UTF-8. In Excel choose "Save as" and '
                    '"CSV UTF-8", or upload the .xlsx file instead.'
                )
            ) from error
        first_line = text.split("\n", 1)[0]
        # Indonesian Excel saves "CSV" with semicolons, as the comma is the decimal mark.
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        self.delimiter = delimiter
        return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def _raw_rows(self):
        width = len(self.header)
        if self.format == "xlsx":
            yield from self._worksheet.iter_rows(min_row=2, max_col=width, values_only=True)
        else:
            try:
                for line in self._lines:
                    yield line[:width]
            except csv.Error as error:
                raise ImportFileError(
                    _("The CSV file cannot be read: %(error)s") % {"error": error}
                ) from error

    def rows(self):
        """(row number as the spreadsheet shows it, cells) for each row that is not blank.

        Stops with ImportFileError at the first row over IMPORT_MAX_ROWS, before reading on.
        """
        if self.scan is not None and self.scan.rows_of(self._part_name) > settings.IMPORT_MAX_ROWS:
            raise too_many_rows()  # counted from the bytes: no row is parsed
        width = len(self.header)
        blank_run = 0
        count = 0
        for number, cells in enumerate(self._raw_rows(), start=2):
            if all(_is_blank(cell) for cell in cells):
                blank_run += 1
                # Formatting applied to a whole sheet can make a million empty rows.
                if blank_run > BLANK_RUN_LIMIT:
                    return
                continue
            blank_run = 0
            count += 1
            if count > settings.IMPORT_MAX_ROWS:
                raise too_many_rows()
            cells = list(cells)
            yield number, cells + [None] * (width - len(cells))

    @property
    def _part_name(self):
        # Where openpyxl reads the first worksheet from (ReadOnlyWorksheet._get_source).
        return self._worksheet._worksheet_path

    def estimated_rows(self) -> int:
        """The number of data rows, at most IMPORT_MAX_ROWS + 1, without parsing a workbook."""
        if self.scan is not None:
            return self.scan.rows_of(self._part_name)
        count = 0
        try:
            for _row in self.rows():
                count += 1
        except ImportFileError:
            return settings.IMPORT_MAX_ROWS + 1
        return count


def _is_blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _quoted(names):
    return ", ".join(f'"{name}"' for name in names)


def check_header(header) -> list[str]:
    """Raise ImportFileError for a header that cannot be imported; return unknown columns.

    `header` is Sheet.header: columns of the template by their internal names, the
    user's own columns by their text. Messages name columns as the template does.
    """
    present = [name for name in header if name]
    if not set(present) & set(COLUMNS):
        raise ImportFileError(
            _(
                "Row 1 must hold the column names of the template (%(names)s, ...). "
                "Download the template and copy the data into it."
            )
            % {"names": _quoted(column_header(name) for name in ("full_name", "nik", "sex"))}
        )
    seen = set()
    for name in present:
        if name in seen:
            shown = column_header(name) if name in COLUMNS else name
            raise ImportFileError(_("The column %(name)s appears twice.") % {"name": f'"{shown}"'})
        seen.add(name)
    missing = [name for name in REQUIRED_COLUMNS if name not in seen]
    if missing:
        raise ImportFileError(
            ngettext(
                "The required column %(names)s is missing.",
                "The required columns %(names)s are missing.",
                len(missing),
            )
            % {"names": _quoted(column_header(name) for name in missing)}
        )
    return [name for name in present if name not in COLUMNS]


def inspect_upload(uploaded) -> int:
    """Check an uploaded file before it is stored; return its (estimated) number of rows.

    The work is bounded whatever the file: a workbook is read once through zipfile
    within the unpacked limit, and parsed only when that is cheap; otherwise its header
    is left to the worker, which refuses it as the request would have.
    """
    if uploaded.size == 0:
        raise ImportFileError(_("The file is empty."))
    limit = settings.IMPORT_MAX_BYTES
    if uploaded.size > limit:
        raise ImportFileError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)}
        )
    scan = WorkbookScan(uploaded) if sniff_format(uploaded) == "xlsx" else None
    if scan is not None and scan.opening_bytes > REQUEST_PARSE_BYTES:
        # The first sheet is not known without opening the workbook: the fullest sheet
        # stands for it, and the worker checks the header and counts again.
        counts = scan.sheet_rows() or [0]
        if min(counts) > settings.IMPORT_MAX_ROWS:
            raise too_many_rows()  # whichever sheet is the first
        rows = min(max(counts), settings.IMPORT_MAX_ROWS)
    else:
        with Sheet(uploaded, scan=scan) as sheet:
            check_header(sheet.header)
            rows = sheet.estimated_rows()
    uploaded.seek(0)
    if rows == 0:
        raise ImportFileError(_("The file has no rows below the header."))
    if rows > settings.IMPORT_MAX_ROWS:
        raise too_many_rows()
    return rows


def too_many_rows():
    return ImportFileError(
        _("The file has more than %(limit)s rows. Split it into smaller files.")
        % {"limit": f"{settings.IMPORT_MAX_ROWS:,}".replace(",", ".")}
    )


# From cells to form data --------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def cell_text(value) -> str:
    """A cell as text, as the file of rows with problems gives it back: dates as DD-MM-YYYY."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d-%m-%Y")
    return _text(value)


def _unquoted(text):
    # The file of rows with problems starts such values with "'" (accounts.cells).
    if text[:1] == "'" and text[1:2] and text[1:2] in FORMULA_STARTS:
        return text[1:]
    return text


def _read_date(value):
    """The date in a cell, or the cell as text so that the form names the error."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    # A bare number (a year, or a day count that lost its date format) is left for the
    # form to refuse: guessing would store a wrong date without a word.
    text = _text(value)
    for pattern, order in ((DMY, (3, 2, 1)), (YMD, (1, 2, 3))):
        match = pattern.fullmatch(text)
        if match:
            year, month, day = (int(match.group(i)) for i in order)
            try:
                return datetime.date(year, month, day)
            except ValueError:
                return text
    return text


def _maybe_rounded_by_excel(value, text):
    # A 16-digit number typed into a number cell loses its last digit to a 0.
    return isinstance(value, int | float) and len(text) == 16 and text.endswith("0")


def _choice_lookup(model, name):
    """Lower-cased value or label (Indonesian or English) -> value."""
    choices = model._meta.get_field(name).choices
    lookup = {}
    for language in ("en", "id"):
        with translation.override(language):
            for value, label in choices:
                lookup.setdefault(str(label).strip().lower(), value)
    for value, _label in choices:
        lookup[str(value).lower()] = value
    if name == "sex":
        lookup.update(SEX_ALIASES)
    return lookup


@functools.lru_cache(maxsize=4096)
def _country_code(text):
    return country_code_from_name(text)


class RowReader:
    """Turns a row's cells into the data a registration form would receive."""

    def __init__(self, header, problems):
        self.positions = {name: i for i, name in enumerate(header) if name in COLUMNS}
        self.choices = {name: _choice_lookup(model, name) for name, model in CHOICE_COLUMNS.items()}
        self.problems = {}
        for problem in problems:
            for key in (problem.code, problem.name, problem.name_en):
                self.problems.setdefault(key.strip().lower(), str(problem.pk))
        # The form tries its input formats in turn; its first one parses at the first try.
        self.date_format = formats.get_format("DATE_INPUT_FORMATS")[0]
        self.defaults = {}
        for name in COLUMNS:
            model = MigrationEpisode if name in EPISODE_COLUMNS else Participant
            model_field = model._meta.get_field(name)
            if model_field.has_default() and model_field.choices:
                self.defaults[name] = model_field.get_default()

    def form_data(self, number, cells):
        """(form data, notes, birth date): notes are warnings about cells."""
        data = {"confirm_warnings": "on"}
        notes = []
        birth_date = None
        for name in COLUMNS:
            position = self.positions.get(name)
            if position is None and name not in self.defaults:
                continue
            value = None if position is None else cells[position]
            if name in DATE_COLUMNS:
                text = _read_date(value)
                if isinstance(text, datetime.date):
                    birth_date = text if name == "birth_date" else birth_date
                    text = text.strftime(self.date_format)
            else:
                text = _unquoted(_text(value))
            if name in DIGIT_COLUMNS:
                text = text.lstrip("'")
            if not text and name in self.defaults:
                text = self.defaults[name]
            elif name in self.choices:
                text = self.choices[name].get(text.lower(), text)
            elif name == "problems":
                text = self._problem_ids(text)
            elif name == "destination_country" and text:
                text = _country_code(text) or text
            elif name == "village" and re.fullmatch(r"\d{10}", text):
                text = f"{text[0:2]}.{text[2:4]}.{text[4:6]}.{text[6:]}"
            elif name in ("nik", "kk_number") and _maybe_rounded_by_excel(value, text):
                notes.append(
                    new_issue(
                        number,
                        name,
                        "warning",
                        _(
                            "Excel stored this number as a number and keeps only 15 "
                            "digits: check the last digit, and format the column as Text."
                        ),
                    )
                )
            data[name] = text
        village = data.get("village", "")
        parts = village.split(".")
        for depth, (name, _level, _label) in enumerate(CHAIN[:-1]):
            data[name] = ".".join(parts[: depth + 1]) if len(parts) > depth else ""
        return data, notes, birth_date

    def written(self, cells):
        """{column: the cell as written in the file} for the template's columns."""
        return {name: cell_text(cells[position]) for name, position in self.positions.items()}

    def _problem_ids(self, text):
        tokens = [token.strip() for token in PROBLEM_SEPARATORS.split(text)]
        return [self.problems.get(token.lower(), token) for token in tokens if token]


# The template -------------------------------------------------------------------


def _column_label(name):
    model = MigrationEpisode if name in EPISODE_COLUMNS else Participant
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _allowed(name, problems):
    if name in CHOICE_COLUMNS:
        choices = CHOICE_COLUMNS[name]._meta.get_field(name).choices
        return "\n".join(f"{value} = {label}" for value, label in choices)
    if name == "problems":
        return "\n".join(f"{problem.code} = {problem}" for problem in problems)
    if name == "destination_country":
        return "\n".join(f"{code} = {country_name(code)}" for code in COMMON_DESTINATIONS)
    return ""


def _other_names(name):
    """The other names row 1 may give the column: the other language's, the internal one."""
    shown = column_header(name)
    names = []
    for language in HEADER_LANGUAGES:
        with translation.override(language):
            names.append(column_header(name))
    names.append(name)
    return ", ".join(dict.fromkeys(other for other in names if other != shown))


def template_workbook() -> bytes:
    """The import template: a data sheet with the column names, and an explanation sheet."""
    problems = list(Problem.objects.filter(is_active=True))
    workbook = openpyxl.Workbook()
    data = workbook.active
    data.title = _("Participants")[:31]
    headers = [column_header(name) for name in COLUMNS]
    data.append(headers)
    bold = Font(bold=True)
    for position, (name, header) in enumerate(zip(COLUMNS, headers, strict=True), start=1):
        letter = get_column_letter(position)
        data.cell(row=1, column=position).font = bold
        data.column_dimensions[letter].width = max(14, len(header) + 4)
        if name in DIGIT_COLUMNS:
            # Text, so that Excel keeps all 16 digits of a NIK and the 0 of a phone number.
            data.column_dimensions[letter].number_format = "@"
        elif name in DATE_COLUMNS:
            data.column_dimensions[letter].number_format = "DD-MM-YYYY"
        if name in CHOICE_COLUMNS:
            values = CHOICE_COLUMNS[name]._meta.get_field(name).choices
            # A list to pick from; labels typed by hand stay allowed (no error message).
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(str(value) for value, _label in values) + '"',
                allow_blank=True,
                showErrorMessage=False,
            )
            validation.add(f"{letter}2:{letter}{settings.IMPORT_MAX_ROWS + 1}")
            data.add_data_validation(validation)
    data.freeze_panes = "B2"

    guide = workbook.create_sheet(_("Explanation")[:31])
    guide.append(
        [_("Column"), _("Also understood"), _("Required"), _("What to write"), _("Allowed codes")]
    )
    for cell in guide[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBEE")
    for name in COLUMNS:
        guide.append(
            [
                column_header(name),
                _other_names(name),
                _("yes") if name in REQUIRED_COLUMNS else "",
                str(COLUMN_HELP.get(name) or (CHOICE_HELP if name in CHOICE_COLUMNS else "")),
                _allowed(name, problems),
            ]
        )
    guide.append([])
    guide.append(
        [
            _(
                "Row 1 of the first sheet holds the column names: do not change them (the "
                "names in English, and the older names of column B, are understood too). One "
                "row per returnee. Codes and their names (in Indonesian or English) are both "
                "accepted, in upper or lower case. Empty JKN and BPJS columns mean unknown."
            )
        ]
    )
    widths = {"A": 22, "B": 30, "C": 10, "D": 60, "E": 60}
    for letter, width in widths.items():
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# The rows with problems ----------------------------------------------------------

# A person reads these columns as text whatever they hold: a NIK keeps its 16 digits, a
# date its DD-MM-YYYY.
TEXT_FORMAT = "@"


def problem_rows_of(sheet, records_cells, issues_by_row):
    """What ImportJob.problem_rows keeps: the header as written, and each row with errors
    as the file has it (the problem column of an earlier such file left out), with its
    problems in words."""
    keep = [position for position, name in enumerate(sheet.header) if name]
    rows = [
        {
            "row": number,
            "cells": [cell_text(records_cells[number][position]) for position in keep],
            "problems": problems,
        }
        for number, problems in sorted(issues_by_row.items())
    ]
    if not rows:
        return {}
    return {
        "header": [sheet.labels[position] for position in keep],
        "delimiter": sheet.delimiter,
        "rows": rows,
    }


def _problem_table(problem_rows):
    header = [*problem_rows["header"], str(PROBLEM_COLUMN)]
    rows = [[*row["cells"], "\n".join(row["problems"])] for row in problem_rows["rows"]]
    return [safe_cell(cell) for cell in header], [[safe_cell(c) for c in r] for r in rows]


def problem_rows_xlsx(problem_rows) -> bytes:
    """The rows with problems as a workbook: the file's header, its cells as text, and a
    last column saying what to fix; every cell through safe_cell."""
    header, rows = _problem_table(problem_rows)
    # A CSV may hold control characters that a workbook cannot.
    rows = [
        [ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in r] for r in rows
    ]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Rows with problems")[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    wrap = Alignment(wrap_text=True, vertical="top")
    last = len(header)
    for position, title in enumerate(header, start=1):
        letter = get_column_letter(position)
        sheet.cell(row=1, column=position).font = Font(bold=True)
        sheet.column_dimensions[letter].width = 60 if position == last else max(14, len(title) + 4)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.number_format = TEXT_FORMAT
        cells[-1].alignment = wrap
        cells[-1].font = Font(color="B42318")
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def problem_rows_csv(problem_rows) -> bytes:
    """The rows with problems as CSV, with the delimiter of the uploaded file."""
    header, rows = _problem_table(problem_rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=problem_rows.get("delimiter") or ",")
    writer.writerow(header)
    writer.writerows(rows)
    # A byte-order mark so that Excel reads the names as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
