"""The program's outcome report: who is better off, counted in the database.

Four parts, each one aggregate query whatever the number of participants: the change
in each reintegration dimension between intake and the latest later measure, the
referrals' outcomes per service, the follow-up visits made against those due, and the
change in SRQ-20 scores. Only counts leave here, never a name.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases import instruments, outcomes, schedule
from cases.models import FollowUp, OutcomeMeasure, Screening
from referrals.models import Referral, ReferralStatus, Satisfaction, Service

from . import charts
from .figures import program_cases

TEMPLATE = "reports/outcome_report_pdf.html"

# A visit made within two weeks after its due date counts as on time: the case worker
# travels to the village, and the returnee may be away at work on the day itself.
GRACE_DAYS = 14
GRACE = datetime.timedelta(days=GRACE_DAYS)

SRQ20 = Screening.Kind.SRQ20
# The lowest score of the SRQ-20's positive band ("indication of a disorder").
SRQ20_POSITIVE_FROM = next(band.low for band in instruments.SRQ20.bands if band.code == "positive")

INTAKE = OutcomeMeasure.Occasion.INTAKE
THRESHOLD = outcomes.CHANGE_THRESHOLD


def share(part, whole):
    """`part` of `whole` in whole percent, or None when there is nothing to share."""
    return round(100 * part / whole) if whole else None


@dataclass(frozen=True)
class Cell:
    """A count and its share of the row's base, written "12 (67%)"."""

    count: int
    percent: int | None = None

    def __str__(self):
        return str(self.count) if self.percent is None else f"{self.count} ({self.percent}%)"


def _cell(part, whole):
    return Cell(part, share(part, whole))


@dataclass
class DimensionRow:
    dimension: str
    improved: int
    stayed: int
    worsened: int
    intake_only: int
    no_intake: int
    participants: int

    @property
    def name(self):
        return outcomes.DIMENSION_NAMES[self.dimension]

    @property
    def compared(self):
        return self.improved + self.stayed + self.worsened

    @property
    def cells(self):
        """The row's cells in the table's order; the changes as shares of those compared."""
        return [
            _cell(self.improved, self.compared),
            _cell(self.stayed, self.compared),
            _cell(self.worsened, self.compared),
            Cell(self.compared),
            _cell(self.intake_only, self.participants),
            _cell(self.no_intake, self.participants),
        ]

    @property
    def sentence(self):
        return ngettext(
            "%(improved)s of %(compared)s participant improved in the %(dimension)s "
            "dimension; %(worsened)s worsened.",
            "%(improved)s of %(compared)s participants improved in the %(dimension)s "
            "dimension; %(worsened)s worsened.",
            self.compared,
        ) % {
            "improved": self.improved,
            "compared": self.compared,
            "worsened": self.worsened,
            "dimension": str(self.name).lower(),
        }


@dataclass
class ServiceRow:
    service: str
    sent: int = 0
    completed: int = 0
    confirmed: int = 0
    unable_or_declined: int = 0
    received: int = 0
    satisfied: int = 0

    COUNTS = ("sent", "completed", "confirmed", "unable_or_declined", "received", "satisfied")

    @property
    def cells(self):
        return [
            Cell(self.sent),
            _cell(self.completed, self.sent),
            _cell(self.confirmed, self.completed),
            _cell(self.unable_or_declined, self.sent),
            _cell(self.received, self.confirmed),
            _cell(self.satisfied, self.confirmed),
        ]


@dataclass
class FollowUpRow:
    label: str
    due: int = 0
    done: int = 0
    late: int = 0
    overdue: int = 0

    COUNTS = ("due", "done", "late", "overdue")

    @property
    def cells(self):
        return [
            Cell(self.due),
            _cell(self.done, self.due),
            _cell(self.late, self.done),
            _cell(self.overdue, self.due),
        ]


@dataclass
class SrqChange:
    participants: int
    positive_first: int
    fell_below: int
    down: int
    same: int
    up: int
    mean_first: float | None
    mean_latest: float | None
    positive_from: int = SRQ20_POSITIVE_FROM

    @property
    def rows(self):
        """(label, cell) for the table: the moves as shares of those screened twice."""
        return [
            (_("Positive at the first screening"), _cell(self.positive_first, self.participants)),
            (
                _("Positive at first, below %(score)s at the latest")
                % {"score": self.positive_from},
                _cell(self.fell_below, self.positive_first),
            ),
            (_("Score went down"), _cell(self.down, self.participants)),
            (_("Score stayed the same"), _cell(self.same, self.participants)),
            (_("Score went up"), _cell(self.up, self.participants)),
        ]


@dataclass
class OutcomeReport:
    participants: int
    dimensions: list[DimensionRow]
    services: list[ServiceRow]
    service_total: ServiceRow
    follow_ups: list[FollowUpRow]
    follow_up_total: FollowUpRow
    srq: SrqChange
    today: datetime.date
    charts: dict = field(default_factory=dict)
    threshold: int = THRESHOLD
    grace_days: int = GRACE_DAYS

    @property
    def compared(self):
        return self.dimensions[0].compared if self.dimensions else 0

    @property
    def change_labels(self):
        return [
            outcomes.CHANGE_LABELS[c]
            for c in (outcomes.IMPROVED, outcomes.STAYED, outcomes.WORSENED)
        ]


def counted_cases(program, user):
    """The program's cases that `user` may count, archived participants left out."""
    return program_cases(program).countable_by(user)


# --- Reintegration dimensions ---------------------------------------------------------------


def _measures():
    return OutcomeMeasure.objects.filter(case=OuterRef("pk"))


def _intake_score(dimension):
    intake = _measures().filter(occasion=INTAKE)
    return Subquery(intake.values(f"{dimension}_score")[:1])


def _latest_score(dimension):
    # Latest by the day it was taken: a closing measure after month 6 outranks it.
    later = _measures().exclude(occasion=INTAKE).order_by("-taken_on", "-pk")
    return Subquery(later.values(f"{dimension}_score")[:1])


def dimension_changes(cases):
    """Per dimension: improved, stayed, worsened (intake against the latest later
    measure, as `outcomes.change` says), intake only, no intake; and the participants."""
    annotations = {
        "has_intake": Exists(_measures().filter(occasion=INTAKE)),
        "has_later": Exists(_measures().exclude(occasion=INTAKE)),
    }
    counts = {
        "participants": Count("pk"),
        "intake_only": Count("pk", filter=Q(has_intake=True, has_later=False)),
        "no_intake": Count("pk", filter=Q(has_intake=False)),
    }
    for dimension in outcomes.DIMENSIONS:
        gain = f"{dimension}_gain"
        # Signed: the scores' own type is unsigned, and a fall is negative.
        annotations[gain] = ExpressionWrapper(
            _latest_score(dimension) - _intake_score(dimension), output_field=IntegerField()
        )
        counts[f"{dimension}_improved"] = Count("pk", filter=Q(**{f"{gain}__gte": THRESHOLD}))
        counts[f"{dimension}_worsened"] = Count("pk", filter=Q(**{f"{gain}__lte": -THRESHOLD}))
        counts[f"{dimension}_stayed"] = Count(
            "pk", filter=Q(**{f"{gain}__gt": -THRESHOLD, f"{gain}__lt": THRESHOLD})
        )
    totals = cases.annotate(**annotations).aggregate(**counts)
    rows = [
        DimensionRow(
            dimension=dimension,
            improved=totals[f"{dimension}_improved"],
            stayed=totals[f"{dimension}_stayed"],
            worsened=totals[f"{dimension}_worsened"],
            intake_only=totals["intake_only"],
            no_intake=totals["no_intake"],
            participants=totals["participants"],
        )
        for dimension in outcomes.DIMENSIONS
    ]
    return totals["participants"], rows


# --- Referrals per service ------------------------------------------------------------------


def _of_sent(**conditions):
    return Q(**{f"referrals__{name}": value for name, value in conditions.items()})


def service_outcomes(referrals):
    """Per service (name in the active language): sent, completed, confirmed with the
    returnee, unable or declined, and of the confirmed, received and satisfied."""
    sent = referrals.filter(sent_at__isnull=False)
    confirmed = _of_sent(returnee_confirmed_at__isnull=False)
    # A declined referral whose decline the coordinator confirmed is cancelled but keeps
    # its reason; one sent back to the agency had its reason cleared.
    refused = _of_sent(status__in=[ReferralStatus.UNABLE, ReferralStatus.DECLINED]) | (
        _of_sent(status=ReferralStatus.CANCELLED) & ~_of_sent(decline_reason="")
    )
    # The filter comes first, so the counts run over the same join: sent referrals only.
    services = Service.objects.filter(referrals__in=sent).annotate(
        sent=Count("referrals"),
        completed=Count("referrals", filter=_of_sent(status=ReferralStatus.COMPLETED)),
        confirmed=Count("referrals", filter=confirmed),
        unable_or_declined=Count("referrals", filter=refused),
        received=Count("referrals", filter=confirmed & _of_sent(feedback_received=True)),
        satisfied=Count(
            "referrals",
            filter=confirmed & _of_sent(feedback_satisfaction=Satisfaction.SATISFIED),
        ),
    )
    rows = [
        ServiceRow(str(service), **{name: getattr(service, name) for name in ServiceRow.COUNTS})
        for service in services
    ]
    rows.sort(key=lambda row: row.service.casefold())
    return rows, _total(ServiceRow(_("All services")), rows)


def _total(total, rows):
    for row in rows:
        for name in total.COUNTS:
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return total


# --- Follow-up visits -----------------------------------------------------------------------


def follow_up_completion(cases, today):
    """Per visit month and in all: due so far, done, done late, overdue.

    A closed case owes no visit after the day it closed, so its visits count as of that
    day; an open case's as of today.
    """
    visits = (
        FollowUp.objects.filter(case__in=cases)
        .annotate(as_of=Coalesce(TruncDate("case__closed_at"), Value(today)))
        .filter(due_on__lte=F("as_of"))
    )
    counts = {
        row["month"]: row
        for row in visits.values("month").annotate(
            due=Count("pk"),
            done=Count("pk", filter=Q(visited_on__isnull=False)),
            late=Count("pk", filter=Q(visited_on__gt=F("due_on") + GRACE)),
            overdue=Count("pk", filter=Q(visited_on__isnull=True, due_on__lt=F("as_of"))),
        )
    }
    rows = []
    for month in schedule.SCHEDULE_MONTHS:
        row = counts.get(month, {})
        rows.append(
            FollowUpRow(
                str(FollowUp.Month(month).label),
                **{name: row.get(name, 0) for name in FollowUpRow.COUNTS},
            )
        )
    return rows, _total(FollowUpRow(_("All visits")), rows)


# --- SRQ-20 -----------------------------------------------------------------------------------


def srq_change(cases):
    """Of the participants screened with the SRQ-20 at least twice: first against latest."""
    screenings = Screening.objects.filter(case=OuterRef("pk"), kind=SRQ20, score__isnull=False)
    times = screenings.values("case").annotate(n=Count("pk")).values("n")
    twice = cases.annotate(
        srq_times=Subquery(times, output_field=IntegerField()),
        srq_first=Subquery(screenings.order_by("screened_on", "pk").values("score")[:1]),
        srq_latest=Subquery(screenings.order_by("-screened_on", "-pk").values("score")[:1]),
    ).filter(srq_times__gte=2)
    positive_first = Q(srq_first__gte=SRQ20_POSITIVE_FROM)
    totals = twice.aggregate(
        participants=Count("pk"),
        positive_first=Count("pk", filter=positive_first),
        fell_below=Count("pk", filter=positive_first & Q(srq_latest__lt=SRQ20_POSITIVE_FROM)),
        down=Count("pk", filter=Q(srq_latest__lt=F("srq_first"))),
        same=Count("pk", filter=Q(srq_latest=F("srq_first"))),
        up=Count("pk", filter=Q(srq_latest__gt=F("srq_first"))),
        mean_first=Avg("srq_first"),
        mean_latest=Avg("srq_latest"),
    )
    for mean in ("mean_first", "mean_latest"):
        if totals[mean] is not None:
            totals[mean] = round(float(totals[mean]), 1)
    return SrqChange(**totals)


# --- The whole report -----------------------------------------------------------------------


def outcome_report(program, user, today=None):
    """Everything the outcome report shows, in a fixed number of queries."""
    today = today or timezone.localdate()
    cases = counted_cases(program, user)
    participants, dimensions = dimension_changes(cases)
    services, service_total = service_outcomes(
        Referral.objects.countable_by(user).filter(case__in=cases)
    )
    follow_ups, follow_up_total = follow_up_completion(cases, today)
    report = OutcomeReport(
        participants=participants,
        dimensions=dimensions,
        services=services,
        service_total=service_total,
        follow_ups=follow_ups,
        follow_up_total=follow_up_total,
        srq=srq_change(cases),
        today=today,
    )
    report.charts = {
        "improved": improved_chart(dimensions),
        "visits": visits_chart(follow_ups),
    }
    return report


def improved_chart(dimensions):
    compared = dimensions[0].compared if dimensions else 0
    rows = []
    for row in dimensions:
        percent = share(row.improved, row.compared) or 0
        text = _("%(improved)s of %(compared)s (%(percent)s%%)") % {
            "improved": row.improved,
            "compared": row.compared,
            "percent": percent,
        }
        rows.append((row.name, percent, text, "success"))
    return charts.bars(
        _("Participants who improved, per dimension"),
        rows,
        empty_text=(
            _("Nobody improved in any dimension.")
            if compared
            else _("Nobody has an intake measure and a later one yet.")
        ),
        full=100,
    )


def visits_chart(follow_ups):
    due = sum(row.due for row in follow_ups)
    rows = []
    for row in follow_ups:
        percent = share(row.done, row.due) or 0
        text = _("%(done)s of %(due)s (%(percent)s%%)") % {
            "done": row.done,
            "due": row.due,
            "percent": percent,
        }
        rows.append((row.label, percent, text if row.due else ""))
    return charts.bars(
        _("Visits made of those due, per visit"),
        rows,
        empty_text=_("No visit due has been made yet.") if due else _("No visit is due yet."),
        full=100,
    )


def filename(program, today=None):
    return f"laporan-hasil-program-{program.pk}-{today or timezone.localdate():%Y%m%d}.pdf"
