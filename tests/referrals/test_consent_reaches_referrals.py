"""A withdrawn consent reaches the referrals already sent; agencies see what was handed over.

Siti Aminah consented to sharing with Dinsos; a coordinator sent Dinkes a referral on
his own decision. She withdraws the Dinsos consent, then gives it again.
"""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Notification, NotificationKind
from cases.models import Screening
from participants import services as participant_services
from referrals import services
from referrals.models import Referral, ReferralStatus
from tests.participants.helpers import consent_data

from .test_pages import pdf_text, sent_to

NEW_PHONE = "081299990000"
WITHDRAWN_ON = datetime.date(2025, 11, 20)


@pytest.fixture
def participant(case_a):
    """Siti Aminah, with the contact details an agency is handed."""
    participant = case_a.participant
    participant.address = "Kp. Gandaria RT 08/02"
    participant.phone = "081288000001"
    participant.save(update_fields=["address", "phone"])
    return participant


@pytest.fixture
def to_dinsos(sent):
    return sent


@pytest.fixture
def to_dinkes(case_a, dinkes, case_worker_a, coordinator_a):
    return sent_to(dinkes, "follow_up_examination", case_a, case_worker_a, coordinator_a)


def withdraw(client, consent, by):
    client.force_login(by)
    url = reverse("participants:consent_withdraw", args=[consent.participant_id, consent.pk])
    response = client.post(url, {"withdrawn_at": WITHDRAWN_ON.isoformat()})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at == WITHDRAWN_ON


def page_of(client, referral, user):
    client.force_login(user)
    return client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()


def letter_of(client, referral, user):
    client.force_login(user)
    return pdf_text(client.get(reverse("reports:referral_letter", args=[referral.pk])))


def inbox_of(client, user):
    client.force_login(user)
    return client.get(reverse("referrals:list")).content.decode()


def test_the_agency_sees_the_phone_number_it_was_handed_not_a_later_one(
    client, to_dinsos, participant, dinsos_officer
):
    handed_over = participant.phone
    participant.phone = NEW_PHONE
    participant.save(update_fields=["phone"])

    for text in (
        page_of(client, to_dinsos, dinsos_officer),
        letter_of(client, to_dinsos, dinsos_officer),
    ):
        assert NEW_PHONE not in text
    assert handed_over in page_of(client, to_dinsos, dinsos_officer)


def test_a_screening_recorded_after_sending_is_not_passed_on(
    client, to_dinkes, case_a, case_worker_a, dinkes_officer
):
    Screening.objects.create(
        case=case_a, kind="srq20", score=11, band="positive", recorded_by=case_worker_a
    )

    page = page_of(client, to_dinkes, dinkes_officer)

    assert "SRQ" not in page.upper()


def test_sending_back_hands_over_the_record_as_it_stands_then(
    client, to_dinsos, participant, case_worker_a, coordinator_a, dinsos_officer, put_in
):
    participant.phone = NEW_PHONE
    participant.save(update_fields=["phone"])
    declined = put_in(to_dinsos, ReferralStatus.DECLINED)

    services.move_referral(
        referral=declined,
        to=ReferralStatus.SENT,
        by=coordinator_a,
        version=declined.version,
        note="Alamat dan nomor telepon sudah diperbarui.",
    )

    assert NEW_PHONE in page_of(client, to_dinsos, dinsos_officer)


def test_withdrawing_the_consent_stops_the_sharing_at_once_everywhere_the_agency_looks(
    client,
    to_dinsos,
    to_dinkes,
    consent,
    participant,
    case_worker_a,
    dinsos_officer,
    dinkes_officer,
):
    withdraw(client, consent, case_worker_a)

    page = page_of(client, to_dinsos, dinsos_officer)
    letter = letter_of(client, to_dinsos, dinsos_officer)
    assert "mencabut persetujuan" in page
    assert "20 November 2025" in page
    for text in (page, letter):
        assert participant.full_name in text
        assert participant.phone not in text
        assert participant.nik_masked not in text and participant.nik not in text
        assert participant.address not in text
        assert "Keluarga tidak punya penghasilan" not in text  # the reason, too
    inbox = inbox_of(client, dinsos_officer)
    assert "Persetujuan dicabut" in inbox
    assert participant.registration_number not in inbox
    # The Dinkes referral rests on the coordinator's decision, not on that consent.
    dinkes_page = page_of(client, to_dinkes, dinkes_officer)
    assert "mencabut persetujuan" not in dinkes_page
    assert participant.phone in dinkes_page


def test_the_agency_and_the_case_worker_are_told_and_the_case_shows_it(
    client, to_dinsos, consent, case_a, coordinator_a, case_worker_a, dinsos_officer, dinkes_officer
):
    withdraw(client, consent, coordinator_a)

    told = Notification.objects.filter(kind=NotificationKind.CONSENT_CHANGED)
    assert {n.user for n in told} == {dinsos_officer, case_worker_a}
    assert all(to_dinsos.number in n.text and "dicabut" in n.text for n in told)
    assert all("Siti" not in n.text for n in told)
    client.force_login(case_worker_a)
    case_page = client.get(case_a.get_absolute_url()).content.decode()
    assert "Persetujuan dicabut 20 Nov 2025" in case_page
    # Emails name no one; what the agency opens after a withdrawal shows nothing.
    assert all("Siti" not in message.body for message in mail.outbox)


def test_a_consent_given_again_restores_what_was_handed_over(
    client, to_dinsos, consent, participant, case_worker_a, dinsos_officer
):
    withdraw(client, consent, case_worker_a)

    response = client.post(
        f"/participants/{participant.pk}/consents/new/",
        consent_data(purposes=["share_dinsos"], given_at="2025-11-25"),
    )

    assert response.status_code == 302
    to_dinsos.refresh_from_db()
    assert to_dinsos.sharing_stopped_on is None
    page = page_of(client, to_dinsos, dinsos_officer)
    assert "mencabut persetujuan" not in page
    assert participant.phone in page
    assert Notification.objects.filter(
        user=dinsos_officer, kind=NotificationKind.CONSENT_CHANGED, text__contains="lagi"
    ).exists()


def test_a_withdrawal_reaches_only_the_referrals_its_consent_covered(
    to_dinsos, to_dinkes, consent, case_worker_a
):
    participant_services.withdraw_consent(
        consent=consent, withdrawn_at=WITHDRAWN_ON, by=case_worker_a
    )

    assert Referral.objects.get(pk=to_dinsos.pk).sharing_stopped_on == WITHDRAWN_ON
    assert Referral.objects.get(pk=to_dinkes.pk).sharing_stopped_on is None
