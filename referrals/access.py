from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role

from .models import Referral

READERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASE_WORKER, Role.AGENCY_OFFICER})


def require_reader(user):
    if user.role not in READERS:
        raise Http404


def get_referral_for(user, pk):
    """The referral if this user may see it: another agency's is a 404, not a 403."""
    require_reader(user)
    referrals = Referral.objects.visible_to(user).select_related(
        "agency", "service", "case__program__office", "case__participant", "household_member"
    )
    return get_object_or_404(referrals, pk=pk)
