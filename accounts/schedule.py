"""Work that runs by the clock. Each app registers its jobs from its AppConfig.ready():

    schedule.daily("digest", at=datetime.time(6, 0), task=digest.send_daily_digests)
    schedule.hourly("discard_report_files", task=tasks.discard_report_files)

`manage.py run_schedule` checks every minute and starts each job whose time has come:
a daily job at its local time (TIME_ZONE), an hourly one at its minute of each hour.
Starting a run writes its `ScheduledRun` and queues the job's task for the worker in
one transaction; the unique (job, due_at) pair lets only one scheduler start it,
however many run. A run missed while no scheduler ran starts once when one comes back
within its period (the same day, the same hour); an older one is not made up for.
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import ScheduledRun

logger = logging.getLogger(__name__)

DAILY = "daily"
HOURLY = "hourly"
# Runs older than this are forgotten: only the latest of each job is ever asked for.
KEEP_RUNS = datetime.timedelta(days=90)


@dataclass(frozen=True)
class Job:
    name: str
    task: object  # a django-tasks Task, queued with .enqueue()
    period: str
    at: datetime.time  # daily: the time of day; hourly: the minute (at.minute)

    def due_at(self, now: datetime.datetime) -> datetime.datetime | None:
        """The run due in the period of `now` (local time), if its time has come."""
        local = timezone.localtime(now)
        if self.period == DAILY:
            due = datetime.datetime.combine(local.date(), self.at, tzinfo=local.tzinfo)
        else:
            due = local.replace(minute=self.at.minute, second=0, microsecond=0)
        return due if due <= local else None


JOBS: dict[str, Job] = {}


def daily(name: str, *, at: datetime.time, task) -> Job:
    """Run `task` once a day at `at`, local time."""
    return _register(Job(name, task, DAILY, at.replace(second=0, microsecond=0)))


def hourly(name: str, *, task, minute: int = 0) -> Job:
    """Run `task` once an hour, at `minute` past."""
    return _register(Job(name, task, HOURLY, datetime.time(0, minute)))


def _register(job: Job) -> Job:
    # By name: registering again (ready() runs more than once in some tests) replaces.
    JOBS[job.name] = job
    return job


def start(job: Job, due_at: datetime.datetime) -> bool:
    """Start the run of `job` due at `due_at` unless it was started already."""
    with transaction.atomic():
        _run, created = ScheduledRun.objects.get_or_create(job=job.name, due_at=due_at)
        if created:
            job.task.enqueue()
    if created:
        logger.info("Scheduled job %s (due %s) queued", job.name, due_at)
    return created


def run_due(now: datetime.datetime | None = None) -> list[Job]:
    """Start every job whose time has come and that has not run in its period yet."""
    now = now or timezone.now()
    started = [
        job
        for job in sorted(JOBS.values(), key=lambda job: job.name)
        if (due := job.due_at(now)) is not None and start(job, due)
    ]
    if started:
        ScheduledRun.objects.filter(due_at__lt=now - KEEP_RUNS).delete()
    return started
