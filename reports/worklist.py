"""What a user must do now: their work list, section by section, the most urgent first.

Each section says what waits, for whom, and leads to the page where it is done. Who
sees which section, and of which cases, is decided by the apps' access predicates:

- a case worker's sections are of their own cases;
- a coordinator (who assigns case workers) covers the cases without an active case
  worker: their visits, outcomes to confirm and plan steps are theirs until someone
  is assigned; alerts and declined referrals are the whole office's;
- a health worker repeats the screenings at every visit, so they see every follow-up
  visit due in the office, and their row leads to the visit's SRQ-20 (the case worker's
  to the page that records the visit);
- an agency officer sees the referrals of their own agency to accept, and those late;
- a coordinator answers the requests of the people in the records about their data
  within 72 hours of receipt: every open one of the office, the overdue first;
- an administrator's list is that of their own office, if they have one.

Rows start from `visible_to(user)`. A section is one query however many rows wait:
the total is counted within it, so there is never a second one. A coordinator's list
reads once, beside them, who can no longer log in.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import IntegerField, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from accounts.access import sees_every_office
from accounts.models import User
from accounts.paging import capped_count_sql
from cases import access as case_access
from cases.models import Alert, Case, FollowUp, PlanItem
from cases.schedule import due_soon_until
from referrals import access as referral_access
from referrals.models import Referral, ReferralStatus, overdue_condition
from rights import access as rights_access
from rights.models import DataRequest
from rights.models import clock as request_clock

# Rows shown per section on /tasks/; the home page shows fewer.
ROWS_SHOWN = 25
HOME_ROWS_SHOWN = 5
# A section counts its rows up to this many; past it, it says "1000+".
TOTAL_CAP = 1000
DATE = "j M Y"
DATETIME = "j M Y H:i"


@dataclass(frozen=True)
class Row:
    """One thing to do: for whom, what, when, and the page where it is done."""

    participant: object
    what: str
    when: str
    overdue: bool
    url: str
    item: object  # the alert, visit, referral, plan step or case it is about


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    count: int
    rows: list[Row]
    list_url: str
    counted: str  # "3 follow-up visits due this week"

    @property
    def has_more(self) -> bool:
        return self.count > len(self.rows)

    @property
    def shown_count(self) -> str:
        """The total as the page shows it: "1000+" once counting stopped."""
        return str(self.count)


@dataclass(frozen=True)
class Kind:
    """A kind of work: who has it, which rows, and how a row reads."""

    code: str
    title: Promise
    counted: Promise  # ngettext_lazy(..., "count")
    applies: Callable  # user -> bool, from the access predicates; no query
    items: Callable  # (user, today, now) -> QuerySet, filtered and ordered
    row: Callable  # (item, today, user) -> Row
    list_url: Callable | None = None  # () -> the full list's URL, where one exists
    # What a row reads beside its item, joined for the rows shown only.
    shows: tuple[str, ...] = ("case__participant__village",)

    def counted_text(self, count: int) -> str:
        return self.counted % {"count": count}


# --- Whose work it is ----------------------------------------------------------------


def _in_an_office(user) -> bool:
    """An administrator without an office has no office work of their own."""
    return not sees_every_office(user) or user.office_id is not None


def _own_office(rows, user):
    # An administrator sees every office; their work list is their own office's.
    if sees_every_office(user):
        return rows.of_office(user.office_id)
    return rows


def _holds_cases(user) -> bool:
    return _in_an_office(user) and (
        case_access.has_caseload(user) or case_access.can_assign_case(user)
    )


def _departed(user) -> list[int]:
    """The ids of the users who can no longer log in: read once for `user`'s page.

    Cases "without an active case worker" are found by this list, not by joining each
    case to its worker: the list and the missing worker are both answered by the index
    on the case worker, where the join reads every open case of the office to find the
    few no one holds (50-90 ms a section at 150,000 cases)."""
    if not hasattr(user, "_departed_case_workers"):
        user._departed_case_workers = list(
            User.objects.filter(is_active=False).values_list("pk", flat=True)
        )
    return user._departed_case_workers


def _without_active_worker(user, prefix=""):
    return Q(**{f"{prefix}case_worker__isnull": True}) | Q(
        **{f"{prefix}case_worker__in": _departed(user)}
    )


def _held(user, prefix=""):
    """The cases whose work falls to this user: a case worker's own; for a coordinator,
    those without an active case worker."""
    if case_access.has_caseload(user):
        return Q(**{f"{prefix}case_worker": user})
    return _without_active_worker(user, prefix)


def _office_cases(user):
    return _own_office(Case.objects.visible_to(user), user)


def _office_referrals(user):
    return _own_office(Referral.objects.visible_to(user), user)


# --- How a row reads -----------------------------------------------------------------


def _local(moment):
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def _day(day) -> str:
    return date_format(day, DATE)


def _moment(moment) -> str:
    return date_format(_local(moment), DATETIME)


def _due(day, today):
    """The words for a due date, and whether it has passed."""
    if day < today:
        return _("Overdue since %(date)s") % {"date": _day(day)}, True
    if day == today:
        return _("Due today"), False
    return _("Due %(date)s") % {"date": _day(day)}, False


def _referral_name(referral) -> str:
    return f"{referral.number or referral.pk} · {referral.service}"


# --- The sections, the most urgent first ---------------------------------------------


def _alerts_apply(user):
    return _in_an_office(user) and case_access.can_resolve_alert(user)


def _alerts(user, today, now):
    cases = _office_cases(user)
    if case_access.has_caseload(user):
        cases = cases.filter(case_worker=user)
    return Alert.objects.unresolved().filter(case__in=cases).order_by("raised_at", "pk")


def _alert_row(alert, today, user):
    return Row(
        participant=alert.case.participant,
        what=alert.get_code_display(),
        when=_("Raised %(time)s") % {"time": _moment(alert.raised_at)},
        overdue=False,
        url=alert.case.get_absolute_url(),
        item=alert,
    )


def _data_requests_apply(user):
    return _in_an_office(user) and rights_access.can_handle_requests(user)


def _data_requests(user, today, now):
    # Every open request is due within 72 hours of its receipt; the overdue come first.
    return _own_office(DataRequest.objects.visible_to(user), user).open().order_by("due_at", "pk")


def _data_request_row(data_request, today, user):
    return Row(
        participant=data_request.participant,
        what=f"{data_request.get_kind_display()} · {data_request.requester}",
        when=request_clock(data_request.due_at),
        overdue=data_request.is_overdue,
        url=data_request.get_absolute_url(),
        item=data_request,
    )


def _agency_applies(user):
    return referral_access.works_an_agency_inbox(user)


def _referrals_late(user, today, now):
    return Referral.objects.visible_to(user).overdue(now).order_by("due_at", "pk")


def _late_referral_row(referral, today, user):
    return Row(
        participant=referral.case.participant,
        what=f"{_referral_name(referral)} ({referral.get_status_display()})",
        when=_("Overdue since %(date)s") % {"date": _moment(referral.due_at)},
        overdue=True,
        url=referral.get_absolute_url(),
        item=referral,
    )


def _follow_ups_apply(user):
    return _in_an_office(user) and (case_access.screens_every_visit(user) or _holds_cases(user))


def _follow_ups(user):
    cases = _office_cases(user).open()
    if not case_access.screens_every_visit(user):
        cases = cases.filter(_held(user))
    return FollowUp.objects.pending().filter(case__in=cases).order_by("due_on", "case_id", "month")


def _follow_ups_late(user, today, now):
    return _follow_ups(user).filter(due_on__lt=today)


def _follow_ups_soon(user, today, now):
    return _follow_ups(user).filter(due_on__gte=today, due_on__lte=due_soon_until(today))


def _follow_up_row(visit, today, user):
    when, overdue = _due(visit.due_on, today)
    # The visit's page: the case worker records the visit there, and everyone finds
    # the questionnaires it repeats.
    url = reverse("cases:follow_up_record", args=[visit.case_id, visit.month])
    return Row(
        participant=visit.case.participant,
        what=_("Follow-up visit at %(month)s") % {"month": visit.get_month_display()},
        when=when,
        overdue=overdue,
        url=url,
        item=visit,
    )


def _to_accept(user, today, now):
    return (
        Referral.objects.visible_to(user)
        .filter(status=ReferralStatus.SENT)
        .exclude(overdue_condition(now))
        .order_by("due_at", "pk")
    )


def _to_accept_row(referral, today, user):
    return Row(
        participant=referral.case.participant,
        what=f"{_referral_name(referral)} ({referral.get_urgency_display()})",
        when=_("Answer by %(time)s") % {"time": _moment(referral.due_at)},
        overdue=False,
        url=referral.get_absolute_url(),
        item=referral,
    )


def _declines_apply(user):
    return _in_an_office(user) and referral_access.can_review_declines(user)


def _declined(user, today, now):
    return (
        _office_referrals(user).filter(status=ReferralStatus.DECLINED).order_by("declined_at", "pk")
    )


def _declined_row(referral, today, user):
    reason = Truncator(referral.decline_reason).chars(80)
    return Row(
        participant=referral.case.participant,
        what=f"{_referral_name(referral)} · {referral.agency}: {reason}",
        when=(
            _("Declined %(date)s") % {"date": _day(_local(referral.declined_at))}
            if referral.declined_at
            else ""
        ),
        overdue=False,
        url=referral.get_absolute_url(),
        item=referral,
    )


def _outcomes_apply(user):
    return _holds_cases(user) and referral_access.can_confirm_with_returnee(user)


def _outcomes(user, today, now):
    return (
        _office_referrals(user)
        .filter(status=ReferralStatus.COMPLETED, returnee_confirmed_at__isnull=True)
        .filter(_held(user, "case__"))
        .order_by("completed_at", "pk")
    )


def _outcome_row(referral, today, user):
    return Row(
        participant=referral.case.participant,
        what=_("%(referral)s from %(agency)s: confirm the outcome with the returnee")
        % {"referral": _referral_name(referral), "agency": referral.agency},
        when=(
            _("Completed %(date)s") % {"date": _day(_local(referral.completed_at))}
            if referral.completed_at
            else ""
        ),
        overdue=False,
        url=referral.get_absolute_url(),
        item=referral,
    )


def _plan_items(user, today, now):
    cases = _office_cases(user).open().filter(_held(user))
    return (
        PlanItem.objects.filter(case__in=cases, due_date__lte=due_soon_until(today))
        .exclude(status__in=[PlanItem.Status.DONE, PlanItem.Status.CANCELLED])
        .order_by("due_date", "pk")
    )


def _plan_item_row(item, today, user):
    when, overdue = _due(item.due_date, today)
    what = item.intervention
    if item.responsible_agency:
        what = f"{what} ({item.responsible_agency})"
    return Row(
        participant=item.case.participant,
        what=what,
        when=when,
        overdue=overdue,
        url=item.case.get_absolute_url(),
        item=item,
    )


def _unassigned_apply(user):
    return _in_an_office(user) and case_access.can_assign_case(user)


def _unassigned(user, today, now):
    return (
        _office_cases(user).open().filter(_without_active_worker(user)).order_by("opened_at", "pk")
    )


def _unassigned_row(case, today, user):
    if case.case_worker is None:
        what = _("%(program)s: no case worker") % {"program": case.program}
    else:
        what = _("%(program)s: %(name)s can no longer log in; assign someone else") % {
            "program": case.program,
            "name": case.case_worker,
        }
    return Row(
        participant=case.participant,
        what=what,
        when=_("Open since %(date)s") % {"date": _day(_local(case.opened_at))},
        overdue=False,
        url=case.get_absolute_url(),
        item=case,
    )


def _referral_box(query):
    return lambda: f"{reverse('referrals:list')}?{query}"


KINDS = [
    Kind(
        "alerts",
        gettext_lazy("Alerts to handle"),
        ngettext_lazy("%(count)s alert to handle", "%(count)s alerts to handle", "count"),
        _alerts_apply,
        _alerts,
        _alert_row,
    ),
    Kind(
        "data_requests",
        gettext_lazy("Personal data requests"),
        ngettext_lazy(
            "%(count)s personal data request to answer",
            "%(count)s personal data requests to answer",
            "count",
        ),
        _data_requests_apply,
        _data_requests,
        _data_request_row,
        lambda: reverse("rights:list"),
        shows=("participant__village",),
    ),
    Kind(
        "referrals_overdue",
        gettext_lazy("Overdue referrals"),
        ngettext_lazy("%(count)s overdue referral", "%(count)s overdue referrals", "count"),
        _agency_applies,
        _referrals_late,
        _late_referral_row,
        _referral_box("box=overdue"),
        shows=("case__participant__village", "service"),
    ),
    Kind(
        "follow_ups_overdue",
        gettext_lazy("Follow-up visits overdue"),
        ngettext_lazy(
            "%(count)s follow-up visit overdue", "%(count)s follow-up visits overdue", "count"
        ),
        _follow_ups_apply,
        _follow_ups_late,
        _follow_up_row,
    ),
    Kind(
        "referrals_to_accept",
        gettext_lazy("Referrals to accept"),
        ngettext_lazy("%(count)s referral to accept", "%(count)s referrals to accept", "count"),
        _agency_applies,
        _to_accept,
        _to_accept_row,
        _referral_box("box=new"),
        shows=("case__participant__village", "service"),
    ),
    Kind(
        "declined",
        gettext_lazy("Declined referrals to review"),
        ngettext_lazy(
            "%(count)s declined referral to review",
            "%(count)s declined referrals to review",
            "count",
        ),
        _declines_apply,
        _declined,
        _declined_row,
        _referral_box("status=declined"),
        shows=("case__participant__village", "service", "agency"),
    ),
    Kind(
        "follow_ups_due",
        gettext_lazy("Follow-up visits due this week"),
        ngettext_lazy(
            "%(count)s follow-up visit due this week",
            "%(count)s follow-up visits due this week",
            "count",
        ),
        _follow_ups_apply,
        _follow_ups_soon,
        _follow_up_row,
    ),
    Kind(
        "outcomes",
        gettext_lazy("Referral outcomes to confirm with the returnee"),
        ngettext_lazy("%(count)s outcome to confirm", "%(count)s outcomes to confirm", "count"),
        _outcomes_apply,
        _outcomes,
        _outcome_row,
        shows=("case__participant__village", "service", "agency"),
    ),
    Kind(
        "plan_items",
        gettext_lazy("Plan steps due"),
        ngettext_lazy("%(count)s plan step due", "%(count)s plan steps due", "count"),
        _holds_cases,
        _plan_items,
        _plan_item_row,
        shows=("case__participant__village", "responsible_agency"),
    ),
    Kind(
        "unassigned",
        gettext_lazy("Cases without a case worker"),
        ngettext_lazy(
            "%(count)s case without a case worker",
            "%(count)s cases without a case worker",
            "count",
        ),
        _unassigned_apply,
        _unassigned,
        _unassigned_row,
        shows=("participant__village", "program", "case_worker"),
    ),
]


class AtLeast(int):
    """A total that stopped counting at `TOTAL_CAP`: it reads "1000+"."""

    def __str__(self):
        return f"{int(self)}+"


def _first_with_total(items, rows, shows=()):
    """The first `rows` of `items`, each with the number of them all up to `TOTAL_CAP` + 1,
    and with the relations in `shows` joined.

    One query. The total is an uncorrelated subquery, which the database counts once
    (an InitPlan): counting stops at the cap, so the rest of a backlog of thousands is
    never read to say so. Which rows come first is decided by a subquery of the items'
    own table alone; only those rows are then joined to what they show, not every row
    waiting (a case worker's hundreds of alerts, each with its participant and village).
    The outer query takes those rows by their keys without repeating the filters that
    chose them, which the database would otherwise plan and check a third time.
    """
    sql, params = capped_count_sql(items, TOTAL_CAP)
    total = RawSQL(sql, params, IntegerField())  # noqa: S611 (Django's own SQL, no input)
    first = items.values("pk")[:rows]
    return (
        items.model._default_manager.filter(pk__in=first)
        .select_related(*shows)
        .order_by(*items.query.order_by)
        .annotate(work_total=total)
    )


def kinds_for(user) -> list[Kind]:
    """The kinds of work this user may have; no query."""
    if not user.is_authenticated:
        return []
    return [kind for kind in KINDS if kind.applies(user)]


def has_work_list(user) -> bool:
    """Whether anything could ever wait for this user (the menu entry, the pages)."""
    return bool(kinds_for(user))


def work_for(user, today=None, *, rows=ROWS_SHOWN, now=None) -> list[Section]:
    """The sections of work waiting for `user`, the most urgent first; empty ones left out.

    Each section holds up to `rows` rows and the total; one query per section.
    """
    today = today or timezone.localdate()
    now = now or timezone.now()
    sections = []
    for kind in kinds_for(user):
        items = list(_first_with_total(kind.items(user, today, now), rows, kind.shows))
        if not items:
            continue
        count = items[0].work_total
        if count > TOTAL_CAP:
            count = AtLeast(TOTAL_CAP)
        sections.append(
            Section(
                code=kind.code,
                title=str(kind.title),
                count=count,
                rows=[kind.row(item, today, user) for item in items],
                list_url=kind.list_url() if kind.list_url else "",
                counted=kind.counted_text(count),
            )
        )
    return sections


def counts_for(user, today=None, *, now=None) -> list[tuple[Kind, int]]:
    """How many rows wait in each section of `user`'s work list (those with any)."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    counts = [(kind, kind.items(user, today, now).count()) for kind in kinds_for(user)]
    return [(kind, count) for kind, count in counts if count]


def summary(sections) -> str:
    """One line: "3 follow-up visits due this week, 1 outcome to confirm"."""
    return ", ".join(section.counted for section in sections)
