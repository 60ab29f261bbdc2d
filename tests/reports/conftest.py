"""The reports read every app: they use the cases' programs and cases of offices A and B."""

from referrals import services as referral_services
from referrals.models import ReferralStatus, Service, Urgency
from tests.cases.conftest import case_a, case_b, program_a, program_b  # noqa: F401

WRITTEN = {
    ReferralStatus.DECLINED: {"decline_reason": "Sudah terdaftar."},
    ReferralStatus.COMPLETED: {"outcome": "Layanan diberikan."},
}


def refer(case, agency, code, *, by, coordinator, officer=None, moves=()):
    """A referral sent to `agency` (on the coordinator's override), then moved by its officer."""
    referral = referral_services.create_referral(
        case=case,
        agency=agency,
        service=Service.objects.get(agency_type=agency.type, code=code),
        reason="Tindak lanjut kegiatan.",
        urgency=Urgency.NORMAL,
        by=by,
    )
    referral = referral_services.send_referral(
        referral=referral, by=coordinator, version=referral.version, override_reason="Mendesak."
    )
    for to in moves:
        referral = referral_services.move_referral(
            referral=referral, to=to, by=officer, version=referral.version, **WRITTEN.get(to, {})
        )
    return referral
