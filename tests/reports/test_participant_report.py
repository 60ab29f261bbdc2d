"""The participant report PDF: what a reader checks, and what a role may not see."""

import io

import pytest
from pypdf import PdfReader

from accounts.models import AccessLog
from cases import instruments
from cases import services as case_services
from participants.models import Consent, ConsentPurpose
from referrals import services as referral_services
from referrals.models import Service, Urgency
from tests.cases.conftest import enrol, make_program

NARRATIVE = "Dipukul majikan berulang kali; gaji delapan bulan tidak dibayar."


def pdf_text(response):
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def case(office_a, coordinator_a, case_worker_a, regions, dinsos, dinsos_officer):
    program = make_program(office_a, coordinator_a, regions["district"], name="Kegiatan Mekar Baru")
    case = enrol(program, case_worker_a, full_name="Siti Aminah", narrative=NARRATIVE)
    srq = instruments.get_instrument("srq20")
    answers = {item.number: int(item.number in (3, 5, 9, 10, 16, 17, 20)) for item in srq.items}
    case_services.record_questionnaire(case=case, instrument=srq, answers=answers, by=case_worker_a)
    Consent.objects.create(
        participant=case.participant,
        given_by=Consent.GivenBy.PARTICIPANT,
        purposes=[ConsentPurpose.SHARE_DINSOS],
        method=Consent.Method.SIGNED_FORM,
        given_at="2025-11-05",
        recorded_by=case_worker_a,
    )
    referral = referral_services.create_referral(
        case=case,
        agency=dinsos,
        service=Service.objects.get(code="pkh_proposal"),
        reason="PKH",
        urgency=Urgency.NORMAL,
        by=case_worker_a,
    )
    referral = referral_services.send_referral(
        referral=referral, by=case_worker_a, version=referral.version
    )
    referral_services.move_referral(
        referral=referral, to="accepted", by=dinsos_officer, version=referral.version
    )
    return case


def report_url(case):
    return f"/reports/participants/{case.participant.pk}.pdf"


def test_the_coordinator_downloads_a_report_a_reader_can_check(client, coordinator_a, case):
    client.force_login(coordinator_a)

    text = pdf_text(client.get(report_url(case)))

    participant = case.participant
    assert participant.full_name in text
    assert participant.nik_masked in text
    assert participant.nik not in text
    assert "RAHASIA" in text
    assert "Kegiatan Mekar Baru" in text
    assert "SRQ-20" in text
    assert "Indikasi gangguan mental emosional" in text  # the band, in words
    assert "Risiko bunuh diri" in text
    assert "Usulan PKH" in text
    assert "Diterima" in text
    assert NARRATIVE.split(";")[0] in text
    assert AccessLog.objects.filter(
        user=coordinator_a, action=AccessLog.Action.DOWNLOAD, object_id=str(participant.pk)
    ).exists()


def test_a_health_workers_report_leaves_out_what_happened(client, health_worker_a, case):
    client.force_login(health_worker_a)

    text = pdf_text(client.get(report_url(case)))

    assert case.participant.full_name in text
    assert NARRATIVE.split(";")[0] not in text


@pytest.mark.parametrize("outsider", ["dinsos_officer", "case_worker_b", "auditor_a"])
def test_agency_officers_outsiders_and_auditors_get_404(client, request, case, outsider):
    client.force_login(request.getfixturevalue(outsider))

    assert client.get(report_url(case)).status_code == 404
