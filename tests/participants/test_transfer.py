"""Moving a participant's record to another office: /participants/<id>/transfer/,
the transfer note on the participant page and the offices' list of transfers."""

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Role
from accounts.workflow import IllegalMove
from participants import services
from participants.models import Participant, ParticipantTransfer
from participants.signals import participant_transferred
from participants.views import PAGE_SIZE
from tests.factories import UserFactory

from .helpers import NIK, error_codes, make_participant, registration_data
from .test_detail import DETAIL_QUERIES, add_consent, add_household_member

pytestmark = pytest.mark.django_db

TRANSFERS_URL = "/participants/transfers/"
REASON = "Pindah ikut suami ke Bogor."


def transfer_url(participant):
    return f"/participants/{participant.pk}/transfer/"


def detail_url(participant):
    return f"/participants/{participant.pk}/"


@pytest.fixture
def coordinator_b(office_b):
    return UserFactory(username="koordinator_b", role=Role.COORDINATOR, office=office_b)


@pytest.fixture
def transferred(participant, office_b, coordinator_a):
    """Siti Aminah, moved by office A's coordinator to office B."""
    services.transfer_participant(
        participant=participant, to_office=office_b, reason=REASON, by=coordinator_a
    )
    participant.refresh_from_db()
    return participant


@pytest.fixture
def failing_receiver():
    def refuse(sender, **kwargs):
        raise RuntimeError("a higher app could not follow the transfer")

    participant_transferred.connect(refuse)
    yield refuse
    participant_transferred.disconnect(refuse)


def participant_events(participant):
    event_model = apps.get_model("participants", "ParticipantEvent")
    return event_model.objects.filter(pgh_obj=participant).order_by("pgh_id")


# --- The transfer ------------------------------------------------------------------------


def test_coordinator_transfers_a_record_and_it_becomes_the_new_offices(
    client, coordinator_a, coordinator_b, case_worker_a, participant, office_a, office_b
):
    add_household_member(participant)
    add_consent(participant, case_worker_a)
    client.force_login(coordinator_a)

    response = client.post(transfer_url(participant), {"to_office": office_b.pk, "reason": REASON})

    assert response.status_code == 302
    assert response["Location"] == "/participants/"
    participant.refresh_from_db()
    assert participant.office == office_b
    transfer = ParticipantTransfer.objects.get()
    assert (transfer.participant, transfer.from_office, transfer.to_office) == (
        participant,
        office_a,
        office_b,
    )
    assert (transfer.reason, transfer.by) == (REASON, coordinator_a)
    assert transfer.events.count() == 1
    last_event = participant_events(participant).last()
    assert last_event.office_id == office_b.pk
    assert last_event.pgh_context.metadata["user"] == coordinator_a.pk
    # The family, periods abroad and consents hang off the record and follow it.
    client.force_login(coordinator_b)
    response = client.get(detail_url(participant))
    assert response.status_code == 200
    assert len(response.context["episodes"]) == 1
    assert len(participant.household.all()) == 1
    assert len(participant.consents.all()) == 1
    for office_a_user in (coordinator_a, case_worker_a):
        client.force_login(office_a_user)
        assert client.get(detail_url(participant)).status_code == 404


def test_the_success_message_names_the_number_and_the_new_office(
    client, coordinator_a, participant, office_b
):
    client.force_login(coordinator_a)

    response = client.post(
        transfer_url(participant), {"to_office": office_b.pk, "reason": REASON}, follow=True
    )

    page = response.content.decode()
    assert participant.registration_number in page
    assert office_b.name in page


def test_the_form_offers_every_other_office_by_name(client, coordinator_a, participant, office_b):
    other = UserFactory(role=Role.COORDINATOR).office
    client.force_login(coordinator_a)

    response = client.get(transfer_url(participant))

    assert response.status_code == 200
    offices = list(response.context["form"].fields["to_office"].queryset)
    assert offices == sorted([office_b, other], key=lambda office: office.name)


def test_administrator_may_transfer_a_record_of_any_office(
    client, admin_user, outsiders_participant, office_a
):
    client.force_login(admin_user)

    response = client.post(
        transfer_url(outsiders_participant), {"to_office": office_a.pk, "reason": REASON}
    )

    assert response.status_code == 302
    outsiders_participant.refresh_from_db()
    assert outsiders_participant.office == office_a


# --- Who may ------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["case_worker_a", "health_worker_a"])
def test_office_staff_who_are_not_coordinators_get_403(
    client, request, user, participant, office_a, office_b
):
    client.force_login(request.getfixturevalue(user))

    assert client.get(transfer_url(participant)).status_code == 403
    response = client.post(transfer_url(participant), {"to_office": office_b.pk, "reason": REASON})

    assert response.status_code == 403
    participant.refresh_from_db()
    assert participant.office == office_a
    assert not ParticipantTransfer.objects.exists()


def test_another_offices_coordinator_gets_404_before_the_transfer(
    client, coordinator_b, participant, office_a, office_b
):
    client.force_login(coordinator_b)

    assert client.get(transfer_url(participant)).status_code == 404
    response = client.post(transfer_url(participant), {"to_office": office_b.pk, "reason": REASON})

    assert response.status_code == 404
    participant.refresh_from_db()
    assert participant.office == office_a
    assert not ParticipantTransfer.objects.exists()


def test_the_transfer_button_shows_only_to_those_who_may_transfer(
    client, coordinator_a, case_worker_a, participant
):
    client.force_login(coordinator_a)
    assert transfer_url(participant) in client.get(detail_url(participant)).content.decode()

    client.force_login(case_worker_a)
    assert transfer_url(participant) not in client.get(detail_url(participant)).content.decode()


# --- Bad input ----------------------------------------------------------------------------


def test_a_transfer_without_a_reason_is_refused_and_nothing_is_written(
    client, coordinator_a, participant, office_a, office_b
):
    client.force_login(coordinator_a)

    response = client.post(transfer_url(participant), {"to_office": office_b.pk, "reason": "  "})

    assert response.status_code == 200
    assert error_codes(response, "reason") == ["required"]
    participant.refresh_from_db()
    assert participant.office == office_a
    assert not ParticipantTransfer.objects.exists()


def test_the_records_own_office_is_not_a_choice(client, coordinator_a, participant, office_a):
    client.force_login(coordinator_a)

    response = client.post(transfer_url(participant), {"to_office": office_a.pk, "reason": REASON})

    assert response.status_code == 200
    assert error_codes(response, "to_office") == ["invalid_choice"]
    assert not ParticipantTransfer.objects.exists()


def test_an_archived_record_is_not_transferred(
    client, coordinator_a, participant, office_a, office_b
):
    services.archive_participant(participant=participant, by=coordinator_a, reason="Ganda")
    client.force_login(coordinator_a)

    response = client.post(transfer_url(participant), {"to_office": office_b.pk, "reason": REASON})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    participant.refresh_from_db()
    assert participant.office == office_a
    assert not ParticipantTransfer.objects.exists()


def test_the_service_refuses_the_same_office(coordinator_a, participant, office_a):
    with pytest.raises(IllegalMove):
        services.transfer_participant(
            participant=participant, to_office=office_a, reason=REASON, by=coordinator_a
        )

    assert not ParticipantTransfer.objects.exists()


def test_the_database_refuses_a_transfer_to_the_same_office(coordinator_a, participant, office_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantTransfer.objects.create(
            participant=participant,
            from_office=office_a,
            to_office=office_a,
            reason=REASON,
            by=coordinator_a,
        )


# --- The hook for higher apps -------------------------------------------------------------


def test_receivers_hear_of_the_transfer_inside_its_transaction(
    coordinator_a, participant, office_b
):
    heard = []

    def listen(sender, *, participant, transfer, by, **kwargs):
        heard.append((sender, participant.office, transfer.to_office, by))
        assert connection.in_atomic_block

    participant_transferred.connect(listen)
    try:
        services.transfer_participant(
            participant=participant, to_office=office_b, reason=REASON, by=coordinator_a
        )
    finally:
        participant_transferred.disconnect(listen)

    assert heard == [(Participant, office_b, office_b, coordinator_a)]


def test_a_failing_receiver_rolls_the_whole_transfer_back(
    coordinator_a, participant, office_a, office_b, failing_receiver
):
    events_before = participant_events(participant).count()

    with pytest.raises(RuntimeError):
        services.transfer_participant(
            participant=participant, to_office=office_b, reason=REASON, by=coordinator_a
        )

    participant.refresh_from_db()
    assert participant.office == office_a
    assert not ParticipantTransfer.objects.exists()
    assert participant_events(participant).count() == events_before


# --- Where the record came from -----------------------------------------------------------


def test_the_participant_page_tells_where_the_record_came_from(
    client, case_worker_b, coordinator_a, transferred, office_a, office_b
):
    client.force_login(case_worker_b)

    response = client.get(detail_url(transferred))

    assert response.status_code == 200
    assert [t.from_office for t in response.context["transfers"]] == [office_a]
    note = response.content.decode().split('class="muted transfer-note">')[1].split("</p>")[0]
    for part in (office_a.name, office_b.name, escape(coordinator_a), REASON):
        assert part in note


@pytest.mark.parametrize("how_many", [1, 3])
def test_the_transfer_history_costs_one_query_whatever_its_length(
    client,
    case_worker_a,
    coordinator_a,
    participant,
    office_a,
    office_b,
    how_many,
    django_assert_num_queries,
    media_root,
):
    offices = [office_b, office_a]
    for number in range(how_many):
        services.transfer_participant(
            participant=participant,
            to_office=offices[number % 2],
            reason=REASON,
            by=coordinator_a,
        )
    participant.refresh_from_db()
    viewer = UserFactory(role=Role.CASE_WORKER, office=participant.office)
    client.force_login(viewer)

    with django_assert_num_queries(DETAIL_QUERIES + 1):
        response = client.get(detail_url(participant))

    assert len(response.context["transfers"]) == how_many


# --- The offices' list of transfers -------------------------------------------------------


def test_both_coordinators_see_the_transfer_and_only_the_new_office_the_name(
    client, coordinator_a, coordinator_b, transferred, office_b
):
    client.force_login(coordinator_a)
    response = client.get(TRANSFERS_URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert transferred.registration_number in page
    assert office_b.name in page
    assert REASON in page
    assert transferred.full_name not in page
    assert detail_url(transferred) not in page

    client.force_login(coordinator_b)
    page = client.get(TRANSFERS_URL).content.decode()

    assert transferred.registration_number in page
    assert transferred.full_name in page
    assert detail_url(transferred) in page


def test_the_list_leaves_out_transfers_between_other_offices(
    client, coordinator_a, outsiders_participant, admin_user
):
    third = UserFactory(role=Role.COORDINATOR).office
    services.transfer_participant(
        participant=outsiders_participant, to_office=third, reason=REASON, by=admin_user
    )
    client.force_login(coordinator_a)

    assert list(client.get(TRANSFERS_URL).context["rows"]) == []

    client.force_login(admin_user)
    rows = client.get(TRANSFERS_URL).context["rows"]

    assert [(transfer.to_office, name) for transfer, name in rows] == [
        (third, outsiders_participant.full_name)
    ]


def test_office_staff_who_are_not_coordinators_get_403_on_the_list(client, case_worker_a):
    client.force_login(case_worker_a)

    assert client.get(TRANSFERS_URL).status_code == 403


def test_agency_officers_get_404_on_the_list(client, dinsos_officer):
    client.force_login(dinsos_officer)

    assert client.get(TRANSFERS_URL).status_code == 404


# Session, user, the office and the bell's unread count in the header; the count, the page
# of transfers and the names of the people the user may see: the same however many rows.
# And the access log's row for the read.
TRANSFER_LIST_QUERIES = 8


@pytest.mark.parametrize("how_many", [1, PAGE_SIZE + 1])
def test_the_list_query_count_does_not_grow_with_the_rows(
    client, coordinator_a, coordinator_b, office_a, office_b, how_many, django_assert_num_queries
):
    for number in range(how_many):
        theirs = make_participant(office_b, coordinator_b, nik="", full_name=f"Peserta {number}")
        ParticipantTransfer.objects.create(
            participant=theirs,
            from_office=office_b,
            to_office=office_a,
            reason=REASON,
            by=coordinator_b,
            at=timezone.now(),
        )
        theirs.office = office_a
        theirs.save(update_fields=["office"])
    client.force_login(coordinator_a)

    with django_assert_num_queries(TRANSFER_LIST_QUERIES):
        response = client.get(TRANSFERS_URL)

    assert len(response.context["rows"]) == min(how_many, PAGE_SIZE)
    assert all(name for _transfer, name in response.context["rows"])


# --- The registration form points at the transfer -----------------------------------------


def test_a_nik_of_another_office_says_whose_coordinator_can_transfer_it(
    client, case_worker_a, case_worker_b, office_b
):
    theirs = make_participant(office_b, case_worker_b, full_name="Nur Halimah", nik=NIK)
    client.force_login(case_worker_a)

    response = client.post("/participants/new/", registration_data())

    assert error_codes(response, "nik") == ["duplicate_nik"]
    [message] = response.context["form"].errors["nik"]
    assert office_b.name in message
    assert theirs.registration_number in message
    assert "Nur Halimah" not in response.content.decode()
    assert not Participant.objects.filter(office=case_worker_a.office).exists()
