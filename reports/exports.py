"""Spreadsheet exports: aggregates for coordinators and auditors, rows for coordinators.

Every cell goes through `safe_cell`, so a value typed by a person can never start a
formula when the file is opened (CSV/XLSX injection).
"""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.cells import FORMULA_STARTS, safe_cell

__all__ = ["FORMULA_STARTS", "safe_cell", "suppress_small", "to_csv", "to_xlsx"]

SUPPRESSED = "<5"
SMALLEST_SHOWN = 5


def suppress_small(count):
    """Counts of 1-4 in a table by region could point at a person: shown as "<5"."""
    return SUPPRESSED if 0 < count < SMALLEST_SHOWN else count


def to_csv(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    # A byte-order mark so that Excel reads the names as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header, rows, *, title) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([safe_cell(cell) for cell in header])
    for row in rows:
        sheet.append([safe_cell(cell) for cell in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
