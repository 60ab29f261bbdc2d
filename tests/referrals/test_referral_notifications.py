"""Under the bell: who is told of a referral's moves, once, and only what they may open."""

import pytest
from django.db import transaction

from accounts.models import Notification, NotificationKind, Role
from cases.models import Case
from referrals import services
from referrals.models import ReferralStatus as S
from referrals.models import Urgency
from tests.factories import UserFactory

from .conftest import DECLINE_REASON, OUTCOME, REASON


def told(user):
    return list(Notification.objects.filter(user=user).order_by("pk"))


def kinds(user):
    return [notification.kind for notification in told(user)]


def move(referral, to, by, **written):
    referral.refresh_from_db()
    return services.move_referral(
        referral=referral, to=to, by=by, version=referral.version, **written
    )


@pytest.fixture
def by_the_coordinator(case_a, consent, dinsos, social_rehabilitation, coordinator_a):
    """A draft the coordinator wrote for case_worker_a's case: two different followers."""
    return services.create_referral(
        case=case_a,
        agency=dinsos,
        service=social_rehabilitation,
        reason=REASON,
        urgency=Urgency.NORMAL,
        by=coordinator_a,
    )


@pytest.fixture
def sent(dinsos_officer, draft, case_worker_a):
    """Sent to Dinsos once its officer works there, so the officer is told."""
    return services.send_referral(referral=draft, by=case_worker_a, version=draft.version)


@pytest.fixture
def accepted(sent, dinsos_officer):
    return move(sent, S.ACCEPTED, dinsos_officer)


def test_sending_tells_each_active_officer_of_the_agency_once(draft, case_worker_a, dinsos):
    first = UserFactory(role=Role.AGENCY_OFFICER, agency=dinsos, office=None, username="dinsos_1")
    second = UserFactory(role=Role.AGENCY_OFFICER, agency=dinsos, office=None, username="dinsos_2")
    gone = UserFactory(
        role=Role.AGENCY_OFFICER, agency=dinsos, office=None, username="dinsos_3", is_active=False
    )

    referral = services.send_referral(referral=draft, by=case_worker_a, version=draft.version)

    for officer in (first, second):
        [notification] = told(officer)
        assert notification.kind == NotificationKind.NEW_REFERRAL
        assert notification.url == f"/referrals/{referral.pk}/"
        assert referral.number in notification.text
    assert told(gone) == []
    assert Notification.objects.count() == 2


def test_the_sender_is_not_told_of_their_own_sending(sent, case_worker_a, coordinator_a):
    assert told(case_worker_a) == []
    assert told(coordinator_a) == []


def test_the_dinkes_officer_gets_nothing_of_a_dinsos_referral(
    accepted, dinsos_officer, dinkes_officer, coordinator_a
):
    started = move(accepted, S.IN_PROGRESS, dinsos_officer)
    move(started, S.COMPLETED, dinsos_officer, outcome=OUTCOME)

    assert told(dinkes_officer) == []


def test_an_agency_move_tells_the_writer_and_the_case_worker_but_not_the_officer(
    by_the_coordinator, coordinator_a, case_worker_a, dinsos_officer
):
    sent = services.send_referral(
        referral=by_the_coordinator, by=coordinator_a, version=by_the_coordinator.version
    )
    before = Notification.objects.count()

    move(sent, S.ACCEPTED, dinsos_officer)

    assert kinds(coordinator_a) == [NotificationKind.REFERRAL_STATUS]
    assert kinds(case_worker_a) == [NotificationKind.REFERRAL_STATUS]
    assert kinds(dinsos_officer) == [NotificationKind.NEW_REFERRAL]
    assert Notification.objects.count() == before + 2
    assert told(case_worker_a)[0].text.endswith(": Diterima")


def test_the_writer_who_is_also_the_case_worker_is_told_once(accepted, case_worker_a):
    [notification] = told(case_worker_a)

    assert notification.kind == NotificationKind.REFERRAL_STATUS


def test_moving_twice_tells_twice(accepted, case_worker_a, dinsos_officer):
    move(accepted, S.IN_PROGRESS, dinsos_officer)

    assert kinds(case_worker_a) == [NotificationKind.REFERRAL_STATUS] * 2
    assert len({notification.event for notification in told(case_worker_a)}) == 2


def test_a_completed_referral_asks_the_case_worker_to_confirm_the_outcome(
    by_the_coordinator, coordinator_a, case_worker_a, dinsos_officer
):
    referral = services.send_referral(
        referral=by_the_coordinator, by=coordinator_a, version=by_the_coordinator.version
    )
    referral = move(referral, S.ACCEPTED, dinsos_officer)
    referral = move(referral, S.IN_PROGRESS, dinsos_officer)

    move(referral, S.COMPLETED, dinsos_officer, outcome=OUTCOME)

    assert kinds(case_worker_a)[-1] == NotificationKind.OUTCOME_WAITING
    assert kinds(coordinator_a)[-1] == NotificationKind.REFERRAL_STATUS
    assert kinds(case_worker_a).count(NotificationKind.OUTCOME_WAITING) == 1
    assert told(case_worker_a)[-1].url == f"/referrals/{referral.pk}/"


def test_a_decline_tells_the_case_worker_and_sending_back_tells_the_agency_again(
    sent, case_worker_a, coordinator_a, dinsos_officer
):
    declined = move(sent, S.DECLINED, dinsos_officer, decline_reason=DECLINE_REASON)
    assert kinds(case_worker_a) == [NotificationKind.REFERRAL_STATUS]

    move(declined, S.SENT, coordinator_a, note="Sudah dikonfirmasi domisilinya.")

    assert kinds(dinsos_officer) == [NotificationKind.NEW_REFERRAL, NotificationKind.NEW_REFERRAL]
    assert kinds(case_worker_a) == [NotificationKind.REFERRAL_STATUS]
    assert told(coordinator_a) == []


def test_cancelling_a_sent_referral_tells_the_agency(sent, case_worker_a, dinsos_officer):
    move(sent, S.CANCELLED, case_worker_a)

    assert kinds(dinsos_officer) == [
        NotificationKind.NEW_REFERRAL,
        NotificationKind.REFERRAL_STATUS,
    ]
    assert told(case_worker_a) == []


def test_cancelling_a_draft_tells_no_agency(
    by_the_coordinator, coordinator_a, case_worker_a, dinsos_officer
):
    move(by_the_coordinator, S.CANCELLED, coordinator_a)

    assert told(dinsos_officer) == []
    assert kinds(case_worker_a) == [NotificationKind.REFERRAL_STATUS]


def test_a_health_worker_gets_no_referral_notification(
    accepted, case_a, health_worker_a, dinsos_officer
):
    Case.objects.filter(pk=case_a.pk).update(case_worker=health_worker_a)

    move(accepted, S.IN_PROGRESS, dinsos_officer)

    assert told(health_worker_a) == []


def test_a_case_worker_of_another_office_is_not_told(
    accepted, case_a, case_worker_b, dinsos_officer
):
    Case.objects.filter(pk=case_a.pk).update(case_worker=case_worker_b)

    move(accepted, S.IN_PROGRESS, dinsos_officer)

    assert told(case_worker_b) == []


def test_a_rolled_back_send_leaves_no_notification(draft, case_worker_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.send_referral(referral=draft, by=case_worker_a, version=draft.version)
        raise RuntimeError("the write after it failed")

    assert Notification.objects.count() == 0


def test_the_texts_name_nobody(by_the_coordinator, coordinator_a, dinsos_officer, participant):
    referral = services.send_referral(
        referral=by_the_coordinator, by=coordinator_a, version=by_the_coordinator.version
    )
    referral = move(referral, S.ACCEPTED, dinsos_officer)
    referral = move(referral, S.IN_PROGRESS, dinsos_officer)
    move(referral, S.COMPLETED, dinsos_officer, outcome=OUTCOME)

    texts = list(Notification.objects.values_list("text", flat=True))
    assert len(texts) == 7
    for text in texts:
        assert referral.number in text
        assert participant.full_name not in text
        assert "Siti" not in text
        assert OUTCOME not in text
        assert coordinator_a.full_name not in text
        assert dinsos_officer.full_name not in text


def test_each_officer_reads_the_text_in_their_own_language(
    draft, case_worker_a, dinsos, social_rehabilitation
):
    english = UserFactory(
        role=Role.AGENCY_OFFICER, agency=dinsos, office=None, username="dinsos_en", language="en"
    )
    indonesian = UserFactory(
        role=Role.AGENCY_OFFICER, agency=dinsos, office=None, username="dinsos_id", language=""
    )

    referral = services.send_referral(referral=draft, by=case_worker_a, version=draft.version)

    assert told(english)[0].text == (
        f"New referral {referral.number} for your agency: {social_rehabilitation.name_en}"
    )
    assert social_rehabilitation.name in told(indonesian)[0].text
