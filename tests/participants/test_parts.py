"""The parts of a participant's record: family, periods abroad, consents and documents."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import AccessLog
from participants.models import (
    Consent,
    ConsentPurpose,
    Document,
    HouseholdMember,
    MigrationEpisode,
)

from .helpers import (
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    consent_data,
    consent_states,
    episode_data,
    error_codes,
    household_data,
    make_document,
    make_participant,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def tomorrow():
    # Read at each use: a suite that runs past midnight in Jakarta sees the new day.
    return timezone.localdate() + datetime.timedelta(days=1)


def detail_url(participant):
    return f"/participants/{participant.pk}/"


def household_new_url(participant):
    return f"/participants/{participant.pk}/household/new/"


def household_edit_url(member):
    return f"/participants/{member.participant_id}/household/{member.pk}/"


def episode_new_url(participant):
    return f"/participants/{participant.pk}/episodes/new/"


def episode_edit_url(episode):
    return f"/participants/{episode.participant_id}/episodes/{episode.pk}/"


def consent_new_url(participant):
    return f"/participants/{participant.pk}/consents/new/"


def withdraw_url(consent):
    return f"/participants/{consent.participant_id}/consents/{consent.pk}/withdraw/"


def upload_url(participant):
    return f"/participants/{participant.pk}/documents/new/"


def download_url(document):
    return f"/participants/{document.participant_id}/documents/{document.pk}/"


def stored_files(media_root):
    root = Path(media_root)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def member(participant):
    return HouseholdMember.objects.create(
        participant=participant,
        relationship=HouseholdMember.Relationship.SPOUSE,
        full_name="Ahmad Fauzi",
        sex="M",
    )


@pytest.fixture
def episode(participant):
    return participant.episodes.get()


@pytest.fixture
def consent(participant, case_worker_a):
    return Consent.objects.create(
        participant=participant,
        given_by=Consent.GivenBy.PARTICIPANT,
        purposes=[ConsentPurpose.REHABILITATION, ConsentPurpose.SHARE_DINSOS],
        method=Consent.Method.SIGNED_FORM,
        given_at=datetime.date(2025, 11, 5),
        recorded_by=case_worker_a,
    )


@pytest.fixture
def document(participant, case_worker_a, media_root):
    return make_document(participant, case_worker_a, upload=pdf_upload("surat-sehat.pdf"))


# --- Household members --------------------------------------------------------------------


def test_case_worker_adds_a_family_member(client, case_worker_a, participant):
    client.force_login(case_worker_a)

    response = client.post(household_new_url(participant), household_data())

    assert response.status_code == 302
    assert response["Location"] == detail_url(participant)
    member = participant.household.get()
    assert member.full_name == "Rizki Ramadhan"
    assert member.relationship == HouseholdMember.Relationship.CHILD
    assert member.birth_date == datetime.date(2012, 8, 17)


def test_family_member_form_opens(client, case_worker_a, participant):
    client.force_login(case_worker_a)

    response = client.get(household_new_url(participant))

    assert response.status_code == 200
    assert 'name="nik"' in response.content.decode()


def test_family_member_without_nik_is_saved(client, case_worker_a, participant):
    client.force_login(case_worker_a)

    client.post(household_new_url(participant), household_data(nik=""))

    assert participant.household.get().nik == ""


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        pytest.param("3603333208120001", "nik_day", id="day-32"),
        pytest.param("360333170812", "nik_length", id="too-short"),
        pytest.param("3603331708120000", "nik_serial", id="serial-0000"),
    ],
)
def test_family_member_with_a_bad_nik_is_refused_and_not_written(
    client, case_worker_a, participant, nik, code
):
    client.force_login(case_worker_a)

    response = client.post(household_new_url(participant), household_data(nik=nik))

    assert response.status_code == 200
    assert error_codes(response, "nik") == [code]
    assert not HouseholdMember.objects.exists()


def test_family_member_nik_typed_with_spaces_is_saved_as_sixteen_digits(
    client, case_worker_a, participant
):
    client.force_login(case_worker_a)

    response = client.post(
        household_new_url(participant), household_data(nik="3603 33 170812 9101")
    )

    assert response.status_code == 302, response.context["form"].errors
    assert participant.household.get().nik == "3603331708129101"


def test_family_member_born_in_the_future_is_refused(client, case_worker_a, participant):
    client.force_login(case_worker_a)

    response = client.post(
        household_new_url(participant), household_data(nik="", birth_date=tomorrow().isoformat())
    )

    assert error_codes(response, "birth_date") == ["future"]
    assert not HouseholdMember.objects.exists()


def test_case_worker_edits_a_family_member(client, case_worker_a, member):
    client.force_login(case_worker_a)

    response = client.post(
        household_edit_url(member),
        household_data(relationship="spouse", full_name="Ahmad Fauzi", nik="", sex="M"),
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.needs == "Biaya sekolah"
    assert HouseholdMember.objects.count() == 1


def test_editing_a_family_member_with_a_bad_nik_changes_nothing(client, case_worker_a, member):
    client.force_login(case_worker_a)

    response = client.post(
        household_edit_url(member), household_data(full_name="Nama Lain", nik="3603333208120001")
    )

    assert error_codes(response, "nik") == ["nik_day"]
    member.refresh_from_db()
    assert member.full_name == "Ahmad Fauzi"
    assert member.nik == ""


def test_a_family_member_is_reached_only_through_their_own_participant(
    client, case_worker_a, office_a, member
):
    someone_else = make_participant(office_a, case_worker_a)
    client.force_login(case_worker_a)

    url = f"/participants/{someone_else.pk}/household/{member.pk}/"

    assert client.get(url).status_code == 404
    assert client.post(url, household_data()).status_code == 404


# --- Migration episodes -------------------------------------------------------------------


def test_case_worker_adds_a_period_abroad(client, case_worker_a, participant):
    client.force_login(case_worker_a)

    response = client.post(episode_new_url(participant), episode_data())

    assert response.status_code == 302
    added = participant.episodes.get(destination_country="TW")
    assert added.arrival_date == datetime.date(2021, 2, 1)
    assert participant.episodes.count() == 2


def test_arrival_before_departure_is_refused(client, case_worker_a, participant):
    client.force_login(case_worker_a)

    response = client.post(
        episode_new_url(participant),
        episode_data(departure_date="2021-02-01", arrival_date="2019-02-01"),
    )

    assert response.status_code == 200
    assert "arrival_date" in response.context["form"].errors
    assert participant.episodes.count() == 1


@pytest.mark.parametrize("field", ["departure_date", "arrival_date"])
def test_a_date_in_the_future_is_refused(client, case_worker_a, participant, field):
    client.force_login(case_worker_a)
    data = episode_data(departure_date="2024-01-01", arrival_date="2025-01-01")
    data[field] = tomorrow().isoformat()

    response = client.post(episode_new_url(participant), data)

    assert "future" in error_codes(response, field)
    assert participant.episodes.count() == 1


def test_an_unknown_country_code_is_refused(client, case_worker_a, participant):
    client.force_login(case_worker_a)

    response = client.post(episode_new_url(participant), episode_data(destination_country="XX"))

    assert error_codes(response, "destination_country") == ["invalid_choice"]
    assert participant.episodes.count() == 1


def test_case_worker_edits_a_period_abroad(client, case_worker_a, episode):
    client.force_login(case_worker_a)

    response = client.post(
        episode_edit_url(episode), episode_data(destination_country="HK", return_type="sick")
    )

    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.destination_country == "HK"
    assert episode.return_type == MigrationEpisode.ReturnType.SICK
    assert MigrationEpisode.objects.count() == 1


def test_editing_a_period_abroad_with_arrival_before_departure_changes_nothing(
    client, case_worker_a, episode
):
    client.force_login(case_worker_a)

    response = client.post(
        episode_edit_url(episode),
        episode_data(
            destination_country="HK", departure_date="2021-02-01", arrival_date="2019-02-01"
        ),
    )

    assert "arrival_date" in response.context["form"].errors
    episode.refresh_from_db()
    assert episode.destination_country == "MY"


def test_a_period_abroad_is_reached_only_through_its_own_participant(
    client, case_worker_a, office_a, episode
):
    someone_else = make_participant(office_a, case_worker_a)
    client.force_login(case_worker_a)

    url = f"/participants/{someone_else.pk}/episodes/{episode.pk}/"

    assert client.get(url).status_code == 404


# --- Consent ------------------------------------------------------------------------------


def test_case_worker_records_the_participants_consent(client, case_worker_a, participant):
    client.force_login(case_worker_a)

    response = client.post(consent_new_url(participant), consent_data())

    assert response.status_code == 302
    consent = participant.consents.get()
    assert consent.decision == Consent.Decision.GIVEN
    assert consent.purposes == ["rehabilitation", "share_dinsos"]
    assert consent.given_at == datetime.date(2025, 11, 5)
    assert consent.recorded_by == case_worker_a
    assert consent.evidence is None


def test_a_consent_with_its_signed_form_keeps_the_form_as_evidence(
    client, case_worker_a, participant, media_root
):
    client.force_login(case_worker_a)

    client.post(
        consent_new_url(participant),
        consent_data(evidence_file=pdf_upload("persetujuan.pdf")),
    )

    evidence = participant.consents.get().evidence
    assert evidence.type == Document.Type.CONSENT_FORM
    assert evidence.original_name == "persetujuan.pdf"
    assert evidence.participant == participant


def test_a_refusal_without_the_signed_statement_is_refused(client, case_worker_a, participant):
    client.force_login(case_worker_a)

    response = client.post(consent_new_url(participant), consent_data(decision="refused"))

    assert response.status_code == 200
    assert "evidence_file" in response.context["form"].errors
    assert not Consent.objects.exists()


def test_a_refusal_is_recorded_with_its_signed_statement(
    client, case_worker_a, participant, media_root
):
    client.force_login(case_worker_a)

    response = client.post(
        consent_new_url(participant),
        consent_data(decision="refused", evidence_file=pdf_upload("penolakan.pdf")),
    )

    assert response.status_code == 302
    consent = participant.consents.get()
    assert consent.decision == Consent.Decision.REFUSED
    assert consent.evidence.type == Document.Type.REFUSAL_STATEMENT
    assert consent.evidence.content_type == "application/pdf"
    assert len(stored_files(media_root)) == 1


def test_a_refusal_statement_that_is_not_a_pdf_or_image_is_refused(
    client, case_worker_a, participant, media_root
):
    client.force_login(case_worker_a)

    response = client.post(
        consent_new_url(participant),
        consent_data(
            decision="refused", evidence_file=pdf_upload("penolakan.pdf", b"MZ\x90\x00 not a pdf")
        ),
    )

    assert "file_type" in error_codes(response, "evidence_file")
    assert not Consent.objects.exists()
    assert not Document.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize("given_by", ["family", "guardian"])
def test_family_or_guardian_consent_needs_the_givers_name(
    client, case_worker_a, participant, given_by
):
    client.force_login(case_worker_a)

    response = client.post(
        consent_new_url(participant), consent_data(given_by=given_by, giver_name="  ")
    )

    assert "giver_name" in response.context["form"].errors
    assert not Consent.objects.exists()

    client.post(
        consent_new_url(participant), consent_data(given_by=given_by, giver_name="Ahmad Fauzi")
    )

    assert participant.consents.get().giver_name == "Ahmad Fauzi"


def test_a_consent_needs_a_purpose(client, case_worker_a, participant):
    client.force_login(case_worker_a)

    response = client.post(consent_new_url(participant), consent_data(purposes=[]))

    assert "purposes" in response.context["form"].errors
    assert not Consent.objects.exists()


def test_a_consent_dated_in_the_future_is_refused(client, case_worker_a, participant):
    client.force_login(case_worker_a)

    response = client.post(
        consent_new_url(participant), consent_data(given_at=tomorrow().isoformat())
    )

    assert error_codes(response, "given_at") == ["future"]
    assert not Consent.objects.exists()


def test_consent_at_a_glance_shows_given_refused_and_the_latest_decision(
    client, case_worker_a, participant, media_root
):
    client.force_login(case_worker_a)
    client.post(
        consent_new_url(participant),
        consent_data(purposes=["rehabilitation", "share_dinsos", "photos"], given_at="2025-11-01"),
    )
    # Later the participant refuses photos, in writing.
    client.post(
        consent_new_url(participant),
        consent_data(
            decision="refused",
            purposes=["photos"],
            given_at="2025-11-05",
            evidence_file=pdf_upload("penolakan-foto.pdf"),
        ),
    )

    states = consent_states(client.get(detail_url(participant)))

    assert states["rehabilitation"] == "given"
    assert states["share_dinsos"] == "given"
    assert states["photos"] == "refused"
    assert states["share_disdukcapil"] is None


def test_a_withdrawn_consent_no_longer_counts_as_given(client, case_worker_a, consent):
    client.force_login(case_worker_a)

    client.post(withdraw_url(consent), {"withdrawn_at": "2025-11-10"})

    states = consent_states(client.get(detail_url(consent.participant)))
    assert states["rehabilitation"] != "given"
    assert states["share_dinsos"] != "given"


def test_a_withdrawn_consent_is_not_shown_as_never_asked(client, case_worker_a, consent):
    # The glance must tell "withdrew it" apart from "was never asked" (UU PDP).
    consent.withdrawn_at = datetime.date(2025, 11, 10)
    consent.save(update_fields=["withdrawn_at"])
    client.force_login(case_worker_a)

    page = client.get(detail_url(consent.participant), **EN).content.decode()

    items = re.findall(r"<li class=\"consent .*?</li>", page, re.S)
    (rehabilitation,) = [item for item in items if "Rehabilitation services" in item]
    assert "not asked" not in rehabilitation


# --- Withdrawing consent ------------------------------------------------------------------


def test_withdraw_form_opens(client, case_worker_a, consent):
    client.force_login(case_worker_a)

    response = client.get(withdraw_url(consent))

    assert response.status_code == 200
    assert 'name="withdrawn_at"' in response.content.decode()


def test_withdrawing_sets_the_date(client, case_worker_a, consent):
    client.force_login(case_worker_a)

    response = client.post(withdraw_url(consent), {"withdrawn_at": "2025-11-10"})

    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at == datetime.date(2025, 11, 10)


def test_withdrawal_before_the_consent_was_given_is_refused(client, case_worker_a, consent):
    client.force_login(case_worker_a)

    response = client.post(withdraw_url(consent), {"withdrawn_at": "2025-11-01"})

    assert response.status_code == 200
    assert "withdrawn_at" in response.context["form"].errors
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_withdrawal_in_the_future_is_refused(client, case_worker_a, consent):
    client.force_login(case_worker_a)

    response = client.post(withdraw_url(consent), {"withdrawn_at": tomorrow().isoformat()})

    assert error_codes(response, "withdrawn_at") == ["future"]
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_a_consent_already_withdrawn_cannot_be_withdrawn_again(client, case_worker_a, consent):
    consent.withdrawn_at = datetime.date(2025, 11, 10)
    consent.save(update_fields=["withdrawn_at"])
    client.force_login(case_worker_a)

    response = client.post(withdraw_url(consent), {"withdrawn_at": "2025-11-20"})

    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at == datetime.date(2025, 11, 10)


# --- Uploading documents ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type", "kept_name"),
    [
        pytest.param("surat.pdf", PDF_BYTES, "application/pdf", "surat.pdf", id="pdf"),
        pytest.param("ktp.jpg", JPEG_BYTES, "image/jpeg", "ktp.jpg", id="jpeg"),
        pytest.param("kk.png", PNG_BYTES, "image/png", "kk.png", id="png"),
        pytest.param(
            "foto-tanpa-akhiran",
            JPEG_BYTES,
            "image/jpeg",
            "foto-tanpa-akhiran.jpg",
            id="known-by-content",
        ),
    ],
)
def test_pdf_jpeg_and_png_are_accepted_by_their_content(
    client, case_worker_a, participant, media_root, name, content, content_type, kept_name
):
    client.force_login(case_worker_a)
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")

    response = client.post(
        upload_url(participant),
        {"type": "ktp_copy", "description": "Salinan", "file": upload},
    )

    assert response.status_code == 302
    document = participant.documents.get()
    assert document.content_type == content_type
    assert document.original_name == kept_name
    assert document.size == len(content)
    assert document.uploaded_by == case_worker_a
    (stored,) = stored_files(media_root)
    assert stored.read_bytes() == content
    # The stored path is random: the original name is in the row only.
    assert Path(name).stem not in str(stored.relative_to(media_root))


def test_a_pdf_name_on_something_else_is_refused(client, case_worker_a, participant, media_root):
    client.force_login(case_worker_a)
    upload = SimpleUploadedFile("surat.pdf", b"<html><script>alert(1)</script></html>")

    response = client.post(upload_url(participant), {"type": "health_letter", "file": upload})

    assert response.status_code == 200
    assert error_codes(response, "file") == ["file_type"]
    assert not Document.objects.exists()
    assert stored_files(media_root) == []


def test_a_file_over_the_size_limit_is_refused(
    client, case_worker_a, participant, media_root, settings
):
    settings.DOCUMENT_MAX_BYTES = 64
    client.force_login(case_worker_a)
    upload = SimpleUploadedFile("besar.pdf", PDF_BYTES + b"0" * 100)

    response = client.post(upload_url(participant), {"type": "health_letter", "file": upload})

    assert error_codes(response, "file") == ["too_large"]
    assert not Document.objects.exists()
    assert stored_files(media_root) == []


def test_an_upload_without_a_file_is_refused(client, case_worker_a, participant, media_root):
    client.force_login(case_worker_a)

    response = client.post(upload_url(participant), {"type": "health_letter"})

    assert "file" in response.context["form"].errors
    assert not Document.objects.exists()


# --- Downloading documents ----------------------------------------------------------------


def test_a_document_downloads_as_an_attachment_and_the_download_is_logged(
    client, case_worker_a, document
):
    client.force_login(case_worker_a)

    response = client.get(download_url(document))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="surat-sehat.pdf"' in response["Content-Disposition"]
    # Reading the stream to its end closes the file (closing the response again would
    # also close the test's database connection).
    assert b"".join(response.streaming_content) == PDF_BYTES
    entry = AccessLog.objects.get(action=AccessLog.Action.DOWNLOAD)
    assert entry.user == case_worker_a
    assert entry.object_type == "participants.document"
    assert entry.object_id == str(document.pk)


def test_the_detail_page_links_documents_through_the_download_view(client, case_worker_a, document):
    client.force_login(case_worker_a)

    page = client.get(detail_url(document.participant)).content.decode()

    assert f'href="{download_url(document)}"' in page
    assert document.file.name not in page


def test_the_stored_file_has_no_public_address(client, case_worker_a, document):
    client.force_login(case_worker_a)

    assert client.get("/" + document.file.name).status_code == 404
    assert client.get("/media/" + document.file.name).status_code == 404


def test_a_download_carries_the_extension_of_what_the_file_is(
    client, case_worker_a, participant, media_root
):
    # A PDF named .html would open in the browser as a page once saved; the name
    # the browser is given should end as the content does.
    client.force_login(case_worker_a)
    client.post(
        upload_url(participant),
        {"type": "other", "file": SimpleUploadedFile("laporan.html", PDF_BYTES)},
    )
    document = participant.documents.get()

    response = client.get(download_url(document))
    b"".join(response.streaming_content)

    assert re.search(r'filename="[^"]*\.pdf"', response["Content-Disposition"])


@pytest.mark.parametrize("user", ["case_worker_b", "dinsos_officer", "auditor_a"])
def test_outsiders_cannot_download(client, request, document, user):
    client.force_login(request.getfixturevalue(user))

    assert client.get(download_url(document)).status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).exists()


def test_a_document_is_reached_only_through_its_own_participant(
    client, case_worker_a, office_a, document
):
    someone_else = make_participant(office_a, case_worker_a)
    client.force_login(case_worker_a)

    response = client.get(f"/participants/{someone_else.pk}/documents/{document.pk}/")

    assert response.status_code == 404


# --- Who may write ------------------------------------------------------------------------

WRITE_VIEWS = {
    "household_new": (lambda o: household_new_url(o["participant"]), household_data),
    "household_edit": (lambda o: household_edit_url(o["member"]), household_data),
    "episode_new": (lambda o: episode_new_url(o["participant"]), episode_data),
    "episode_edit": (lambda o: episode_edit_url(o["episode"]), episode_data),
    "consent_new": (lambda o: consent_new_url(o["participant"]), consent_data),
    "consent_withdraw": (
        lambda o: withdraw_url(o["consent"]),
        lambda: {"withdrawn_at": "2025-11-10"},
    ),
    "document_upload": (
        lambda o: upload_url(o["participant"]),
        lambda: {"type": "health_letter", "file": pdf_upload()},
    ),
}


@pytest.fixture
def record(participant, member, episode, consent, document):
    return {
        "participant": participant,
        "member": member,
        "episode": episode,
        "consent": consent,
        "document": document,
    }


def snapshot():
    """Everything the write views could change, to prove nothing was."""
    return (
        list(HouseholdMember.objects.values()),
        list(MigrationEpisode.objects.values()),
        list(Consent.objects.values()),
        list(Document.objects.values()),
    )


@pytest.mark.parametrize("view", WRITE_VIEWS)
def test_health_worker_may_not_write_any_part(client, health_worker_a, record, view):
    url, data = WRITE_VIEWS[view]
    before = snapshot()
    client.force_login(health_worker_a)

    assert client.get(url(record)).status_code == 403
    assert client.post(url(record), data()).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("user", ["case_worker_b", "dinsos_officer", "auditor_a"])
@pytest.mark.parametrize("view", WRITE_VIEWS)
def test_outsiders_get_404_on_every_write_view(client, request, record, view, user):
    url, data = WRITE_VIEWS[view]
    before = snapshot()
    client.force_login(request.getfixturevalue(user))

    assert client.get(url(record)).status_code == 404
    assert client.post(url(record), data()).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("view", WRITE_VIEWS)
def test_coordinator_may_write_every_part(client, coordinator_a, record, view):
    url, data = WRITE_VIEWS[view]
    client.force_login(coordinator_a)

    assert client.get(url(record)).status_code == 200
    assert client.post(url(record), data()).status_code == 302
