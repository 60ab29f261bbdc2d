from django.core.management.base import BaseCommand

from referrals.reminders import send_overdue_reminders


class Command(BaseCommand):
    help = (
        "Email agencies and senders about overdue referrals (scheduled daily by "
        "run_schedule; run it by hand to send them now)."
    )

    def handle(self, *args, **options):
        overdue, sent = send_overdue_reminders()
        self.stdout.write(f"{overdue} overdue referrals; {sent} reminders sent.")
