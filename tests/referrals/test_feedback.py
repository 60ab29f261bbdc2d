"""The returnee's feedback, asked when the case worker confirms a completed referral's
outcome with them: stored with the confirmation, shown to the office and the agency."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.workflow import IllegalMove
from referrals import services
from referrals.models import Referral, Satisfaction
from referrals.models import ReferralStatus as S

SAID = "Bantuan sudah diterima, tetapi petugas datang terlambat dua minggu."


@pytest.fixture
def completed(draft, put_in):
    return put_in(draft, S.COMPLETED)


def confirm_url(referral):
    return reverse("referrals:confirm", args=[referral.pk])


def label(choice):
    with translation.override("id"):
        return str(choice.label)


def test_the_case_worker_records_the_returnees_feedback_with_the_confirmation(
    client, completed, case_worker_a
):
    client.force_login(case_worker_a)
    assert client.get(completed.get_absolute_url()).context["confirm_form"] is not None

    response = client.post(
        confirm_url(completed),
        {"received": "yes", "satisfaction": Satisfaction.PARTLY, "note": f"  {SAID}  "},
    )

    completed.refresh_from_db()
    assert response.status_code == 302
    assert completed.returnee_confirmed_at is not None
    assert completed.feedback_received is True
    assert completed.feedback_satisfaction == Satisfaction.PARTLY
    assert completed.feedback_note == SAID


def test_confirming_without_asking_records_the_confirmation_and_no_feedback(
    client, completed, case_worker_a
):
    client.force_login(case_worker_a)

    client.post(confirm_url(completed), {"received": "", "satisfaction": "", "note": ""})

    completed.refresh_from_db()
    assert completed.returnee_confirmed_at is not None
    assert completed.feedback_received is None
    assert completed.feedback_satisfaction == ""


def test_the_returnee_saying_the_service_never_came_is_kept(client, completed, case_worker_a):
    client.force_login(case_worker_a)

    client.post(confirm_url(completed), {"received": "no", "satisfaction": Satisfaction.NOT})

    completed.refresh_from_db()
    assert completed.feedback_received is False
    assert completed.feedback_satisfaction == Satisfaction.NOT


@pytest.mark.parametrize("who", ["case_worker_a", "dinsos_officer"])
def test_the_feedback_is_shown_on_the_referral_page_to_the_office_and_the_agency(
    request, client, completed, case_worker_a, who
):
    services.confirm_with_returnee(
        referral=completed,
        by=case_worker_a,
        received=True,
        satisfaction=Satisfaction.SATISFIED,
        feedback_note=SAID,
    )
    client.force_login(request.getfixturevalue(who))

    response = client.get(completed.get_absolute_url())

    html = response.content.decode()
    assert SAID in html
    assert label(Satisfaction.SATISFIED) in html
    assert response.context["confirm_form"] is None


@pytest.mark.parametrize("status", [S.SENT, S.ACCEPTED, S.IN_PROGRESS, S.DECLINED, S.UNABLE])
def test_feedback_is_refused_on_a_referral_not_completed_and_nothing_is_written(
    client, draft, put_in, case_worker_a, status
):
    referral = put_in(draft, status)
    client.force_login(case_worker_a)

    response = client.post(
        confirm_url(referral), {"received": "yes", "satisfaction": Satisfaction.SATISFIED}
    )

    referral.refresh_from_db()
    assert response.status_code == 302
    assert referral.returnee_confirmed_at is None
    assert referral.feedback_received is None
    assert referral.feedback_satisfaction == ""


def test_an_unknown_satisfaction_is_refused_and_nothing_is_written(
    client, completed, case_worker_a
):
    client.force_login(case_worker_a)

    client.post(confirm_url(completed), {"received": "yes", "satisfaction": "ecstatic"})
    with pytest.raises(IllegalMove):
        services.confirm_with_returnee(
            referral=completed, by=case_worker_a, satisfaction="ecstatic"
        )

    completed.refresh_from_db()
    assert completed.returnee_confirmed_at is None
    assert completed.feedback_satisfaction == ""


def test_a_second_confirmation_keeps_the_first_feedback(completed, case_worker_a):
    services.confirm_with_returnee(
        referral=completed, by=case_worker_a, received=True, feedback_note=SAID
    )

    services.confirm_with_returnee(
        referral=Referral.objects.get(pk=completed.pk),
        by=case_worker_a,
        received=False,
        feedback_note="Lain",
    )

    completed.refresh_from_db()
    assert completed.feedback_received is True
    assert completed.feedback_note == SAID


def test_the_agency_officer_cannot_record_the_returnees_feedback(client, completed, dinsos_officer):
    client.force_login(dinsos_officer)

    response = client.post(confirm_url(completed), {"received": "yes"})

    completed.refresh_from_db()
    assert response.status_code == 403
    assert completed.returnee_confirmed_at is None


def test_an_outsider_gets_404_and_writes_nothing(client, completed, case_worker_b):
    client.force_login(case_worker_b)

    response = client.post(confirm_url(completed), {"received": "yes"})

    completed.refresh_from_db()
    assert response.status_code == 404
    assert completed.returnee_confirmed_at is None
