import datetime
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
    """Jobs of the user's office, each kind for the roles that may make it: program
    reports for those who take them, participant exports for those who export rows."""

    readers = access.PROGRAM_REPORTERS | access.ROW_EXPORTERS

    def visible_to(self, user):
        kinds = [
            kind
            for kind, may_make in (
                (ReportJob.Kind.PROGRAM_REPORT, access.can_make_program_reports),
                (ReportJob.Kind.PARTICIPANTS, access.can_export_rows),
            )
            if may_make(user)
        ]
        return super().visible_to(user).filter(kind__in=kinds)

    def discard_old_files(self, now=None):
        """Reports and exports name people: their files are kept for REPORT_KEEP_HOURS,
        then deleted. Returns how many were deleted."""
        now = now or timezone.now()
        cutoff = now - datetime.timedelta(hours=settings.REPORT_KEEP_HOURS)
        old = list(self.filter(finished_at__lt=cutoff).exclude(file=""))
        for job in old:
            job.file.delete(save=False)
            job.save(update_fields=["file", "updated_at"])
        return len(old)


def report_path(job, filename):
    # Random names: the folder says nothing about whom the file is on.
    return f"reports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{job.format}"


@track_status_changes(model_name="ReportJobStatusEvent", fields=["status", "failure"])
class ReportJob(WorkflowMixin, models.Model):
    """A file made by the background worker, with its progress: a program report (PDF)
    or the export of the participants, one row each (CSV or XLSX)."""

    class Kind(models.TextChoices):
        PROGRAM_REPORT = "program", _("Program report")
        PARTICIPANTS = "participants", _("Participants, one row each")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

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
        EXPORTING = "exporting", _("Writing the rows")
        DONE = "done", _("Ready")

    RUNNING = frozenset({Status.QUEUED, Status.RUNNING})

    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.PROGRAM_REPORT
    )
    format = models.CharField(_("format"), max_length=4, choices=Format.choices, default=Format.PDF)
    # The office whose rows the file holds; none for an export of every office's rows.
    office = models.ForeignKey(
        "accounts.Office",
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    program = models.ForeignKey(
        "cases.Program",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
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
    # For an export, the rows to write (counted when the worker starts) and those written.
    participant_count = models.PositiveIntegerField(_("participants"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
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
            # A program report is a PDF of one office's program; an export is a spreadsheet.
            models.CheckConstraint(
                condition=models.Q(
                    kind="program", format="pdf", program__isnull=False, office__isnull=False
                )
                | models.Q(kind="participants", format__in=["csv", "xlsx"], program__isnull=True),
                name="report_job_kind_format_program",
            ),
        ]

    def __str__(self):
        subject = self.program if self.program_id else self.get_kind_display()
        return f"{subject} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("reports:job", args=[self.pk])

    @property
    def is_running(self):
        return self.status in self.RUNNING

    @property
    def is_ready(self):
        return self.status == self.Status.DONE and bool(self.file)

    @property
    def is_export(self):
        return self.kind == self.Kind.PARTICIPANTS

    @property
    def filename(self):
        if self.is_export:
            return f"peserta-{self.created_at:%Y%m%d}.{self.format}"
        suffix = "-lampiran-nama" if self.with_names else ""
        return f"laporan-program-{self.program_id}-{self.created_at:%Y%m%d}{suffix}.pdf"

    @property
    def content_type(self):
        return CONTENT_TYPES[self.format]

    # The worker's moves: each status change is kept by the history trigger.
    def begin(self):
        self.check_move(self.Status.RUNNING)
        self.status = self.Status.RUNNING
        self.save(update_fields=["status", "updated_at"])

    def fail(self, failure):
        self.check_move(self.Status.FAILED)
        self.status = self.Status.FAILED
        self.failure = failure
        self.finished_at = timezone.now()
        self.save(update_fields=["status", "failure", "finished_at", "updated_at"])

    def finish(self, **counts):
        """Done: the file is saved; `counts` are the figures of what it holds."""
        self.check_move(self.Status.DONE)
        self.status = self.Status.DONE
        self.stage = self.Stage.DONE
        self.percent = 100
        for field, value in counts.items():
            setattr(self, field, value)
        self.finished_at = timezone.now()
        self.save()

    def record_progress(self, **fields):
        """Progress the job page reads while the worker goes: one UPDATE, no save()."""
        ReportJob.objects.filter(pk=self.pk).update(**fields, updated_at=timezone.now())


CONTENT_TYPES = {
    ReportJob.Format.PDF: "application/pdf",
    ReportJob.Format.CSV: "text/csv; charset=utf-8",
    ReportJob.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


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


# --- Office counters ------------------------------------------------------------------
# What the home page's office figures count, kept exact by the database itself: the
# statement triggers of migrations 0006_office_counters and 0008 (the cases by status)
# add and subtract every insert, update and delete of the rows counted, in the same
# transaction. A count that falls to zero keeps its row. Nothing else writes them, but
# for the cascade when an office, an agency or a problem is deleted. The referral
# counts live with the referrals (referrals.models.OfficeReferralCount), whose lists
# read them too.


class OfficeProblemCount(models.Model):
    """Active participants of the office (neither archived nor merged) with the problem."""

    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+")
    problem = models.ForeignKey(
        "participants.Problem", on_delete=models.CASCADE, related_name="office_counts"
    )
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "problem"], name="office_problem_count_key"),
        ]

    def __str__(self):
        return f"{self.office_id}/{self.problem_id}: {self.count}"


class OfficeMonthCount(models.Model):
    """Cases opened in the office's programs in the month (its first day, site time zone)."""

    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "month"], name="office_month_count_key"),
        ]

    def __str__(self):
        return f"{self.office_id}/{self.month:%Y-%m}: {self.count}"


class OfficeCaseStatusCount(models.Model):
    """Cases of the office's programs in the status (the home page's cases by stage)."""

    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "status"], name="office_case_status_key"),
        ]

    def __str__(self):
        return f"{self.office_id}/{self.status}: {self.count}"
