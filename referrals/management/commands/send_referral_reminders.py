from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from referrals.models import Referral


class Command(BaseCommand):
    help = "Email agencies and senders about overdue referrals (run once a day from a scheduler)."

    def handle(self, *args, **options):
        translation.activate(settings.LANGUAGE_CODE)
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
            sent += self._send(emails[agency.pk], referrals)
        for person, referrals in by_person.items():
            if person.email and person.is_active:
                sent += self._send([person.email], referrals)
        self.stdout.write(f"{len(overdue)} overdue referrals; {sent} reminders sent.")

    def _send(self, recipients, referrals):
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
