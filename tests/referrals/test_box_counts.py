"""The referral list's boxes count exactly, from the counters, for every reader.

New, in progress and done are read from the office counters the database keeps; only
overdue, which changes with the clock, is counted on the referrals. The pages then need
no count of their own unless a filter narrows them.
"""

import datetime
import re

import pytest
from django.utils import timezone

from referrals import services
from referrals.models import Referral, ReferralStatus, Urgency

from .conftest import REASON, put_referral_in

S = ReferralStatus
# For case_a, to Dinsos: how many referrals in each status.
MADE = {S.DRAFT: 2, S.SENT: 20, S.ACCEPTED: 3, S.IN_PROGRESS: 2, S.COMPLETED: 4, S.DECLINED: 1}


@pytest.fixture
def referrals(case_a, consent, dinsos, social_rehabilitation, case_worker_a):
    made = []
    for status, how_many in MADE.items():
        for _ in range(how_many):
            referral = services.create_referral(
                case=case_a,
                agency=dinsos,
                service=social_rehabilitation,
                reason=REASON,
                urgency=Urgency.NORMAL,
                by=case_worker_a,
            )
            made.append(put_referral_in(referral, status))
    # Two of the sent ones are past their due time.
    past = timezone.now() - datetime.timedelta(days=1)
    Referral.objects.filter(pk__in=[r.pk for r in made if r.status == S.SENT][:2]).update(
        due_at=past
    )
    return made


def badges(response):
    """{box: the number on its badge} as the page shows them."""
    html = response.content.decode()
    found = re.findall(
        r'href="\?box=(\w+)"[^>]*>[^<]*<span class="badge[^"]*">([\d.]+)</span>', html
    )
    return {box: int(number.replace(".", "")) for box, number in found}


def test_office_staff_see_every_status_of_their_office_counted(client, referrals, case_worker_a):
    client.force_login(case_worker_a)

    response = client.get("/referrals/")

    assert badges(response) == {"new": 20, "in_progress": 5, "overdue": 2, "done": 5}
    # Drafts are the office's too: 32 in all, two pages of 25, counted by nobody.
    page = response.context["page"]
    assert (page.paginator.count, page.paginator.num_pages, page.paginator.more) == (32, 2, False)
    assert len(page.object_list) == 25
    assert len(client.get("/referrals/?page=2").context["page"].object_list) == 7


def test_the_agency_officer_counts_only_what_was_sent_to_their_agency(
    client, referrals, dinsos_officer, dinkes_officer
):
    client.force_login(dinsos_officer)
    response = client.get("/referrals/")

    assert badges(response) == {"new": 20, "in_progress": 5, "overdue": 2, "done": 5}
    assert response.context["page"].paginator.count == 30  # never the two drafts

    client.force_login(dinkes_officer)
    response = client.get("/referrals/")
    assert badges(response) == {"new": 0, "in_progress": 0, "overdue": 0, "done": 0}
    assert response.context["page"].paginator.count == 0


def test_another_office_counts_none_of_them(client, referrals, case_worker_b):
    client.force_login(case_worker_b)

    response = client.get("/referrals/")

    assert badges(response) == {"new": 0, "in_progress": 0, "overdue": 0, "done": 0}
    assert list(response.context["page"].object_list) == []


def test_a_box_pages_by_its_own_count_and_a_filter_counts_what_it_keeps(
    client, referrals, case_worker_a, dinsos_officer
):
    client.force_login(case_worker_a)

    new = client.get("/referrals/?box=new").context["page"]
    overdue = client.get("/referrals/?box=overdue").context["page"]
    declined = client.get("/referrals/?status=declined").context["page"]

    assert (new.paginator.count, len(new.object_list)) == (20, 20)
    assert {r.status for r in new.object_list} == {S.SENT}
    assert overdue.paginator.count == 2
    assert [r.status for r in declined.object_list] == [S.DECLINED]
    assert declined.paginator.count == 1


def test_a_move_changes_the_badges_at_once(client, referrals, dinsos_officer):
    sent = next(r for r in referrals if r.status == S.SENT and r.due_at > timezone.now())
    client.force_login(dinsos_officer)

    client.post(f"/referrals/{sent.pk}/move/", {"to": S.ACCEPTED, "version": sent.version})

    assert badges(client.get("/referrals/")) == {
        "new": 19,
        "in_progress": 6,
        "overdue": 2,
        "done": 5,
    }
