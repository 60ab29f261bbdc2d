from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access_log import reads_person_data
from accounts.paging import page_of_rows
from accounts.redirects import safe_next
from accounts.workflow import IllegalMove
from participants import access as participant_access
from participants.filters import ParticipantFilter, search_detail
from participants.models import Participant

from . import access, instruments, outcome_views, schedule, services
from .forms import (
    AlertActionForm,
    AssignForm,
    CaseNoteForm,
    CaseStatusForm,
    FollowUpVisitForm,
    IntakeDateForm,
    PhysicalScreeningForm,
    PlanItemForm,
    ProgramForm,
    QuestionnaireForm,
)
from .models import Alert, Case, OutcomeMeasure, Program, Screening
from .pages import CASE_PAGE, PLAN_ITEM_ROW, PROGRAM_ACTIONS

# A program of thousands is read a page at a time; the status counts cover all of it.
ROSTER_PAGE_SIZE = 25
PROGRAMS_PAGE_SIZE = 25

DEADLINE_WARNING_DAYS = 60


def program_list(request):
    access.require_reader(request.user)
    programs = (
        Program.objects.visible_to(request.user)
        .select_related("district")
        .order_by("-start_date", "-pk")
    )
    page = Paginator(programs, PROGRAMS_PAGE_SIZE).get_page(request.GET.get("page"))
    # Counted for the page's programs only: cases from the (program, status) index alone,
    # alerts from the few unresolved ones.
    shown = [program.pk for program in page.object_list]
    cases = dict(
        Case.objects.filter(program__in=shown)
        .order_by()
        .values_list("program")
        .annotate(n=Count("*"))
    )
    alerts = dict(
        Alert.objects.unresolved()
        .filter(case__program__in=shown)
        .order_by()
        .values_list("case__program")
        .annotate(n=Count("*"))
    )
    for program in page.object_list:
        program.case_count = cases.get(program.pk, 0)
        program.open_alerts = alerts.get(program.pk, 0)
    ctx = {
        "programs": page.object_list,
        "page": page,
        "can_edit": access.can_edit_program(request.user),
    }
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


@reads_person_data(Program, detail="enrolled people")
def program_detail(request, pk):
    program = access.get_program_for(request.user, pk, select_related=["district"])
    roster = program.cases.roster()
    # The page's cases in the roster's order, without the columns it computes.
    ids = program.cases.order_by(*roster.query.order_by).values_list("pk", flat=True)
    page = page_of_rows(ids, roster, request.GET.get("page"), ROSTER_PAGE_SIZE)
    alerts = (
        Alert.objects.unresolved()
        # Among the program's case ids (read from an index alone), not each alert's
        # case row read to see its program: a few hundred reads fewer.
        .filter(case__in=program.cases.values("pk"))
        .select_related("case__participant__village")
        .order_by("raised_at")
    )
    ctx = {
        "program": program,
        "cases": page.object_list,
        "page": page,
        "alerts": alerts,
        "partners": program.partner_agencies.all(),
        "status_counts": _status_counts(program),
        "actions": PROGRAM_ACTIONS.render(request, program),
        "can_edit": access.can_edit_program(request.user),
        "can_enrol": access.can_edit_case(request.user),
        "can_screen": access.can_screen(request.user),
        "srq20": Screening.Kind.SRQ20,
    }
    return render(request, "cases/program_detail.html", ctx)


def _status_counts(program):
    counts = dict.fromkeys(Case.Status.values, 0)
    # COUNT(*), not of a column: the (program, status) index then answers alone.
    grouped = program.cases.order_by().values_list("status").annotate(count=Count("*"))
    counts.update(dict(grouped))
    return [(Case.Status(status).label, count) for status, count in counts.items()]


@reads_person_data(Program, detail=search_detail)
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


@reads_person_data(Case)
def case_detail(request, pk):
    case = access.get_case_for(
        request.user,
        pk,
        select_related=["participant__village__parent", "program__office", "case_worker"],
        prefetch_related=["participant__problems", "participant__episodes"],
    )
    problems = participant_access.visible_problems(request.user, case.participant.problems.all())
    plan_items = list(
        case.plan_items.select_related("responsible_agency").order_by("due_date", "pk")
    )
    row_parts = PLAN_ITEM_ROW.render(request, plan_items)
    for item in plan_items:
        item.row_parts = row_parts[item.pk]
    deadline = case.rehabilitation_deadline
    days_left = (deadline - timezone.localdate()).days if deadline else None
    screenings = list(case.screenings.select_related("follow_up").order_by("-screened_on", "-pk"))
    can_edit = access.can_edit_case(request.user)
    status_form = CaseStatusForm(case=case) if case.is_open else None
    closing = status_form is not None and access.can_close_case(request.user)
    ctx = {
        "case": case,
        "participant": case.participant,
        "problems": problems,
        "deadline": deadline,
        "days_left": days_left,
        "deadline_near": days_left is not None and days_left <= DEADLINE_WARNING_DAYS,
        "alerts": case.alerts.unresolved().select_related("screening"),
        "screenings": screenings,
        "srq_change": _srq_change(screenings),
        "instruments": instruments.INSTRUMENTS.values(),
        "status_form": status_form,
        "changes": case.status_changes.select_related("changed_by").order_by("changed_at"),
        "plan_items": plan_items,
        "notes": access.visible_notes(
            request.user, case.notes.select_related("author").order_by("-created_at")
        ),
        "can_read_every_note": access.can_read_every_note(request.user),
        "schedule": _schedule_rows(case, deadline),
        "intake_form": IntakeDateForm(case=case) if can_edit and case.is_open else None,
        # The close does not wait for the closing measure; the form only points to it.
        "closing_measure_missing": closing
        and not case.outcome_measures.filter(occasion=OutcomeMeasure.Occasion.CLOSING).exists(),
        "note_form": CaseNoteForm(),
        "assign_form": AssignForm(instance=case) if access.can_assign_case(request.user) else None,
        "alert_form": AlertActionForm(),
        "can_edit": can_edit,
        "can_screen": access.can_screen(request.user),
        "can_close": access.can_close_case(request.user),
        "outcomes": outcome_views.section(case, request.user),
        "panels": CASE_PAGE.render(request, case),
    }
    return render(request, "cases/case_detail.html", ctx)


def _schedule_rows(case, deadline):
    """The schedule's steps with their state in words, in one query for the visits."""
    follow_ups = case.follow_ups.order_by("month")
    return [
        {"step": step, "state_label": schedule.STATE_LABELS[step.state]}
        for step in schedule.steps(follow_ups, deadline)
    ]


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
    # A move this user's role may not make (a case worker closing) is forbidden outright,
    # before what the form asks for that move is checked.
    target = request.POST.get("to", "")
    if case.move_to(target) is not None and not case.may_move(target, request.user):
        raise PermissionDenied
    form = CaseStatusForm(request.POST, case=case)
    if form.is_valid():
        closing = target == Case.Status.CLOSED
        try:
            services.change_case_status(
                case=case,
                to=target,
                by=request.user,
                reason=form.cleaned_data["reason"],
                close_reason=form.cleaned_data["close_reason"],
                outcome_summary=form.cleaned_data["outcome_summary"] if closing else "",
                returnee_view=form.cleaned_data["returnee_view"] if closing else "",
                returnee_rating=form.cleaned_data["returnee_rating"] if closing else "",
            )
        except IllegalMove as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The case moved to %(status)s.") % {"status": Case.Status(target).label},
            )
            return redirect(case)
    # Refused: the form again with what was typed (an outcome may be paragraphs long).
    ctx = {"case": case, "form": form, "title": _("Move the case")}
    return render(request, "cases/part_form.html", ctx, status=400)


@require_POST
def case_assign(request, pk):
    case = access.get_case_for(request.user, pk, write=True)
    if not access.can_assign_case(request.user):
        raise PermissionDenied
    form = AssignForm(request.POST, instance=case)
    if form.is_valid():
        services.assign_case(
            case=case, case_worker=form.cleaned_data["case_worker"], by=request.user
        )
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


def _after_screening(request, case, url_name, *args, follow_up=None):
    if follow_up is not None and request.GET.get("from") != "roster":
        # Back to the visit's list of what to do, for the next questionnaire.
        return redirect("cases:follow_up_record", pk=case.pk, month=follow_up.month)
    if request.GET.get("from") == "roster":
        following = _next_in_roster(case)
        if following is None:
            messages.info(request, _("That was the last participant of the program."))
            return redirect(case.program)
        return redirect(f"{reverse(url_name, args=[following, *args])}?from=roster")
    return redirect(case)


@reads_person_data(Case, detail="screening {code}")
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
        return _after_screening(request, case, "cases:questionnaire", code, follow_up=follow_up)
    ctx = {
        "case": case,
        "form": form,
        "instrument": instrument,
        "follow_up": follow_up,
        "namesakes": list(case.namesakes()),
    }
    return render(request, "cases/questionnaire.html", ctx)


@reads_person_data(Case, detail="physical screening")
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
    return redirect(safe_next(request, case))


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


@reads_person_data(Case, detail="plan item {item_pk}")
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


def intake_date_correct(request, pk):
    case = access.get_case_for(request.user, pk, write=True)
    if not case.is_open:
        messages.error(request, _("A closed case keeps its dates."))
        return redirect(case)
    form = IntakeDateForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_intake_date(
                case=case,
                intake_date=form.cleaned_data["intake_date"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except IllegalMove as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The intake date is corrected; the visits not made yet moved with it.")
            )
            return redirect(case)
    ctx = {"case": case, "form": form, "title": _("Correct the intake date")}
    return render(request, "cases/part_form.html", ctx)


@reads_person_data(Case, detail="follow-up visit {month}")
def follow_up_record(request, pk, month):
    """A scheduled visit: the form to record it, and once recorded, what to do at it."""
    case = access.get_case_for(request.user, pk)
    follow_up = case.follow_ups.filter(month=month).first()
    if follow_up is None:
        messages.error(
            request,
            _("There is no visit %(month)s months after intake in the schedule.")
            % {"month": month},
        )
        return redirect(case)
    if request.method == "POST" and not access.can_edit_case(request.user):
        raise PermissionDenied
    if follow_up.is_done:
        if request.method == "POST":
            messages.warning(request, _already_recorded(follow_up))
            return redirect("cases:follow_up_record", pk=case.pk, month=month)
        return _visit_tasks(request, case, follow_up)
    if not access.can_edit_case(request.user):
        # A health worker repeats the screenings of a visit the case worker records.
        return _visit_tasks(request, case, follow_up)
    if not case.is_open:
        messages.error(request, _("The case is closed: its visits are no longer recorded."))
        return redirect(case)
    form = FollowUpVisitForm(request.POST or None, follow_up=follow_up)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_follow_up(
                follow_up=follow_up,
                visited_on=form.cleaned_data["visited_on"],
                summary=form.cleaned_data["summary"],
                by=request.user,
            )
        except IllegalMove as error:
            messages.error(request, str(error))
            return redirect(case)
        messages.success(request, _("Visit recorded. Now do what this visit asks for."))
        return redirect("cases:follow_up_record", pk=case.pk, month=month)
    ctx = {"case": case, "follow_up": follow_up, "form": form}
    return render(request, "cases/follow_up_form.html", ctx)


def _already_recorded(follow_up):
    return _("This visit is already recorded (visited on %(date)s): nothing was changed.") % {
        "date": date_format(follow_up.visited_on, "j F Y")
    }


def _visit_tasks(request, case, follow_up):
    """What to do at a visit: the repeat questionnaires, and at 6 and 12 months the
    outcome measure, each marked done once taken."""
    kinds, done_here = set(), set()
    for kind, visit_id in case.screenings.values_list("kind", "follow_up_id"):
        kinds.add(kind)
        if visit_id == follow_up.pk:
            done_here.add(kind)
    may_screen = access.can_screen(request.user) and case.is_open
    query = f"?follow_up={follow_up.pk}"
    tasks = [
        {
            "code": instrument.code,
            "label": instrument.name,
            "done": instrument.code in done_here,
            "url": reverse("cases:questionnaire", args=[case.pk, instrument.code]) + query
            if may_screen
            else "",
        }
        for instrument in schedule.repeated_instruments(kinds)
    ]
    occasion = schedule.OUTCOME_MONTHS.get(follow_up.month)
    if occasion is not None:
        # One measure per case and occasion: taken on another day, it still counts.
        taken = case.outcome_measures.filter(occasion=occasion).exists()
        may_measure = access.can_record_outcome(request.user) and case.is_open
        tasks.append(
            {
                "code": occasion,
                "label": _("Reintegration outcome measure"),
                "done": taken,
                "url": reverse("cases:outcome_new", args=[case.pk, occasion]) + query
                if may_measure
                else "",
            }
        )
    ctx = {
        "case": case,
        "follow_up": follow_up,
        "tasks": tasks,
        "all_done": all(task["done"] for task in tasks),
    }
    return render(request, "cases/follow_up_visit.html", ctx)
