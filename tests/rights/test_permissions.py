"""Who handles the requests: the office's coordinators and the administrator."""

import pytest
from django.urls import reverse

from rights.models import DataRequest

from .conftest import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests(coordinator_a, coordinator_b, person_a, person_b):
    return {"own": register(person_a, coordinator_a), "other": register(person_b, coordinator_b)}


def pages(data_request):
    return [
        reverse("rights:detail", args=[data_request.pk]),
        reverse("reports:data_request_pdf", args=[data_request.pk]),
        reverse("rights:new_for", args=[data_request.participant_id]),
    ]


def test_the_coordinator_opens_their_offices_requests_and_not_another_offices(
    client, coordinator_a, requests
):
    client.force_login(coordinator_a)

    for url in pages(requests["own"]):
        assert client.get(url).status_code == 200, url
    for url in pages(requests["other"]):
        assert client.get(url).status_code == 404, url
    listed = client.get(reverse("rights:list")).context["page"].object_list
    assert list(listed) == [requests["own"]]


def test_the_administrator_opens_every_offices_requests(client, admin_user, requests):
    client.force_login(admin_user)

    for url in pages(requests["own"]) + pages(requests["other"]):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["case_worker_a", "health_worker_a"])
def test_staff_who_open_participants_but_do_not_handle_requests_get_403(
    client, request, requests, role
):
    client.force_login(request.getfixturevalue(role))

    assert client.get(reverse("rights:list")).status_code == 403
    assert client.get(reverse("rights:new")).status_code == 403
    for url in pages(requests["own"]):
        assert client.get(url).status_code == 403, url
    # Another office's request is out of their reach: a 404, as for everyone.
    for url in pages(requests["other"]):
        assert client.get(url).status_code == 404, url
    answer = reverse("rights:answer", args=[requests["own"].pk])
    assert client.post(answer, {"outcome": "granted", "answer": "x"}).status_code == 403
    assert DataRequest.objects.get(pk=requests["own"].pk).status == "received"


@pytest.mark.parametrize("role", ["auditor_a", "dinsos_officer"])
def test_who_opens_no_participant_gets_404(client, request, requests, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get(reverse("rights:list")).status_code == 404
    for url in pages(requests["own"]):
        assert client.get(url).status_code == 404, url


def test_another_offices_request_cannot_be_answered(client, coordinator_a, requests):
    client.force_login(coordinator_a)

    response = client.post(reverse("rights:review", args=[requests["other"].pk]))

    assert response.status_code == 404
    assert DataRequest.objects.get(pk=requests["other"].pk).status == "received"


def test_only_the_handlers_see_the_button_on_the_participant_page(
    client, coordinator_a, case_worker_a, person_a
):
    url = reverse("rights:new_for", args=[person_a.pk])
    detail = reverse("participants:detail", args=[person_a.pk])

    client.force_login(case_worker_a)
    assert url not in client.get(detail).content.decode()
    client.force_login(coordinator_a)
    assert url in client.get(detail).content.decode()
