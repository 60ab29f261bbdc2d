from django.core.management.base import BaseCommand

from accounts.models import Office
from participants.duplicate_scan import scan_office


class Command(BaseCommand):
    help = (
        "Look through each office's records for people registered twice and list the pairs "
        "for its coordinator (/participants/duplicates/). Safe to run nightly."
    )

    def add_arguments(self, parser):
        parser.add_argument("--office", type=int, help="Only this office (its id).")

    def handle(self, *args, office=None, **options):
        offices = Office.objects.order_by("pk")
        if office:
            offices = offices.filter(pk=office)
        for each in offices:
            found = scan_office(each)
            self.stdout.write(f"{each.name}: {found} new possible duplicates")
