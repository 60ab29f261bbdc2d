"""What the cases do when a lower app tells of a change (connected in apps.py)."""

from django.utils.translation import gettext as _

from . import services
from .models import Case


def close_cases_left_behind(*, participant, transfer, by, **kwargs):
    """A transferred participant's open cases in the old office's programs close, with the
    reason "transferred"; the new office enrols them in its own programs."""
    left_behind = Case.objects.open().filter(
        participant=participant, program__office_id=transfer.from_office_id
    )
    for case in left_behind:
        services.change_case_status(
            case=case,
            to=Case.Status.CLOSED,
            by=by,
            reason=_("Transferred to %(office)s: %(reason)s")
            % {"office": transfer.to_office, "reason": transfer.reason},
            close_reason=Case.CloseReason.TRANSFERRED,
        )
