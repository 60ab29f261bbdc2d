"""Background work of the accounts app, queued by the scheduler (`accounts.apps`)."""

from django_tasks import task

from . import submissions


@task()
def discard_submission_keys() -> int:
    return submissions.discard_old()
