"""How long a participant's record is kept, and whose record is past it.

Each rule names when the office's work with a person is over, and the record is kept
`settings.RETENTION_YEARS[rule]` years from then; past it the record is due for
anonymising (reports.anonymisation). Nobody with an open case or an open referral is
ever due, and an anonymised record is due no more.

- "closed_case": every case of the participant is closed; the clock starts when the
  last one closed.
- "archived": the record was archived (registered by mistake, or merged into
  another); the clock starts on the day of archiving.
- "never_enrolled": the participant was registered, never enrolled in a program and
  not archived; the clock starts on the day of registration.
- "erasure": the person asked for their data to be erased and the office granted it
  (wholly or in part, a rights.DataRequest answered so): due at once, whatever the
  other clocks say, once no case or referral is open; it is anonymised with the same
  two-person confirmation.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from participants.models import Participant
from referrals.models import OPEN_STATUSES, Referral, ReferralStatus
from rights.models import DataRequest, Kind, Outcome

CLOSED_CASE = "closed_case"
ARCHIVED = "archived"
NEVER_ENROLLED = "never_enrolled"
ERASURE = "erasure"

RULES = {
    ERASURE: _("Erasure asked for and granted"),
    ARCHIVED: _("Archived"),
    CLOSED_CASE: _("Every case closed"),
    NEVER_ENROLLED: _("Registered, never enrolled"),
}
CLOCK_STARTS = {
    ERASURE: _("the day the request was granted"),
    ARCHIVED: _("the day of archiving"),
    CLOSED_CASE: _("the day the last case closed"),
    NEVER_ENROLLED: _("the day of registration"),
}


@dataclass
class Due:
    participant: Participant
    rule: str
    clock_started: datetime.datetime
    due_since: datetime.datetime

    @property
    def rule_label(self):
        return RULES[self.rule]

    @property
    def clock_label(self):
        return CLOCK_STARTS[self.rule]


def years_before(moment, years):
    """`moment` moved `years` calendar years back (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def years_after(moment, years):
    return years_before(moment, -years)


# A referral still at work: sent and not finished, or declined and waiting for the office.
OPEN_REFERRAL_STATUSES = [*OPEN_STATUSES, ReferralStatus.DECLINED]


def _open_cases(participant):
    return Case.objects.filter(participant=participant).exclude(status=Case.Status.CLOSED)


def _open_referrals(participant):
    return Referral.objects.filter(case__participant=participant, status__in=OPEN_REFERRAL_STATUSES)


def has_open_work(participant) -> bool:
    """Whether the office still works with the person: an open case or referral."""
    return _open_cases(participant).exists() or _open_referrals(participant).exists()


def _erasures_granted():
    return DataRequest.objects.filter(
        kind=Kind.ERASURE, outcome__in=[Outcome.GRANTED, Outcome.PARTLY]
    )


def _with_clocks(participants):
    granted = _erasures_granted().filter(participant=OuterRef("pk")).order_by("answered_at")
    return participants.annotate(
        erasure_granted_at=granted.values("answered_at")[:1],
        has_case=Exists(Case.objects.filter(participant=OuterRef("pk"))),
        has_open_case=Exists(_open_cases(OuterRef("pk"))),
        has_open_referral=Exists(_open_referrals(OuterRef("pk"))),
        last_closed_at=Max("cases__closed_at"),
    )


def due_condition(now=None):
    """The participants past one of the periods, as a filter of `_with_clocks` rows."""
    now = now or timezone.now()
    years = settings.RETENTION_YEARS
    return Q(anonymised_at__isnull=True, has_open_case=False, has_open_referral=False) & (
        Q(erasure_granted_at__isnull=False)
        | Q(archived_at__lte=years_before(now, years[ARCHIVED]))
        | Q(
            archived_at__isnull=True,
            has_case=True,
            last_closed_at__lte=years_before(now, years[CLOSED_CASE]),
        )
        | Q(
            archived_at__isnull=True,
            has_case=False,
            created_at__lte=years_before(now, years[NEVER_ENROLLED]),
        )
    )


def due_participants(participants, now=None):
    """Of `participants`, those past their period, the longest overdue first."""
    rows = _with_clocks(participants).filter(due_condition(now))
    return rows.order_by("created_at", "pk")


def why_due(participant):
    """The rule that makes a `due_participants` row due, when its clock started and since
    when it is due."""
    years = settings.RETENTION_YEARS
    if participant.erasure_granted_at is not None:
        started = participant.erasure_granted_at
        return Due(participant, ERASURE, started, started)
    if participant.archived_at is not None:
        rule, started = ARCHIVED, participant.archived_at
    elif participant.has_case:
        rule, started = CLOSED_CASE, participant.last_closed_at
    else:
        rule, started = NEVER_ENROLLED, participant.created_at
    return Due(participant, rule, started, years_after(started, years[rule]))


def due_list(participants, now=None):
    """`Due` rows, the longest overdue first."""
    rows = [why_due(participant) for participant in due_participants(participants, now)]
    return sorted(rows, key=lambda due: (due.due_since, due.participant.pk))


def is_due(participant, now=None):
    return due_participants(Participant.objects.filter(pk=participant.pk), now).exists()


def periods():
    """(rule, when its clock starts, years) of every rule, for the page."""
    years = settings.RETENTION_YEARS
    return [(RULES[rule], CLOCK_STARTS[rule], years[rule]) for rule in RULES if rule in years]
