import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.querysets import OfficeScopedQuerySet
from accounts.workflow import SYSTEM, Move, WorkflowMixin, track_status_changes

from . import access


class ReportJobQuerySet(OfficeScopedQuerySet):
    """Report jobs of the user's office, for the roles that may take program reports."""

    readers = access.PROGRAM_REPORTERS


def report_path(job, filename):
    # Random names: the folder says nothing about whom the report is on.
    return f"reports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


@track_status_changes(model_name="ReportJobStatusEvent", fields=["status", "failure"])
class ReportJob(WorkflowMixin, models.Model):
    """A program report made by the background worker, with its progress and its file."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    # Only the worker moves a report job; each status change is kept by the history trigger.
    TRANSITIONS = {
        (Status.QUEUED, Status.RUNNING): Move(SYSTEM),
        (Status.RUNNING, Status.DONE): Move(SYSTEM),
        (Status.RUNNING, Status.FAILED): Move(SYSTEM, needs="failure"),
    }

    class Stage(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        COUNTING = "counting", _("Counting the figures")
        WRITING = "writing", _("Writing the report")
        LAYING_OUT = "laying_out", _("Laying out the pages")
        SAVING = "saving", _("Saving the PDF")
        DONE = "done", _("Ready")

    RUNNING = frozenset({Status.QUEUED, Status.RUNNING})

    office = models.ForeignKey(
        "accounts.Office", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+"
    )
    program = models.ForeignKey(
        "cases.Program",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="report_jobs",
    )
    language = models.CharField(_("language"), max_length=10, default="id")
    # The appendix naming the participants, for internal use; the report alone names nobody.
    with_names = models.BooleanField(_("with the appendix of names"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.QUEUED)
    percent = models.PositiveSmallIntegerField(_("progress"), default=0)
    participant_count = models.PositiveIntegerField(_("participants"), default=0)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    file = models.FileField(_("file"), upload_to=report_path, blank=True)
    failure = models.TextField(_("why it failed"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__lte=100), name="report_job_percent_at_most_100"
            ),
        ]

    def __str__(self):
        return f"{self.program} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("reports:job", args=[self.pk])

    @property
    def is_running(self):
        return self.status in self.RUNNING

    @property
    def is_ready(self):
        return self.status == self.Status.DONE and bool(self.file)

    @property
    def filename(self):
        suffix = "-lampiran-nama" if self.with_names else ""
        return f"laporan-program-{self.program_id}-{self.created_at:%Y%m%d}{suffix}.pdf"


class AnonymisationQuerySet(OfficeScopedQuerySet):
    """Proposals about the participants of the user's office, for those who anonymise."""

    office_lookup = "participant__office"
    readers = access.ANONYMISERS

    def pending(self):
        return self.filter(confirmed_at__isnull=True, cancelled_at__isnull=True)


@pghistory.track()
class Anonymisation(models.Model):
    """Removing a participant's identity and free text for good, by two people.

    One coordinator proposes it with a reason; a different coordinator of the office (or
    the administrator) confirms it, and only then does `anonymisation.confirm` change
    anything. Either may cancel it while it waits. The row stays as the record of it.
    """

    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="anonymisations",
    )
    reason = models.TextField(_("reason"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = AnonymisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("anonymisation")
        verbose_name_plural = _("anonymisations")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="anonymisation_has_reason"),
            # Two people: whoever proposed may not confirm.
            models.CheckConstraint(
                condition=models.Q(confirmed_by__isnull=True)
                | ~models.Q(confirmed_by=models.F("proposed_by")),
                name="anonymisation_confirmed_by_another",
            ),
            models.CheckConstraint(
                condition=models.Q(confirmed_by__isnull=True, confirmed_at__isnull=True)
                | models.Q(confirmed_by__isnull=False, confirmed_at__isnull=False),
                name="anonymisation_confirmed_by_and_at",
            ),
            models.CheckConstraint(
                condition=models.Q(cancelled_by__isnull=True, cancelled_at__isnull=True)
                | models.Q(cancelled_by__isnull=False, cancelled_at__isnull=False),
                name="anonymisation_cancelled_by_and_at",
            ),
            models.CheckConstraint(
                condition=models.Q(confirmed_at__isnull=True) | models.Q(cancelled_at__isnull=True),
                name="anonymisation_confirmed_or_cancelled",
            ),
            # One proposal waits for a participant at a time.
            models.UniqueConstraint(
                fields=["participant"],
                condition=models.Q(confirmed_at__isnull=True, cancelled_at__isnull=True),
                name="anonymisation_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.participant_id}: {self.proposed_at:%Y-%m-%d}"

    @property
    def is_pending(self):
        return self.confirmed_at is None and self.cancelled_at is None
