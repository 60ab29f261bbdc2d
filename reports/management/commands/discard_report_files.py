from django.conf import settings
from django.core.management.base import BaseCommand

from reports.models import ReportJob


class Command(BaseCommand):
    help = (
        "Delete the files of program reports and participant exports made by the worker "
        "once they are older than REPORT_KEEP_HOURS: they name people. Scheduled hourly "
        "by run_schedule; run it by hand to clear them now."
    )

    def handle(self, *args, **options):
        count = ReportJob.objects.discard_old_files()
        self.stdout.write(
            f"{count} report file(s) older than {settings.REPORT_KEEP_HOURS} hours deleted."
        )
