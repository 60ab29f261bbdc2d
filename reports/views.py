import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import AccessLog, Role
from cases import access as case_access
from cases.models import Alert, Case, PlanItem, Program, Screening
from participants import access as participant_access
from participants.models import Participant
from referrals import access as referral_access
from referrals.filters import BOXES
from referrals.models import OPEN_STATUSES, Referral, ReferralStatus
from referrals.views import shared_data

from . import charts, exports, figures, program_report
from .models import ReportJob
from .pdf import pdf_response, report_context

AGGREGATE_EXPORTERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.AUDITOR})
ROW_EXPORTERS = frozenset({Role.ADMIN, Role.COORDINATOR})


OVERDUE_SHOWN = 10
DECLINED_SHOWN = 10
ALERTS_SHOWN = 20
FIGURES_CACHE_SECONDS = 10 * 60
MY_CASES_SHOWN = 20
DUE_ITEMS_SHOWN = 30
DUE_SOON_DAYS = 14


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
        alerts = Alert.objects.unresolved().filter(case__in=cases)
        ctx["alerts"] = alerts.select_related("case__participant").order_by("raised_at", "pk")[
            :ALERTS_SHOWN
        ]
        ctx["alert_count"] = alerts.count()
        counts = dict(
            cases.open().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
        )
        ctx["stages"] = charts.bars(
            _("Open cases by stage"),
            [
                (label, counts.get(value, 0))
                for value, label in Case.Status.choices
                if value != Case.Status.CLOSED
            ],
            empty_text=_("No open case."),
        )
    if user.role in (Role.ADMIN, Role.COORDINATOR, Role.CASE_WORKER, Role.AGENCY_OFFICER):
        referrals = Referral.objects.visible_to(user)
        now = timezone.now()
        # Every status counted here is open or declined: the others need not be read.
        counted = [*OPEN_STATUSES, ReferralStatus.DECLINED]
        ctx["referral_counts"] = referrals.filter(status__in=counted).aggregate(
            new=Count("pk", filter=Q(status__in=BOXES["new"])),
            in_progress=Count("pk", filter=Q(status__in=BOXES["in_progress"])),
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_at__lt=now)),
            declined=Count("pk", filter=Q(status=ReferralStatus.DECLINED)),
        )
        ctx["overdue"] = (
            referrals.overdue()
            .select_related("agency", "service")
            .order_by("due_at", "pk")[:OVERDUE_SHOWN]
        )
        if user.role in (Role.ADMIN, Role.COORDINATOR):
            ctx["declined"] = (
                referrals.filter(status=ReferralStatus.DECLINED)
                .select_related("agency", "service")
                .order_by("pk")[:DECLINED_SHOWN]
            )
    if user.role in (Role.ADMIN, Role.COORDINATOR):
        office = _office_figures(user, referrals, cases)
        ctx["completion"] = figures.completion_chart(office["agencies"])
        ctx["problems"] = figures.problems_chart(office["problems"])
        ctx["trend"] = figures.trend_chart(office["trend"])
        ctx["figures_as_of"] = office["as_of"]
        ctx["figures_minutes"] = FIGURES_CACHE_SECONDS // 60
    if user.role == Role.CASE_WORKER:
        mine = Case.objects.visible_to(user).open().filter(case_worker=user)
        # The most recent first; a worker with hundreds of cases sees the count, not a wall.
        ctx["my_cases"] = mine.select_related("participant", "program").order_by(
            "-opened_at", "-pk"
        )[:MY_CASES_SHOWN]
        ctx["my_case_count"] = mine.count()
        ctx["due_items"] = (
            PlanItem.objects.filter(case__in=mine, due_date__isnull=False)
            .filter(due_date__lte=timezone.localdate() + datetime.timedelta(days=DUE_SOON_DAYS))
            .exclude(status__in=[PlanItem.Status.DONE, PlanItem.Status.CANCELLED])
            .select_related("case__participant", "responsible_agency")
            .order_by("due_date", "pk")[:DUE_ITEMS_SHOWN]
        )
        ctx["today"] = timezone.localdate()
    return render(request, "reports/dashboard.html", ctx)


def _office_figures(user, referrals, cases):
    """The office-wide figures, counted at most once in FIGURES_CACHE_SECONDS.

    They scan every referral, participant and case of the office (hundreds of
    thousands of rows in a busy province), and they move slowly; what needs acting on
    (alerts, overdue and declined referrals, the counts) is read afresh every time.
    """
    scope = "all" if user.role == Role.ADMIN else user.office_id
    key = f"reports:dashboard:{scope}:{get_language()}"
    office = cache.get(key)
    if office is None:
        office = {
            "agencies": figures.referrals_by_agency(referrals),
            "problems": figures.problem_counts(Participant.objects.visible_to(user).active()),
            "trend": figures.monthly_cases(cases),
            "as_of": timezone.now(),
        }
        cache.set(key, office, FIGURES_CACHE_SECONDS)
    return office


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
    participant_access.require_reader(request.user)
    participant = get_object_or_404(
        Participant.objects.visible_to(request.user)
        .select_related("office", "village__parent__parent")
        .prefetch_related("episodes", "problems"),
        pk=pk,
    )
    cases = participant.cases.select_related("program").prefetch_related(
        Prefetch("screenings", queryset=Screening.objects.order_by("screened_on", "pk")),
        "screenings__alerts",
        Prefetch("plan_items", queryset=PlanItem.objects.select_related("responsible_agency")),
        Prefetch("referrals", queryset=Referral.objects.select_related("service", "agency")),
        "referrals__transitions",
        "follow_ups",
    )
    ctx = {
        "participant": participant,
        "cases": cases,
        "can_read_narrative": participant_access.can_read_narrative(request.user),
    }
    ctx = report_context(ctx, user=request.user, office=participant.office)
    return pdf_response(
        request,
        "reports/participant.html",
        ctx,
        filename=f"laporan-{participant.registration_number}.pdf",
        obj=participant,
    )


def _program_for_report(user, pk):
    """Program reports are for coordinators: others who see the program get 403."""
    program = case_access.get_program_for(user, pk)
    if not case_access.can_edit_program(user):
        raise PermissionDenied
    return program


@require_POST
def program_pdf(request, pk):
    """A small program's report comes back at once; a large one goes to the worker."""
    program = _program_for_report(request.user, pk)
    if program_report.in_background(program):
        job = program_report.start_job(program, user=request.user)
        return redirect(job)
    ctx = program_report.context(program, user=request.user)
    return pdf_response(
        request,
        program_report.TEMPLATE,
        ctx,
        filename=program_report.filename(program),
        obj=program,
    )


STALLED_AFTER = datetime.timedelta(minutes=2)


def report_job(request, pk):
    job = get_object_or_404(
        ReportJob.objects.visible_to(request.user).select_related("program", "created_by"), pk=pk
    )
    ctx = {
        "job": job,
        "stalled": job.is_running and timezone.now() - job.updated_at > STALLED_AFTER,
        "keep_hours": settings.REPORT_KEEP_HOURS,
    }
    if request.htmx:
        return render(request, "reports/job.html#progress", ctx)
    return render(request, "reports/job.html", ctx)


def report_job_download(request, pk):
    job = get_object_or_404(
        ReportJob.objects.visible_to(request.user).select_related("program"), pk=pk
    )
    if not job.is_ready:
        raise Http404
    AccessLog.record(request, AccessLog.Action.DOWNLOAD, obj=job.program, detail=job.filename)
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.filename,
        content_type="application/pdf",
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
    if case_access.can_edit_program(request.user):
        ctx["programs"] = Program.objects.visible_to(request.user).order_by("-start_date", "-pk")
        ctx["jobs"] = (
            ReportJob.objects.visible_to(request.user)
            .select_related("program", "created_by")
            .order_by("-created_at", "-pk")[:10]
        )
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


def _aggregate_referrals(user):
    if user.role == Role.AUDITOR:
        return Referral.objects.filter(case__program__office_id=user.office_id)
    return Referral.objects.visible_to(user)


def export_referrals_by_agency(request, fmt):
    """Referrals per agency: sent, accepted, completed, declined, overdue, median days."""
    if request.user.role not in AGGREGATE_EXPORTERS:
        raise Http404
    referrals = _aggregate_referrals(request.user)
    agencies = figures.referrals_by_agency(referrals)
    rows = [
        (
            row.agency,
            row.sent,
            row.accepted,
            row.completed,
            row.declined,
            row.overdue,
            row.median_days,
        )
        for row in [*agencies, figures.total_row(agencies, referrals)]
    ]
    header = [
        _("Agency"),
        _("Sent"),
        _("Accepted"),
        _("Completed"),
        _("Declined"),
        _("Overdue"),
        _("Median days to completion"),
    ]
    return _export_response(
        request, rows, header, name="rujukan-per-instansi", fmt=fmt, detail="referrals by agency"
    )


def export_by_problem(request, fmt):
    """Participants per problem experienced (a participant may count under several)."""
    if request.user.role not in AGGREGATE_EXPORTERS:
        raise Http404
    rows = figures.problem_counts(_aggregate_scope(request.user))
    header = [_("Problem experienced"), _("Participants")]
    return _export_response(
        request, rows, header, name="peserta-per-masalah", fmt=fmt, detail="by problem"
    )


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
