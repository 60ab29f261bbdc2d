"""Who may do what with a participant's record (DESIGN section 5)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role

from .models import ImportJob, Participant

# Register and edit participants, read what happened, see the whole NIK.
EDITORS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASE_WORKER})
# Office staff who open participant pages at all; health workers read identity.
READERS = EDITORS | {Role.HEALTH_WORKER}
ARCHIVERS = frozenset({Role.ADMIN, Role.COORDINATOR})


def can_edit(user):
    return user.role in EDITORS


def can_read_narrative(user):
    return user.role in EDITORS


def can_reveal_nik(user):
    return user.role in EDITORS


def can_archive(user):
    return user.role in ARCHIVERS


def require_reader(user):
    """Agency officers and auditors have no participant pages: 404, not 403."""
    if user.role not in READERS:
        raise Http404


def require_editor(user):
    require_reader(user)
    if not can_edit(user):
        raise PermissionDenied


def get_participant_for(user, pk, *, write=False):
    """The participant, if this user may see it (404 otherwise); 403 for a read-only writer."""
    require_reader(user)
    participant = get_object_or_404(Participant.objects.visible_to(user), pk=pk)
    if write and not can_edit(user):
        raise PermissionDenied
    return participant


def get_import_job_for(user, pk):
    """The import job, if it belongs to the user's office (404 otherwise); 403 for readers."""
    require_editor(user)
    # The problems found can run to megabytes: loaded only when the page shows them.
    jobs = ImportJob.objects.visible_to(user).select_related("created_by").defer("issues")
    return get_object_or_404(jobs, pk=pk)
