"""The follow-up year of a case: visits at 1, 3, 6 and 12 months after intake, the
screenings to repeat at each, and the one-year rehabilitation deadline.

The due date of a visit is counted from the case's intake date, by calendar month
(31 January + 1 month is 28 or 29 February). `services.open_schedule` writes a case's
visits when it opens, `services.correct_intake_date` moves those not made yet.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import instruments

SCHEDULE_MONTHS = (1, 3, 6, 12)
# "Due this week": the visits due within this many days, besides those overdue.
DUE_SOON_DAYS = 7
# Repeated at every visit; the others only if the case has had one.
ALWAYS_REPEATED = "srq20"
REPEATED_IF_TAKEN = ("phq9", "gad7")
# The visits at which the reintegration outcome measure is taken again.
OUTCOME_MONTHS = {6: "month_6", 12: "month_12"}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def due_date(intake_date: datetime.date, month: int) -> datetime.date:
    return add_months(intake_date, month)


def due_soon_until(today: datetime.date | None = None) -> datetime.date:
    """The last day that counts as "due this week"."""
    return (today or timezone.localdate()) + datetime.timedelta(days=DUE_SOON_DAYS)


def repeated_instruments(taken_kinds) -> list[instruments.Instrument]:
    """The questionnaires to repeat at a visit: SRQ-20 always, PHQ-9 and GAD-7 where the
    case has had one (`taken_kinds`: the kinds of its screenings so far)."""
    codes = [ALWAYS_REPEATED, *(code for code in REPEATED_IF_TAKEN if code in set(taken_kinds))]
    return [instruments.INSTRUMENTS[code] for code in codes if code in instruments.INSTRUMENTS]


@dataclass(frozen=True)
class Step:
    """One line of a case's schedule, for the case page."""

    label: str
    due_on: datetime.date | None
    state: str  # "done", "overdue", "due", "upcoming", "deadline"
    follow_up: object = None  # the FollowUp, for a visit


def state_of(follow_up, today: datetime.date) -> str:
    if follow_up.is_done:
        return "done"
    if follow_up.due_on < today:
        return "overdue"
    if follow_up.due_on <= due_soon_until(today):
        return "due"
    return "upcoming"


STATE_LABELS = {
    "done": _("Done"),
    "overdue": _("Overdue"),
    "due": _("Due this week"),
    "upcoming": _("Upcoming"),
    "deadline": _("Rehabilitation deadline"),
}


def steps(follow_ups, deadline: datetime.date | None, today=None) -> list[Step]:
    """The visits in order of due date, with the rehabilitation deadline in its place."""
    today = today or timezone.localdate()
    rows = [Step(str(f), f.due_on, state_of(f, today), f) for f in follow_ups]
    if deadline is not None:
        rows.append(Step(str(STATE_LABELS["deadline"]), deadline, "deadline"))
    return sorted(
        rows, key=lambda step: (step.due_on or datetime.date.max, step.state == "deadline")
    )
