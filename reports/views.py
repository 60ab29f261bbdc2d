from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AccessLog, Role
from cases import access as case_access
from cases.models import Alert, Case, Screening
from participants import access as participant_access
from participants.models import Participant
from referrals import access as referral_access
from referrals.filters import BOXES
from referrals.models import Referral, ReferralStatus
from referrals.views import shared_data

from . import exports
from .pdf import pdf_response

AGGREGATE_EXPORTERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.AUDITOR})
ROW_EXPORTERS = frozenset({Role.ADMIN, Role.COORDINATOR})


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


EXPORT_TYPES = {
    "csv": ("text/csv; charset=utf-8", exports.to_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        exports.to_xlsx,
    ),
}


def _export_response(request, rows, header, *, name, fmt, detail):
    if fmt not in EXPORT_TYPES:
        raise Http404
    content_type, write = EXPORT_TYPES[fmt]
    content = write(header, rows) if fmt == "csv" else write(header, rows, title=name)
    AccessLog.record(request, AccessLog.Action.EXPORT, detail=detail)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _office_participants(user):
    return Participant.objects.visible_to(user).active()


def export_list(request):
    if request.user.role not in AGGREGATE_EXPORTERS:
        raise Http404
    ctx = {"can_export_rows": request.user.role in ROW_EXPORTERS}
    return render(request, "reports/exports.html", ctx)


def export_by_district(request, fmt):
    """Participants per district and sex; small counts suppressed (aggregate, no names)."""
    if request.user.role not in AGGREGATE_EXPORTERS:
        raise Http404
    counts = (
        _aggregate_scope(request.user)
        .values("village__parent__name", "village__parent__parent__name")
        .annotate(
            total=Count("pk"),
            women=Count("pk", filter=Q(sex="F")),
            men=Count("pk", filter=Q(sex="M")),
        )
        .order_by("village__parent__parent__name", "village__parent__name")
    )
    rows = [
        (
            row["village__parent__parent__name"],
            row["village__parent__name"],
            exports.suppress_small(row["total"]),
            exports.suppress_small(row["women"]),
            exports.suppress_small(row["men"]),
        )
        for row in counts
    ]
    header = [_("Regency/city"), _("District"), _("Participants"), _("Women"), _("Men")]
    return _export_response(
        request, rows, header, name="peserta-per-kecamatan", fmt=fmt, detail="by district"
    )


def _aggregate_scope(user):
    # Auditors read aggregates of their office without opening anybody's page.
    if user.role == Role.AUDITOR:
        return Participant.objects.filter(office_id=user.office_id, archived_at__isnull=True)
    return _office_participants(user)


def export_participants(request, fmt):
    """One row per participant, for coordinators only; every export is logged."""
    if request.user.role not in AGGREGATE_EXPORTERS:
        raise Http404
    if request.user.role not in ROW_EXPORTERS:
        raise PermissionDenied
    participants = (
        _office_participants(request.user)
        .select_related("village__parent")
        .prefetch_related("problems")
        .order_by("registration_number")
    )
    rows = [
        (
            p.registration_number,
            p.full_name,
            p.nik_masked,
            p.get_sex_display(),
            p.birth_date.year,
            p.village.parent.name,
            p.village.name,
            ", ".join(str(problem) for problem in p.problems.all()),
        )
        for p in participants
    ]
    header = [
        _("Registration no."),
        _("Name"),
        _("NIK"),
        _("Sex"),
        _("Year of birth"),
        _("District"),
        _("Village"),
        _("Problems"),
    ]
    return _export_response(
        request, rows, header, name="peserta", fmt=fmt, detail="participants (rows)"
    )
