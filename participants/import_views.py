"""Participant import pages: upload, check with a preview, commit."""

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.workflow import IllegalMove

from . import access, import_rows, imports, spreadsheets
from .models import ImportJob

RECENT_JOBS = 10
STALLED_AFTER = datetime.timedelta(seconds=30)


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


def import_job(request, pk):
    job = access.get_import_job_for(request.user, pk)
    finished = not job.is_running
    ctx = {
        "job": job,
        "issue_rows": import_rows.group_issues(job.issues) if finished else [],
        "all_duplicates": finished and imports.every_row_is_a_duplicate(job),
        "stalled": not finished and timezone.now() - job.updated_at > STALLED_AFTER,
    }
    if request.htmx:
        return render(request, "participants/import_job.html#progress", ctx)
    return render(request, "participants/import_job.html", ctx)


@require_POST
def import_commit(request, pk):
    job = access.get_import_job_for(request.user, pk)
    try:
        imports.start_commit(job, by=request.user)
    except IllegalMove as error:
        messages.error(request, str(error))
    return redirect(job)
