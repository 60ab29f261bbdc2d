"""Background work of the participants app, queued by the scheduler (`participants.apps`)."""

from django_tasks import task

from accounts.models import Office

from .duplicate_scan import scan_office


def scan_offices(office_id=None):
    """Look through each office's records (or one office's) for people registered twice;
    yields each office with the number of new possible duplicates found."""
    offices = Office.objects.order_by("pk")
    if office_id:
        offices = offices.filter(pk=office_id)
    for office in offices:
        yield office, scan_office(office)


@task()
def find_duplicates() -> int:
    return sum(found for _office, found in scan_offices())
