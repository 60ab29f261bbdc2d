from django.core.management.base import BaseCommand

from participants.tasks import scan_offices


class Command(BaseCommand):
    help = (
        "Look through each office's records for people registered twice and list the pairs "
        "for its coordinator (/participants/duplicates/). Scheduled nightly by run_schedule."
    )

    def add_arguments(self, parser):
        parser.add_argument("--office", type=int, help="Only this office (its id).")

    def handle(self, *args, office=None, **options):
        for each, found in scan_offices(office):
            self.stdout.write(f"{each.name}: {found} new possible duplicates")
