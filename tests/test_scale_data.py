"""generate_scale_data: the benchmark world, with cases, screenings and referrals."""

import io

import pytest
from django.core.management import call_command

from cases.models import Alert, Case, Program, Screening
from cases.scale import PROGRAM_PREFIX
from referrals.models import Referral, ReferralStatus, ReferralTransition
from tests.factories import load_reference_data

# The command switches to the tables' owner, which a test's own transaction would forbid.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scale_world(settings, transactional_db, regions):
    settings.DEBUG = True  # seed_demo, which comes first, is for development only
    load_reference_data()
    call_command("generate_scale_data", participants=40, stdout=io.StringIO())


def test_each_participant_gets_one_or_two_cases_with_screenings_and_two_referrals_each(
    scale_world,
):
    cases = Case.objects.filter(program__name__startswith=PROGRAM_PREFIX)
    assert Program.objects.filter(name__startswith=PROGRAM_PREFIX).count() == 1
    assert cases.count() == 40  # one program: nobody is in a second
    assert Screening.objects.filter(case__in=cases).exists()
    referrals = Referral.objects.filter(case__in=cases)
    assert referrals.count() == 80
    assert set(referrals.values_list("status", flat=True)) <= set(ReferralStatus.values)
    assert not Alert.objects.filter(case__in=cases, resolved_at__isnull=False, action_taken="")


def test_the_generated_referrals_agree_with_their_timelines(scale_world):
    for referral in Referral.objects.filter(case__program__name__startswith=PROGRAM_PREFIX):
        moves = list(ReferralTransition.objects.filter(referral=referral).order_by("at", "pk"))
        assert moves[0].to_status == ReferralStatus.DRAFT
        assert moves[-1].to_status == referral.status
        accepted = [m.at for m in moves if m.to_status == ReferralStatus.ACCEPTED]
        assert referral.accepted_at == (accepted[0] if accepted else None)
        completed = [m.at for m in moves if m.to_status == ReferralStatus.COMPLETED]
        assert referral.completed_at == (completed[0] if completed else None)
        if referral.status != ReferralStatus.DRAFT:
            assert referral.sent_at and referral.number


def test_every_generated_row_has_its_insert_event_and_the_history_triggers_are_back_on(
    scale_world,
):
    from django.apps import apps

    from participants.models import Participant

    referral_events = apps.get_model("referrals", "ReferralEvent").objects
    participant_events = apps.get_model("participants", "ParticipantEvent").objects
    generated = Referral.objects.filter(case__program__name__startswith=PROGRAM_PREFIX)
    inserted = referral_events.filter(pgh_label="insert", pgh_obj_id__in=generated.values("pk"))
    assert inserted.count() == generated.count() == 80
    person = Participant.objects.filter(cases__program__name__startswith=PROGRAM_PREFIX).first()
    assert participant_events.filter(pgh_obj_id=person.pk, pgh_label="insert").count() == 1

    person.full_name = "Nama Baru"
    person.save()

    changed = participant_events.filter(pgh_obj_id=person.pk, pgh_label="update")
    assert list(changed.values_list("full_name", flat=True)) == ["Nama Baru"]
