import io

import pytest
from django.core.management import call_command

from referrals.models import Referral, ReferralStatus
from tests.factories import banten_regions


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    banten_regions()
    call_command("seed_demo", stdout=io.StringIO())


def test_seed_demo_refers_mekar_baru_cases_to_the_four_agencies_in_every_status(seeded):
    referrals = Referral.objects.all()

    assert set(referrals.values_list("agency__type", flat=True)) == {
        "dinkes",
        "dinsos",
        "disdukcapil",
        "disnakertrans",
    }
    assert set(referrals.values_list("status", flat=True)) == set(ReferralStatus.values)
    assert referrals.overdue().count() >= 2
    for referral in referrals.exclude(status=ReferralStatus.DRAFT):
        assert referral.transitions.count() >= 2
        assert referral.consent_id or referral.consent_override_reason


def test_seed_demo_adds_no_referral_twice(seeded):
    count = Referral.objects.count()

    call_command("seed_demo", stdout=io.StringIO())

    assert Referral.objects.count() == count
