from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from accounts.models import Role
from cases import access as case_access
from cases.models import Alert, Case, Screening
from participants import access as participant_access
from participants.models import Participant
from referrals import access as referral_access
from referrals.filters import BOXES
from referrals.models import Referral, ReferralStatus
from referrals.views import shared_data

from .pdf import pdf_response


def dashboard(request):
    """The landing page after login: what needs attention for this role."""
    user = request.user
    ctx = {
        "role": Role(user.role) if user.role else None,
        "organisation": user.organisation,
        "can_resolve": case_access.can_edit_case(user),
    }
    if user.role in case_access.SCREENERS:
        cases = Case.objects.visible_to(user)
        ctx["alerts"] = (
            Alert.objects.unresolved()
            .filter(case__in=cases)
            .select_related("case__participant")
            .order_by("raised_at")
        )
        counts = dict(
            cases.open().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
        )
        ctx["stages"] = [
            (label, counts.get(value, 0))
            for value, label in Case.Status.choices
            if value != Case.Status.CLOSED
        ]
    if user.role in (Role.ADMIN, Role.COORDINATOR, Role.CASE_WORKER, Role.AGENCY_OFFICER):
        referrals = Referral.objects.visible_to(user)
        ctx["referral_counts"] = referrals.aggregate(
            new=Count("pk", filter=Q(status__in=BOXES["new"])),
            in_progress=Count("pk", filter=Q(status__in=BOXES["in_progress"])),
            overdue=Count("pk", filter=Q(pk__in=referrals.overdue().values("pk"))),
        )
        if user.role in (Role.ADMIN, Role.COORDINATOR):
            ctx["declined"] = referrals.filter(status=ReferralStatus.DECLINED).select_related(
                "agency", "service"
            )
    if user.role == Role.CASE_WORKER:
        ctx["my_cases"] = (
            Case.objects.visible_to(user)
            .open()
            .filter(case_worker=user)
            .select_related("participant", "program")
            .order_by("participant__full_name")
        )
    return render(request, "reports/dashboard.html", ctx)


def referral_letter(request, pk):
    """The Surat Rujukan as a PDF, from what the agency may see; every download is logged."""
    referral = referral_access.get_referral_for(request.user, pk)
    if referral.status == ReferralStatus.DRAFT:
        raise Http404
    ctx = {"referral": referral, "shared": shared_data(referral)}
    return pdf_response(
        request,
        "referrals/letter.html",
        ctx,
        filename=f"surat-rujukan-{referral.pk}.pdf",
        obj=referral,
    )


def participant_report(request, pk):
    """One returnee's whole record as a PDF for the file or the Kabupaten."""
    participant = participant_access.get_participant_for(request.user, pk)
    participant = (
        Participant.objects.select_related("office", "village__parent__parent")
        .prefetch_related("episodes", "problems")
        .get(pk=participant.pk)
    )
    cases = participant.cases.select_related("program").prefetch_related(
        Prefetch("screenings", queryset=Screening.objects.order_by("screened_on", "pk")),
        "screenings__alerts",
        "plan_items__responsible_agency",
        "referrals__service",
        "referrals__agency",
        "referrals__transitions",
        "follow_ups",
    )
    ctx = {
        "participant": participant,
        "cases": cases,
        "can_read_narrative": participant_access.can_read_narrative(request.user),
        "generated_at": timezone.now(),
    }
    return pdf_response(
        request,
        "reports/participant.html",
        ctx,
        filename=f"laporan-{participant.registration_number}.pdf",
        obj=participant,
    )
