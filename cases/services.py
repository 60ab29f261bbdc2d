"""Writes that span several models: enrolment, case moves, screenings and their alerts."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.workflow import IllegalMove

from . import access, schedule
from .models import Alert, Case, CaseNote, CaseStatusChange, FollowUp, Screening


@transaction.atomic
def enrol_participants(*, program, participants, by, case_worker=None) -> list[Case]:
    """Open an intake case in the program for each participant not enrolled yet."""
    enrolled = set(program.cases.values_list("participant_id", flat=True))
    cases = []
    for participant in participants:
        if participant.pk in enrolled:
            continue
        case = Case.objects.create(
            participant=participant,
            program=program,
            case_worker=case_worker if case_worker is not None else _default_worker(by),
        )
        CaseStatusChange.objects.create(
            case=case, from_status="", to_status=Case.Status.INTAKE, changed_by=by
        )
        open_schedule(case=case)
        cases.append(case)
    return cases


def open_schedule(*, case) -> list[FollowUp]:
    """Write the case's follow-up visits, due 1, 3, 6 and 12 months after its intake date.

    Idempotent: a month already scheduled (or visited) is left as it is.
    """
    FollowUp.objects.bulk_create(
        [
            FollowUp(case=case, month=month, due_on=schedule.due_date(case.intake_date, month))
            for month in schedule.SCHEDULE_MONTHS
        ],
        ignore_conflicts=True,
    )
    return list(case.follow_ups.order_by("month"))


@transaction.atomic
def correct_intake_date(*, case, intake_date, by, reason) -> Case:
    """Correct the day of intake; every visit not made yet moves with it.

    Visits already made keep their due date: it is what the visit was planned for.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise IllegalMove(_("A closed case keeps its dates."))
    if intake_date > timezone.localdate():
        raise IllegalMove(_("The intake date cannot be in the future."))
    if not reason.strip():
        raise IllegalMove(_("Say why the intake date changes."))
    previous = case.intake_date
    case.intake_date = intake_date
    case.save(update_fields=["intake_date"])
    for follow_up in case.follow_ups.pending().select_for_update():
        follow_up.due_on = schedule.due_date(intake_date, follow_up.month)
        follow_up.save(update_fields=["due_on"])
    CaseNote.objects.create(
        case=case,
        author=by,
        text=_("Intake date corrected from %(before)s to %(after)s: %(reason)s")
        % {"before": previous.isoformat(), "after": intake_date.isoformat(), "reason": reason},
    )
    return case


@transaction.atomic
def record_follow_up(*, follow_up, visited_on, summary, by) -> FollowUp:
    """Record a scheduled visit as made. Raises IllegalMove if it was recorded already."""
    follow_up = FollowUp.objects.select_for_update().select_related("case").get(pk=follow_up.pk)
    if follow_up.is_done:
        raise IllegalMove(_("This visit is already recorded."))
    if not follow_up.case.is_open:
        raise IllegalMove(_("The case is closed."))
    follow_up.visited_on = visited_on
    follow_up.summary = summary
    follow_up.recorded_by = by
    follow_up.recorded_at = timezone.now()
    follow_up.save(update_fields=["visited_on", "summary", "recorded_by", "recorded_at"])
    return follow_up


def _default_worker(user):
    return user if access.has_caseload(user) else None


@transaction.atomic
def change_case_status(*, case, to, by, reason="", close_reason="") -> Case:
    """Move a case along its workflow and keep who, when and why.

    Raises IllegalMove, writing nothing, for a move the workflow does not allow `by`.
    """
    # The row lock makes two people moving one case at once take turns.
    case = Case.objects.select_for_update().get(pk=case.pk)
    move = case.check_move(to, by)
    if move.needs == "close_reason" and close_reason not in Case.CloseReason.values:
        raise IllegalMove(_("Closing a case needs a reason from the list."))
    change = CaseStatusChange(case=case, from_status=case.status, to_status=to, changed_by=by)
    change.reason = reason
    case.status = to
    if to == Case.Status.CLOSED:
        case.close_reason = close_reason
        case.closed_at = timezone.now()
    case.save(update_fields=["status", "close_reason", "closed_at"])
    change.save()
    return case


@transaction.atomic
def reopen_case(*, case, by, reason) -> Case:
    """Undo the close of a case that a write being undone made (a merge of two records):
    back to the status it had, with a history row that says why.

    Not a workflow move: people never reopen a closed case, so `TRANSITIONS` has no way
    out of "closed". Raises IllegalMove, writing nothing, unless the case's latest move
    is its close.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    closing = case.status_changes.order_by("-changed_at", "-pk").first()
    closed_last = closing is not None and closing.to_status == Case.Status.CLOSED
    if case.status != Case.Status.CLOSED or not closed_last or not closing.from_status:
        raise IllegalMove(_("Only a case closed by the write being undone can be reopened."))
    change = CaseStatusChange(
        case=case, from_status=case.status, to_status=closing.from_status, changed_by=by
    )
    change.reason = reason
    case.status = closing.from_status
    case.close_reason = ""
    case.closed_at = None
    case.save(update_fields=["status", "close_reason", "closed_at"])
    change.save()
    return case


@transaction.atomic
def record_questionnaire(*, case, instrument, answers, by, decision="", follow_up=None):
    """Score a questionnaire, keep every answer, and raise its alerts."""
    screening = Screening(
        case=case,
        follow_up=follow_up,
        kind=instrument.code,
        answers=answers,
        decision=decision,
        recorded_by=by,
    )
    alerts = screening.classify()
    screening.save()
    for code in alerts:
        _raise_alert(screening, code)
    return screening


@transaction.atomic
def record_physical(*, case, form, by) -> Screening:
    """Save a physical screening with its classes computed from the measurements."""
    screening = form.save(commit=False)
    screening.case = case
    screening.kind = Screening.PHYSICAL
    screening.recorded_by = by
    alerts = screening.classify(sex=case.participant.sex)
    screening.save()
    for code in alerts:
        _raise_alert(screening, code)
    return screening


def _raise_alert(screening, code):
    alert = Alert.objects.create(case=screening.case, screening=screening, code=code)
    transaction.on_commit(lambda: notify_coordinators(alert))
    return alert


def notify_coordinators(alert):
    """Email the office's coordinators; the alert also waits on their dashboard."""
    case = alert.case
    recipients = list(
        User.objects.filter(
            role__in=access.ALERT_RECIPIENTS, office_id=case.program.office_id, is_active=True
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return
    # No names or answers in email: the link leads to the case behind a login.
    link = settings.SITE_URL + reverse("cases:case", args=[case.pk])
    ctx = {"alert": alert, "case": case, "link": link}
    send_mail(
        subject=_("[Purna] Alert needs action: %(alert)s") % {"alert": alert.get_code_display()},
        message=render_to_string("cases/alert_email.txt", ctx),
        from_email=None,
        recipient_list=recipients,
    )


@transaction.atomic
def resolve_alert(*, alert, by, action_taken) -> Alert:
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.resolved_at is None:
        alert.action_taken = action_taken
        alert.resolved_by = by
        alert.resolved_at = timezone.now()
        alert.save(update_fields=["action_taken", "resolved_by", "resolved_at"])
    return alert
