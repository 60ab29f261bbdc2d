"""The program report: made at once for a small program, by the task worker for a large one.

Both ways run the same code and the same template; the background way records its
stage and percentage on a `ReportJob`, which the job page shows as a progress bar.
"""

import datetime
import logging
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_tasks import task

from .figures import program_cases, program_figures
from .models import ReportJob
from .pdf import render_html, report_context, write_pdf

logger = logging.getLogger(__name__)

TEMPLATE = "reports/program.html"
Stage = ReportJob.Stage


def filename(program):
    return f"laporan-program-{program.pk}-{timezone.localdate():%Y%m%d}.pdf"


def context(program, *, user, progress=None):
    figures = program_figures(program, progress=progress)
    ctx = {
        "program": program,
        "partners": list(program.partner_agencies.order_by("name")),
        "figures": figures,
    }
    return report_context(ctx, user=user, office=program.office)


def in_background(program):
    return program_cases(program).count() > settings.REPORT_BACKGROUND_PARTICIPANTS


def start_job(program, *, user):
    """Queue a program report for the worker; returns the job whose page shows progress."""
    discard_old_files()
    job = ReportJob.objects.create(
        office=program.office,
        program=program,
        created_by=user,
        language=get_language() or settings.LANGUAGE_CODE,
        participant_count=program_cases(program).count(),
    )
    transaction.on_commit(lambda: make_program_report.enqueue(job.pk))
    return job


def _stage_recorder(job):
    last = [0.0]

    def record(stage, percent, *, force=False):
        now = time.monotonic()
        if not force and now - last[0] < 0.3:
            return
        last[0] = now
        ReportJob.objects.filter(pk=job.pk).update(
            stage=stage, percent=percent, updated_at=timezone.now()
        )

    return record


def run_job(job_id):
    job = ReportJob.objects.select_related("program__office", "created_by").get(pk=job_id)
    job.check_move(ReportJob.Status.RUNNING)
    job.status = ReportJob.Status.RUNNING
    job.save(update_fields=["status", "updated_at"])
    record = _stage_recorder(job)
    with translation.override(job.language):
        try:
            record(Stage.COUNTING, 5, force=True)
            ctx = context(
                job.program,
                user=job.created_by,
                progress=lambda step: record(Stage.COUNTING, 5 + 10 * step),
            )
            record(Stage.WRITING, 40, force=True)
            html = render_html(TEMPLATE, ctx)
            record(Stage.LAYING_OUT, 50, force=True)
            pages = []

            def laid_out(count):
                pages.append(count)
                record(Stage.SAVING, 90, force=True)

            pdf = write_pdf(html, on_laid_out=laid_out)
            job.file.save(job.filename, ContentFile(pdf), save=False)
        except Exception:
            logger.exception("Program report %s could not be made", job.pk)
            job.check_move(ReportJob.Status.FAILED)
            job.status = ReportJob.Status.FAILED
            job.failure = _("The report could not be made because of an error on the server.")
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "failure", "finished_at", "updated_at"])
            return
    job.check_move(ReportJob.Status.DONE)
    job.status = ReportJob.Status.DONE
    job.stage = Stage.DONE
    job.percent = 100
    job.page_count = pages[0] if pages else 0
    job.participant_count = len(ctx["figures"].roster)
    job.finished_at = timezone.now()
    job.save()


@task()
def make_program_report(job_id: int) -> None:
    run_job(job_id)


def discard_old_files(now=None):
    """Reports name people: their files are kept for REPORT_KEEP_HOURS, then deleted."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.REPORT_KEEP_HOURS)
    old = list(ReportJob.objects.filter(finished_at__lt=cutoff).exclude(file=""))
    for job in old:
        job.file.delete(save=False)
        job.save(update_fields=["file", "updated_at"])
    return len(old)
