"""The referral pages as agency officers and BP3MI staff see them: scope, sharing, letter."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import AccessLog, Agency, Role
from cases import services as case_services
from cases.instruments import PHQ9
from cases.models import Screening
from participants.models import Participant
from referrals import services
from referrals.models import Referral, Service, Urgency
from tests.factories import AgencyFactory, UserFactory

from .conftest import REASON

NARRATIVE = "Dipukul majikan berulang kali di Riyadh."
CHRONOLOGY = "Kekerasan fisik oleh majikan; sudah melapor ke KBRI."


def pdf_text(response):
    reader = PdfReader(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def screened(case_a, case_worker_a, participant):
    participant.narrative = NARRATIVE
    participant.save(update_fields=["narrative"])
    return Screening.objects.create(
        case=case_a, kind="srq20", score=9, band="positive", recorded_by=case_worker_a
    )


@pytest.fixture
def disdukcapil(regions):
    return AgencyFactory(
        name="Disdukcapil Kabupaten Tangerang",
        type=Agency.Type.DISDUKCAPIL,
        regency=regions["regency"],
    )


@pytest.fixture
def disdukcapil_officer(disdukcapil):
    return UserFactory(
        username="disdukcapil_officer", role=Role.AGENCY_OFFICER, agency=disdukcapil, office=None
    )


def sent_to(agency, service_code, case, by, coordinator):
    referral = services.create_referral(
        case=case,
        agency=agency,
        service=Service.objects.get(code=service_code),
        reason=REASON,
        urgency=Urgency.HIGH,
        by=by,
    )
    return services.send_referral(
        referral=referral, by=coordinator, version=referral.version, override_reason="Darurat"
    )


def test_an_officer_of_another_agency_gets_404_everywhere(client, sent, dinkes_officer):
    client.force_login(dinkes_officer)
    detail = reverse("referrals:detail", args=[sent.pk])

    assert client.get(detail).status_code == 404
    assert client.get(reverse("reports:referral_letter", args=[sent.pk])).status_code == 404
    for name in ("send", "move", "confirm"):
        url = reverse(f"referrals:{name}", args=[sent.pk])
        assert client.post(url, {"to": "accepted", "version": sent.version}).status_code == 404
    assert sent.pk not in [r.pk for r in client.get("/referrals/").context["page"].object_list]
    sent.refresh_from_db()
    assert sent.status == Referral.Status.SENT


def test_the_dinsos_officer_sees_the_referral_in_the_inbox_and_its_view_is_logged(
    client, sent, dinsos_officer
):
    client.force_login(dinsos_officer)

    inbox = client.get("/referrals/?box=new")
    page = client.get(reverse("referrals:detail", args=[sent.pk]))

    assert [r.pk for r in inbox.context["page"].object_list] == [sent.pk]
    assert page.status_code == 200
    assert AccessLog.objects.filter(
        user=dinsos_officer, action=AccessLog.Action.VIEW, object_id=str(sent.pk)
    ).exists()


def test_disdukcapil_sees_no_screening_result_and_no_narrative_on_the_page_or_letter(
    client, case_a, screened, disdukcapil, disdukcapil_officer, case_worker_a, coordinator_a
):
    referral = sent_to(disdukcapil, "ktp_el", case_a, case_worker_a, coordinator_a)
    client.force_login(disdukcapil_officer)

    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    letter = pdf_text(client.get(reverse("reports:referral_letter", args=[referral.pk])))

    for text in (page, letter):
        assert case_a.participant.full_name in text
        assert NARRATIVE not in text
        assert "SRQ20" not in text.upper().replace("-", "")
        assert "positive" not in text


def test_dinkes_sees_the_screening_results_on_the_page_and_letter(
    client, case_a, screened, dinkes, dinkes_officer, case_worker_a, coordinator_a
):
    referral = sent_to(dinkes, "follow_up_examination", case_a, case_worker_a, coordinator_a)
    client.force_login(dinkes_officer)

    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    letter = pdf_text(client.get(reverse("reports:referral_letter", args=[referral.pk])))

    for text in (page, letter):
        assert "SRQ20" in text.upper().replace("-", "")
        assert "9" in text
        assert NARRATIVE not in text


@pytest.fixture
def phq9_screened(case_a, health_worker_a):
    """A PHQ-9 of 16 (moderately severe), item 9 answered "Not at all"."""
    answers = dict.fromkeys(PHQ9.item_numbers, 2) | {9: 0}
    return case_services.record_questionnaire(
        case=case_a, instrument=PHQ9, answers=answers, by=health_worker_a
    )


def test_dinkes_reads_a_questionnaire_by_its_name_and_band_not_by_their_codes(
    client, case_a, phq9_screened, dinkes, dinkes_officer, case_worker_a, coordinator_a
):
    referral = sent_to(dinkes, "follow_up_examination", case_a, case_worker_a, coordinator_a)
    client.force_login(dinkes_officer)

    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    letter = pdf_text(client.get(reverse("reports:referral_letter", args=[referral.pk])))

    for text in (page, letter):
        assert "PHQ-9" in text
        assert "16" in text
        assert "Cukup berat" in text
        assert "moderately_severe" not in text
        assert "PHQ9" not in text


def test_disdukcapil_reads_the_civil_registration_issues_by_their_labels(
    client, case_a, participant, disdukcapil, disdukcapil_officer, case_worker_a, coordinator_a
):
    participant.civil_status_issues = [Participant.CivilStatusIssue.NO_KK]
    participant.save(update_fields=["civil_status_issues"])
    referral = sent_to(disdukcapil, "ktp_el", case_a, case_worker_a, coordinator_a)
    client.force_login(disdukcapil_officer)

    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()

    assert "Tidak tercantum di KK" in page
    assert "no_kk" not in page


def test_the_letter_is_numbered_and_addressed_and_its_download_logged(client, sent, dinsos_officer):
    client.force_login(dinsos_officer)

    response = client.get(reverse("reports:referral_letter", args=[sent.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "Perihal" in text
    assert sent.number in text
    assert sent.agency.name in text
    assert AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD, user=dinsos_officer).exists()


def test_sending_without_consent_is_refused_for_a_case_worker(client, dinkes_draft, case_worker_a):
    client.force_login(case_worker_a)

    client.post(
        reverse("referrals:send", args=[dinkes_draft.pk]), {"version": dinkes_draft.version}
    )

    dinkes_draft.refresh_from_db()
    assert dinkes_draft.status == Referral.Status.DRAFT


def test_a_coordinator_override_sends_it_and_is_recorded(client, dinkes_draft, coordinator_a):
    client.force_login(coordinator_a)

    client.post(
        reverse("referrals:send", args=[dinkes_draft.pk]),
        {"version": dinkes_draft.version, "override_reason": "Risiko bunuh diri, darurat"},
    )

    dinkes_draft.refresh_from_db()
    assert dinkes_draft.status == Referral.Status.SENT
    assert dinkes_draft.consent_override_by == coordinator_a
    assert dinkes_draft.consent_override_reason == "Risiko bunuh diri, darurat"


@pytest.mark.parametrize("how_many", [5, 60])
def test_the_inbox_query_count_does_not_grow(
    client,
    django_assert_num_queries,
    how_many,
    case_a,
    consent,
    dinsos,
    dinsos_officer,
    case_worker_a,
):
    service = Service.objects.get(code="pkh_proposal")
    for _ in range(how_many):
        referral = services.create_referral(
            case=case_a,
            agency=dinsos,
            service=service,
            reason=REASON,
            urgency=Urgency.NORMAL,
            by=case_worker_a,
        )
        services.send_referral(referral=referral, by=case_worker_a, version=referral.version)
    client.force_login(dinsos_officer)

    # Session, user, agency, the bell's unread count; the box counts (from the counters),
    # the overdue count; the services of the filter; the page's ids, then its rows (the
    # counters say how many there are); the access log's row.
    with django_assert_num_queries(10):
        response = client.get("/referrals/")

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(how_many, 25)


def test_accepting_in_the_inbox_answers_with_the_updated_row(client, sent, dinsos_officer):
    client.force_login(dinsos_officer)

    response = client.post(
        reverse("referrals:move", args=[sent.pk]),
        {"to": "accepted", "version": sent.version},
        HTTP_HX_REQUEST="true",
    )

    row = response.content.decode().strip()
    assert row.startswith(f'<tr id="referral-{sent.pk}">')
    assert "<html" not in row
    sent.refresh_from_db()
    assert sent.status == Referral.Status.ACCEPTED
    # The row now offers the next move.
    assert 'value="in_progress"' in row


def test_a_move_on_a_stale_row_is_refused_in_place_with_the_current_state(
    client, sent, dinsos_officer
):
    client.force_login(dinsos_officer)
    services.move_referral(referral=sent, to="accepted", by=dinsos_officer, version=sent.version)

    response = client.post(
        reverse("referrals:move", args=[sent.pk]),
        {"to": "declined", "version": sent.version, "decline_reason": "Kuota habis"},
        HTTP_HX_REQUEST="true",
    )

    row = response.content.decode()
    assert 'role="alert"' in row
    assert "Diterima" in row
    sent.refresh_from_db()
    assert sent.status == Referral.Status.ACCEPTED
    assert sent.decline_reason == ""


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def in_progress(sent, dinsos_officer):
    referral = services.move_referral(
        referral=sent, to="accepted", by=dinsos_officer, version=sent.version
    )
    return services.move_referral(
        referral=referral, to="in_progress", by=dinsos_officer, version=referral.version
    )


def test_completing_may_carry_evidence_that_only_permitted_users_download(
    client, in_progress, dinsos_officer, case_worker_a, dinkes_officer, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(dinsos_officer)
    upload = SimpleUploadedFile("bukti", PDF_BYTES, content_type="application/octet-stream")

    client.post(
        reverse("referrals:move", args=[in_progress.pk]),
        {
            "to": "completed",
            "version": in_progress.version,
            "outcome": "PKH diusulkan",
            "evidence": upload,
        },
    )

    in_progress.refresh_from_db()
    assert in_progress.status == Referral.Status.COMPLETED
    assert in_progress.outcome_evidence_name == "bukti.pdf"
    url = reverse("referrals:evidence", args=[in_progress.pk])
    client.force_login(case_worker_a)
    response = client.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF_BYTES
    client.force_login(dinkes_officer)
    assert client.get(url).status_code == 404


def test_evidence_that_is_not_a_pdf_or_image_is_refused_and_nothing_moves(
    client, in_progress, dinsos_officer, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(dinsos_officer)

    client.post(
        reverse("referrals:move", args=[in_progress.pk]),
        {
            "to": "completed",
            "version": in_progress.version,
            "outcome": "Selesai",
            "evidence": SimpleUploadedFile("x.pdf", b"<html>bukan pdf</html>"),
        },
    )

    in_progress.refresh_from_db()
    assert in_progress.status == Referral.Status.IN_PROGRESS
    assert not in_progress.outcome_evidence
