"""Referrals of the Mekar Baru cases to the four agencies, in every status, some overdue."""

import datetime

from django.utils import timezone

from accounts.demo import AGENCIES
from accounts.models import Agency, User
from cases.demo import EVENT_DAY, PROGRAM_NAME
from cases.models import Case

from . import services
from .models import Referral, ReferralStatus, Service, Urgency

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
    """The row's accepted and completed times follow its (moved) timeline."""
    moves = {move.to_status: move.at for move in referral.transitions.order_by("-at")}
    Referral.objects.filter(pk=referral.pk).update(
        accepted_at=moves.get(S.ACCEPTED), completed_at=moves.get(S.COMPLETED)
    )


def seed(out) -> None:
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
    out.write(f"Referrals: {len(PLAN)} to the four agencies, in every status.")
