"""A participant's page: what it shows to whom, the logged NIK reveal, archive and restore."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import AccessLog
from participants.models import Consent, HouseholdMember, Participant

from .helpers import NIK, NIK_MASKED, consent_states, make_document

pytestmark = pytest.mark.django_db

NARRATIVE = "Dianiaya majikan di Johor dan gaji tidak dibayar delapan bulan."


def detail_url(participant):
    return f"/participants/{participant.pk}/"


def reveal_url(participant):
    return f"/participants/{participant.pk}/nik/"


def archive_url(participant):
    return f"/participants/{participant.pk}/archive/"


def restore_url(participant):
    return f"/participants/{participant.pk}/restore/"


def add_household_member(participant, number=1):
    return HouseholdMember.objects.create(
        participant=participant,
        relationship=HouseholdMember.Relationship.CHILD,
        full_name=f"Anak Ke-{number}",
        birth_date=datetime.date(2012, 1, number),
        needs="Biaya sekolah",
    )


def add_consent(participant, by, *, evidence=None, purposes=("rehabilitation",), **fields):
    fields.setdefault("given_at", datetime.date(2025, 11, 5))
    return Consent.objects.create(
        participant=participant,
        given_by=Consent.GivenBy.PARTICIPANT,
        purposes=list(purposes),
        method=Consent.Method.SIGNED_FORM,
        evidence=evidence,
        recorded_by=by,
        **fields,
    )


def archive(participant, by, reason="Pindah ke luar provinsi"):
    Participant.objects.filter(pk=participant.pk).update(
        archived_at=timezone.now(), archived_by=by, archive_reason=reason
    )
    participant.refresh_from_db()


# --- What the page shows ------------------------------------------------------------------


def test_detail_page_shows_the_whole_record_with_the_nik_masked(
    client, case_worker_a, participant, media_root
):
    participant.episodes.create(
        destination_country="TW",
        occupation="Perawat lansia",
        arrival_date=datetime.date(2018, 5, 1),
    )
    add_household_member(participant)
    document = make_document(participant, case_worker_a, description="Surat dari Puskesmas")
    add_consent(participant, case_worker_a, purposes=["rehabilitation", "share_dinsos"])
    client.force_login(case_worker_a)

    response = client.get(detail_url(participant))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Siti Aminah" in page
    assert participant.registration_number in page
    assert NIK_MASKED in page
    assert NIK not in page
    assert "Mekar Baru" in page
    assert "Kabupaten Tangerang" in page
    assert "Malaysia" in page
    assert "Taiwan" in page
    assert "Anak Ke-1" in page
    assert document.get_absolute_url() in page
    assert "Surat dari Puskesmas" in page
    states = consent_states(response)
    assert states["rehabilitation"] == "given"
    assert states["share_dinsos"] == "given"
    assert states["share_dinkes"] is None


def test_detail_page_shows_the_kk_number_masked(client, case_worker_a, participant):
    # NIK *and KK numbers* are shown masked; a reveal is logged.
    client.force_login(case_worker_a)

    page = client.get(detail_url(participant)).content.decode()

    assert participant.kk_number not in page
    assert participant.kk_number[:4] + "*" * 10 + participant.kk_number[-2:] in page


def test_household_members_niks_are_masked_on_the_page(client, case_worker_a, participant):
    child_nik = "3603331708120003"
    HouseholdMember.objects.create(
        participant=participant, relationship="child", full_name="Rizki", nik=child_nik
    )
    client.force_login(case_worker_a)

    page = client.get(detail_url(participant)).content.decode()

    assert "3603**********03" in page
    assert child_nik not in page


@pytest.mark.parametrize("user", ["case_worker_a", "coordinator_a"])
def test_case_worker_and_coordinator_read_what_happened(client, request, participant, user):
    client.force_login(request.getfixturevalue(user))

    response = client.get(detail_url(participant))

    assert NARRATIVE in response.content.decode()


def test_health_worker_reads_identity_but_not_what_happened(client, health_worker_a, participant):
    client.force_login(health_worker_a)

    response = client.get(detail_url(participant))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Siti Aminah" in page
    assert NARRATIVE not in page
    assert "Dianiaya" not in page
    assert NIK not in page


def test_health_worker_sees_no_edit_reveal_or_archive_controls(
    client, health_worker_a, participant
):
    client.force_login(health_worker_a)

    page = client.get(detail_url(participant)).content.decode()

    assert f"/participants/{participant.pk}/edit/" not in page
    assert reveal_url(participant) not in page
    assert archive_url(participant) not in page


def test_viewing_the_page_is_written_to_the_access_log(client, case_worker_a, participant):
    client.force_login(case_worker_a)

    client.get(detail_url(participant))

    entry = AccessLog.objects.get(action=AccessLog.Action.VIEW)
    assert entry.user == case_worker_a
    assert entry.object_type == "participants.participant"
    assert entry.object_id == str(participant.pk)
    assert entry.path == detail_url(participant)


def test_outsider_gets_404_and_leaves_no_view_in_the_log(client, case_worker_b, participant):
    client.force_login(case_worker_b)

    assert client.get(detail_url(participant)).status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.VIEW).exists()


def test_admin_opens_any_offices_participant(client, admin_user, outsiders_participant):
    client.force_login(admin_user)

    assert client.get(detail_url(outsiders_participant)).status_code == 200


def test_an_unknown_participant_is_404(client, case_worker_a, regions):
    client.force_login(case_worker_a)

    assert client.get("/participants/999999/").status_code == 404


# --- Revealing the NIK --------------------------------------------------------------------


def test_revealing_the_nik_shows_it_whole_and_logs_who_saw_it(client, case_worker_a, participant):
    client.force_login(case_worker_a)

    response = client.post(reveal_url(participant))

    assert response.status_code == 200
    assert NIK in response.content.decode()
    entry = AccessLog.objects.get(action=AccessLog.Action.REVEAL)
    assert entry.user == case_worker_a
    assert entry.object_id == str(participant.pk)
    assert entry.detail == "nik"


def test_htmx_reveal_returns_only_the_identity_numbers(client, coordinator_a, participant):
    client.force_login(coordinator_a)

    response = client.post(reveal_url(participant), HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert page.lstrip().startswith('<dl class="facts" id="identity-numbers">')
    assert NIK in page
    assert participant.kk_number in page
    assert "<html" not in page
    assert AccessLog.objects.filter(action=AccessLog.Action.REVEAL).count() == 1


def test_revealing_by_get_is_refused(client, case_worker_a, participant):
    client.force_login(case_worker_a)

    response = client.get(reveal_url(participant))

    assert response.status_code == 405
    assert not AccessLog.objects.filter(action=AccessLog.Action.REVEAL).exists()


def test_health_worker_cannot_reveal_the_nik(client, health_worker_a, participant):
    client.force_login(health_worker_a)

    response = client.post(reveal_url(participant))

    assert response.status_code == 404
    assert NIK not in response.content.decode()
    assert not AccessLog.objects.filter(action=AccessLog.Action.REVEAL).exists()


@pytest.mark.parametrize("user", ["case_worker_b", "dinsos_officer", "auditor_a"])
def test_outsiders_cannot_reveal_the_nik(client, request, participant, user):
    client.force_login(request.getfixturevalue(user))

    response = client.post(reveal_url(participant))

    assert response.status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.REVEAL).exists()


def test_there_is_nothing_to_reveal_without_a_nik_or_kk(client, case_worker_a, participant):
    Participant.objects.filter(pk=participant.pk).update(nik="", kk_number="")
    client.force_login(case_worker_a)

    assert client.post(reveal_url(participant)).status_code == 404


# --- Query count --------------------------------------------------------------------------

# Session, user, the participant with its regions, office and authors in the access
# check's query, five prefetches (problems, episodes, household, consents with
# evidence, documents), the cases with their programs for the buttons at the top, the
# cases again for the programs and referrals panel (none here; their referrals follow
# when there are), the merges the record absorbed (its "merged records" panel: no row
# says beforehand that there are none), the access-log insert, the user's office in the
# page header and the unread notifications of the bell.
DETAIL_QUERIES = 14


@pytest.mark.parametrize("how_many", [1, 12])
def test_detail_query_count_does_not_grow_with_the_record(
    client, case_worker_a, participant, media_root, django_assert_num_queries, how_many
):
    for number in range(how_many):
        participant.episodes.create(
            destination_country="SA", arrival_date=datetime.date(2010 + number % 10, 1, 1)
        )
        add_household_member(participant, number + 1)
        document = make_document(participant, case_worker_a)
        add_consent(participant, case_worker_a, evidence=document)
    client.force_login(case_worker_a)

    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(detail_url(participant))

    assert response.status_code == 200
    assert len(response.context["episodes"]) == how_many + 1


# --- Archive and restore ------------------------------------------------------------------


def test_coordinator_archives_with_a_reason_and_the_record_stays(
    client, coordinator_a, participant
):
    client.force_login(coordinator_a)

    response = client.post(archive_url(participant), {"archive_reason": "Pindah ke Jawa Barat"})

    assert response.status_code == 302
    assert response["Location"] == detail_url(participant)
    participant.refresh_from_db()
    assert participant.archived_at is not None
    assert participant.archived_by == coordinator_a
    assert participant.archive_reason == "Pindah ke Jawa Barat"
    page = client.get(detail_url(participant)).content.decode()
    assert "Pindah ke Jawa Barat" in page
    assert restore_url(participant) in page
    assert archive_url(participant) not in page


def test_archiving_without_a_reason_changes_nothing(client, coordinator_a, participant):
    client.force_login(coordinator_a)

    response = client.post(archive_url(participant), {"archive_reason": ""})

    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.archived_at is None


def test_archiving_by_get_is_refused(client, coordinator_a, participant):
    client.force_login(coordinator_a)

    assert client.get(archive_url(participant)).status_code == 405
    participant.refresh_from_db()
    assert participant.archived_at is None


@pytest.mark.parametrize("user", ["case_worker_a", "health_worker_a"])
def test_case_worker_and_health_worker_may_not_archive(client, request, participant, user):
    client.force_login(request.getfixturevalue(user))

    response = client.post(archive_url(participant), {"archive_reason": "Pindah"})

    assert response.status_code == 403
    participant.refresh_from_db()
    assert participant.archived_at is None


def test_coordinator_restores_an_archived_record(client, coordinator_a, participant):
    archive(participant, coordinator_a)
    client.force_login(coordinator_a)

    response = client.post(restore_url(participant))

    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.archived_at is None
    assert participant.archived_by is None
    assert participant.archive_reason == ""


@pytest.mark.parametrize("user", ["case_worker_a", "health_worker_a"])
def test_case_worker_and_health_worker_may_not_restore(
    client, request, coordinator_a, participant, user
):
    archive(participant, coordinator_a)
    client.force_login(request.getfixturevalue(user))

    assert client.post(restore_url(participant)).status_code == 403
    participant.refresh_from_db()
    assert participant.archived_at is not None


def test_an_archived_record_still_opens_for_the_office(
    client, case_worker_a, coordinator_a, participant
):
    archive(participant, coordinator_a, reason="Meninggal dunia")
    client.force_login(case_worker_a)

    response = client.get(detail_url(participant))

    assert response.status_code == 200
    assert "Meninggal dunia" in response.content.decode()


@pytest.mark.parametrize("user", ["case_worker_b", "dinsos_officer", "auditor_a"])
def test_outsiders_get_404_on_every_page_of_the_record(
    client, request, coordinator_a, participant, user
):
    client.force_login(request.getfixturevalue(user))

    assert client.get(detail_url(participant)).status_code == 404
    assert client.post(reveal_url(participant)).status_code == 404
    assert client.post(archive_url(participant), {"archive_reason": "x"}).status_code == 404
    archive(participant, coordinator_a)
    assert client.post(restore_url(participant)).status_code == 404
    participant.refresh_from_db()
    assert participant.archived_at is not None


def test_the_consents_are_listed_latest_decision_first(client, case_worker_a, participant):
    for given_at, giver in (
        (datetime.date(2025, 11, 5), "Pertama"),
        (datetime.date(2025, 11, 9), "Kedua"),
    ):
        Consent.objects.create(
            participant=participant,
            decision=Consent.Decision.GIVEN,
            given_by=Consent.GivenBy.FAMILY,
            giver_name=giver,
            purposes=["rehabilitation"],
            method=Consent.Method.SIGNED_FORM,
            given_at=given_at,
            recorded_by=case_worker_a,
        )
    client.force_login(case_worker_a)

    page = client.get(participant.get_absolute_url()).content.decode()

    assert page.index("Kedua") < page.index("Pertama")
