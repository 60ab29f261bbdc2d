"""Background work of the reports app, queued by the scheduler (`reports.apps`)."""

from django_tasks import task

from .models import ReportJob


@task()
def discard_report_files() -> int:
    return ReportJob.objects.discard_old_files()
