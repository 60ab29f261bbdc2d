"""Reviewing and answering a request; refusing all or part of it needs its grounds."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.workflow import IllegalMove
from rights import services
from rights.models import DataRequest

from .conftest import errors, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(coordinator, person_a):
    return services.start_review(data_request=register(person_a, coordinator), by=coordinator)


def test_the_coordinator_starts_the_review_from_the_request_page(client, coordinator, person_a):
    data_request = register(person_a, coordinator)
    client.force_login(coordinator)
    page = client.get(data_request.get_absolute_url()).content.decode()
    assert "Start the review" in page

    response = client.post(
        reverse("rights:review", args=[data_request.pk]), {"note": "Cek semua berkas."}
    )

    data_request.refresh_from_db()
    assert response.status_code == 302
    assert (data_request.status, data_request.review_note) == ("in_review", "Cek semua berkas.")
    assert data_request.reviewed_at is not None


def test_a_granted_answer_is_recorded_with_who_and_when(client, coordinator, in_review):
    client.force_login(coordinator)

    response = client.post(
        reverse("rights:answer", args=[in_review.pk]),
        {"outcome": "granted", "answer": "Salinan data diserahkan langsung kepada Ibu Siti."},
    )

    in_review.refresh_from_db()
    assert response.status_code == 302
    assert (in_review.status, in_review.outcome) == ("answered", "granted")
    assert in_review.answered_by == coordinator and in_review.answered_at is not None
    assert in_review.refusal_ground == ""
    page = client.get(in_review.get_absolute_url()).content.decode()
    assert "Salinan data diserahkan langsung kepada Ibu Siti." in page


@pytest.mark.parametrize("outcome", ["partly", "refused"])
def test_refusing_without_grounds_is_told_and_nothing_is_written(
    client, coordinator, in_review, outcome
):
    client.force_login(coordinator)

    response = client.post(
        reverse("rights:answer", args=[in_review.pk]),
        {"outcome": outcome, "answer": "Sebagian data tidak dapat diberikan."},
    )

    assert response.status_code == 400
    form = response.context["answer_form"]
    assert errors(form, "refusal_ground") == [
        "Choose the grounds for refusing all or part of the request."
    ]
    assert errors(form, "refusal_explanation") == ["Explain the grounds for refusing."]
    in_review.refresh_from_db()
    assert (in_review.status, in_review.outcome, in_review.answer) == ("in_review", "", "")


def test_a_partly_granted_answer_keeps_its_grounds(client, coordinator, in_review):
    client.force_login(coordinator)

    response = client.post(
        reverse("rights:answer", args=[in_review.pk]),
        {
            "outcome": "partly",
            "refusal_ground": "other_person",
            "refusal_explanation": "Kronologi menyebut nama saksi lain; bagian itu ditutup.",
            "answer": "Data diberikan kecuali nama saksi dalam kronologi.",
        },
    )

    in_review.refresh_from_db()
    assert response.status_code == 302
    assert (in_review.outcome, in_review.refusal_ground) == ("partly", "other_person")
    page = client.get(in_review.get_absolute_url()).content.decode()
    assert "It would reveal another person&#x27;s personal data" in page


def test_an_answer_needs_what_the_person_was_told(client, coordinator, in_review):
    client.force_login(coordinator)

    response = client.post(reverse("rights:answer", args=[in_review.pk]), {"outcome": "granted"})

    assert response.status_code == 400
    assert errors(response.context["answer_form"], "answer") == ["This field is required."]
    assert DataRequest.objects.get().status == "in_review"


def test_a_request_is_reviewed_before_it_is_answered(coordinator, person_a):
    data_request = register(person_a, coordinator)

    with pytest.raises(IllegalMove):
        services.answer_request(
            data_request=data_request, outcome="granted", answer="Sudah.", by=coordinator
        )

    assert DataRequest.objects.get().status == "received"


def test_the_service_refuses_a_refusal_without_grounds(coordinator, in_review):
    with pytest.raises(IllegalMove):
        services.answer_request(
            data_request=in_review, outcome="refused", answer="Ditolak.", by=coordinator
        )


def test_the_database_refuses_a_refusal_without_grounds(coordinator, in_review):
    with pytest.raises(IntegrityError), transaction.atomic():
        DataRequest.objects.filter(pk=in_review.pk).update(
            status="answered",
            outcome="refused",
            answer="Ditolak.",
            answered_at=in_review.received_at,
            answered_by=coordinator,
        )


def test_the_database_refuses_an_answer_without_its_words(coordinator, in_review):
    with pytest.raises(IntegrityError), transaction.atomic():
        DataRequest.objects.filter(pk=in_review.pk).update(status="answered", outcome="granted")


def test_answering_before_the_review_is_refused_with_a_message(client, coordinator, person_a):
    data_request = register(person_a, coordinator)
    client.force_login(coordinator)

    response = client.post(
        reverse("rights:answer", args=[data_request.pk]),
        {"outcome": "granted", "answer": "Sudah diberikan."},
        follow=True,
    )

    assert "A request that is Received cannot be moved to Answered by you." in (
        response.content.decode()
    )
    assert DataRequest.objects.get().status == "received"
