"""The referrals' corner of the test world.

Siti Aminah's case in office A; she consented to rehabilitation and to sharing with
Dinsos, but never to sharing with Dinkes. Her case worker drafts the referrals.
"""

import datetime

import pytest
from django.utils import timezone

from referrals import services
from referrals.models import Referral, ReferralStatus, Service, Urgency
from tests.cases.conftest import enrol, make_program
from tests.factories import consent_to_dinsos

REASON = "Keluarga tidak punya penghasilan sejak kepulangan; perlu didaftarkan ke DTSEN."
DECLINE_REASON = "Domisili di luar wilayah kerja kami."
OUTCOME = "Sudah terdaftar di DTSEN, desil 2."


@pytest.fixture
def program_a(office_a, coordinator_a, regions):
    return make_program(office_a, coordinator_a, regions["district"], name="Kegiatan Mekar Baru")


@pytest.fixture
def case_a(program_a, case_worker_a):
    """Siti Aminah's intake case in office A's program, run by case_worker_a."""
    return enrol(program_a, case_worker_a, full_name="Siti Aminah", sex="F")


@pytest.fixture
def participant(case_a):
    return case_a.participant


@pytest.fixture
def consent(participant, case_worker_a):
    """Consent to rehabilitation and to sharing with Dinsos; nothing about Dinkes."""
    return consent_to_dinsos(participant, case_worker_a)


@pytest.fixture
def social_rehabilitation(db):
    return Service.objects.get(code="social_rehabilitation")


@pytest.fixture
def follow_up_examination(db):
    return Service.objects.get(code="follow_up_examination")


@pytest.fixture
def draft(case_a, consent, dinsos, social_rehabilitation, case_worker_a):
    """A normal-urgency draft to Dinsos, covered by the consent."""
    return services.create_referral(
        case=case_a,
        agency=dinsos,
        service=social_rehabilitation,
        reason=REASON,
        urgency=Urgency.NORMAL,
        by=case_worker_a,
    )


@pytest.fixture
def dinkes_draft(case_a, consent, dinkes, follow_up_examination, case_worker_a):
    """A draft to Dinkes, which no consent covers."""
    return services.create_referral(
        case=case_a,
        agency=dinkes,
        service=follow_up_examination,
        reason="Tekanan darah tinggi pada skrining, perlu pemeriksaan lanjutan.",
        urgency=Urgency.HIGH,
        by=case_worker_a,
    )


@pytest.fixture
def sent(draft, case_worker_a):
    return services.send_referral(referral=draft, by=case_worker_a, version=draft.version)


@pytest.fixture
def put_in(db):
    return put_referral_in


def put_referral_in(referral, status, **fields):
    """Put a referral straight into a status, with what the database requires of it.

    As if it had got there by earlier moves, but without writing their history, so a
    test sees only the rows of the move under test.
    """
    values = {"status": status}
    if status != ReferralStatus.DRAFT:
        sent_at = timezone.now() - datetime.timedelta(hours=1)
        values.update(
            sent_at=sent_at,
            due_at=sent_at + datetime.timedelta(days=14),
            consent=services.covering_consent(referral),
            number=f"{referral.pk:05d}/RUJ/TEST",
        )
        if values["consent"] is None:
            values["consent_override_reason"] = "Darurat, disetujui koordinator."
    if status == ReferralStatus.DECLINED:
        values["decline_reason"] = DECLINE_REASON
    if status == ReferralStatus.COMPLETED:
        values["outcome"] = OUTCOME
    values.update(fields)
    Referral.objects.filter(pk=referral.pk).update(**values)
    referral.refresh_from_db()
    return referral
