"""Registering a person's request: who asked, how, the proof of identity, the clock."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from rights.models import ANSWER_WITHIN, DataRequest

from .conftest import HOUR, errors, register

pytestmark = pytest.mark.django_db


def form_data(**fields):
    received = timezone.localtime() - 2 * HOUR
    data = {
        "kind": "erasure",
        "requested_by": "person",
        "requester_name": "",
        "channel": "whatsapp",
        "identity_checked": "Foto KTP dikirim, dicocokkan dengan data",
        "details": "Minta data kesehatan dihapus.",
        "received_at": received.strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(fields)
    return data


def test_a_coordinator_registers_a_request_from_the_persons_page(client, coordinator, person_a):
    client.force_login(coordinator)
    page = client.get(reverse("participants:detail", args=[person_a.pk])).content.decode()
    url = reverse("rights:new_for", args=[person_a.pk])
    assert url in page

    response = client.post(url, form_data())

    [data_request] = DataRequest.objects.all()
    assert response.status_code == 302 and response["Location"] == data_request.get_absolute_url()
    assert data_request.participant == person_a
    assert data_request.kind == "erasure" and data_request.channel == "whatsapp"
    assert data_request.registered_by == coordinator
    assert data_request.status == "received"
    # Received two hours ago: the 72 hours count from then, not from the registration.
    assert data_request.due_at == data_request.received_at + ANSWER_WITHIN
    assert data_request.received_at < data_request.registered_at - HOUR


def test_a_request_registered_from_the_list_names_the_person_by_number(
    client, coordinator, person_a
):
    client.force_login(coordinator)
    assert reverse("rights:new") in client.get(reverse("rights:list")).content.decode()

    response = client.post(
        reverse("rights:new"),
        form_data(
            registration_number=person_a.registration_number.lower(),
            requested_by="companion",
            requester_name="Rudi Hartono, S.H.",
        ),
    )

    data_request = DataRequest.objects.get()
    assert response.status_code == 302
    assert data_request.participant == person_a
    assert data_request.requester == "A lawyer or companion: Rudi Hartono, S.H."


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"identity_checked": "   "}, "identity_checked", "Write what proof of identity was seen."),
        ({"details": ""}, "details", "This field is required."),
        ({"kind": "delete_everything"}, "kind", "Select a valid choice."),
        (
            {"requested_by": "family", "requester_name": ""},
            "requester_name",
            "Write the name of who asked for the person.",
        ),
        (
            {
                "received_at": (timezone.localtime() + 3 * HOUR).strftime("%Y-%m-%dT%H:%M"),
            },
            "received_at",
            "A request cannot be received in the future.",
        ),
    ],
)
def test_bad_input_is_told_and_nothing_is_written(
    client, coordinator, person_a, fields, field, message
):
    client.force_login(coordinator)

    response = client.post(reverse("rights:new_for", args=[person_a.pk]), form_data(**fields))

    assert response.status_code == 200
    assert message in errors(response.context["form"], field)[0]
    assert not DataRequest.objects.exists()


def test_another_offices_registration_number_is_not_found(client, coordinator, person_b):
    client.force_login(coordinator)

    response = client.post(
        reverse("rights:new"), form_data(registration_number=person_b.registration_number)
    )

    assert response.status_code == 200
    assert errors(response.context["form"], "registration_number") == [
        "No person with this registration number in your office."
    ]
    assert not DataRequest.objects.exists()


def test_the_database_refuses_a_due_time_other_than_72_hours(coordinator_a, person_a):
    data_request = register(person_a, coordinator_a)

    with pytest.raises(IntegrityError), transaction.atomic():
        DataRequest.objects.filter(pk=data_request.pk).update(
            due_at=data_request.received_at + datetime.timedelta(days=14)
        )


def test_the_database_refuses_a_request_without_proof_of_identity(coordinator_a, person_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        register(person_a, coordinator_a, identity_checked="")


def test_the_database_refuses_another_requester_without_a_name(coordinator_a, person_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        DataRequest.objects.create(
            participant=person_a,
            kind="access",
            requested_by="guardian",
            channel="letter",
            identity_checked="Surat perwalian dan KTP wali",
            details="Wali meminta salinan data.",
            registered_by=coordinator_a,
        )


def test_each_change_is_kept_in_the_history(coordinator_a, person_a):
    from rights import services

    data_request = register(person_a, coordinator_a)
    services.start_review(data_request=data_request, by=coordinator_a)

    assert [event.status for event in data_request.events.order_by("pgh_id")] == [
        "received",
        "in_review",
    ]
