import datetime
import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import AgencyType
from accounts.querysets import OfficeScopedQuerySet
from accounts.workflow import Move, WorkflowMixin

from . import access


class Service(models.Model):
    """What an agency of a type can be asked for (admin-editable catalogue)."""

    agency_type = models.CharField(_("agency type"), max_length=30, choices=AgencyType.choices)
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name (Indonesian)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.UniqueConstraint(fields=["agency_type", "code"], name="service_code_per_type")
        ]

    def __str__(self):
        return self.name_en if (get_language() or "id").startswith("en") else self.name


def evidence_path(referral, filename):
    # Random names: the original name is kept in the row, never in the path.
    return f"referrals/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency (24 hours)")
    HIGH = "high", _("High (72 hours)")
    NORMAL = "normal", _("Normal (14 days)")


RESPONSE_TIME = {
    Urgency.EMERGENCY: datetime.timedelta(hours=24),
    Urgency.HIGH: datetime.timedelta(hours=72),
    Urgency.NORMAL: datetime.timedelta(days=14),
}


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    UNABLE = "unable", _("Unable to help")
    CANCELLED = "cancelled", _("Cancelled")


# Sent and not yet finished: the agency still owes an answer or the service.
OPEN_STATUSES = [ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS]


# Finished: nothing more is owed on it (the "done" box of the lists).
FINISHED_STATUSES = [
    ReferralStatus.COMPLETED,
    ReferralStatus.UNABLE,
    ReferralStatus.DECLINED,
    ReferralStatus.CANCELLED,
]


def overdue_condition(now=None) -> Q:
    """Overdue: past its due time while the agency still owes an answer or the service.

    The one definition: lists filter by it, counts count with it, and
    `Referral.is_overdue` says the same of one referral.
    """
    return Q(status__in=OPEN_STATUSES, due_at__lt=now or timezone.now())


def open_first_order():
    """The lists' order, also the expressions of the index that serves it (they must match)."""
    finished = Q(status__in=FINISHED_STATUSES)
    return [
        models.Case(models.When(finished, then=1), default=0),
        models.Case(models.When(finished, then=None), default=models.F("due_at")).asc(
            nulls_last=True
        ),
        models.F("id").desc(),
    ]


class ReferralScopedQuerySet(OfficeScopedQuerySet):
    """Office staff see their office's referrals; officers only their agency's, once sent.

    The rule for the referrals themselves and for their counts alike: subclasses name
    the lookup from a row to its office, and have `agency` and `status` of their own.
    """

    readers = access.REFERRAL_SENDERS

    def visible_to(self, user):
        if access.works_an_agency_inbox(user):
            return self.filter(agency_id=user.agency_id).exclude(status=ReferralStatus.DRAFT)
        return super().visible_to(user)


class ReferralQuerySet(ReferralScopedQuerySet):
    office_lookup = "case__program__office"

    def overdue(self, now=None):
        return self.filter(overdue_condition(now))

    def open_first(self):
        """Unfinished referrals first, the soonest due (so the most urgent) at the top;
        then the finished ones, the latest first. The pk makes every page's cut stable."""
        return self.order_by(*open_first_order())


S = ReferralStatus


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    PARTLY = "partly", _("Partly satisfied")
    NOT = "not", _("Not satisfied")


# The snapshot is what was handed over at the last sending; the history keeps the moves.
@pghistory.track(exclude=["shared_snapshot"])
class Referral(WorkflowMixin, models.Model):
    """A request to an agency for a service, for a participant or a family member."""

    Status = ReferralStatus

    # (from, to) -> who may make the move and what it needs written.
    TRANSITIONS = {
        (S.DRAFT, S.SENT): Move(access.REFERRAL_SENDERS),
        (S.DRAFT, S.CANCELLED): Move(access.REFERRAL_SENDERS),
        (S.SENT, S.ACCEPTED): Move(access.AGENCY_OFFICERS),
        (S.SENT, S.DECLINED): Move(access.AGENCY_OFFICERS, needs="decline_reason"),
        (S.ACCEPTED, S.IN_PROGRESS): Move(access.AGENCY_OFFICERS),
        (S.IN_PROGRESS, S.COMPLETED): Move(access.AGENCY_OFFICERS, needs="outcome"),
        (S.IN_PROGRESS, S.UNABLE): Move(access.AGENCY_OFFICERS, needs="note"),
        # A declined referral goes to the coordinator, who sends it back to the agency...
        (S.DECLINED, S.SENT): Move(access.REFERRAL_REVIEWERS, needs="note"),
        # ...or confirms the decline, which closes it.
        (S.DECLINED, S.CANCELLED): Move(access.REFERRAL_REVIEWERS, needs="note"),
        (S.SENT, S.CANCELLED): Move(access.REFERRAL_SENDERS),
        (S.ACCEPTED, S.CANCELLED): Move(access.REFERRAL_SENDERS),
        (S.IN_PROGRESS, S.CANCELLED): Move(access.REFERRAL_SENDERS),
    }
    ILLEGAL_MOVE = _("A referral that is %(current)s cannot be moved to %(target)s by you.")

    # The button for each move: the target's verb, unless the move says more.
    VERBS = {
        S.SENT: _("Send"),
        S.ACCEPTED: _("Accept"),
        S.DECLINED: _("Decline"),
        S.IN_PROGRESS: _("Start"),
        S.COMPLETED: _("Complete"),
        S.UNABLE: _("Unable to help"),
        S.CANCELLED: _("Cancel"),
    }
    VERBS_FROM = {
        (S.DECLINED, S.SENT): _("Send back to the agency"),
        (S.DECLINED, S.CANCELLED): _("Confirm the decline"),
    }

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="referrals"
    )
    household_member = models.ForeignKey(
        "participants.HouseholdMember",
        verbose_name=_("for a family member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="referrals"
    )
    number = models.CharField(_("letter number"), max_length=40, blank=True, editable=False)
    reason = models.TextField(_("reason for the referral"))
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    shared_chronology = models.TextField(
        _("chronology shared with the agency"),
        blank=True,
        help_text=_(
            "Only for agencies that receive a chronology (UPTD PPA), so the survivor need "
            "not tell it again. Write only what they need."
        ),
    )
    status = models.CharField(
        _("status"), max_length=15, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    # Incremented by every move: a move made on an old version is refused, never lost.
    version = models.PositiveIntegerField(default=1, editable=False)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # When the agency first accepted it, and when it was completed: facts of the timeline
    # kept on the row, so that reports count and time referrals without reading it.
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, editable=False)
    # When it was last declined: the coordinator reviews declines oldest first.
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True, editable=False)
    consent = models.ForeignKey(
        "participants.Consent",
        verbose_name=_("consent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    consent_override_reason = models.TextField(_("why sent without consent"), blank=True)
    consent_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_evidence = models.FileField(
        _("evidence of the outcome"), upload_to=evidence_path, blank=True
    )
    outcome_evidence_name = models.CharField(max_length=200, blank=True, editable=False)
    outcome_evidence_type = models.CharField(max_length=50, blank=True, editable=False)
    # What the agency was handed when the referral was (last) sent, as `sharing.snapshot`
    # made it: its pages and letter show this, not the record as it is now.
    shared_snapshot = models.JSONField(null=True, blank=True, editable=False)
    # The day the person withdrew (or refused) the consent to share with agencies of this
    # type, for as long as that holds: the agency then sees no more of the person's data.
    sharing_stopped_on = models.DateField(
        _("sharing stopped on"), null=True, blank=True, editable=False
    )
    plan_item = models.ForeignKey(
        "cases.PlanItem",
        verbose_name=_("plan item it fulfils"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    returnee_confirmed_at = models.DateTimeField(
        _("confirmed with the returnee"), null=True, blank=True
    )
    # The returnee's feedback, asked when the outcome is confirmed with them.
    feedback_received = models.BooleanField(_("service received"), null=True, blank=True)
    feedback_satisfaction = models.CharField(
        _("satisfied with the service"),
        max_length=10,
        choices=Satisfaction.choices,
        blank=True,
    )
    feedback_note = models.TextField(_("what the returnee said"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values), name="referral_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="referral_declined_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | ~Q(outcome=""),
                name="referral_completed_with_outcome",
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(status="cancelled", sent_at__isnull=True)
                | (
                    Q(sent_at__isnull=False, due_at__isnull=False)
                    & (Q(consent__isnull=False) | ~Q(consent_override_reason=""))
                ),
                name="referral_sent_with_consent_or_override",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "status", "due_at"], name="referral_inbox"),
            models.Index(
                fields=["declined_at", "id"],
                name="referral_declined",
                condition=Q(status=ReferralStatus.DECLINED),
            ),
            # Outcomes the case worker still has to confirm with the returnee, oldest first.
            models.Index(
                fields=["completed_at", "id"],
                name="referral_to_confirm",
                condition=Q(status=ReferralStatus.COMPLETED, returnee_confirmed_at__isnull=True),
            ),
            # The lists' open-first order, so that a page of it is read, not sorted.
            models.Index(*open_first_order(), name="referral_open_first"),
            models.Index("agency", *open_first_order(), name="referral_agency_open_first"),
            models.Index(fields=["case", "created_at"], name="referral_case"),
            # Overdue lists and counts walk only the open referrals, by deadline.
            models.Index(
                fields=["due_at"],
                name="referral_open_by_due",
                condition=Q(status__in=OPEN_STATUSES),
            ),
        ]

    def __str__(self):
        return f"{self.number or self.pk}: {self.service}"

    def get_absolute_url(self):
        return reverse("referrals:detail", args=[self.pk])

    @property
    def sender(self):
        """The BP3MI case worker who wrote and sent the referral: whom the agency calls."""
        return self.created_by

    @property
    def sender_phone(self):
        """The work phone that reaches the sender: their own, else their office's. No
        other detail of the staff member is shown to the agency."""
        return self.created_by.phone or self.case.program.office.phone

    @property
    def is_overdue(self):
        """The one referral's answer to `overdue_condition`."""
        return (
            self.status in OPEN_STATUSES
            and self.due_at is not None
            and self.due_at < timezone.now()
        )

    def verb(self, to):
        """The words on the button that moves this referral to `to`."""
        return self.VERBS_FROM.get((self.status, to), self.VERBS[to])


class ReferralTransition(models.Model):
    """Every move of a referral: who, when, from where to where, and the note."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=15, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=15, choices=ReferralStatus.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("referral move")
        verbose_name_plural = _("referral moves")
        indexes = [models.Index(fields=["referral", "at"], name="referral_timeline")]

    def __str__(self):
        return f"{self.from_status} -> {self.to_status}"


class OfficeReferralCountQuerySet(ReferralScopedQuerySet):
    office_lookup = "office"

    def by_status(self) -> dict[str, int]:
        """{status: referrals} of these counts; a status none has is left out."""
        rows = self.order_by().values_list("status").annotate(n=models.Sum("count"))
        return {status: n for status, n in rows if n}


class OfficeReferralCount(models.Model):
    """Referrals of the office's programs, by agency, status, and whether ever sent or accepted.

    Kept exact by the database itself: statement triggers (reports' migration
    0006_office_counters) add and subtract every insert, update and delete of the
    referrals and cases counted, in the same transaction. A count that falls
    to zero keeps its row. Nothing else writes them, but the cascade when an office or
    an agency is deleted. The referral lists' box badges and the reports read them: one
    small query, whatever the number of referrals.
    """

    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=15)
    sent = models.BooleanField()  # sent_at is set
    accepted = models.BooleanField()  # accepted_at is set
    count = models.IntegerField(default=0)

    objects = OfficeReferralCountQuerySet.as_manager()

    class Meta:
        # Made by the reports app, which kept the office's figures first.
        db_table = "reports_officereferralcount"
        constraints = [
            models.UniqueConstraint(
                fields=["office", "agency", "status", "sent", "accepted"],
                name="office_referral_count_key",
            ),
        ]

    def __str__(self):
        return f"{self.office_id}/{self.agency_id}/{self.status}: {self.count}"
