"""Two officers acting on one referral at the same moment: one wins, nothing is lost."""

import threading

import pytest
from django.db import connection

from accounts.models import Role
from accounts.workflow import IllegalMove
from referrals.models import Referral, ReferralTransition, Urgency
from referrals.models import ReferralStatus as S
from referrals.services import create_referral, move_referral, send_referral
from tests.factories import UserFactory, load_reference_data

ROUNDS = 5


def race(referral, attempts):
    """Run each (officer, target, written) at once, each thread on its own connection.

    Every attempt passes the version both pages showed. Returns, per attempt, "moved"
    or the exception it raised.
    """
    version = referral.version
    barrier = threading.Barrier(len(attempts))
    results = [None] * len(attempts)

    def attempt(index, by, target, written):
        try:
            barrier.wait(timeout=10)
            move_referral(
                referral=Referral(pk=referral.pk), to=target, by=by, version=version, **written
            )
            results[index] = "moved"
        except Exception as error:  # reported by the test, whatever it is
            results[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=(index, *attempt_args))
        for index, attempt_args in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a move never finished"
    return results


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    load_reference_data()


@pytest.mark.django_db(transaction=True)
def test_two_officers_accepting_and_declining_at_once_never_lose_an_update(
    case_a, consent, dinsos, social_rehabilitation, case_worker_a, dinsos_officer
):
    other_officer = UserFactory(
        username="dinsos_officer_2", role=Role.AGENCY_OFFICER, agency=dinsos, office=None
    )
    accept = (dinsos_officer, S.ACCEPTED, {})
    decline = (other_officer, S.DECLINED, {"decline_reason": "Kuota tahun ini habis."})

    for round_number in range(ROUNDS):
        draft = create_referral(
            case=case_a,
            agency=dinsos,
            service=social_rehabilitation,
            reason="Perlu rehabilitasi sosial.",
            urgency=Urgency.NORMAL,
            by=case_worker_a,
        )
        sent = send_referral(referral=draft, by=case_worker_a, version=draft.version)
        # Alternate who starts first, so neither side wins by always being first.
        attempts = [accept, decline] if round_number % 2 == 0 else [decline, accept]

        results = race(sent, attempts)

        winners = [
            target
            for (_by, target, _w), result in zip(attempts, results, strict=True)
            if result == "moved"
        ]
        losers = [result for result in results if result != "moved"]
        assert len(winners) == 1, f"round {round_number}: {results}"
        [loser] = losers
        assert isinstance(loser, IllegalMove), f"round {round_number}: {loser!r}"
        [winner] = winners
        referral = Referral.objects.get(pk=sent.pk)
        assert referral.status == winner
        assert referral.version == sent.version + 1
        after_sending = ReferralTransition.objects.filter(referral=referral, from_status=S.SENT)
        assert list(after_sending.values_list("to_status", flat=True)) == [winner]
        if winner == S.ACCEPTED:
            assert referral.decline_reason == ""
        else:
            assert referral.decline_reason == "Kuota tahun ini habis."
