"""The referrals' panels on the participant and case pages."""

from django.db.models import Prefetch
from django.urls import reverse

from cases import access as case_access
from cases.models import Case, PlanItem
from cases.pages import CASE_PAGE, PLAN_ITEM_ROW
from participants.pages import PARTICIPANT_PAGE

from . import access
from .models import Referral, ReferralStatus, ReferralTransition


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


# A plan item with one of these needs no new referral: it is being worked on already.
STILL_WORKING = [
    ReferralStatus.DRAFT,
    ReferralStatus.SENT,
    ReferralStatus.ACCEPTED,
    ReferralStatus.IN_PROGRESS,
    ReferralStatus.DECLINED,
]


def plan_item_referrals(request, plan_items):
    """The referrals that fulfil each plan item, and "Refer" where one may still be made.

    Those who follow the office's referrals get each one's link and status; others who
    open the case (the health worker) see only the state, which is part of the plan.
    """
    if not plan_items:
        return {}
    case = plan_items[0].case
    follows = access.can_follow_office_referrals(request.user)
    can_refer = case_access.can_edit_case(request.user) and case.is_open
    if follows:
        referrals = Referral.objects.visible_to(request.user).select_related("service")
    else:
        # Not the referral itself: only the word for where the plan item stands.
        referrals = Referral.objects.only("pk", "plan_item", "status")
    by_item = {}
    for referral in referrals.filter(plan_item__in=plan_items).order_by("created_at", "pk"):
        by_item.setdefault(referral.plan_item_id, []).append(referral)
    new_url = reverse("referrals:new", args=[case.pk])
    rows = {}
    for item in plan_items:
        linked = by_item.get(item.pk, [])
        refer_url = None
        if (
            can_refer
            and item.status not in (PlanItem.Status.DONE, PlanItem.Status.CANCELLED)
            and not any(r.status in STILL_WORKING for r in linked)
        ):
            refer_url = f"{new_url}?plan_item={item.pk}"
        if linked or refer_url:
            rows[item.pk] = {"referrals": linked, "show_referrals": follows, "refer_url": refer_url}
    return rows


def register():
    PARTICIPANT_PAGE.add(
        "referrals/participant_panel.html", participant_programs_and_referrals, order=50
    )
    CASE_PAGE.add("referrals/case_panel.html", case_referrals, order=50)
    PLAN_ITEM_ROW.add("referrals/plan_item_row.html", plan_item_referrals, order=50)
