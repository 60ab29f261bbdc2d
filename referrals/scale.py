"""Fictional referrals in bulk, for benchmarks at budget scale (docs/architecture.md).

Two referrals for each case of the scale programs (300,000 for 150,000 cases), to the
four demo agencies, in every status with the moves that led there; about one in ten
open ones is overdue. Run after cases/scale.py.
"""

import datetime
import random

from accounts.demo import AGENCIES, OFFICE_NAME
from accounts.models import Agency, Office, Role, User
from cases.models import Case
from cases.scale import PROGRAM_PREFIX
from config.bulk_load import copy_objects, copy_rows, reserve_ids
from config.database_roles import analyze

from .models import RESPONSE_TIME, Referral, ReferralStatus, ReferralTransition, Service
from .services import ROMAN_MONTHS

S = ReferralStatus
REFERRALS_PER_CASE = 2
BATCH = 5000
# Final status, its weight, and the moves after the draft that led there.
PATHS = [
    (S.DRAFT, 5, []),
    (S.SENT, 12, [S.SENT]),
    (S.ACCEPTED, 8, [S.SENT, S.ACCEPTED]),
    (S.IN_PROGRESS, 15, [S.SENT, S.ACCEPTED, S.IN_PROGRESS]),
    (S.COMPLETED, 40, [S.SENT, S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED]),
    (S.DECLINED, 6, [S.SENT, S.DECLINED]),
    (S.UNABLE, 6, [S.SENT, S.ACCEPTED, S.IN_PROGRESS, S.UNABLE]),
    (S.CANCELLED, 8, [S.SENT, S.CANCELLED]),
]


def generate(*, participants: int, out, seed: int = 2025) -> None:
    rng = random.Random(seed + 2)
    office = Office.objects.get(name=OFFICE_NAME)
    sender = User.objects.filter(office=office, role=Role.CASE_WORKER).first()
    agencies = list(Agency.objects.filter(name__in=AGENCIES.values()))
    officers = {
        user.agency_id: user for user in User.objects.filter(agency__in=agencies, is_active=True)
    }
    services = {
        agency.pk: list(Service.objects.filter(agency_type=agency.type, is_active=True))
        for agency in agencies
    }
    cases = Case.objects.filter(program__office=office, program__name__startswith=PROGRAM_PREFIX)
    made = 0
    batch = []
    for case_id, opened in cases.order_by("pk").values_list("pk", "opened_at").iterator():
        for _ in range(REFERRALS_PER_CASE):
            batch.append((case_id, opened))
        if len(batch) >= BATCH:
            made += _write(batch, rng, office, sender, agencies, officers, services)
            out.write(f"  {made} referrals")
            batch = []
    made += _write(batch, rng, office, sender, agencies, officers, services)
    out.write(f"Referrals: {made}, with their moves.")
    analyze(Referral, ReferralTransition)


def _write(batch, rng, office, sender, agencies, officers, services):
    statuses, weights, paths = zip(*PATHS, strict=True)
    paths = dict(zip(statuses, paths, strict=True))
    referrals, moves = [], []
    for case_id, opened in batch:
        agency = rng.choice(agencies)
        status = rng.choices(statuses, weights)[0]
        created = opened + datetime.timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 8))
        referral = Referral(
            case_id=case_id,
            agency=agency,
            service=rng.choice(services[agency.pk]),
            reason="Tindak lanjut skrining.",
            status=status,
            created_by=sender,
            created_at=created,
        )
        steps = [(S.DRAFT, created, sender)]
        at = created
        for to in paths[status]:
            at = at + datetime.timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 8))
            steps.append((to, at, sender if to in (S.SENT, S.CANCELLED) else officers[agency.pk]))
            if to == S.ACCEPTED:
                referral.accepted_at = at
            if to == S.COMPLETED:
                referral.completed_at = at
            if to == S.DECLINED:
                referral.declined_at = at
            if to == S.SENT:
                referral.sent_at = at
                referral.due_at = at + RESPONSE_TIME[referral.urgency]
                referral.consent_override_reason = "Data uji skala."
                referral.consent_override_by = sender
        if referral.sent_at and rng.random() < 0.1:
            referral.due_at = referral.sent_at + datetime.timedelta(hours=1)  # long overdue
        if status == S.DECLINED:
            referral.decline_reason = "Di luar kewenangan instansi."
        if status == S.COMPLETED:
            referral.outcome = "Layanan diberikan."
        referrals.append(referral)
        moves.append(steps)
    for referral, pk in zip(referrals, reserve_ids(Referral, len(referrals)), strict=True):
        referral.pk = pk
        if referral.sent_at:
            referral.number = (
                f"{referral.pk:05d}/RUJ/{office.pk}/"
                f"{ROMAN_MONTHS[referral.sent_at.month - 1]}/{referral.sent_at.year}"
            )
    referrals = copy_objects(Referral, referrals)
    transitions = []
    for referral, steps in zip(referrals, moves, strict=True):
        previous = ""
        for to, at, by in steps:
            transitions.append(
                {
                    "referral_id": referral.pk,
                    "from_status": previous,
                    "to_status": to,
                    "by_id": by.pk,
                    "at": at,
                }
            )
            previous = to
    copy_rows(ReferralTransition, transitions)
    return len(referrals)
