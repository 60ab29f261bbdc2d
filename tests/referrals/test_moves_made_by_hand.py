"""A move request that no page sends (a forged target or version) is a bad request."""

import pytest
from django.urls import reverse

from referrals.models import ReferralStatus as S


def snapshot(referral):
    referral.refresh_from_db()
    return (referral.status, referral.version, referral.transitions.count())


@pytest.mark.parametrize(
    "posted",
    [
        {"to": "archived", "version": "1"},
        {"to": "", "version": "1"},
        {"to": "accepted", "version": "not a number"},
        {"to": "accepted"},
        {"version": "1"},
    ],
    ids=["unknown target", "empty target", "bad version", "no version", "no target"],
)
def test_a_tampered_move_answers_400_and_changes_nothing(client, sent, dinsos_officer, posted):
    client.force_login(dinsos_officer)
    before = snapshot(sent)

    response = client.post(reverse("referrals:move", args=[sent.pk]), posted)

    assert response.status_code == 400
    assert snapshot(sent) == before


def test_a_move_the_officer_may_not_make_is_refused_with_a_message(client, sent, dinsos_officer):
    client.force_login(dinsos_officer)
    before = snapshot(sent)

    response = client.post(
        reverse("referrals:move", args=[sent.pk]),
        {"to": S.CANCELLED, "version": sent.version},
        follow=True,
    )

    assert response.status_code == 200
    assert "tidak dapat" in response.content.decode().lower()
    assert snapshot(sent) == before
