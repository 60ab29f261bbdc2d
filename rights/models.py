import datetime

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.querysets import OfficeScopedQuerySet
from accounts.workflow import Move, WorkflowMixin

from . import access

# The controller answers a person's request within 3 x 24 hours of receiving it.
ANSWER_WITHIN = datetime.timedelta(hours=72)


class Kind(models.TextChoices):
    ACCESS = "access", _("See the data held (access)")
    RECTIFICATION = "rectification", _("Correct the data (rectification)")
    ERASURE = "erasure", _("Erase the data (erasure)")
    RESTRICTION = "restriction", _("Restrict the use of the data")
    OBJECTION = "objection", _("Object to the use of the data")
    CONSENT_WITHDRAWAL = "consent_withdrawal", _("Withdraw a consent")


class RequestedBy(models.TextChoices):
    PERSON = "person", _("The person themself")
    FAMILY = "family", _("A family member")
    GUARDIAN = "guardian", _("A guardian")
    COMPANION = "companion", _("A lawyer or companion")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("Email")
    WHATSAPP = "whatsapp", _("WhatsApp")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_REVIEW = "in_review", _("In review")
    ANSWERED = "answered", _("Answered")


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Granted")
    PARTLY = "partly", _("Partly granted")
    REFUSED = "refused", _("Refused")


# The outcomes that refuse some or all of the request: each needs its grounds.
REFUSING = [Outcome.PARTLY, Outcome.REFUSED]


class RefusalGround(models.TextChoices):
    OTHER_PERSON = "other_person", _("It would reveal another person's personal data")
    SAFETY = "safety", _("It would endanger someone's safety or physical or mental health")
    LAW_ENFORCEMENT = "law_enforcement", _("It would hinder law enforcement")
    NATIONAL_SECURITY = "national_security", _("National defence and security")
    LEGAL_DUTY = "legal_duty", _("The law requires the office to keep the data")
    NOT_CONFIRMED = "not_confirmed", _("The requester's identity or right to ask is not confirmed")
    OTHER = "other", _("Another ground (explain below)")


OPEN_STATUSES = [Status.RECEIVED, Status.IN_REVIEW]


def overdue_condition(now=None) -> Q:
    """Overdue: not answered yet and past its 72 hours. The one definition."""
    return Q(status__in=OPEN_STATUSES, due_at__lt=now or timezone.now())


def clock(due_at, now=None) -> str:
    """The time left to answer, or how late the answer is: "21 hours left"."""
    now = now or timezone.now()
    if due_at >= now:
        hours = int((due_at - now).total_seconds() // 3600)
        if hours == 0:
            return str(_("less than an hour left"))
        return ngettext("%(hours)s hour left", "%(hours)s hours left", hours) % {"hours": hours}
    hours = int((now - due_at).total_seconds() // 3600)
    if hours == 0:
        return str(_("less than an hour overdue"))
    return ngettext("%(hours)s hour overdue", "%(hours)s hours overdue", hours) % {"hours": hours}


class DataRequestQuerySet(OfficeScopedQuerySet):
    """The coordinators of the person's office see the requests; the administrator all."""

    office_lookup = "participant__office"
    readers = access.REQUEST_HANDLERS

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now=None):
        return self.filter(overdue_condition(now))

    def open_first(self):
        """Open requests first, the nearest deadline first; then the answered, latest first."""
        return self.order_by(F("answered_at").desc(nulls_first=True), "due_at", "-pk")


@pghistory.track()
class DataRequest(WorkflowMixin, models.Model):
    """A person's request about the data Purna holds on them, answered within 72 hours."""

    Kind = Kind
    RequestedBy = RequestedBy
    Channel = Channel
    Status = Status
    Outcome = Outcome
    RefusalGround = RefusalGround

    TRANSITIONS = {
        (Status.RECEIVED, Status.IN_REVIEW): Move(access.REQUEST_HANDLERS),
        (Status.IN_REVIEW, Status.ANSWERED): Move(access.REQUEST_HANDLERS, needs="answer"),
    }
    ILLEGAL_MOVE = _("A request that is %(current)s cannot be moved to %(target)s by you.")

    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="data_requests",
    )
    kind = models.CharField(_("what is asked"), max_length=20, choices=Kind.choices)
    requested_by = models.CharField(
        _("asked by"), max_length=12, choices=RequestedBy.choices, default=RequestedBy.PERSON
    )
    requester_name = models.CharField(
        _("name of who asked"),
        max_length=150,
        blank=True,
        help_text=_("Needed when someone other than the person asks."),
    )
    channel = models.CharField(_("received by"), max_length=12, choices=Channel.choices)
    identity_checked = models.CharField(
        _("proof of identity seen"),
        max_length=300,
        help_text=_("For example: original KTP seen; power of attorney and the lawyer's KTP."),
    )
    details = models.TextField(_("what exactly is asked"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    due_at = models.DateTimeField(_("answer due"), editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_at = models.DateTimeField(_("review started"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    refusal_ground = models.CharField(
        _("grounds for refusal"), max_length=20, choices=RefusalGround.choices, blank=True
    )
    refusal_explanation = models.TextField(_("the grounds explained"), blank=True)
    answer = models.TextField(_("what the person was told"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now, editable=False)

    objects = DataRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="datarequest_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="datarequest_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(identity_checked="") & ~Q(details=""),
                name="datarequest_identity_and_details",
            ),
            models.CheckConstraint(
                condition=Q(requested_by="person") | ~Q(requester_name=""),
                name="datarequest_other_requester_named",
            ),
            # Received before it was registered, never later; due 72 hours after.
            models.CheckConstraint(
                condition=Q(received_at__lte=F("registered_at")),
                name="datarequest_received_not_after_registered",
            ),
            models.CheckConstraint(
                condition=Q(due_at=F("received_at") + ANSWER_WITHIN),
                name="datarequest_due_72_hours_after_receipt",
            ),
            models.CheckConstraint(
                condition=~Q(status="answered")
                | (
                    ~Q(outcome="")
                    & ~Q(answer="")
                    & Q(answered_at__isnull=False, answered_by__isnull=False)
                ),
                name="datarequest_answered_with_outcome_and_answer",
            ),
            models.CheckConstraint(
                condition=Q(status="answered") | Q(outcome=""),
                name="datarequest_outcome_only_when_answered",
            ),
            models.CheckConstraint(
                condition=~Q(outcome__in=["partly", "refused"])
                | (~Q(refusal_ground="") & ~Q(refusal_explanation="")),
                name="datarequest_refusal_with_grounds",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="datarequest_open_by_due",
                condition=Q(status__in=["received", "in_review"]),
            ),
            models.Index(fields=["participant", "received_at"], name="datarequest_person"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({timezone.localtime(self.received_at):%Y-%m-%d})"

    def save(self, *args, **kwargs):
        self.due_at = self.received_at + ANSWER_WITHIN
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("rights:detail", args=[self.pk])

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self):
        """The one request's answer to `overdue_condition`."""
        return self.is_open and self.due_at < timezone.now()

    @property
    def clock(self):
        return clock(self.due_at)

    @property
    def requester(self):
        """Who asked, in words: "A lawyer or companion: Rudi Hartono"."""
        if self.requested_by == RequestedBy.PERSON:
            return self.get_requested_by_display()
        return f"{self.get_requested_by_display()}: {self.requester_name}"
