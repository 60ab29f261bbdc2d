"""Spreadsheet exports: aggregates for coordinators and auditors, rows for coordinators.

Every cell goes through `safe_cell`, so a value typed by a person can never start a
formula when the file is opened (CSV/XLSX injection). The writers stream: rows are
written as they come, so a file of any length takes the same memory.
"""

import csv
import io
from collections import defaultdict

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from accounts.cells import FORMULA_STARTS, safe_cell
from participants import nik as nik_rules
from participants.models import Participant, Problem, Sex

__all__ = [
    "FORMULA_STARTS",
    "safe_cell",
    "suppress_small",
    "to_csv",
    "to_xlsx",
    "write_csv",
    "write_xlsx",
]

SUPPRESSED = "<5"
SMALLEST_SHOWN = 5

# The participants' rows leave the system: what the access log says of each export.
PARTICIPANT_ROWS_DETAIL = "participants (rows)"
PARTICIPANT_ROWS_NAME = "peserta"
# Rows read (and progress recorded) at a time: two queries a batch, whatever its length.
BATCH_ROWS = 2000


def suppress_small(count):
    """Counts of 1-4 in a table by region could point at a person: shown as "<5"."""
    return SUPPRESSED if 0 < count < SMALLEST_SHOWN else count


def write_csv(stream, header, rows):
    """Write the rows to a binary stream as UTF-8 CSV."""
    # A byte-order mark (utf-8-sig) so that Excel reads the names as UTF-8.
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    text.flush()
    text.detach()


def write_xlsx(stream, header, rows, *, title):
    """Write the rows to a binary stream as a one-sheet workbook, the header in bold."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    bold = Font(bold=True)
    heading = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=safe_cell(value))
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    for row in rows:
        sheet.append([safe_cell(cell) for cell in row])
    workbook.save(stream)


def to_csv(header, rows) -> bytes:
    buffer = io.BytesIO()
    write_csv(buffer, header, rows)
    return buffer.getvalue()


def to_xlsx(header, rows, *, title) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, header, rows, title=title)
    return buffer.getvalue()


def participant_header():
    return [
        _("Registration no."),
        _("Name"),
        _("NIK"),
        _("Sex"),
        _("Year of birth"),
        _("District"),
        _("Village"),
        _("Problems"),
    ]


def participants_for(user, *, office_id=None):
    """The participants a row export of this user holds: the active ones the user sees,
    of one office when `office_id` is given."""
    participants = Participant.objects.visible_to(user).active()
    return participants.of_office(office_id) if office_id else participants


def participant_rows(participants, *, on_batch=None, batch_rows=None):
    """One row per participant, by registration number, read in batches of
    `batch_rows` (after each, `on_batch(rows in it)`): two queries a batch, none per
    row. Values are read as values, not as model instances, so that 100,000 rows take
    seconds; the problems' names are read once."""
    batch_rows = batch_rows or BATCH_ROWS
    problems = list(Problem.objects.all())  # in the reference list's order
    problem_names = {problem.pk: str(problem) for problem in problems}
    problem_order = {problem.pk: position for position, problem in enumerate(problems)}
    sexes = {value: str(label) for value, label in Sex.choices}
    ticked = Participant.problems.through.objects.values_list("participant_id", "problem_id")
    values = participants.order_by("registration_number").values_list(
        "pk",
        "registration_number",
        "full_name",
        "nik",
        "sex",
        "birth_date",
        "village__parent__name",
        "village__name",
    )
    after = None
    while True:
        page = values if after is None else values.filter(registration_number__gt=after)
        batch = list(page[:batch_rows])
        if not batch:
            return
        problems_of = defaultdict(list)
        for participant_id, problem_id in ticked.filter(
            participant_id__in=[row[0] for row in batch]
        ):
            problems_of[participant_id].append(problem_id)
        for pk, number, name, nik, sex, birth_date, district, village in batch:
            yield (
                number,
                name,
                nik_rules.mask(nik),
                sexes[sex],
                birth_date.year,
                district,
                village,
                ", ".join(
                    problem_names[problem]
                    for problem in sorted(problems_of[pk], key=problem_order.__getitem__)
                ),
            )
        if on_batch:
            on_batch(len(batch))
        if len(batch) < batch_rows:
            return
        after = batch[-1][1]
