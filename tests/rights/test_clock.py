"""The 72 hours: due at receipt + 72 hours, overdue after, on the list and the work list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from reports import worklist
from rights import services
from rights.models import ANSWER_WITHIN, DataRequest, clock

from .conftest import HOUR, register

pytestmark = pytest.mark.django_db


def test_the_answer_is_due_72_hours_after_receipt(coordinator_a, person_a):
    received = timezone.now() - 5 * HOUR

    data_request = register(person_a, coordinator_a, received_at=received)

    assert datetime.timedelta(hours=72) == ANSWER_WITHIN
    assert data_request.due_at == received + datetime.timedelta(hours=72)
    assert not data_request.is_overdue
    assert DataRequest.objects.overdue().count() == 0


def test_an_open_request_past_its_72_hours_is_overdue_and_an_answered_one_is_not(
    coordinator_a, person_a
):
    late = register(person_a, coordinator_a, received_at=timezone.now() - 77 * HOUR)
    answered = services.start_review(
        data_request=register(person_a, coordinator_a, received_at=timezone.now() - 80 * HOUR),
        by=coordinator_a,
    )
    services.answer_request(
        data_request=answered, outcome="granted", answer="Sudah diberikan.", by=coordinator_a
    )

    assert late.is_overdue
    assert list(DataRequest.objects.overdue()) == [late]


def test_the_clock_tells_the_hours_left_or_late():
    now = timezone.now()
    with translation.override("en"):
        assert clock(now + datetime.timedelta(hours=21, minutes=30), now) == "21 hours left"
        assert clock(now + datetime.timedelta(minutes=20), now) == "less than an hour left"
        assert clock(now - datetime.timedelta(hours=5, minutes=10), now) == "5 hours overdue"
        assert clock(now - datetime.timedelta(hours=1), now) == "1 hour overdue"


def test_the_list_shows_open_requests_first_with_their_clocks(client, coordinator, person_a):
    answered = services.start_review(
        data_request=register(person_a, coordinator, received_at=timezone.now() - 90 * HOUR),
        by=coordinator,
    )
    services.answer_request(
        data_request=answered, outcome="granted", answer="Sudah diberikan.", by=coordinator
    )
    fresh = register(person_a, coordinator, received_at=timezone.now() - 51 * HOUR)
    late = register(person_a, coordinator, received_at=timezone.now() - 77.5 * HOUR)
    client.force_login(coordinator)

    response = client.get(reverse("rights:list"))

    assert [r.pk for r in response.context["page"].object_list] == [
        late.pk,
        fresh.pk,
        answered.pk,
    ]
    assert response.context["counts"] == {"open": 2, "overdue": 1}
    page = response.content.decode()
    late_row = page.split(f'id="request-{late.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "row-overdue" in page.split(f'id="request-{late.pk}"', 1)[1][:40]
    assert "5 hours overdue" in late_row
    fresh_row = page.split(f'id="request-{fresh.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "20 hours left" in fresh_row and "row-overdue" not in fresh_row


def test_the_coordinators_work_list_has_the_requests_overdue_first(
    client, coordinator, person_a, person_b, coordinator_b
):
    soon = register(person_a, coordinator, received_at=timezone.now() - 60 * HOUR)
    late = register(person_a, coordinator, received_at=timezone.now() - 80 * HOUR)
    register(person_b, coordinator_b)  # another office's
    client.force_login(coordinator)

    response = client.get(reverse("tasks"))

    [section] = [s for s in response.context["sections"] if s.code == "data_requests"]
    assert section.count == 2
    assert [row.item for row in section.rows] == [late, soon]
    assert [row.overdue for row in section.rows] == [True, False]
    assert section.rows[0].url == late.get_absolute_url()
    page = response.content.decode()
    assert "8 hours overdue" in page and "11 hours left" in page
    assert person_a.registration_number in page
    assert "Nur Halimah" not in page


def test_the_home_page_shows_the_requests_waiting(client, coordinator, person_a):
    data_request = register(person_a, coordinator, received_at=timezone.now() - 3 * HOUR)
    client.force_login(coordinator)

    response = client.get("/")

    [section] = [s for s in response.context["work_sections"] if s.code == "data_requests"]
    assert [row.item for row in section.rows] == [data_request]
    assert data_request.get_absolute_url() in response.content.decode()


def test_answered_requests_leave_the_work_list(coordinator, person_a):
    data_request = register(person_a, coordinator)
    data_request = services.start_review(data_request=data_request, by=coordinator)
    services.answer_request(
        data_request=data_request, outcome="granted", answer="Sudah.", by=coordinator
    )

    assert "data_requests" not in [s.code for s in worklist.work_for(coordinator)]


def test_the_case_worker_has_no_request_section(case_worker_a, coordinator_a, person_a):
    register(person_a, coordinator_a)

    assert "data_requests" not in [kind.code for kind in worklist.kinds_for(case_worker_a)]
