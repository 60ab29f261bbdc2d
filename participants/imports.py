"""Participant import jobs: the life cycle of an upload, and the bulk write.

A file goes through four steps: upload (format, size and header checked), check
(every row through the registration form's rules, in participants.import_rows),
preview, and commit (every row in one transaction, or none). When some rows have
errors, the officer may import the others, told beforehand how many are left out:
those rows are written in one transaction too, and the rows left out stay
downloadable (ImportJob.problem_rows) to be fixed and uploaded again. Files with more than
IMPORT_BACKGROUND_ROWS rows, or workbooks that unpack to more than a request
should parse (spreadsheets.needs_worker), are checked and written by the task
worker (validate_import, commit_import) with a progress bar; smaller ones within
the request, through the same functions.
"""

import logging
import time

import pghistory
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from accounts.workflow import IllegalMove
from config.bulk_load import copy_objects

from .import_rows import POSSIBLE_DUPLICATE, check_file
from .models import ImportJob, MigrationEpisode, Participant, ParticipantProblem
from .services import record_told_apart
from .spreadsheets import ImportFileError, needs_worker

logger = logging.getLogger(__name__)

BULK_BATCH = 1000


# Writing ------------------------------------------------------------------------


@transaction.atomic
def import_participants(*, rows, office, by, decisions=None) -> list[Participant]:
    """Write checked rows, their migration episodes and problems with a few bulk inserts.

    A row the officer said is someone registered already is left out; one they said is
    a different person is written with that decision kept (who, when and why).
    """
    decisions = decisions or {}
    rows = [row for row in rows if not decisions.get(str(row.number), {}).get("same")]
    if not rows:
        return []
    numbers = Participant.next_registration_numbers(len(rows))
    now = timezone.now()
    participants = []
    for row, number in zip(rows, numbers, strict=True):
        participant = row.participant
        participant.office = office
        participant.created_by = by
        participant.registration_number = number
        participant.created_at = now
        participant.refresh_match_keys()  # bulk_create skips save()
        participants.append(participant)
    # With COPY: a multi-row INSERT of a participant's forty-odd columns (two of them
    # arrays, which keep Django from sending each column as one array) spent about
    # 1 ms a row in Python, building and quoting every value into the statement.
    copy_objects(Participant, participants)
    episodes, problems = [], []
    for row in rows:
        row.episode.participant = row.participant
        episodes.append(row.episode)
        problems += [
            ParticipantProblem(participant=row.participant, problem_id=problem_id)
            for problem_id in row.problem_ids
        ]
    MigrationEpisode.objects.bulk_create(episodes, batch_size=BULK_BATCH)
    ParticipantProblem.objects.bulk_create(problems, batch_size=BULK_BATCH)
    for row in rows:
        if row.candidates:
            record_told_apart(
                participant=row.participant,
                candidates=row.candidates,
                note=decisions[str(row.number)]["reason"],
                by=by,
            )
    return participants


def possible_duplicate_rows(job):
    """{row: issue} of the rows a person must decide about before the import."""
    return {issue["row"]: issue for issue in job.issues if issue.get("code") == POSSIBLE_DUPLICATE}


def check_decisions(job, decisions):
    """The rows still undecided, or "different" without a reason ([] when all is said)."""
    missing = []
    for row, issue in possible_duplicate_rows(job).items():
        decision = decisions.get(str(row))
        if (
            decision is None
            or not (decision["same"] or decision["reason"].strip())
            or set(issue["candidates"]) - set(decision["seen"])
        ):
            missing.append(row)
    return missing


def _undecided(rows, decisions):
    """Rows whose candidates now include someone the officer was not shown."""
    return [
        row.number
        for row in rows
        if row.candidates
        and (
            str(row.number) not in decisions
            or {c.participant_id for c in row.candidates} - set(decisions[str(row.number)]["seen"])
        )
    ]


# Jobs: the same steps in the request or in the worker ---------------------------


def create_job(*, uploaded, rows, by) -> ImportJob:
    """Store an upload that passed inspect_upload, and start checking it."""
    job = ImportJob.objects.create(
        office=by.office,
        created_by=by,
        file=uploaded,
        original_name=uploaded.name[:200],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        status=ImportJob.Status.VALIDATING,
        total_rows=rows,
    )
    if _in_background(job):
        validate_import.enqueue(job.pk)
    else:
        run_validation(job.pk)
    job.refresh_from_db()
    return job


def error_row_numbers(job):
    """The rows of the job's file with errors, in order."""
    return sorted({issue["row"] for issue in job.issues if issue["level"] == "error"})


def start_commit(job, *, by, decisions=None, skip=None) -> ImportJob:
    """Write a checked job's rows (in the worker when the file is large).

    `decisions` says, for each row that may be someone registered already, whether it
    is that person (the row is left out) or a different person, and why. `skip` lists
    the rows with errors the officer was shown and agreed to leave out: it must be
    exactly the job's rows with errors. Raises IllegalMove, writing nothing, while a row
    is undecided or the rows to leave out are not those.
    """
    decisions = decisions or {}
    skip = sorted(set(skip or ()))
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        job.check_move(ImportJob.Status.COMMITTING, by)
        if skip and job.can_commit_good_rows:
            if skip != error_row_numbers(job):
                raise IllegalMove(
                    _(
                        "Nothing was imported: the rows with problems are not those this page "
                        "showed. Check them again below."
                    )
                )
        elif not job.can_commit:
            raise IllegalMove(_("This file cannot be imported: it is not checked or has errors."))
        undecided = check_decisions(job, decisions)
        if undecided:
            raise IllegalMove(
                ngettext(
                    "Row %(rows)s may be someone already registered: say whether it is the "
                    "same person, or why it is a different person.",
                    "Rows %(rows)s may be people already registered: say for each whether it "
                    "is the same person, or why it is a different person.",
                    len(undecided),
                )
                % {"rows": ", ".join(str(row) for row in undecided)}
            )
        job.status = ImportJob.Status.COMMITTING
        job.processed_rows = 0
        job.committed_by = by
        job.decisions = decisions
        job.skipped_rows = skip
        job.save(
            update_fields=[
                "status",
                "processed_rows",
                "committed_by",
                "decisions",
                "skipped_rows",
                "updated_at",
            ]
        )
    if _in_background(job):
        commit_import.enqueue(job.pk)
    else:
        run_commit(job.pk)
    job.refresh_from_db()
    return job


def _checked(job):
    """What the check before the preview found, for the check before writing to build on."""
    found = {row: issue.get("found", []) for row, issue in possible_duplicate_rows(job).items()}
    return {"at": job.validated_at, "found": found}


def _in_background(job):
    """Many rows, or a workbook too large to parse within a request, go to the worker."""
    if job.total_rows > settings.IMPORT_BACKGROUND_ROWS:
        return True
    if not job.file:
        return False
    with job.file.open("rb") as fileobj:
        return needs_worker(fileobj)


def _progress_recorder(job):
    last = [0.0]

    def record(processed, total):
        now = time.monotonic()
        if processed not in (0, total) and now - last[0] < 0.5:
            return
        last[0] = now
        ImportJob.objects.filter(pk=job.pk).update(
            processed_rows=processed, total_rows=total, updated_at=timezone.now()
        )

    return record


def _fail(job, message):
    # The failure may have come half-way through a move: start from what was saved.
    job.refresh_from_db(fields=["status"])
    job.check_move(ImportJob.Status.FAILED)
    job.status = ImportJob.Status.FAILED
    job.failure = message
    job.save(update_fields=["status", "failure", "updated_at"])
    _discard_file(job)


def _discard_file(job):
    # A file that will not be imported, or already is, is personal data we no longer need.
    if job.file:
        job.file.delete(save=False)
        job.save(update_fields=["file", "updated_at"])


def _discard_file_unless_importable(job):
    # Kept while some of its rows could still be imported without the others.
    if not job.good_rows:
        _discard_file(job)


def _save_check(job, result, status):
    job.check_move(status)
    job.status = status
    job.total_rows = job.processed_rows = result.total
    job.issues = result.issues
    job.error_rows = result.error_rows
    job.warning_count = result.warning_count
    job.problem_rows = result.problem_rows


def run_validation(job_id):
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    # The records as of now: the check before writing compares again only what was
    # registered or changed after this moment.
    started = timezone.now()
    with translation.override(job.language):
        try:
            with job.file.open("rb") as fileobj:
                result = check_file(fileobj, user=job.created_by, progress=_progress_recorder(job))
        except ImportFileError as error:
            _fail(job, str(error))
            return
        except Exception:
            logger.exception("Import %s could not be checked", job.pk)
            _fail(job, _("The file could not be checked because of an error on the server."))
            return
        _save_check(job, result, ImportJob.Status.VALIDATED)
        job.validated_at = started
        job.save()
        if result.error_rows:
            _discard_file_unless_importable(job)


def run_commit(job_id):
    job = ImportJob.objects.select_related("committed_by", "office").get(pk=job_id)
    by = job.committed_by
    with translation.override(job.language):
        try:
            with job.file.open("rb") as fileobj:
                # Checked again: another officer may have registered someone meanwhile.
                result = check_file(
                    fileobj, user=by, progress=_progress_recorder(job), checked=_checked(job)
                )
            # The rows left out must be those the officer agreed to leave out, no more, no less.
            if _error_rows(result) != job.skipped_rows:
                _save_check(job, result, ImportJob.Status.VALIDATED)
                job.failure = (
                    _(
                        "Nothing was imported: the check before writing found other rows with "
                        "problems than those you chose to leave out. Check them below."
                    )
                    if job.skipped_rows
                    else _(
                        "Nothing was imported: the check before writing found new errors, "
                        "listed below."
                    )
                )
                job.skipped_rows = []
                job.save()
                _discard_file_unless_importable(job)
                return
            undecided = _undecided(result.rows, job.decisions)
            if undecided:
                _save_check(job, result, ImportJob.Status.VALIDATED)
                job.failure = _(
                    "Nothing was imported: someone registered meanwhile may be the same person "
                    "as a row of this file. Decide again below."
                )
                job.skipped_rows = []
                job.save()
                return
            with transaction.atomic(), pghistory.context(import_job=job.pk, user=by.pk):
                written = import_participants(
                    rows=result.rows, office=job.office, by=by, decisions=job.decisions
                )
                _save_check(job, result, ImportJob.Status.COMMITTED)
                job.imported_count = len(written)
                job.committed_at = timezone.now()
                job.failure = ""
                job.save()
        except ImportFileError as error:
            _fail(job, str(error))
            return
        except IntegrityError:
            logger.warning("Import %s lost a race for a NIK", job.pk, exc_info=True)
            _fail(
                job,
                _(
                    "Nothing was imported: a participant with one of these NIKs was registered "
                    "while the file was being written. Upload the file again to see which rows."
                ),
            )
            return
        except Exception:
            logger.exception("Import %s could not be written", job.pk)
            _fail(job, _("Nothing was imported because of an error on the server."))
            return
    _discard_file(job)


def _error_rows(result):
    return sorted({issue["row"] for issue in result.issues if issue["level"] == "error"})


@task()
def validate_import(job_id: int) -> None:
    run_validation(job_id)


@task()
def commit_import(job_id: int) -> None:
    run_commit(job_id)


def every_row_is_a_duplicate(job):
    """True when every row's NIK is registered already: the file was likely imported before."""
    if not job.total_rows or not job.error_rows:
        return False
    rows = {issue["row"] for issue in job.issues if issue.get("code") == "duplicate_nik"}
    return len(rows) == job.total_rows
