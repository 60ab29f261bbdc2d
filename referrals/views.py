from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access_log import reads_person_data
from accounts.models import AccessLog
from accounts.paging import (
    BADGE_COUNT_CAP,
    LIST_COUNT_CAP,
    CappedCount,
    capped_counts,
    page_of_rows,
)
from accounts.workflow import IllegalMove
from cases import access as case_access
from cases.models import Case
from participants import services as participant_services
from participants.filters import search_detail

from . import access, eligibility, services
from .filters import BOXES, ReferralFilter
from .forms import (
    ConfirmForm,
    MoveForm,
    PlanItemLinkForm,
    ReferralForm,
    SendForm,
    open_plan_items,
)
from .models import OfficeReferralCount, Referral, ReferralStatus
from .pages import REFERRAL_ACTIONS
from .sharing import masked_numbers, shared_data

PAGE_SIZE = 25
# What a row of the list shows (referrals.templatetags.referrals.referral_row) and its
# moves need: eight joined tables, but not their dozens of other columns.
LIST_COLUMNS = [
    *("number", "status", "urgency", "due_at", "sharing_stopped_on", "version"),
    *("agency__name", "service__name", "service__name_en"),
    *("case__participant__full_name", "case__participant__registration_number"),
    *("case__participant__birth_date", "case__participant__nik"),
    "case__participant__village__name",
    "case__program__office__phone",
    *("created_by__full_name", "created_by__username", "created_by__phone"),
]


@reads_person_data(detail=search_detail)
def referral_list(request):
    """An agency officer's inbox, or the office's outbox for BP3MI staff."""
    access.require_reader(request.user)
    referrals = Referral.objects.visible_to(request.user)
    now = timezone.now()
    box = request.GET.get("box", "")
    if box != "overdue" and box not in BOXES:
        box = ""
    counts, held = _box_counts(request.user, referrals, box, now)
    listed = referrals.select_related(
        "agency", "service", "case__participant__village", "case__program__office", "created_by"
    ).only(*LIST_COLUMNS)
    if box == "overdue":
        listed = listed.overdue(now)
    elif box in BOXES:
        listed = listed.filter(status__in=BOXES[box])
    filterset = ReferralFilter(request.GET or None, queryset=listed.open_first())
    page = page_of_rows(
        filterset.qs.values_list("pk", flat=True),
        listed,
        request.GET.get("page"),
        PAGE_SIZE,
        # A filter narrows the box: then the pages count what it keeps.
        known=None if filterset.is_active else held,
    )
    for referral in page.object_list:
        _with_moves(referral, request.user)
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        "counts": counts,
        "box": box,
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "is_inbox": access.works_an_agency_inbox(request.user),
        "now": now,
    }
    return render(request, "referrals/list.html", ctx)


def _box_counts(user, referrals, box, now):
    """The boxes' badges, and how many referrals the open box holds.

    The boxes by status come from the counters, exact and in one small query. Overdue
    changes with the clock, so it is counted, up to the badge's cap; in its own box, up
    to the list's, so that its pages need no count of their own.
    """
    by_status = OfficeReferralCount.objects.visible_to(user).by_status()
    counts = {
        name: CappedCount.exact(sum(by_status.get(status, 0) for status in statuses))
        for name, statuses in BOXES.items()
    }
    counts["all"] = CappedCount.exact(sum(by_status.values()))
    cap = LIST_COUNT_CAP if box == "overdue" else BADGE_COUNT_CAP
    counts["overdue"] = capped_counts(cap, rows=referrals.overdue(now))["rows"]
    held = counts[box or "all"]
    counts["overdue"] = counts["overdue"].capped_at(BADGE_COUNT_CAP)
    return counts, held


@reads_person_data(Case, kwarg="case_pk", detail="referral form")
def referral_new(request, case_pk):
    case = case_access.get_case_for(request.user, case_pk, write=True)
    initial = _from_plan_item(case, request.GET.get("plan_item", ""))
    form = ReferralForm(request.POST or None, case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        referral = services.create_referral(
            case=case,
            agency=form.cleaned_data["agency"],
            service=form.cleaned_data["service"],
            reason=form.cleaned_data["reason"],
            urgency=form.cleaned_data["urgency"],
            household_member=form.cleaned_data["household_member"],
            shared_chronology=form.cleaned_data["shared_chronology"],
            plan_item=form.cleaned_data["plan_item"],
            by=request.user,
        )
        messages.info(request, _("Check what the agency will see, then send the referral."))
        return redirect(referral)
    ctx = {
        "case": case,
        "form": form,
        "namesakes": list(case.namesakes()),
        "hints": eligibility.hints(case.participant),
        "chosen_type": _chosen_agency_type(form),
    }
    return render(request, "referrals/form.html", ctx)


def referral_agency_fields(request, case_pk):
    """The referral form's parts that follow the agency: the services of its type, and
    the chronology field where the agency may receive one (an out-of-band swap)."""
    case = case_access.get_case_for(request.user, case_pk, write=True)
    form = ReferralForm(case=case, initial={"agency": request.GET.get("agency", "")})
    ctx = {"form": form, "field": form["service"], "oob": True}
    return render(request, "referrals/form.html#agency-fields", ctx)


def _from_plan_item(case, pk):
    """The form's starting values for a referral that fulfils the plan item `pk`."""
    if not pk.isdigit():
        return {}
    item = open_plan_items(case).filter(pk=pk).first()
    if item is None:
        return {}
    initial = {"plan_item": item.pk, "reason": item.intervention}
    if item.responsible_agency_id:
        initial["agency"] = item.responsible_agency_id
    return initial


def _chosen_agency_type(form):
    """The type of the agency the form has chosen so far, to point at its hints."""
    agency = form.chosen_agency()
    return agency.type if agency else None


def _with_moves(referral, user):
    """The referral, with the moves its inbox row offers and the one address they post to."""
    referral.moves = _moves(referral, user)
    referral.move_url = reverse("referrals:move", args=[referral.pk])
    return referral


def _moves(referral, user):
    """(target, verb, what it needs written) for each move this user may make now."""
    return [
        (to, referral.verb(to), referral.move_to(to).needs)
        for to in referral.allowed_moves(user)
        # A draft is sent through its own form, with the consent check.
        if not (referral.status == ReferralStatus.DRAFT and to == ReferralStatus.SENT)
    ]


@reads_person_data(Referral)
def referral_detail(request, pk):
    referral = access.get_referral_for(request.user, pk)
    officer = access.works_an_agency_inbox(request.user)
    shared = shared_data(referral)
    moves = _moves(referral, request.user)
    can_confirm = (
        access.can_confirm_with_returnee(request.user)
        and referral.status == ReferralStatus.COMPLETED
        and referral.returnee_confirmed_at is None
    )
    can_link = access.can_follow_office_referrals(request.user) and referral.case.is_open
    ctx = {
        "referral": referral,
        "officer": officer,
        "actions": REFERRAL_ACTIONS.render(request, referral),
        "shared": shared,
        "can_reveal_numbers": masked_numbers(shared)
        and access.can_reveal_shared_numbers(request.user, referral),
        "moves": moves,
        "move_form": MoveForm(initial={"version": referral.version}),
        "send_form": SendForm(initial={"version": referral.version}),
        "can_send": referral.status == ReferralStatus.DRAFT
        and referral.may_move(ReferralStatus.SENT, request.user),
        "needs_override": referral.status == ReferralStatus.DRAFT
        and services.covering_consent(referral) is None,
        "transitions": referral.transitions.select_related("by").order_by("at", "pk"),
        "can_confirm": can_confirm,
        "confirm_form": ConfirmForm() if can_confirm else None,
        "link_form": PlanItemLinkForm(referral=referral) if can_link else None,
    }
    return render(request, "referrals/detail.html", ctx)


@require_POST
def referral_reveal_nik(request, pk):
    """The whole NIK and KK numbers the referral shares, each reveal logged."""
    referral = access.get_referral_for(request.user, pk)
    shared = shared_data(referral)
    if not masked_numbers(shared) or not access.can_reveal_shared_numbers(request.user, referral):
        raise Http404
    participant_services.reveal_identity_numbers(
        request, participant=referral.case.participant, reason=f"referral {referral.pk}"
    )
    ctx = {"referral": referral, "shared": shared, "revealed": True}
    if request.htmx:
        return render(request, "referrals/shared.html#numbers", ctx)
    return render(request, "referrals/nik_revealed.html", ctx)


@require_POST
def referral_send(request, pk):
    referral = access.get_referral_for(request.user, pk)
    if not access.can_follow_office_referrals(request.user):
        raise PermissionDenied
    form = SendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The referral was not sent."))
        return redirect(referral)
    try:
        services.send_referral(
            referral=referral,
            by=request.user,
            version=form.cleaned_data["version"],
            override_reason=form.cleaned_data["override_reason"],
        )
    except IllegalMove as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The referral is sent. The agency is told."))
    return redirect(referral)


@require_POST
def referral_move(request, pk):
    referral = access.get_referral_for(request.user, pk)
    form = MoveForm(request.POST, request.FILES)
    if "to" in form.errors or "version" in form.errors:
        # No page sends these wrong: the request was made by hand.
        return HttpResponseBadRequest()
    error = None
    if form.errors:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    elif form.cleaned_data["to"] not in ReferralStatus.values:
        return HttpResponseBadRequest()
    try:
        if error:
            raise IllegalMove(error)
        referral = services.move_referral(
            referral=referral,
            to=form.cleaned_data["to"],
            by=request.user,
            version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
            decline_reason=form.cleaned_data["decline_reason"],
            outcome=form.cleaned_data["outcome"],
            evidence=(
                (form.cleaned_data["evidence"], form.evidence_type, form.evidence_extension)
                if form.cleaned_data.get("evidence")
                else None
            ),
        )
    except IllegalMove as refused:
        error = str(refused)
    if request.htmx:
        # The inbox row, updated in place, or showing why it was not and where it stands.
        referral = _with_moves(access.get_referral_for(request.user, pk), request.user)
        ctx = {"referral": referral, "error": error, "is_inbox": True}
        return render(request, "referrals/list.html#row", ctx)
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            _("The referral is now %(status)s.") % {"status": referral.get_status_display()},
        )
    return redirect(referral)


def referral_evidence(request, pk):
    referral = access.get_referral_for(request.user, pk)
    if not referral.outcome_evidence:
        raise Http404
    AccessLog.record(request, AccessLog.Action.DOWNLOAD, obj=referral, detail="evidence")
    return FileResponse(
        referral.outcome_evidence.open("rb"),
        as_attachment=True,
        filename=referral.outcome_evidence_name,
        content_type=referral.outcome_evidence_type,
    )


@require_POST
def referral_plan_item(request, pk):
    referral = access.get_referral_for(request.user, pk)
    if not access.can_follow_office_referrals(request.user):
        raise PermissionDenied
    form = PlanItemLinkForm(request.POST, referral=referral)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["plan_item"]))
        return redirect(referral)
    item = form.cleaned_data["plan_item"]
    try:
        services.link_plan_item(referral=referral, plan_item=item, by=request.user)
    except IllegalMove as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The referral now fulfils the plan item “%(item)s”.") % {"item": item}
            if item
            else _("The referral no longer fulfils a plan item."),
        )
    return redirect(referral)


@require_POST
def referral_confirm(request, pk):
    referral = access.get_referral_for(request.user, pk)
    if not access.can_confirm_with_returnee(request.user):
        raise PermissionDenied
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        errors = " ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, _("Nothing was recorded: %(errors)s") % {"errors": errors})
        return redirect(referral)
    try:
        services.confirm_with_returnee(
            referral=referral,
            by=request.user,
            received=form.cleaned_data["received"],
            satisfaction=form.cleaned_data["satisfaction"],
            feedback_note=form.cleaned_data["note"],
        )
    except IllegalMove as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The returnee's confirmation is recorded."))
    return redirect(referral)
