"""Writes that span several models: enrolment, case moves, screenings and their alerts."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import NotificationKind, User
from accounts.notifications import notify, who_may_open
from accounts.workflow import IllegalMove

from . import access, outcomes, schedule
from .models import Alert, Case, CaseNote, CaseStatusChange, FollowUp, OutcomeMeasure, Screening

# Under the bell: the alert's kind and the registration number, never a name or an answer.
ALERT_RAISED_TEXT = gettext_lazy("Alert needs action: %(alert)s, participant %(registration)s")
ALERT_HANDLED_TEXT = gettext_lazy("Alert handled: %(alert)s, participant %(registration)s")
ASSIGNED_TEXT = gettext_lazy("You are now the case worker of participant %(registration)s")


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
        if case_worker is not None and case_worker.pk != by.pk:
            _tell_case_worker(case, event=f"case:{case.pk}:enrolled")
        cases.append(case)
    return cases


@transaction.atomic
def assign_case(*, case, case_worker, by) -> Case:
    """Make `case_worker` (or nobody) the case worker; they are told unless it is `by`."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.case_worker_id == getattr(case_worker, "pk", None):
        return case
    case.case_worker = case_worker
    case.save(update_fields=["case_worker"])
    if case_worker is not None and case_worker.pk != by.pk:
        # The same person may be assigned again later: each assignment is its own event.
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S.%f")
        _tell_case_worker(case, event=f"case:{case.pk}:assigned:{case_worker.pk}:{stamp}")
    return case


def _tell_case_worker(case, *, event):
    notify(
        who_may_open([case.case_worker], Case.objects, case.pk),
        kind=NotificationKind.ASSIGNED,
        event=event,
        url=case.get_absolute_url(),
        message=ASSIGNED_TEXT,
        params={"registration": case.participant.registration_number},
    )


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
def change_case_status(
    *,
    case,
    to,
    by,
    reason="",
    close_reason="",
    outcome_summary="",
    returnee_view="",
    returnee_rating="",
) -> Case:
    """Move a case along its workflow and keep who, when and why.

    Closing also keeps the outcome of the case (required) and, when asked, the
    returnee's view of the help received and how helpful they found it.
    Raises IllegalMove, writing nothing, for a move the workflow does not allow `by`.
    """
    # The row lock makes two people moving one case at once take turns.
    case = Case.objects.select_for_update().get(pk=case.pk)
    move = case.check_move(to, by)
    if move.needs == "close_reason" and close_reason not in Case.CloseReason.values:
        raise IllegalMove(_("Closing a case needs a reason from the list."))
    closing = to == Case.Status.CLOSED
    if closing and not outcome_summary.strip():
        raise IllegalMove(_("Closing a case needs its outcome: write what came of the year."))
    if closing and returnee_rating and returnee_rating not in Case.HelpRating.values:
        raise IllegalMove(_("Choose how helpful the returnee found it from the list."))
    change = CaseStatusChange(case=case, from_status=case.status, to_status=to, changed_by=by)
    change.reason = reason
    case.status = to
    if closing:
        case.close_reason = close_reason
        case.closed_at = timezone.now()
        case.outcome_summary = outcome_summary.strip()
        case.returnee_view = returnee_view.strip()
        case.returnee_rating = returnee_rating
    case.save(
        update_fields=[
            "status",
            "close_reason",
            "closed_at",
            "outcome_summary",
            "returnee_view",
            "returnee_rating",
        ]
    )
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
    case.outcome_summary = case.returnee_view = case.returnee_rating = ""
    case.save(
        update_fields=[
            "status",
            "close_reason",
            "closed_at",
            "outcome_summary",
            "returnee_view",
            "returnee_rating",
        ]
    )
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
def record_outcome_measure(
    *, case, occasion, answers, by, taken_on=None, follow_up=None
) -> OutcomeMeasure:
    """Score the reintegration outcome measure of one occasion and keep every answer.

    A case has one measure per occasion, and none is added once the case is closed:
    the closing measure is the last thing done before the close. Raises IllegalMove,
    writing nothing, for an occasion already measured, a closed case, a date in the
    future, or a visit of another case (or, at 6 and 12 months, of another month);
    ValueError (IncompleteMeasure) for answers that cannot be scored.
    """
    if occasion not in OutcomeMeasure.Occasion.values:
        raise ValueError(f"Unknown occasion: {occasion!r}")
    case = Case.objects.select_for_update().get(pk=case.pk)
    label = OutcomeMeasure.Occasion(occasion).label
    if not case.is_open:
        raise IllegalMove(_("The case is closed: the measure is taken before it closes."))
    if case.outcome_measures.filter(occasion=occasion).exists():
        raise IllegalMove(
            _("%(occasion)s: the measure is already recorded for this case.") % {"occasion": label}
        )
    taken_on = taken_on or timezone.localdate()
    if taken_on > timezone.localdate():
        raise IllegalMove(_("The date of the measure cannot be in the future."))
    if follow_up is not None:
        if follow_up.case_id != case.pk:
            raise IllegalMove(_("This visit belongs to another case."))
        month = schedule.OUTCOME_MONTHS.get(follow_up.month)
        if occasion in schedule.OUTCOME_MONTHS.values() and month != occasion:
            raise IllegalMove(
                _("%(occasion)s: the measure is taken at that visit, not at the %(visit)s visit.")
                % {"occasion": label, "visit": follow_up}
            )
    scores = outcomes.score(answers)
    return OutcomeMeasure.objects.create(
        case=case,
        occasion=occasion,
        taken_on=taken_on,
        follow_up=follow_up,
        answers=outcomes.stored_answers(answers),
        recorded_by=by,
        **{f"{dimension}_score": scores[dimension] for dimension in outcomes.DIMENSIONS},
    )


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
    _tell_of_alert(alert, "raised", NotificationKind.ALERT_RAISED, ALERT_RAISED_TEXT)
    transaction.on_commit(lambda: notify_coordinators(alert))
    return alert


def _tell_of_alert(alert, what, kind, message, *, by=None):
    """Notify the office's alert recipients and the case worker, except `by`."""
    case = alert.case
    people = [
        *User.objects.filter(
            role__in=access.ALERT_RECIPIENTS, office_id=case.program.office_id, is_active=True
        ),
        case.case_worker,
    ]
    people = [person for person in people if person is not None and person != by]
    notify(
        who_may_open(people, Case.objects, case.pk),
        kind=kind,
        event=f"alert:{alert.pk}:{what}",
        url=case.get_absolute_url(),
        message=message,
        params={
            "alert": Alert.Code(alert.code).label,
            "registration": case.participant.registration_number,
        },
    )


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
        _tell_of_alert(alert, "handled", NotificationKind.ALERT_HANDLED, ALERT_HANDLED_TEXT, by=by)
    return alert
