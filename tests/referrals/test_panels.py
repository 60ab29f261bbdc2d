"""The referrals' panels on the participant and case pages: what they show, to whom, and
in a number of queries that does not grow with the referrals."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from referrals import services
from referrals.models import Urgency

from .conftest import REASON


def refer(case, agency, service, by, times):
    """`times` referrals of the case to the agency, each sent (two moves on its timeline)."""
    for _ in range(times):
        referral = services.create_referral(
            case=case, agency=agency, service=service, reason=REASON, urgency=Urgency.HIGH, by=by
        )
        services.send_referral(referral=referral, by=by, version=referral.version)


def queries_to_open(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("page", ["participant", "case"])
def test_the_pages_read_referrals_in_the_same_number_of_queries_however_many_there_are(
    client, case_a, consent, dinsos, social_rehabilitation, case_worker_a, page
):
    url = (case_a.participant if page == "participant" else case_a).get_absolute_url()
    client.force_login(case_worker_a)
    refer(case_a, dinsos, social_rehabilitation, case_worker_a, times=1)
    with_one, _html = queries_to_open(client, url)

    refer(case_a, dinsos, social_rehabilitation, case_worker_a, times=4)
    with_five, html = queries_to_open(client, url)

    assert with_five == with_one
    assert html.count(str(social_rehabilitation)) >= 5


def test_the_participant_page_lists_programs_and_referrals_for_the_case_worker(
    client, case_a, consent, dinsos, social_rehabilitation, case_worker_a
):
    refer(case_a, dinsos, social_rehabilitation, case_worker_a, times=1)
    client.force_login(case_worker_a)

    html = client.get(case_a.participant.get_absolute_url()).content.decode()

    assert "Kegiatan dan rujukan" in html
    assert case_a.program.name in html
    assert str(dinsos) in html


def test_the_health_worker_sees_no_referral_timelines_on_the_participant_page(
    client, case_a, consent, dinsos, social_rehabilitation, case_worker_a, health_worker_a
):
    refer(case_a, dinsos, social_rehabilitation, case_worker_a, times=1)
    client.force_login(health_worker_a)

    html = client.get(case_a.participant.get_absolute_url()).content.decode()

    assert "Kegiatan dan rujukan" not in html
    assert str(dinsos) not in html


def test_the_case_page_offers_a_referral_only_to_those_who_run_the_case(
    client, case_a, case_worker_a, health_worker_a
):
    new_referral = f"/cases/{case_a.pk}/referrals/new/"

    client.force_login(case_worker_a)
    assert new_referral in client.get(case_a.get_absolute_url()).content.decode()
    client.force_login(health_worker_a)
    assert new_referral not in client.get(case_a.get_absolute_url()).content.decode()
