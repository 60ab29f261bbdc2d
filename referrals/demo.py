"""Referrals of the Mekar Baru cases to the four agencies, in every status, some overdue."""

import datetime
import operator
from functools import reduce

from django.db.models import Q
from django.utils import timezone

from accounts.demo import AGENCIES
from accounts.models import Agency, Notification, User
from cases.demo import EVENT_DAY, PROGRAM_NAME, RUNNING_PROGRAM_NAME
from cases.models import Case, PlanItem

from . import services
from .models import Referral, ReferralStatus, Satisfaction, Service, Urgency

S = ReferralStatus

# (case position in the roster, agency type, service code, urgency, moves after sending,
#  days overdue or None)
PLAN = [
    (0, "dinsos", "pkh_proposal", Urgency.NORMAL, [S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED], None),
    (0, "dinkes", "psychological_counselling", Urgency.HIGH, [S.ACCEPTED, S.IN_PROGRESS], None),
    (1, "dinkes", "psychiatric_care", Urgency.EMERGENCY, [S.ACCEPTED, S.IN_PROGRESS], 3),
    (2, "disdukcapil", "kk_update", Urgency.NORMAL, [], 5),
    (3, "disnakertrans", "vulnerable_worker_insurance", Urgency.NORMAL, [S.ACCEPTED], 2),
    (
        4,
        "disnakertrans",
        "productive_economy",
        Urgency.NORMAL,
        [S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED],
        None,
    ),
    (5, "dinsos", "pbi_jk_activation", Urgency.HIGH, [S.DECLINED], None),
    (6, "disdukcapil", "ktp_el", Urgency.HIGH, [S.ACCEPTED, S.IN_PROGRESS, S.UNABLE], None),
    (7, "disnakertrans", "wage_claim_mediation", Urgency.NORMAL, [S.ACCEPTED, S.IN_PROGRESS], None),
    (8, "dinkes", "follow_up_examination", Urgency.NORMAL, [S.CANCELLED], None),
    (9, "dinsos", "dtsen_registration", Urgency.NORMAL, [], None),
    (12, "disnakertrans", "job_training", Urgency.NORMAL, None, None),
]
NOTES = {
    S.DECLINED: {"decline_reason": "Peserta sudah terdaftar PBI-JK aktif sejak Oktober."},
    S.COMPLETED: {"outcome": "Sudah diproses; peserta menerima layanan pada bulan Desember."},
    S.UNABLE: {"note": "Data kependudukan di Disdukcapil asal belum dipindahkan."},
}


FINISHED = {S.COMPLETED, S.DECLINED, S.UNABLE, S.CANCELLED}


def _spread_over_the_weeks_after_the_event(referral, days_per_move):
    """Finished referrals were drafted after the event, sent, and moved days apart."""
    sent = timezone.make_aware(
        datetime.datetime.combine(EVENT_DAY + datetime.timedelta(days=2), datetime.time(10))
    )
    _move_in_time(referral, sent=sent, due=referral.due_at + (sent - referral.sent_at))
    moves = list(referral.transitions.order_by("at", "pk"))
    for step, move in enumerate(moves[1:]):
        move.at = sent + datetime.timedelta(days=days_per_move * step, hours=step)
        move.save(update_fields=["at"])
    _keep_timeline_dates(referral)


def _move_in_time(referral, *, sent, due):
    drafted = sent - datetime.timedelta(days=1)
    local = timezone.localtime(sent)
    # The letter number carries the month and year it was sent in.
    number = (
        referral.number.rsplit("/", 2)[0]
        + f"/{services.ROMAN_MONTHS[local.month - 1]}/{local.year}"
    )
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=sent, due_at=due, created_at=drafted, number=number
    )
    referral.transitions.filter(to_status=S.DRAFT).update(at=drafted)
    referral.transitions.exclude(to_status=S.DRAFT).update(at=sent)
    _keep_timeline_dates(referral)


def _keep_timeline_dates(referral):
    """The row's accepted, completed and declined times follow its (moved) timeline."""
    moves = {move.to_status: move.at for move in referral.transitions.order_by("-at")}
    latest = {move.to_status: move.at for move in referral.transitions.order_by("at")}
    Referral.objects.filter(pk=referral.pk).update(
        accepted_at=moves.get(S.ACCEPTED),
        completed_at=moves.get(S.COMPLETED),
        declined_at=latest.get(S.DECLINED),
    )


def seed(out) -> None:
    _seed_mekar_baru(out)
    _seed_running_program(out)


def _seed_mekar_baru(out):
    cases = list(
        Case.objects.filter(program__name=PROGRAM_NAME)
        .select_related("participant", "program")
        .order_by("participant__full_name", "pk")
    )
    if not cases or Referral.objects.filter(case__in=cases).exists():
        out.write("Referrals: already seeded." if cases else "Referrals: no program to refer from.")
        return
    worker = User.objects.get(username="petugas")
    coordinator = User.objects.get(username="koordinator")
    agencies = {a.type: a for a in Agency.objects.filter(name__in=AGENCIES.values())}
    officers = {u.agency.type: u for u in User.objects.filter(agency__in=agencies.values())}
    for position, agency_type, code, urgency, moves, overdue_days in PLAN:
        case = cases[position]
        referral = services.create_referral(
            case=case,
            agency=agencies[agency_type],
            service=Service.objects.get(agency_type=agency_type, code=code),
            reason=f"Tindak lanjut skrining dan asesmen {case.participant.full_name}.",
            urgency=urgency,
            by=worker,
            # The plan's step for that agency, where the plan has one.
            plan_item=case.plan_items.filter(responsible_agency__type=agency_type).first(),
        )
        if moves is None:
            continue  # stays a draft
        referral = services.send_referral(
            referral=referral,
            by=coordinator,
            version=referral.version,
            override_reason="" if services.covering_consent(referral) else "Kebutuhan mendesak.",
        )
        for to in moves:
            mover = coordinator if to == S.CANCELLED else officers[agency_type]
            referral = services.move_referral(
                referral=referral, to=to, by=mover, version=referral.version, **NOTES.get(to, {})
            )
        if referral.status in FINISHED:
            _spread_over_the_weeks_after_the_event(referral, days_per_move=position + 3)
        if overdue_days is not None:
            past = timezone.now() - datetime.timedelta(days=overdue_days)
            _move_in_time(referral, sent=past - (referral.due_at - referral.sent_at), due=past)
    _confirm_the_grant(cases, worker)
    # The notifications of these moves belong to a year ago, when they were read; the
    # bell shows what happens in the running program.
    referrals = Referral.objects.filter(case__in=cases).values_list("pk", flat=True)
    Notification.objects.filter(
        reduce(operator.or_, (Q(event__startswith=f"referral:{pk}:") for pk in referrals))
    ).delete()
    out.write(f"Referrals: {len(PLAN)} to the four agencies, in every status.")


def _confirm_the_grant(cases, worker):
    """The productive-economy grant, confirmed with the returnee, with her feedback; the
    PKH outcome waits for the case worker to confirm."""
    for referral in Referral.objects.filter(
        case__in=cases, service__code="productive_economy", status=S.COMPLETED
    ):
        services.confirm_with_returnee(
            referral=referral,
            by=worker,
            received=True,
            satisfaction=Satisfaction.SATISFIED,
            feedback_note="Modal sudah diterima dan dipakai untuk warung.",
        )


# The running program's plan items that went to an agency, by intervention: the service
# asked for and the moves the agency has made. The PKH proposal is in progress at Dinsos,
# for its officer to complete; the others wait to be accepted.
RUNNING_REFERRALS = {
    "Usulan PKH": ("dinsos", "pkh_proposal", Urgency.NORMAL, [S.ACCEPTED, S.IN_PROGRESS]),
    "Perekaman KTP-el dan NIK": ("disdukcapil", "ktp_el", Urgency.HIGH, []),
    "Konseling psikolog": ("dinkes", "psychological_counselling", Urgency.HIGH, []),
}


def _seed_running_program(out):
    items = list(
        PlanItem.objects.filter(
            case__program__name=RUNNING_PROGRAM_NAME, intervention__in=RUNNING_REFERRALS
        ).select_related("case__participant", "responsible_agency")
    )
    if not items or Referral.objects.filter(plan_item__in=items).exists():
        out.write("Running program referrals: already seeded." if items else "")
        return
    worker = User.objects.get(username="petugas")
    officers = {u.agency_id: u for u in User.objects.filter(agency__isnull=False)}
    for item in items:
        agency_type, code, urgency, moves = RUNNING_REFERRALS[item.intervention]
        referral = services.create_referral(
            case=item.case,
            agency=item.responsible_agency,
            service=Service.objects.get(agency_type=agency_type, code=code),
            reason=f"{item.intervention} untuk {item.case.participant.full_name}.",
            urgency=urgency,
            by=worker,
            plan_item=item,
        )
        referral = services.send_referral(referral=referral, by=worker, version=referral.version)
        for to in moves:
            referral = services.move_referral(
                referral=referral,
                to=to,
                by=officers[item.responsible_agency_id],
                version=referral.version,
            )
    out.write(f"Running program referrals: {len(items)}, linked to their plan items.")
