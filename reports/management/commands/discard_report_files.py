from django.conf import settings
from django.core.management.base import BaseCommand

from reports.program_report import discard_old_files


class Command(BaseCommand):
    help = (
        "Delete program report files older than REPORT_KEEP_HOURS: they name people. "
        "Scheduled hourly by run_schedule; run it by hand to clear them now."
    )

    def handle(self, *args, **options):
        count = discard_old_files()
        self.stdout.write(
            f"{count} report file(s) older than {settings.REPORT_KEEP_HOURS} hours deleted."
        )
