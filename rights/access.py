"""Who may handle the requests of the people in the records (UU PDP 27/2022).

A person whose data Purna holds may ask to see it, correct it, erase it, restrict or
object to its use, or withdraw a consent. Coordinators register, review and answer
these requests for their office; the administrator for every office. Office staff who
open participant pages but do not handle requests (case workers, health workers) are
told 403; whoever opens no participant page at all (auditors, agency officers) 404.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.access import has_role
from accounts.models import Role
from participants import access as participant_access

# Register, review and answer the requests of the people in the records.
REQUEST_HANDLERS = frozenset({Role.ADMIN, Role.COORDINATOR})

PERMISSIONS = [
    (
        "Register, review and answer a person's requests about their data "
        "(access, correction, erasure, objection)",
        REQUEST_HANDLERS,
    ),
    ("Download everything held on a person who asked to see it (logged)", REQUEST_HANDLERS),
]


def can_handle_requests(user) -> bool:
    return has_role(user, REQUEST_HANDLERS)


def require_handler(user):
    """404 for who opens no participant page; 403 for office staff who do not handle
    requests: neither tells whether a request exists."""
    participant_access.require_reader(user)
    if not can_handle_requests(user):
        raise PermissionDenied


def get_request_for(user, pk):
    """The request if it is about a person the user reads (404 otherwise), then 403 for
    office staff who do not handle requests: out of reach is a 404 for everyone."""
    from participants.models import Participant

    from .models import DataRequest  # the models read this module's role sets

    participant_access.require_reader(user)
    requests = DataRequest.objects.filter(
        participant__in=Participant.objects.visible_to(user)
    ).select_related("participant__village", "participant__office", "registered_by", "answered_by")
    found = get_object_or_404(requests, pk=pk)
    if not can_handle_requests(user):
        raise PermissionDenied
    return found


def get_participant_for(user, pk):
    """The person a request is registered for, from their page: another office's is a 404."""
    participant = participant_access.get_participant_for(user, pk, write=True)
    if not can_handle_requests(user):
        raise PermissionDenied
    return participant
