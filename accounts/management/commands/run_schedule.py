import logging
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from accounts import schedule

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Start the scheduled jobs (daily digest, referral reminders, duplicate search, "
        "report clean-up) when their time comes, for the worker to run. Runs as a service "
        "beside the worker, checking every minute; --once checks once and exits (for cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Check once and exit.")

    def handle(self, *args, once=False, **options):
        if once:
            self._start_due()
            return
        names = ", ".join(sorted(schedule.JOBS)) or "-"
        self.stdout.write(f"Scheduler started; jobs: {names}")
        try:
            while True:
                close_old_connections()
                try:
                    self._start_due()
                except DatabaseError:
                    # The database may be restarting: try again at the next minute.
                    logger.exception("Scheduled jobs could not be checked")
                time.sleep(60 - time.time() % 60)
        except KeyboardInterrupt:
            self.stdout.write("Scheduler stopped.")

    def _start_due(self):
        for job in schedule.run_due():
            self.stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M} {job.name}: queued")
