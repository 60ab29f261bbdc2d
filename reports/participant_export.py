"""The participants, one row each, as CSV or XLSX: always made by the task worker.

The request only queues a `ReportJob` of kind "participants"; the worker writes the
file in batches (`exports.participant_rows`), recording after each batch how many rows
are written, which the job page shows as a progress bar. The format of the rows is
`reports.exports`'s; the file is kept REPORT_KEEP_HOURS like a program report's.
"""

import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_tasks import task

from config.routers import reading_from_replica

from . import access, exports
from .models import ReportJob

logger = logging.getLogger(__name__)

FORMATS = frozenset({ReportJob.Format.CSV, ReportJob.Format.XLSX})


def start_job(*, user, fmt):
    """Queue the export for the worker; returns the job whose page shows progress."""
    ReportJob.objects.discard_old_files()
    office = access.export_office_for(user)
    job = ReportJob.objects.create(
        kind=ReportJob.Kind.PARTICIPANTS,
        format=fmt,
        office=office,
        created_by=user,
        language=get_language() or settings.LANGUAGE_CODE,
    )
    transaction.on_commit(lambda: make_participant_export.enqueue(job.pk))
    return job


def write(job, stream, rows):
    header = exports.participant_header()
    if job.format == ReportJob.Format.XLSX:
        exports.write_xlsx(stream, header, rows, title=exports.PARTICIPANT_ROWS_NAME)
    else:
        exports.write_csv(stream, header, rows)


def run_job(job_id, *, batch_rows=None):
    job = ReportJob.objects.select_related("created_by").get(pk=job_id)
    job.begin()
    written = 0
    with translation.override(job.language):
        if not access.can_export_rows(job.created_by):
            job.fail(_("The export was not made: whoever asked for it may no longer export rows."))
            return
        try:
            # What the person who asked sees, and never more than the job's office; read
            # from the replica where there is one (the job's own rows are written to the
            # primary whatever the block).
            participants = exports.participants_for(job.created_by, office_id=job.office_id)
            with reading_from_replica():
                total = participants.count()
            job.record_progress(stage=ReportJob.Stage.EXPORTING, participant_count=total)

            def wrote(count):
                nonlocal written
                written += count
                # 100 only once the file is saved.
                percent = min(99, written * 100 // total) if total else 99
                job.record_progress(rows_written=written, percent=percent)

            rows = exports.participant_rows(participants, on_batch=wrote, batch_rows=batch_rows)
            with tempfile.TemporaryFile() as stream, reading_from_replica():
                write(job, stream, rows)
                stream.seek(0)
                job.file.save(job.filename, File(stream), save=False)
        except Exception:
            logger.exception("Participant export %s could not be made", job.pk)
            job.fail(_("The export could not be made because of an error on the server."))
            return
    job.finish(participant_count=written, rows_written=written)


@task()
def make_participant_export(job_id: int) -> None:
    run_job(job_id)
