"""The referrals' panels on the participant and case pages."""

from django.db.models import Prefetch

from cases import access as case_access
from cases.models import Case
from cases.pages import CASE_PAGE
from participants.pages import PARTICIPANT_PAGE

from . import access
from .models import Referral, ReferralTransition


def _with_timeline(referrals):
    moves = ReferralTransition.objects.select_related("by").order_by("at", "pk")
    return referrals.select_related("service", "agency").prefetch_related(
        Prefetch("transitions", queryset=moves)
    )


def participant_programs_and_referrals(request, participant):
    """Each program the participant is enrolled in, with its referrals' timelines."""
    if not access.can_follow_office_referrals(request.user):
        return None
    referrals = _with_timeline(Referral.objects.order_by("created_at", "pk"))
    cases = (
        Case.objects.filter(participant=participant)
        .select_related("program")
        .prefetch_related(Prefetch("referrals", queryset=referrals))
        .order_by("opened_at", "pk")
    )
    return {"cases": cases}


def case_referrals(request, case):
    """The case's referrals with their timelines, for everyone who opens the case."""
    return {
        "case": case,
        "referrals": _with_timeline(case.referrals.order_by("created_at", "pk")),
        "can_refer": case_access.can_edit_case(request.user) and case.is_open,
    }


def register():
    PARTICIPANT_PAGE.add(
        "referrals/participant_panel.html", participant_programs_and_referrals, order=50
    )
    CASE_PAGE.add("referrals/case_panel.html", case_referrals, order=50)
