"""What the reports do when a lower app tells of a change (connected in apps.py)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.workflow import IllegalMove

from .models import Anonymisation


def keep_anonymisations_apart_from_merges(*, survivor, merged, by, **kwargs):
    """An anonymised record is merged with no other (the merge rolls back); a proposal
    waiting about either record is cancelled, since the record it was about changed."""
    if survivor.anonymised_at is not None or merged.anonymised_at is not None:
        raise IllegalMove(_("An anonymised record cannot be merged."))
    Anonymisation.objects.pending().filter(participant__in=[survivor, merged]).update(
        cancelled_by=by, cancelled_at=timezone.now()
    )
