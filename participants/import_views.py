"""Participant import pages: upload, check with a preview, commit; the rows with problems."""

import datetime
import pathlib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.access_log import reads_person_data
from accounts.models import AccessLog
from accounts.workflow import IllegalMove

from . import access, import_rows, imports, spreadsheets
from .models import ImportJob, Participant

RECENT_JOBS = 10
STALLED_AFTER = datetime.timedelta(seconds=30)
PROBLEM_FILES = {
    "xlsx": (spreadsheets.XLSX_CONTENT_TYPE, spreadsheets.problem_rows_xlsx),
    "csv": ("text/csv; charset=utf-8", spreadsheets.problem_rows_csv),
}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy("The filled-in template, as .xlsx or .csv."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            self.row_count = spreadsheets.inspect_upload(uploaded)
        except spreadsheets.ImportFileError as error:
            raise ValidationError(str(error), code="import_file") from error
        return uploaded


def import_start(request):
    access.require_editor(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    has_office = request.user.office_id is not None
    if request.method == "POST" and has_office and form.is_valid():
        job = imports.create_job(
            uploaded=form.cleaned_data["file"], rows=form.row_count, by=request.user
        )
        return redirect(job)
    jobs = ImportJob.objects.visible_to(request.user).order_by("-created_at")[:RECENT_JOBS]
    ctx = {
        "form": form,
        "jobs": jobs,
        "has_office": has_office,
        "max_rows": settings.IMPORT_MAX_ROWS,
        "max_size": settings.IMPORT_MAX_BYTES,
    }
    return render(request, "participants/import.html", ctx)


def import_template(request):
    access.require_editor(request.user)
    response = HttpResponse(
        spreadsheets.template_workbook(), content_type=spreadsheets.XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = 'attachment; filename="purna-import-peserta.xlsx"'
    return response


@reads_person_data(ImportJob)
def import_job(request, pk):
    job = access.get_import_job_for(request.user, pk)
    return _job_page(request, job)


def _job_page(request, job, *, posted=None, status=200):
    finished = not job.is_running
    ctx = {
        "job": job,
        "issue_rows": import_rows.group_issues(job.issues) if finished else [],
        "all_duplicates": finished and imports.every_row_is_a_duplicate(job),
        "stalled": not finished and timezone.now() - job.updated_at > STALLED_AFTER,
        "duplicate_rows": _duplicate_rows(request.user, job, posted or {}) if finished else [],
        "has_problem_rows": finished and job.error_rows > 0 and _has_problem_rows(job),
    }
    if job.can_commit_good_rows:
        ctx["skip"] = ",".join(str(row) for row in imports.error_row_numbers(job))
        ctx["skip_button"] = _("%(import)s, %(skip)s") % {
            "import": ngettext(
                "Import %(count)s correct row", "Import %(count)s correct rows", job.good_rows
            )
            % {"count": job.good_rows},
            "skip": ngettext(
                "skip %(count)s row with problems",
                "skip %(count)s rows with problems",
                job.error_rows,
            )
            % {"count": job.error_rows},
        }
    if request.htmx:
        return render(request, "participants/import_job.html#progress", ctx, status=status)
    return render(request, "participants/import_job.html", ctx, status=status)


def _has_problem_rows(job):
    return ImportJob.objects.filter(pk=job.pk, problem_rows__has_key="rows").exists()


def _duplicate_rows(user, job, posted):
    """The rows to decide about, each with the registered people it may be (one query)."""
    if not (job.can_commit or job.can_commit_good_rows):
        return []
    rows = imports.possible_duplicate_rows(job)
    ids = {pk for issue in rows.values() for pk in issue["candidates"]}
    people = (
        Participant.objects.visible_to(user).select_related("village__parent").in_bulk(ids)
        if ids
        else {}
    )
    return [
        {
            "row": row,
            "entry": issue["entry"],
            "candidates": [people[pk] for pk in issue["candidates"] if pk in people],
            "seen": ",".join(str(pk) for pk in issue["candidates"]),
            "decision": posted.get(str(row), {}),
        }
        for row, issue in sorted(rows.items())
    ]


def _posted_decisions(data):
    """{"<row>": {"same", "reason", "seen"}} from the preview's radios and reasons."""
    decisions = {}
    for name, value in data.items():
        if not name.startswith("decision-") or value not in ("same", "different"):
            continue
        row = name.removeprefix("decision-")
        seen = data.get(f"seen-{row}", "")
        decisions[row] = {
            "same": value == "same",
            "reason": data.get(f"reason-{row}", "").strip()[:500],
            "seen": [int(pk) for pk in seen.split(",") if pk.isdigit()],
        }
    return decisions


@require_POST
def import_commit(request, pk):
    job = access.get_import_job_for(request.user, pk)
    decisions = _posted_decisions(request.POST)
    skip = [int(row) for row in request.POST.get("skip", "").split(",") if row.isdigit()]
    try:
        imports.start_commit(job, by=request.user, decisions=decisions, skip=skip)
    except IllegalMove as error:
        messages.error(request, str(error))
        if (job.can_commit or job.can_commit_good_rows) and imports.possible_duplicate_rows(job):
            # Shown again with what was chosen and typed; nothing written.
            return _job_page(request, job, posted=decisions, status=400)
    return redirect(job)


def import_problems(request, pk, fmt):
    """The rows with problems as the file had them, with a column saying what to fix.

    Seen by whoever sees the job (access.get_import_job_for); each download is logged.
    """
    job = access.get_import_job_for(request.user, pk)
    if fmt not in PROBLEM_FILES or job.is_running:
        raise Http404
    problem_rows = ImportJob.objects.values_list("problem_rows", flat=True).get(pk=job.pk)
    if not problem_rows.get("rows"):
        raise Http404
    content_type, write = PROBLEM_FILES[fmt]
    with translation.override(job.language):
        content = write(problem_rows)
        name = _("%(name)s - rows with problems") % {"name": pathlib.Path(job.original_name).stem}
    AccessLog.record(request, AccessLog.Action.DOWNLOAD, obj=job, detail="rows with problems")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.{fmt}")
    return response
