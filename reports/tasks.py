"""Background work of the reports app, queued by the scheduler (`reports.apps`)."""

from django_tasks import task

from .program_report import discard_old_files


@task()
def discard_report_files() -> int:
    return discard_old_files()
