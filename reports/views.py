import datetime

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import can_use_admin_site, sees_every_office
from accounts.access_log import reads_person_data
from accounts.models import AccessLog, Office
from accounts.paging import capped_counts
from cases import access as case_access
from cases.models import Alert, Case, PlanItem, Program, Screening
from config.routers import reading_from_replica, replica_reads
from participants import access as participant_access
from participants.models import Consent, Participant
from referrals import access as referral_access
from referrals.filters import BOXES
from referrals.models import Referral, ReferralStatus
from referrals.sharing import shared_data

from . import (
    access,
    charts,
    exports,
    figures,
    outcome_report,
    participant_export,
    program_report,
    worklist,
)
from .consent_form import purpose_rows
from .models import CONTENT_TYPES, ReportJob
from .pdf import logo_data_url, pdf_response, report_context

OVERDUE_SHOWN = 10
ALERTS_SHOWN = 20
MY_CASES_SHOWN = 20


@reads_person_data(detail="home page")
@replica_reads
def dashboard(request):
    """The landing page after login: what needs attention, panel by panel, for this role."""
    user = request.user
    ctx = {
        "organisation": user.organisation,
        "can_resolve": case_access.can_resolve_alert(user),
        "can_use_admin_site": can_use_admin_site(user),
    }
    for panel in DASHBOARD_PANELS:
        ctx.update(panel(user))
    return render(request, "reports/dashboard.html", ctx)


@reads_person_data(detail="work list")
def tasks(request):
    """Everything waiting for this user, section by section, the most urgent first."""
    if not worklist.has_work_list(request.user):
        raise Http404
    sections = worklist.work_for(request.user)
    ctx = {"sections": sections, "summary": worklist.summary(sections)}
    return render(request, "reports/tasks.html", ctx)


def _work_list(user):
    """The first rows of each section of the work list, and the summary of them all."""
    if not worklist.has_work_list(user):
        return {}
    sections = worklist.work_for(user, rows=worklist.HOME_ROWS_SHOWN)
    return {
        "has_work_list": True,
        "work_summary": worklist.summary(sections),
        # The alert banner above lists the alerts, with the form to record what was done.
        "work_sections": [section for section in sections if section.code != "alerts"],
    }


def _alerts_and_stages(user):
    """Alerts waiting for action, and open cases by stage."""
    if not case_access.can_open_cases(user):
        return {}
    cases = Case.objects.visible_to(user)
    alerts = Alert.objects.unresolved().filter(case__in=cases)
    # From the counters, exact in the same transaction as the cases: the cases that
    # Case.objects.visible_to(user) holds are the office's, or every office's.
    counts = figures.office_cases_by_status(None if sees_every_office(user) else user.office_id)
    return {
        "alerts": alerts.select_related("case__participant__village").order_by("raised_at", "pk")[
            :ALERTS_SHOWN
        ],
        "alert_count": alerts.count(),
        "stages": charts.bars(
            _("Open cases by stage"),
            [
                (label, counts.get(value, 0))
                for value, label in Case.Status.choices
                if value != Case.Status.CLOSED
            ],
            empty_text=_("No open case."),
        ),
    }


def _referrals(user):
    """The referral counts and the overdue ones (declined ones are on the work list)."""
    if not referral_access.can_open_referrals(user):
        return {}
    referrals = Referral.objects.visible_to(user)
    now = timezone.now()
    # Counted as the referral list's boxes count them, up to "1.000+".
    ctx = {
        "referral_counts": capped_counts(
            new=referrals.filter(status__in=BOXES["new"]),
            in_progress=referrals.filter(status__in=BOXES["in_progress"]),
            overdue=referrals.overdue(now),
            declined=referrals.filter(status=ReferralStatus.DECLINED),
        ),
        "overdue": referrals.overdue(now)
        .select_related("agency", "service")
        .order_by("due_at", "pk")[:OVERDUE_SHOWN],
        # An agency's own officers need not be told which agency is late.
        "show_agency": not referral_access.works_an_agency_inbox(user),
    }
    return ctx


def _office_figures(user):
    """The office-wide figures, from the counters the database keeps exact.

    The counters change in the same transaction as the rows they count, so the home page
    and a report taken the same minute show the same numbers (the reports count the rows
    themselves, reports.figures): three small queries, whatever the number of rows. They
    count what Referral, Participant and Case.objects.visible_to(user) hold for the
    roles that see these figures: every office for whoever sees every office, else the
    user's own office.
    """
    if not access.can_see_office_figures(user):
        return {}
    office = None if sees_every_office(user) else user.office_id
    return {
        "completion": figures.completion_chart(figures.office_referrals_by_agency(office)),
        "problems": figures.problems_chart(figures.office_problem_counts(office)),
        "trend": figures.trend_chart(figures.office_monthly_cases(office)),
    }


def _my_cases(user):
    """A case worker's own open cases (the plan steps due are on the work list)."""
    if not case_access.has_caseload(user):
        return {}
    mine = Case.objects.visible_to(user).open().filter(case_worker=user)
    return {
        # The most recent first; a worker with hundreds of cases sees the count, not a wall.
        "my_cases": mine.select_related("participant__village", "program").order_by(
            "-opened_at", "-pk"
        )[:MY_CASES_SHOWN],
        "my_case_count": capped_counts(mine=mine)["mine"],
    }


# The home page's panels, top to bottom; each decides for itself whom it shows to. The
# work list comes first; it also holds the open cases left without a case worker.
DASHBOARD_PANELS = [_work_list, _alerts_and_stages, _referrals, _office_figures, _my_cases]


def letter_signer(referral):
    """Who signs the letter: whoever sent the referral (last), else whoever wrote it."""
    sent = (
        referral.transitions.filter(to_status=ReferralStatus.SENT)
        .select_related("by")
        .order_by("-at", "-pk")
        .first()
    )
    return sent.by if sent else referral.created_by


def referral_letter(request, pk):
    """The Surat Rujukan as a PDF, from what the agency may see; every download is logged."""
    referral = referral_access.get_referral_for(request.user, pk)
    if referral.status == ReferralStatus.DRAFT:
        raise Http404
    office = Office.objects.select_related("province").get(pk=referral.case.program.office_id)
    ctx = {
        "referral": referral,
        "shared": shared_data(referral),
        "office": office,
        "office_logo": logo_data_url(office),
        "place": office.city or office.province.name,
        "signer": letter_signer(referral),
    }
    return pdf_response(
        request,
        "referrals/letter.html",
        ctx,
        filename=f"surat-rujukan-{referral.pk}.pdf",
        obj=referral,
    )


@replica_reads
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
        "problems": participant_access.visible_problems(request.user, participant.problems.all()),
        "can_read_every_problem": participant_access.can_read_every_problem(request.user),
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


def consent_form(request, pk):
    """The consent form to print and fill in by hand, one box per purpose.

    Whoever records consents takes it for their own office's participants; the
    download is logged.
    """
    participant = participant_access.get_participant_for(request.user, pk, write=True)
    participant = Participant.objects.select_related("office", "village__parent__parent").get(
        pk=participant.pk
    )
    ctx = {
        "participant": participant,
        "purposes": purpose_rows(),
        "given_by": Consent.GivenBy.choices,
    }
    ctx = report_context(ctx, user=request.user, office=participant.office)
    return pdf_response(
        request,
        "reports/consent_form.html",
        ctx,
        filename=f"persetujuan-{participant.registration_number}.pdf",
        obj=participant,
    )


@require_POST
def program_pdf(request, pk):
    """A small program's report comes back at once; a large one goes to the worker."""
    program = access.get_program_for_report(request.user, pk)
    # The report names nobody; the appendix of names is asked for, and logged, apart.
    with_names = request.POST.get("names") == "1"
    if program_report.in_background(program):
        job = program_report.start_job(program, user=request.user, with_names=with_names)
        return redirect(job)
    # Only the report's own reading: the job above is written and read on the primary.
    with reading_from_replica():
        ctx = program_report.context(program, user=request.user, with_names=with_names)
        return pdf_response(
            request,
            program_report.TEMPLATE,
            ctx,
            filename=program_report.filename(program, with_names=with_names),
            obj=program,
            detail=program_report.log_detail(program, with_names=with_names),
        )


STALLED_AFTER = datetime.timedelta(minutes=2)


def report_job(request, pk):
    job = access.get_report_job_for(request.user, pk)
    ctx = {
        "job": job,
        "stalled": job.is_running and timezone.now() - job.updated_at > STALLED_AFTER,
        "keep_hours": settings.REPORT_KEEP_HOURS,
    }
    if request.htmx:
        return render(request, "reports/job.html#progress", ctx)
    return render(request, "reports/job.html", ctx)


def report_job_download(request, pk):
    job = access.get_report_job_for(request.user, pk)
    if not job.is_ready:
        raise Http404
    if job.is_export:
        # The rows leave the system now: logged as the export it is.
        AccessLog.record(request, AccessLog.Action.EXPORT, detail=exports.PARTICIPANT_ROWS_DETAIL)
    else:
        detail = job.filename
        if job.with_names:
            detail = f"{detail} ({program_report.WITH_NAMES_DETAIL})"
        AccessLog.record(request, AccessLog.Action.DOWNLOAD, obj=job.program, detail=detail)
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.filename,
        content_type=job.content_type,
    )


EXPORT_TYPES = {
    "csv": (CONTENT_TYPES[ReportJob.Format.CSV], exports.to_csv),
    "xlsx": (CONTENT_TYPES[ReportJob.Format.XLSX], exports.to_xlsx),
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


JOBS_SHOWN = 10


def export_list(request):
    access.require_exporter(request.user)
    ctx = {
        "can_export_rows": access.can_export_rows(request.user),
        # Program reports and row exports made by the worker, for whoever may make them.
        "jobs": ReportJob.objects.visible_to(request.user)
        .select_related("program")
        .order_by("-created_at", "-pk")[:JOBS_SHOWN],
    }
    if access.can_make_program_reports(request.user):
        ctx["programs"] = Program.objects.visible_to(request.user).order_by("-start_date", "-pk")
    return render(request, "reports/exports.html", ctx)


@replica_reads
def export_by_district(request, fmt):
    """Participants per district and sex; small counts suppressed (aggregate, no names)."""
    access.require_exporter(request.user)
    counts = (
        Participant.objects.countable_by(request.user)
        .active()
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


@replica_reads
def export_referrals_by_agency(request, fmt):
    """Referrals per agency: sent, accepted, completed, declined, overdue, median days."""
    access.require_exporter(request.user)
    referrals = Referral.objects.countable_by(request.user)
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


@replica_reads
def export_by_problem(request, fmt):
    """Participants per problem experienced (a participant may count under several)."""
    access.require_exporter(request.user)
    rows = figures.problem_counts(Participant.objects.countable_by(request.user).active())
    header = [_("Problem experienced"), _("Participants")]
    return _export_response(
        request, rows, header, name="peserta-per-masalah", fmt=fmt, detail="by problem"
    )


@require_POST
def export_participants(request, fmt):
    """One row per participant, for coordinators only: written by the worker, whose job
    page shows the progress; the download is logged."""
    access.require_row_exporter(request.user)
    if fmt not in participant_export.FORMATS:
        raise Http404
    job = participant_export.start_job(user=request.user, fmt=fmt)
    return redirect(job)


def _outcome_context(request, program):
    return {
        "program": program,
        "report": outcome_report.outcome_report(program, request.user),
        "can_open_program": case_access.can_open_cases(request.user),
    }


@replica_reads
def program_outcomes(request, pk):
    """Who is better off: the program's outcomes as counts and shares, never a name."""
    program = access.get_program_for_outcomes(request.user, pk)
    return render(request, "reports/outcome_report.html", _outcome_context(request, program))


@replica_reads
def program_outcomes_pdf(request, pk):
    """The outcome report as a PDF, made at once: its length does not grow with the
    participants (a few tables of counts), unlike the program report's roster."""
    program = access.get_program_for_outcomes(request.user, pk)
    ctx = report_context(
        _outcome_context(request, program), user=request.user, office=program.office
    )
    return pdf_response(
        request,
        outcome_report.TEMPLATE,
        ctx,
        filename=outcome_report.filename(program),
        obj=program,
    )
