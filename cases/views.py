from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.workflow import IllegalMove
from participants.filters import ParticipantFilter
from participants.models import Participant

from . import access, instruments, services
from .forms import (
    AlertActionForm,
    AssignForm,
    CaseNoteForm,
    CaseStatusForm,
    FollowUpForm,
    PhysicalScreeningForm,
    PlanItemForm,
    ProgramForm,
    QuestionnaireForm,
)
from .models import Alert, Case, Program, Screening
from .pages import CASE_PAGE, PLAN_ITEM_ROW, PROGRAM_ACTIONS

DEADLINE_WARNING_DAYS = 60


def program_list(request):
    access.require_reader(request.user)
    programs = (
        Program.objects.visible_to(request.user)
        .select_related("district")
        .annotate(
            case_count=Count("cases"),
            open_alerts=Count("cases__alerts", filter=Q(cases__alerts__resolved_at__isnull=True)),
        )
        .order_by("-start_date", "-pk")
    )
    ctx = {"programs": programs, "can_edit": access.can_edit_program(request.user)}
    return render(request, "cases/program_list.html", ctx)


def program_new(request):
    access.require_reader(request.user)
    if not access.can_edit_program(request.user) or request.user.office is None:
        raise PermissionDenied
    form = ProgramForm(request.POST or None, office=request.user.office)
    if request.method == "POST" and form.is_valid():
        program = form.save(commit=False)
        program.office = request.user.office
        program.created_by = request.user
        program.save()
        form.save_m2m()
        messages.success(request, _("The program is created. Enrol its participants."))
        return redirect(program)
    return render(request, "cases/program_form.html", {"form": form, "program": None})


def program_edit(request, pk):
    program = access.get_program_for(request.user, pk, write=True)
    form = ProgramForm(request.POST or None, instance=program, office=program.office)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect(program)
    return render(request, "cases/program_form.html", {"form": form, "program": program})


def program_detail(request, pk):
    program = access.get_program_for(request.user, pk)
    cases = list(program.cases.roster())
    alerts = (
        Alert.objects.unresolved()
        .filter(case__program=program)
        .select_related("case__participant__village")
        .order_by("raised_at")
    )
    ctx = {
        "program": program,
        "cases": cases,
        "alerts": alerts,
        "partners": program.partner_agencies.all(),
        "status_counts": _status_counts(cases),
        "actions": PROGRAM_ACTIONS.render(request, program),
        "can_edit": access.can_edit_program(request.user),
        "can_enrol": access.can_edit_case(request.user),
        "can_screen": access.can_screen(request.user),
        "srq20": Screening.Kind.SRQ20,
    }
    return render(request, "cases/program_detail.html", ctx)


def _status_counts(cases):
    counts = dict.fromkeys(Case.Status.values, 0)
    for case in cases:
        counts[case.status] += 1
    return [(Case.Status(status).label, count) for status, count in counts.items()]


def program_enrol(request, pk):
    """Pick participants from the (filterable) participant list and enrol them at once."""
    program = access.get_program_for(request.user, pk)
    if not access.can_edit_case(request.user):
        raise PermissionDenied
    if request.method == "POST":
        ids = request.POST.getlist("participants")
        if not all(value.isdigit() for value in ids):
            messages.error(request, _("Nobody was enrolled: the selection was not understood."))
            return redirect("cases:program_enrol", pk=program.pk)
        chosen = Participant.objects.visible_to(request.user).active().filter(pk__in=ids)
        cases = services.enrol_participants(
            program=program, participants=list(chosen), by=request.user
        )
        messages.success(request, _("%(count)s participants enrolled.") % {"count": len(cases)})
        return redirect(program)
    enrolled = Case.objects.filter(program=program, participant=OuterRef("pk"))
    participants = (
        Participant.objects.visible_to(request.user)
        .select_related("village__parent")
        .with_latest_country()
        .annotate(enrolled=Exists(enrolled))
        .order_by("full_name", "pk")
    )
    filterset = ParticipantFilter(request.GET or None, queryset=participants, request=request)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {"program": program, "filter": filterset, "page": page, "query": query.urlencode()}
    return render(request, "cases/program_enrol.html", ctx)


def case_detail(request, pk):
    case = access.get_case_for(request.user, pk)
    case = (
        Case.objects.select_related(
            "participant__village__parent", "program__office", "case_worker"
        )
        .prefetch_related("participant__problems", "participant__episodes")
        .get(pk=case.pk)
    )
    plan_items = list(
        case.plan_items.select_related("responsible_agency").order_by("due_date", "pk")
    )
    row_parts = PLAN_ITEM_ROW.render(request, plan_items)
    for item in plan_items:
        item.row_parts = row_parts[item.pk]
    deadline = case.rehabilitation_deadline
    days_left = (deadline - timezone.localdate()).days if deadline else None
    screenings = list(case.screenings.select_related("follow_up").order_by("-screened_on", "-pk"))
    ctx = {
        "case": case,
        "participant": case.participant,
        "deadline": deadline,
        "days_left": days_left,
        "deadline_near": days_left is not None and days_left <= DEADLINE_WARNING_DAYS,
        "alerts": case.alerts.unresolved().select_related("screening"),
        "screenings": screenings,
        "srq_change": _srq_change(screenings),
        "instruments": instruments.INSTRUMENTS.values(),
        "status_form": CaseStatusForm(case=case) if case.is_open else None,
        "changes": case.status_changes.select_related("changed_by").order_by("changed_at"),
        "plan_items": plan_items,
        "notes": case.notes.select_related("author").order_by("-created_at"),
        "follow_ups": case.follow_ups.order_by("month"),
        "note_form": CaseNoteForm(),
        "assign_form": AssignForm(instance=case) if access.can_assign_case(request.user) else None,
        "alert_form": AlertActionForm(),
        "can_edit": access.can_edit_case(request.user),
        "can_screen": access.can_screen(request.user),
        "can_close": access.can_close_case(request.user),
        "panels": CASE_PAGE.render(request, case),
    }
    return render(request, "cases/case_detail.html", ctx)


def _srq_change(screenings):
    """First and latest SRQ-20 score, when there is a repeat to compare."""
    srq = [s for s in screenings if s.kind == Screening.Kind.SRQ20]
    if len(srq) < 2:
        return None
    first, latest = srq[-1], srq[0]
    return {"first": first, "latest": latest, "difference": latest.score - first.score}


@require_POST
def case_move(request, pk):
    case = access.get_case_for(request.user, pk, write=True)
    form = CaseStatusForm(request.POST, case=case)
    if not form.is_valid():
        messages.error(
            request,
            _("The case was not moved: %(errors)s")
            % {"errors": " ".join(str(e) for errors in form.errors.values() for e in errors)},
        )
        return redirect(case)
    # A move this user's role may not make (a case worker closing) is forbidden outright.
    target = form.cleaned_data["to"]
    if case.move_to(target) is not None and not case.may_move(target, request.user):
        raise PermissionDenied
    try:
        services.change_case_status(
            case=case,
            to=form.cleaned_data["to"],
            by=request.user,
            reason=form.cleaned_data["reason"],
            close_reason=form.cleaned_data["close_reason"],
        )
    except IllegalMove as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The case moved to %(status)s.")
            % {"status": Case.Status(form.cleaned_data["to"]).label},
        )
    return redirect(case)


@require_POST
def case_assign(request, pk):
    case = access.get_case_for(request.user, pk, write=True)
    if not access.can_assign_case(request.user):
        raise PermissionDenied
    form = AssignForm(request.POST, instance=case)
    if form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Choose a case worker of the office."))
    return redirect(case)


def _next_in_roster(case):
    """The next case of the program by participant name, for screening one after another."""
    ordered = list(
        case.program.cases.order_by("participant__full_name", "pk").values_list("pk", flat=True)
    )
    position = ordered.index(case.pk)
    return ordered[position + 1] if position + 1 < len(ordered) else None


def _after_screening(request, case, url_name, *args):
    if request.GET.get("from") == "roster":
        following = _next_in_roster(case)
        if following is None:
            messages.info(request, _("That was the last participant of the program."))
            return redirect(case.program)
        return redirect(f"{reverse(url_name, args=[following, *args])}?from=roster")
    return redirect(case)


def screening_questionnaire(request, pk, code):
    case = access.get_case_for(request.user, pk)
    if not access.can_screen(request.user):
        raise PermissionDenied
    try:
        instrument = instruments.get_instrument(code)
    except KeyError:
        raise Http404 from None
    follow_up = None
    if "follow_up" in request.GET:
        visit = request.GET["follow_up"]
        if not visit.isdigit():
            raise Http404
        follow_up = get_object_or_404(case.follow_ups, pk=visit)
    form = QuestionnaireForm(request.POST or None, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        screening = services.record_questionnaire(
            case=case,
            instrument=instrument,
            answers=form.answers(),
            by=request.user,
            decision=form.cleaned_data["decision"],
            follow_up=follow_up,
        )
        messages.success(
            request,
            _("%(instrument)s saved for %(name)s: score %(score)s.")
            % {"instrument": instrument.name, "name": case.participant, "score": screening.score},
        )
        if screening.alerts.exists():
            messages.warning(request, _("An alert was raised. The coordinator is told."))
        return _after_screening(request, case, "cases:questionnaire", code)
    ctx = {
        "case": case,
        "form": form,
        "instrument": instrument,
        "follow_up": follow_up,
        "namesakes": list(case.namesakes()),
    }
    return render(request, "cases/questionnaire.html", ctx)


def screening_physical(request, pk):
    case = access.get_case_for(request.user, pk)
    if not access.can_screen(request.user):
        raise PermissionDenied
    form = PhysicalScreeningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        screening = services.record_physical(case=case, form=form, by=request.user)
        messages.success(
            request, _("Physical screening saved for %(name)s.") % {"name": case.participant}
        )
        if screening.alerts.exists():
            messages.warning(request, _("An alert was raised. The coordinator is told."))
        return _after_screening(request, case, "cases:physical")
    ctx = {"case": case, "form": form, "namesakes": list(case.namesakes())}
    return render(request, "cases/physical_form.html", ctx)


@require_POST
def alert_resolve(request, pk):
    alert = access.get_alert_for(request.user, pk, write=True)
    case = alert.case
    form = AlertActionForm(request.POST)
    if form.is_valid():
        services.resolve_alert(
            alert=alert, by=request.user, action_taken=form.cleaned_data["action_taken"]
        )
        messages.success(request, _("The action is recorded and the alert closed."))
    else:
        messages.error(request, _("Write what was done to close the alert."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = case.get_absolute_url()
    return redirect(next_url)


def _case_part(request, case, form_class, title, save, *, instance=None):
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        save(case, form)
        messages.success(request, _("Saved."))
        return redirect(case)
    return render(request, "cases/part_form.html", {"case": case, "form": form, "title": title})


def plan_item_new(request, pk):
    case = access.get_case_for(request.user, pk, write=True)

    def save(case, form):
        item = form.save(commit=False)
        item.case = case
        item.created_by = request.user
        item.save()

    return _case_part(request, case, PlanItemForm, _("Add a plan item"), save)


def plan_item_edit(request, pk, item_pk):
    case = access.get_case_for(request.user, pk, write=True)
    item = get_object_or_404(case.plan_items, pk=item_pk)
    return _case_part(
        request, case, PlanItemForm, _("Plan item"), lambda case, form: form.save(), instance=item
    )


@require_POST
def note_add(request, pk):
    case = access.get_case_for(request.user, pk, write=True)
    form = CaseNoteForm(request.POST)
    if form.is_valid():
        note = form.save(commit=False)
        note.case = case
        note.author = request.user
        note.save()
        messages.success(request, _("Note added."))
    else:
        messages.error(request, _("A note cannot be empty."))
    return redirect(case)


def follow_up_new(request, pk):
    case = access.get_case_for(request.user, pk, write=True)
    form = FollowUpForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        follow_up = form.save(commit=False)
        follow_up.case = case
        follow_up.recorded_by = request.user
        follow_up.save()
        messages.success(request, _("Visit recorded. Now repeat the SRQ-20."))
        url = reverse("cases:questionnaire", args=[case.pk, Screening.Kind.SRQ20])
        return redirect(f"{url}?follow_up={follow_up.pk}")
    ctx = {"case": case, "form": form, "title": _("Record a follow-up visit")}
    return render(request, "cases/part_form.html", ctx)
