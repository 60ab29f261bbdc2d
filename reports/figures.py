"""The figures behind the reports: program totals, referrals per agency, trends.

Each function takes the scope it counts (a program, or what a user may see) and
returns plain rows, so the program PDF, the dashboard and the exports show the same
numbers from the same code, and the charts are drawn from those rows.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import (
    Aggregate,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Extract, TruncMonth
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Alert, Case, Screening
from cases.physical import BLOOD_PRESSURE_CLASSES
from participants.models import AGE_BAND_CHOICES, MigrationEpisode, Problem, Sex, age_band
from referrals.models import OfficeReferralCount, Referral, ReferralStatus, overdue_condition

from . import charts
from .models import OfficeCaseStatusCount, OfficeMonthCount

SRQ20 = Screening.Kind.SRQ20
SRQ20_POSITIVE = "positive"
NOT_RECORDED = gettext_lazy("Not recorded")


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5): the median of a set of numbers."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _days_to_completion():
    return Extract(F("completed_at") - F("sent_at"), "epoch") / 86400.0


@dataclass
class AgencyRow:
    agency: str
    sent: int = 0
    accepted: int = 0
    completed: int = 0
    declined: int = 0
    overdue: int = 0
    median_days: float | None = None

    @property
    def completion_percent(self):
        return round(100 * self.completed / self.sent) if self.sent else 0


def referrals_by_agency(referrals, now=None):
    """Per agency: sent, ever accepted, completed, declined now, overdue now, median days.

    "Sent" counts every referral that left the office, "accepted" every one the agency
    accepted at some point (some are completed since); "declined" and "overdue" are
    the state now. Median days run from sending to completion, completed ones only.
    """
    now = now or timezone.now()
    sent = referrals.filter(sent_at__isnull=False)
    counts = (
        sent.values("agency_id", "agency__name")
        .annotate(
            sent=Count("pk"),
            accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
            completed=Count("pk", filter=Q(status=ReferralStatus.COMPLETED)),
            declined=Count("pk", filter=Q(status=ReferralStatus.DECLINED)),
            overdue=Count("pk", filter=overdue_condition(now)),
        )
        .order_by("agency__name", "agency_id")
    )
    # Apart, over the completed ones only and by agency id alone: a median sorts its
    # rows, and a narrow sort of fewer rows stays in memory.
    medians = dict(
        sent.filter(status=ReferralStatus.COMPLETED)
        .values("agency_id")
        .annotate(median=Median(_days_to_completion()))
        .values_list("agency_id", "median")
    )
    return [
        AgencyRow(
            agency=row["agency__name"],
            sent=row["sent"],
            accepted=row["accepted"],
            completed=row["completed"],
            declined=row["declined"],
            overdue=row["overdue"],
            median_days=_rounded(medians.get(row["agency_id"])),
        )
        for row in counts
    ]


def _rounded(days):
    return None if days is None else round(days, 1)


def total_row(agency_rows, referrals):
    """The "all agencies" line; the median is over every completed referral, not of medians."""
    total = AgencyRow(agency=_("All agencies"))
    for row in agency_rows:
        for name in ("sent", "accepted", "completed", "declined", "overdue"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    median = referrals.filter(sent_at__isnull=False, status=ReferralStatus.COMPLETED).aggregate(
        m=Median(_days_to_completion())
    )["m"]
    total.median_days = _rounded(median)
    return total


def completion_chart(agency_rows):
    return charts.bars(
        _("Referrals completed per agency"),
        [
            (
                row.agency,
                row.completion_percent,
                _("%(done)s of %(sent)s (%(percent)s%%)")
                % {"done": row.completed, "sent": row.sent, "percent": row.completion_percent},
                "success",
            )
            for row in agency_rows
        ],
        empty_text=_("No referral has been completed yet."),
        full=100,
    )


def problems_chart(problem_rows):
    return charts.bars(
        _("Problems experienced"),
        problem_rows,
        empty_text=_("No problem recorded yet."),
    )


def problem_counts(participants):
    """(problem, participants) for every problem at least one of them had, most first."""
    rows = (
        Problem.objects.filter(participants__in=participants)
        .annotate(n=Count("participants", distinct=True))
        .order_by("-n", "position", "name")
    )
    return [(str(problem), problem.n) for problem in rows]


def monthly_cases(cases, months=13, today=None):
    """New cases per month, oldest first, empty months as 0.

    Thirteen months by default: from this month last year to this month, so that a
    month can be set beside the same month a year before.
    """
    first = _first_month(months, today)
    counts = dict(
        cases.filter(opened_at__date__gte=first)
        .annotate(month=TruncMonth("opened_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    counts = {month.date() if hasattr(month, "date") else month: n for month, n in counts.items()}
    return _month_series(counts, first, months)


def _first_month(months, today=None):
    today = today or timezone.localdate()
    return _add_months(today.replace(day=1), -(months - 1))


def _month_series(counts, first, months):
    return [
        (month, counts.get(month, 0))
        for month in (_add_months(first, index) for index in range(months))
    ]


# --- The office figures, from the counters ----------------------------------------------
# The same rows as referrals_by_agency, problem_counts and monthly_cases for every row of
# one office (or of every office, for `office=None`), read from the counters that the
# database keeps exact in each write's own transaction (reports.models): one small
# query each, whatever the number of rows counted.


def _of_office(counters, office):
    return counters if office is None else counters.filter(office=office)


def office_referrals_by_agency(office=None):
    """referrals_by_agency's sent, accepted, completed and declined of the office's referrals.

    Overdue changes with the clock and the median with the times, so neither is
    counted: they stay 0 and None (the home page's chart shows neither).
    """
    rows = (
        # Only the referrals sent count, as in referrals_by_agency.
        _of_office(OfficeReferralCount.objects.filter(sent=True), office)
        .values("agency_id", "agency__name")
        .annotate(
            n_sent=Sum("count"),
            n_accepted=Coalesce(Sum("count", filter=Q(accepted=True)), 0),
            n_completed=Coalesce(Sum("count", filter=Q(status=ReferralStatus.COMPLETED)), 0),
            n_declined=Coalesce(Sum("count", filter=Q(status=ReferralStatus.DECLINED)), 0),
        )
        # Counts that fell to zero keep their row: an agency none was sent to is left out.
        .filter(n_sent__gt=0)
        .order_by("agency__name", "agency_id")
    )
    return [
        AgencyRow(
            agency=row["agency__name"],
            sent=row["n_sent"],
            accepted=row["n_accepted"],
            completed=row["n_completed"],
            declined=row["n_declined"],
        )
        for row in rows
    ]


def office_problem_counts(office=None):
    """problem_counts of the office's active participants (neither archived nor merged)."""
    counted = Q() if office is None else Q(office_counts__office=office)
    rows = (
        Problem.objects.annotate(n=Sum("office_counts__count", filter=counted))
        .filter(n__gt=0)
        .order_by("-n", "position", "name")
    )
    return [(str(problem), problem.n) for problem in rows]


def office_monthly_cases(office=None, months=13, today=None):
    """monthly_cases of the cases opened in the office's programs."""
    first = _first_month(months, today)
    counts = dict(
        _of_office(OfficeMonthCount.objects.filter(month__gte=first), office)
        .values_list("month")
        .annotate(n=Sum("count"))
        .values_list("month", "n")
    )
    return _month_series(counts, first, months)


def office_cases_by_status(office=None):
    """{status: cases} of the office's programs (of every office for None)."""
    return dict(
        _of_office(OfficeCaseStatusCount.objects.filter(count__gt=0), office)
        .values_list("status")
        .annotate(n=Sum("count"))
        .values_list("status", "n")
    )


def trend_chart(series):
    return charts.columns(
        _("New cases per month"),
        [(date_format(month, "M y"), n) for month, n in series],
        empty_text=_("No case opened since this month last year."),
    )


def _add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)


# --- Program report ------------------------------------------------------------------


@dataclass
class ProgramFigures:
    participants: int
    by_sex: list
    by_age: list
    by_country: list
    by_return_type: list
    by_problem: list
    srq_screened: int
    srq_positive_first: int
    srq_positive_latest: int
    physical_screened: int
    by_blood_pressure: list
    alerts: list
    agencies: list
    agency_total: AgencyRow
    roster: list
    charts: dict = field(default_factory=dict)

    @property
    def referred_participants(self):
        """How many participants have at least one referral sent."""
        return sum(case.referral_count > 0 for case in self.roster)

    @property
    def alerts_handled(self):
        return sum(alert.resolved_at is not None for alert in self.alerts)

    @property
    def alerts_by_code(self):
        """(kind of alert, raised, acted on), in the order of the kinds: counts, no person."""
        rows = {}
        for alert in self.alerts:
            label = alert.get_code_display()
            raised, handled = rows.get(label, (0, 0))
            rows[label] = (raised + 1, handled + (alert.resolved_at is not None))
        return [(label, raised, handled) for label, (raised, handled) in rows.items()]


AGE_BAND_LABELS = dict(AGE_BAND_CHOICES)


def _rows(counter, order=None):
    """(label, count) in the given label order, then the rest by count; zeros kept if ordered."""
    if order is not None:
        rows = [(label, counter.get(label, 0)) for label in order]
        rows += sorted(
            ((label, n) for label, n in counter.items() if label not in order),
            key=lambda row: -row[1],
        )
        return rows
    return sorted(counter.items(), key=lambda row: (-row[1], row[0]))


def _referral_count(**conditions):
    counted = (
        Referral.objects.filter(case=OuterRef("pk"), **conditions)
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def program_cases(program):
    """The program's cases, archived participants (registered by mistake) left out."""
    return Case.objects.filter(program=program, participant__archived_at__isnull=True)


def program_figures(program, progress=None):
    """Everything the program report shows, counted from the database."""
    progress = progress or (lambda step: None)
    cases = program_cases(program)
    roster = list(
        program.cases.roster()
        .filter(participant__archived_at__isnull=True)
        .select_related("participant__village__parent")
        .prefetch_related("participant__episodes", "participant__problems")
        .annotate(
            referral_count=_referral_count(sent_at__isnull=False),
            referral_done=_referral_count(status=ReferralStatus.COMPLETED),
        )
    )
    progress(1)

    on = program.start_date
    sexes, ages, countries, returns = Counter(), Counter(), Counter(), Counter()
    for case in roster:
        person = case.participant
        case.age = person.age(on=on)
        sexes[person.get_sex_display()] += 1
        ages[str(AGE_BAND_LABELS[age_band(case.age)])] += 1
        episode = person.latest_episode
        case.episode = episode
        countries[episode.destination_country_name if episode else str(NOT_RECORDED)] += 1
        returns[
            episode.get_return_type_display()
            if episode and episode.return_type
            else str(NOT_RECORDED)
        ] += 1

    srq = Screening.objects.filter(case__in=cases, kind=SRQ20).order_by(
        "case_id", "screened_on", "pk"
    )
    first_band, latest_band = {}, {}
    for case_id, band in srq.values_list("case_id", "band"):
        first_band.setdefault(case_id, band)
        latest_band[case_id] = band
    physical = Screening.objects.filter(case__in=cases, kind=Screening.PHYSICAL)
    latest_bp = {}
    for case_id, bp in (
        physical.exclude(blood_pressure_class="")
        .order_by("case_id", "screened_on", "pk")
        .values_list("case_id", "blood_pressure_class")
    ):
        latest_bp[case_id] = bp
    bp_counts = Counter(latest_bp.values())
    progress(2)

    referrals = Referral.objects.filter(case__in=cases)
    agencies = referrals_by_agency(referrals)
    problems = problem_counts(cases.values("participant"))
    figures = ProgramFigures(
        participants=len(roster),
        by_sex=_rows(sexes, order=[str(label) for _value, label in Sex.choices]),
        by_age=_rows(ages, order=[str(label) for _code, label in AGE_BAND_CHOICES]),
        by_country=_rows(countries),
        by_return_type=_rows(
            returns,
            order=[str(label) for _v, label in MigrationEpisode.ReturnType.choices],
        ),
        by_problem=problems,
        srq_screened=len(first_band),
        srq_positive_first=sum(band == SRQ20_POSITIVE for band in first_band.values()),
        srq_positive_latest=sum(band == SRQ20_POSITIVE for band in latest_band.values()),
        physical_screened=physical.values("case_id").distinct().count(),
        by_blood_pressure=[
            (str(c.label), bp_counts.get(c.code, 0)) for c in BLOOD_PRESSURE_CLASSES
        ],
        alerts=list(
            Alert.objects.filter(case__in=cases)
            .select_related("case__participant", "resolved_by", "screening")
            .order_by("raised_at", "pk")
        ),
        agencies=agencies,
        agency_total=total_row(agencies, referrals),
        roster=roster,
    )
    figures.charts = {
        "problems": problems_chart(problems),
        "completion": completion_chart(agencies),
    }
    progress(3)
    return figures
