"""The program report: made at once for a small program, by the task worker for a large one.

Both ways run the same code and the same template; the background way records its
stage and percentage on a `ReportJob`, which the job page shows as a progress bar.
"""

import logging
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django_tasks import task

from participants.models import Sex

from .figures import program_cases, program_figures
from .models import ReportJob
from .pdf import render_html, report_context, write_pdf

logger = logging.getLogger(__name__)

TEMPLATE = "reports/program.html"
Stage = ReportJob.Stage


# What the access log says of a download: whether it named the participants.
WITH_NAMES_DETAIL = "with the appendix of participant names"


def filename(program, *, with_names=False):
    suffix = "-lampiran-nama" if with_names else ""
    return f"laporan-program-{program.pk}-{timezone.localdate():%Y%m%d}{suffix}.pdf"


def log_detail(program, *, with_names):
    """The access log's detail for a download: the file, and whether it names people."""
    name = filename(program, with_names=with_names)
    return f"{name} ({WITH_NAMES_DETAIL})" if with_names else name


def context(program, *, user, progress=None, with_names=False):
    """The report's context. Without `with_names` it names nobody and shows only counts;
    with it, an appendix lists the participants with facts that are not about health."""
    figures = program_figures(program, progress=progress)
    ctx = {
        "program": program,
        "partners": list(program.partner_agencies.order_by("name")),
        "figures": figures,
        "summary": summary(program, figures),
        "with_names": with_names,
    }
    return report_context(ctx, user=user, office=program.office)


def summary(program, figures):
    """The key figures in sentences, for the reader who reads only the first page."""
    total = figures.participants
    if not total:
        return [_("Nobody is enrolled in this program yet.")]
    sexes = dict(figures.by_sex)
    women, men = sexes.get(str(Sex.FEMALE.label), 0), sexes.get(str(Sex.MALE.label), 0)
    sentences = [
        ngettext(
            "%(total)s participant took part: %(women)s women and %(men)s men.",
            "%(total)s participants took part: %(women)s women and %(men)s men.",
            total,
        )
        % {"total": total, "women": women, "men": men}
    ]
    if figures.srq_screened:
        sentences.append(
            ngettext(
                "%(screened)s participant was screened with the SRQ-20; %(first)s showed an "
                "indication of a mental-emotional disorder at the first screening and "
                "%(latest)s at the latest.",
                "%(screened)s participants were screened with the SRQ-20; %(first)s showed an "
                "indication of a mental-emotional disorder at the first screening and "
                "%(latest)s at the latest.",
                figures.srq_screened,
            )
            % {
                "screened": figures.srq_screened,
                "first": figures.srq_positive_first,
                "latest": figures.srq_positive_latest,
            }
        )
    sentences.append(
        ngettext(
            "Of the %(total)s participant, %(referred)s has been referred to a partner agency.",
            "Of the %(total)s participants, %(referred)s have been referred to partner agencies.",
            total,
        )
        % {"total": total, "referred": figures.referred_participants}
    )
    sent = figures.agency_total
    if sent.sent:
        sentences.append(
            ngettext(
                "Of the %(sent)s referral sent, %(completed)s is completed, %(declined)s "
                "declined and %(overdue)s past its due date.",
                "Of the %(sent)s referrals sent, %(completed)s are completed, %(declined)s "
                "declined and %(overdue)s past their due date.",
                sent.sent,
            )
            % {
                "sent": sent.sent,
                "completed": sent.completed,
                "declined": sent.declined,
                "overdue": sent.overdue,
            }
        )
    if figures.alerts:
        sentences.append(
            ngettext(
                "%(alerts)s alert was raised; %(handled)s has been acted on.",
                "%(alerts)s alerts were raised; %(handled)s have been acted on.",
                len(figures.alerts),
            )
            % {"alerts": len(figures.alerts), "handled": figures.alerts_handled}
        )
    return sentences


def in_background(program):
    return program_cases(program).count() > settings.REPORT_BACKGROUND_PARTICIPANTS


def start_job(program, *, user, with_names=False):
    """Queue a program report for the worker; returns the job whose page shows progress."""
    ReportJob.objects.discard_old_files()
    job = ReportJob.objects.create(
        office=program.office,
        program=program,
        created_by=user,
        language=get_language() or settings.LANGUAGE_CODE,
        participant_count=program_cases(program).count(),
        with_names=with_names,
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
        job.record_progress(stage=stage, percent=percent)

    return record


def run_job(job_id):
    job = ReportJob.objects.select_related("program__office", "created_by").get(pk=job_id)
    job.begin()
    record = _stage_recorder(job)
    with translation.override(job.language):
        try:
            record(Stage.COUNTING, 5, force=True)
            ctx = context(
                job.program,
                user=job.created_by,
                progress=lambda step: record(Stage.COUNTING, 5 + 10 * step),
                with_names=job.with_names,
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
            job.fail(_("The report could not be made because of an error on the server."))
            return
    job.finish(page_count=pages[0] if pages else 0, participant_count=len(ctx["figures"].roster))


@task()
def make_program_report(job_id: int) -> None:
    run_job(job_id)
