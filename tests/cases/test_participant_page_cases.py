"""The participant page leads to the person's cases and the screenings of each: the
health worker, who follows no referral, is not left at a dead end."""

import pytest
from django.urls import reverse

from cases import services
from tests.cases.conftest import make_program
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def participant_page(client, user, participant):
    client.force_login(user)
    response = client.get(reverse("participants:detail", args=[participant.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_health_worker_reaches_the_case_and_its_screenings_from_the_participant(
    client, case_a, health_worker_a
):
    page = participant_page(client, health_worker_a, case_a.participant)

    assert f'href="{case_a.get_absolute_url()}"' in page
    assert "Kegiatan Mekar Baru" in page
    assert f'href="{reverse("cases:physical", args=[case_a.pk])}"' in page
    assert f'href="{reverse("cases:questionnaire", args=[case_a.pk, "srq20"])}"' in page


def test_the_links_lead_to_pages_the_health_worker_may_use(client, case_a, health_worker_a):
    client.force_login(health_worker_a)

    for url in (
        case_a.get_absolute_url(),
        reverse("cases:physical", args=[case_a.pk]),
        reverse("cases:questionnaire", args=[case_a.pk, "srq20"]),
    ):
        assert client.get(url).status_code == 200, url


def test_each_case_of_the_person_has_its_own_links(
    client, case_a, office_a, coordinator_a, regions, case_worker_a, health_worker_a
):
    second_program = make_program(
        office_a, coordinator_a, regions["district"], name="Kegiatan Kedua"
    )
    [second] = services.enrol_participants(
        program=second_program, participants=[case_a.participant], by=case_worker_a
    )

    page = participant_page(client, health_worker_a, case_a.participant)

    for case in (case_a, second):
        assert f'href="{case.get_absolute_url()}"' in page
        assert f'href="{reverse("cases:questionnaire", args=[case.pk, "srq20"])}"' in page
    assert "Kegiatan Kedua" in page


def test_a_person_without_a_case_shows_no_case_links(client, health_worker_a, office_a):
    participant = ParticipantFactory(office=office_a, created_by=health_worker_a)

    page = participant_page(client, health_worker_a, participant)

    assert "/screenings/" not in page
    assert "/cases/" not in page


def test_another_offices_case_is_not_offered(client, case_b, health_worker_a):
    client.force_login(health_worker_a)

    response = client.get(reverse("participants:detail", args=[case_b.participant.pk]))

    # The record is out of reach altogether; its case is not reached through it.
    assert response.status_code == 404
