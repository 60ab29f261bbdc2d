"""Who may do what with referrals.

Office staff follow their office's referrals; an agency officer sees only the
referrals sent to their own agency, and only once they are sent. Another agency's
referral is a 404, not a 403. Who may make which status move is in
`Referral.TRANSITIONS`, from the role sets here.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import has_role
from accounts.models import Role

# Write, send, cancel and follow referrals; confirm the outcome with the returnee.
REFERRAL_SENDERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASE_WORKER})
# Review declined referrals; send without a covering consent, with a recorded reason.
REFERRAL_REVIEWERS = frozenset({Role.ADMIN, Role.COORDINATOR})
# Accept, decline, start, complete: the agency's own moves, in the agency's inbox.
AGENCY_OFFICERS = frozenset({Role.AGENCY_OFFICER})
REFERRAL_READERS = REFERRAL_SENDERS | AGENCY_OFFICERS

PERMISSIONS = [
    ("Open referral lists and pages", REFERRAL_READERS),
    ("Write, send and cancel referrals", REFERRAL_SENDERS),
    ("Confirm an agency's outcome with the returnee", REFERRAL_SENDERS),
    ("Send without a covering consent, with a recorded reason", REFERRAL_REVIEWERS),
    ("Send back or close a declined referral", REFERRAL_REVIEWERS),
    ("Accept, decline, start and complete referrals of their own agency", AGENCY_OFFICERS),
    (
        "Reveal the whole NIK shared with their agency, each reveal logged",
        AGENCY_OFFICERS,
    ),
]


def can_open_referrals(user) -> bool:
    return has_role(user, REFERRAL_READERS)


def works_an_agency_inbox(user) -> bool:
    """Agency officers see an inbox of what was sent to them; office staff an outbox."""
    return has_role(user, AGENCY_OFFICERS)


def can_follow_office_referrals(user) -> bool:
    """Office staff who see the referrals of their office's cases."""
    return has_role(user, REFERRAL_SENDERS)


def can_reveal_shared_numbers(user, referral) -> bool:
    """The whole NIK and KK of the person a referral shares, each reveal logged: office
    staff who may reveal numbers; an officer whose agency's sharing rule has the NIK."""
    from participants import access as participant_access

    from .sharing import shares_nik

    if works_an_agency_inbox(user):
        return shares_nik(referral.agency.type)
    return participant_access.can_reveal_nik(user)


def can_send_without_consent(user) -> bool:
    return has_role(user, REFERRAL_REVIEWERS)


def can_review_declines(user) -> bool:
    return has_role(user, REFERRAL_REVIEWERS)


def can_confirm_with_returnee(user) -> bool:
    return has_role(user, REFERRAL_SENDERS)


def require_reader(user):
    if not can_open_referrals(user):
        raise Http404


def get_referral_for(user, pk):
    """The referral if this user may see it: another agency's is a 404, not a 403."""
    from .models import Referral  # the models read this module's role sets

    require_reader(user)
    referrals = Referral.objects.visible_to(user).select_related(
        "agency",
        "service",
        "case__program__office",
        "case__participant__village",
        "household_member",
        "created_by",
    )
    return get_object_or_404(referrals, pk=pk)
