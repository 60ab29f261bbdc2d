"""Charts drawn on the server as plain HTML: one path for the dashboard and the PDFs.

A chart is computed here (each bar's share of the largest) and drawn by
`reports/chart.html`, which the dashboard includes in its page and the PDF templates in
their documents. No JavaScript and nothing fetched: WeasyPrint lays out the same markup
the browser shows, the labels wrap on a phone instead of shrinking, the text stays text
in the PDF, and the numbers are written beside every bar so they read without colour.
"""

from dataclasses import dataclass

# The longest bar takes this share of its row, leaving room for the number after it.
BAR_TRACK = 68
# The tallest column, in ems; charts.css gives the row the room for it and its number.
COLUMN_HEIGHT_EM = 7


@dataclass
class Bar:
    label: str
    value: int | float
    # What is written beside the bar; the value itself when empty.
    text: str = ""
    # "", "success" or "danger": the bar's colour.
    tone: str = ""
    # The bar's share of the largest bar, in percent.
    percent: float = 0
    # Its drawn length: a percentage of the row for bars, ems for columns.
    length: float = 0


@dataclass
class Chart:
    kind: str  # "bars" (categories, horizontal) or "columns" (a series over time)
    title: str
    bars: list[Bar]
    empty_text: str = ""

    @property
    def is_empty(self):
        return not any(bar.value for bar in self.bars)

    @property
    def values(self):
        return {bar.label: bar.value for bar in self.bars}


def bars(title, rows, *, empty_text="", full=None):
    """A horizontal bar per (label, value) or (label, value, text, tone): categories.

    Bars are scaled to the largest value, or to `full` when given (100 for shares in
    percent, so that a third reads as a third). A value of 0 draws no bar but keeps its
    row and its number, so a reader sees the category exists.
    """
    return _chart("bars", title, rows, empty_text, full)


def columns(title, rows, *, empty_text=""):
    """A vertical column per (label, value): a series over time, oldest first."""
    return _chart("columns", title, rows, empty_text)


def _chart(kind, title, rows, empty_text, full=None):
    items = [_bar(row) for row in rows]
    largest = full or max((bar.value for bar in items), default=0) or 1
    for bar in items:
        bar.percent = round(100 * bar.value / largest, 1)
        if kind == "bars":
            bar.length = round(BAR_TRACK * bar.percent / 100, 1)
        else:
            bar.length = round(COLUMN_HEIGHT_EM * bar.percent / 100, 2)
    return Chart(kind, title, items, empty_text=empty_text)


def _bar(row):
    label, value, *rest = row
    text = rest[0] if rest else ""
    tone = rest[1] if len(rest) > 1 else ""
    return Bar(label=str(label), value=value or 0, text=str(text or value or 0), tone=tone)
