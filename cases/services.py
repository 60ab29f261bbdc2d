"""Writes that span several models: enrolment, case moves, screenings and their alerts."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User

from . import instruments, physical
from .models import Alert, Case, CaseStatusChange, Screening


class IllegalTransition(Exception):
    """A case move that its workflow does not allow; nothing was written."""


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
        cases.append(case)
    return cases


def _default_worker(user):
    return user if user.role == Role.CASE_WORKER else None


@transaction.atomic
def change_case_status(*, case, to, by, reason="", close_reason="") -> Case:
    """Move a case along its workflow and keep who, when and why."""
    # The row lock makes two people moving one case at once take turns.
    case = Case.objects.select_for_update().get(pk=case.pk)
    if to not in case.TRANSITIONS[Case.Status(case.status)]:
        raise IllegalTransition(
            _("A case in %(current)s cannot move to %(target)s.")
            % {
                "current": Case.Status(case.status).label,
                "target": Case.Status(to).label if to in Case.Status.values else to,
            }
        )
    if to == Case.Status.CLOSED and close_reason not in Case.CloseReason.values:
        raise IllegalTransition(_("Closing a case needs a reason from the list."))
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
def record_questionnaire(*, case, instrument, answers, by, decision="", follow_up=None):
    """Score a questionnaire, keep every answer, and raise its alerts."""
    result = instruments.score_answers(instrument, answers)
    screening = Screening.objects.create(
        case=case,
        follow_up=follow_up,
        kind=instrument.code,
        answers={str(number): value for number, value in answers.items()},
        score=result.score,
        band=result.band.code,
        decision=decision,
        recorded_by=by,
    )
    for rule in result.alerts:
        _raise_alert(screening, rule.code)
    return screening


@transaction.atomic
def record_physical(*, case, form, by) -> Screening:
    """Save a physical screening with its classes computed from the measurements."""
    screening = form.save(commit=False)
    screening.case = case
    screening.kind = Screening.PHYSICAL
    screening.recorded_by = by
    sex = case.participant.sex
    if screening.height_cm and screening.weight_kg:
        screening.bmi = physical.bmi(screening.weight_kg, screening.height_cm)
        screening.bmi_class_kemenkes = physical.bmi_class_kemenkes(screening.bmi).code
        screening.bmi_class_asia_pacific = physical.bmi_class_asia_pacific(screening.bmi).code
    readings = [
        (systolic, diastolic)
        for systolic, diastolic in (
            (screening.systolic_1, screening.diastolic_1),
            (screening.systolic_2, screening.diastolic_2),
        )
        if systolic and diastolic
    ]
    urgent = False
    if readings:
        klass = physical.blood_pressure_class(*physical.mean_blood_pressure(readings))
        screening.blood_pressure_class = klass.code
        urgent = klass.urgent
    if screening.glucose_mg_dl:
        screening.glucose_class = physical.glucose_class(
            screening.glucose_mg_dl, fasting=screening.glucose_fasting
        ).code
    if screening.waist_cm:
        screening.central_obesity = physical.central_obesity(screening.waist_cm, sex)
    screening.save()
    if urgent:
        _raise_alert(screening, Alert.Code.URGENT_BLOOD_PRESSURE)
    return screening


def _raise_alert(screening, code):
    alert = Alert.objects.create(case=screening.case, screening=screening, code=code)
    transaction.on_commit(lambda: notify_coordinators(alert))
    return alert


def notify_coordinators(alert):
    """Email the office's coordinators; the alert also waits on their dashboard."""
    case = alert.case
    recipients = list(
        User.objects.filter(role=Role.COORDINATOR, office_id=case.program.office_id, is_active=True)
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


def _latest(kind):
    return Screening.objects.filter(case=OuterRef("pk"), kind=kind).order_by("-screened_on", "-pk")


def roster_cases(program):
    """The program's cases with what the roster shows, in a fixed number of queries."""
    return (
        program.cases.select_related("participant", "case_worker")
        .annotate(
            srq_score=Subquery(_latest("srq20").values("score")[:1]),
            srq_band=Subquery(_latest("srq20").values("band")[:1]),
            bp_class=Subquery(_latest(Screening.PHYSICAL).values("blood_pressure_class")[:1]),
            bmi=Subquery(_latest(Screening.PHYSICAL).values("bmi")[:1]),
            open_alert_count=Count("alerts", filter=Q(alerts__resolved_at__isnull=True)),
        )
        .order_by("participant__full_name", "pk")
    )
