"""Cells of the spreadsheets people download: a value typed by a person never starts a
formula when the file is opened (CSV/XLSX injection). Every app's downloads use it."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
