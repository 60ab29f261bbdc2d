"""The scheduler: each job's run starts once in its period, however often it is asked."""

import datetime
import io
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from accounts import schedule
from accounts.models import ScheduledRun
from referrals.models import Referral
from referrals.reminders import send_referral_reminders
from tests.cases.conftest import enrol, make_program
from tests.reports.conftest import refer

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
RUNS = []


@task()
def count_a_run() -> None:
    RUNS.append(1)


def at(day, hour, minute=0):
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=JAKARTA)


@pytest.fixture
def jobs(monkeypatch, settings, db):
    """No job but those a test registers, run at once by the worker."""
    settings.TASKS = IMMEDIATE
    monkeypatch.setattr(schedule, "JOBS", {})
    RUNS.clear()
    return schedule


def run_schedule_once():
    out = io.StringIO()
    call_command("run_schedule", "--once", stdout=out)
    return out.getvalue()


def test_a_job_due_runs_once_when_run_schedule_is_called_twice(jobs):
    jobs.daily("test_job", at=datetime.time(0, 0), task=count_a_run)

    first = run_schedule_once()
    second = run_schedule_once()

    assert RUNS == [1]
    assert "test_job: queued" in first
    assert second == ""
    assert ScheduledRun.objects.filter(job="test_job").count() == 1


def test_a_daily_job_does_not_run_before_its_time(jobs):
    jobs.daily("digest_test", at=datetime.time(6, 0), task=count_a_run)

    assert jobs.run_due(at(10, 5, 59)) == []
    assert RUNS == []

    assert [job.name for job in jobs.run_due(at(10, 6, 0))] == ["digest_test"]
    assert RUNS == [1]
    run = ScheduledRun.objects.get()
    assert run.due_at == at(10, 6, 0)


def test_a_run_missed_is_started_once_when_the_scheduler_comes_back_the_same_day(jobs):
    jobs.daily("digest_test", at=datetime.time(6, 0), task=count_a_run)

    jobs.run_due(at(10, 9, 30))
    jobs.run_due(at(10, 23, 59))
    assert RUNS == [1]

    # Back the next day before six: yesterday's run is not made up for.
    assert jobs.run_due(at(11, 5, 0)) == []
    jobs.run_due(at(11, 6, 1))
    assert RUNS == [1, 1]


def test_an_hourly_job_runs_once_an_hour(jobs):
    jobs.hourly("clean_up", task=count_a_run)

    for moment in (at(10, 10, 0), at(10, 10, 1), at(10, 10, 59), at(10, 11, 0), at(10, 11, 30)):
        jobs.run_due(moment)

    assert RUNS == [1, 1]
    assert list(ScheduledRun.objects.order_by("due_at").values_list("due_at", flat=True)) == [
        at(10, 10, 0),
        at(10, 11, 0),
    ]


def test_a_run_another_scheduler_started_is_not_started_again(jobs):
    job = jobs.daily("digest_test", at=datetime.time(6, 0), task=count_a_run)
    ScheduledRun.objects.create(job="digest_test", due_at=at(10, 6, 0))

    assert jobs.start(job, at(10, 6, 0)) is False
    assert RUNS == []


def test_the_run_is_queued_for_the_worker(monkeypatch, settings, db):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(schedule, "JOBS", {})
    schedule.daily("test_job", at=datetime.time(0, 0), task=count_a_run)

    run_schedule_once()
    run_schedule_once()

    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "tests.accounts.test_schedule.count_a_run"
    assert queued.status == "READY"


def test_the_apps_register_their_jobs():
    jobs = {name: (job.period, job.at) for name, job in schedule.JOBS.items()}

    assert jobs["digest"] == ("daily", datetime.time(6, 0))
    assert jobs["referral_reminders"] == ("daily", datetime.time(7, 0))
    assert jobs["find_duplicates"] == ("daily", datetime.time(1, 0))
    assert jobs["discard_report_files"] == ("hourly", datetime.time(0, 0))
    assert jobs["discard_submission_keys"] == ("daily", datetime.time(2, 30))
    tasks = {name: job.task.name for name, job in schedule.JOBS.items()}
    assert tasks == {
        "digest": "send_daily_digests",
        "referral_reminders": "send_referral_reminders",
        "find_duplicates": "find_duplicates",
        "discard_report_files": "discard_report_files",
        "discard_submission_keys": "discard_submission_keys",
    }


def test_the_referral_reminders_task_sends_what_the_command_sends(
    settings, regions, office_a, coordinator_a, dinsos, dinsos_officer, mailoutbox
):
    settings.TASKS = IMMEDIATE
    program = make_program(office_a, coordinator_a, regions["district"])
    case_a = enrol(program, coordinator_a, full_name="Siti Aminah")
    dinsos_officer.email = "dinsos@tangerangkab.go.id"
    dinsos_officer.save(update_fields=["email"])
    sent = refer(case_a, dinsos, "pkh_proposal", by=coordinator_a, coordinator=coordinator_a)
    Referral.objects.filter(pk=sent.pk).update(due_at=timezone.now() - datetime.timedelta(days=1))

    result = send_referral_reminders.enqueue()

    assert result.return_value == 1
    [mail] = mailoutbox
    assert mail.to == ["dinsos@tangerangkab.go.id"]
    assert sent.number in mail.body
    assert case_a.participant.full_name not in mail.body
