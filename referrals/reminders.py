"""The daily reminders of overdue referrals: each agency's officers and each person who
sent or follows one are told by email which referrals are late (numbers and services,
never a name). Scheduled daily (`referrals.apps`) and run by `send_referral_reminders`."""

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from accounts.models import User

from .models import Referral


def send_overdue_reminders() -> tuple[int, int]:
    """Email the reminders; returns how many referrals are overdue and emails went out."""
    with translation.override(settings.LANGUAGE_CODE):
        overdue = list(
            Referral.objects.overdue(timezone.now())
            .select_related("agency", "service", "created_by", "case__case_worker")
            .order_by("due_at")
        )
        by_agency = defaultdict(list)
        by_person = defaultdict(list)
        for referral in overdue:
            by_agency[referral.agency].append(referral)
            for person in {referral.created_by, referral.case.case_worker} - {None}:
                by_person[person].append(referral)
        sent = 0
        officers = User.objects.filter(agency__in=by_agency, is_active=True).exclude(email="")
        emails = defaultdict(list)
        for officer in officers:
            emails[officer.agency_id].append(officer.email)
        for agency, referrals in by_agency.items():
            sent += _send(emails[agency.pk], referrals)
        for person, referrals in by_person.items():
            if person.email and person.is_active:
                sent += _send([person.email], referrals)
    return len(overdue), sent


def _send(recipients, referrals):
    if not recipients:
        return 0
    links = [
        (referral, settings.SITE_URL + reverse("referrals:detail", args=[referral.pk]))
        for referral in referrals
    ]
    body = render_to_string("referrals/email_reminder.txt", {"links": links})
    subject, _blank, message = body.partition("\n\n")
    send_mail(subject.strip(), message.strip(), None, recipients)
    return 1


@task()
def send_referral_reminders() -> int:
    _overdue, sent = send_overdue_reminders()
    return sent
