"""The daily email of a user's work list: how many tasks of each kind and how many
unread notifications wait, and the link to /tasks/. It names no person and no health
detail (emails get forwarded); the page behind the link checks access again.

Sent to each active user who asked for it (`wants_daily_digest`) and has an email, at
most once a day (`digest_sent_on`), and only when something waits. Scheduled daily
(`reports.apps`) as the task `send_daily_digests`.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext
from django_tasks import task

from accounts.models import Notification, User

from . import worklist

logger = logging.getLogger(__name__)


def recipients(today):
    """Who should get today's digest, unless it went out already."""
    return (
        User.objects.filter(is_active=True, wants_daily_digest=True)
        .exclude(email="")
        .exclude(digest_sent_on=today)
        .select_related("office", "agency")
        .order_by("pk")
    )


def digest_lines(user, today=None) -> list[str]:
    """The digest's lines for `user`: one per section of their work list with anything
    in it, and the unread notifications; empty when nothing waits."""
    lines = [kind.counted_text(count) for kind, count in worklist.counts_for(user, today)]
    unread = Notification.objects.filter(user=user).unread().count()
    if unread:
        lines.append(
            ngettext("%(count)s unread notification", "%(count)s unread notifications", unread)
            % {"count": unread}
        )
    return lines


def send_digest(user, today=None) -> bool:
    """Email `user` today's digest, if something waits and none went out today."""
    today = today or timezone.localdate()
    with translation.override(user.language or settings.LANGUAGE_CODE):
        lines = digest_lines(user, today)
        if not lines:
            return False
        body = render_to_string(
            "reports/email_digest.txt",
            {
                "lines": lines,
                "tasks_url": settings.SITE_URL + reverse("tasks"),
                "profile_url": settings.SITE_URL + reverse("profile"),
            },
        )
    subject, _blank, message = body.partition("\n\n")
    with transaction.atomic():
        # The UPDATE takes the row: a second run waits for this one, then finds the day
        # written and sends nothing. A failed send rolls the day back for the next run.
        claimed = (
            User.objects.filter(pk=user.pk, is_active=True, wants_daily_digest=True)
            .exclude(digest_sent_on=today)
            .update(digest_sent_on=today)
        )
        if not claimed:
            return False
        send_mail(subject.strip(), message.strip(), None, [user.email])
    return True


def send_digests(today=None) -> int:
    """Send today's digests; returns how many went out."""
    today = today or timezone.localdate()
    sent = 0
    for user in recipients(today):
        try:
            sent += send_digest(user, today)
        except Exception:
            # One address that fails must not keep the others from their digest.
            logger.exception("The daily digest of user %s could not be sent", user.pk)
    return sent


@task()
def send_daily_digests() -> int:
    return send_digests()
