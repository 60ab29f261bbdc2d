"""The daily digest: each user's work list counts by email, once a day, with no names."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Notification, User
from cases.models import FollowUp
from referrals.models import Referral
from reports import digest
from tests.cases.conftest import enrol
from tests.reports.conftest import refer


def today():
    # Read at each use: a suite that runs past midnight in Jakarta sees the new day.
    return timezone.localdate()


DAY = datetime.timedelta(days=1)
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PROFILE_URL = "/accounts/profile/"


def wants_digest(user, email=None, language="en"):
    user.email = email or f"{user.username}@bp3mi.example"
    user.wants_daily_digest = True
    user.language = language
    user.save(update_fields=["email", "wants_daily_digest", "language"])
    return user


def visit_due(case, month, day):
    FollowUp.objects.filter(case=case, month=month).update(due_on=day)


def mails_to(mailoutbox, user):
    return [mail for mail in mailoutbox if user.email in mail.to]


@pytest.fixture
def work(case_a, case_worker_a, program_a):
    """Siti Aminah's visit overdue and two visits due this week for case_worker_a."""
    visit_due(case_a, 1, today() - 2 * DAY)
    visit_due(case_a, 3, today() + 3 * DAY)
    dewi = enrol(program_a, case_worker_a, full_name="Dewi Lestari")
    visit_due(dewi, 1, today() + DAY)
    return {"siti": case_a, "dewi": dewi}


def test_the_digest_counts_each_section_and_links_to_the_tasks(
    case_worker_a, work, mailoutbox, settings
):
    settings.SITE_URL = "https://purna.example.go.id"
    wants_digest(case_worker_a)
    Notification.objects.create(
        user=case_worker_a, kind="assigned", text="Kasus baru", url="/", event="e1"
    )

    assert digest.send_digests(today()) == 1

    [mail] = mailoutbox
    assert mail.to == [case_worker_a.email]
    assert mail.subject == "[Purna] Your work list today"
    assert "- 1 follow-up visit overdue\n" in mail.body
    assert "- 2 follow-up visits due this week\n" in mail.body
    assert "- 1 unread notification\n" in mail.body
    assert "https://purna.example.go.id/tasks/" in mail.body


def test_the_digest_names_nobody_and_shows_no_record(case_worker_a, work, mailoutbox):
    wants_digest(case_worker_a)

    digest.send_digests(today())

    [mail] = mailoutbox
    for case in work.values():
        person = case.participant
        for detail in (person.full_name, person.registration_number, person.nik_masked):
            assert detail not in mail.body
            assert detail not in mail.subject
    assert f"/cases/{work['siti'].pk}/" not in mail.body


def test_the_digest_is_written_in_the_users_language(case_worker_a, work, mailoutbox):
    wants_digest(case_worker_a, language="id")

    digest.send_digests(today())

    [mail] = mailoutbox
    # A sentence the reminders share, translated already.
    assert "tidak memuat data pribadi" in mail.body


def test_a_dinsos_officers_digest_counts_only_dinsos_referrals(
    case_a, coordinator_a, dinsos, dinkes, dinsos_officer, dinkes_officer, mailoutbox
):
    for agency, code in ((dinsos, "pkh_proposal"), (dinkes, "follow_up_examination")):
        refer(case_a, agency, code, by=coordinator_a, coordinator=coordinator_a)
    late = refer(
        case_a, dinkes, "follow_up_examination", by=coordinator_a, coordinator=coordinator_a
    )
    Referral.objects.filter(pk=late.pk).update(due_at=timezone.now() - 2 * DAY)
    wants_digest(dinsos_officer)
    wants_digest(dinkes_officer)

    assert digest.send_digests(today()) == 2

    [dinsos_mail] = mails_to(mailoutbox, dinsos_officer)
    assert "- 1 referral to accept\n" in dinsos_mail.body
    assert "overdue" not in dinsos_mail.body
    [dinkes_mail] = mails_to(mailoutbox, dinkes_officer)
    assert "- 1 overdue referral\n" in dinkes_mail.body
    assert "- 1 referral to accept\n" in dinkes_mail.body


def test_the_digest_is_sent_once_a_day(case_worker_a, work, mailoutbox):
    wants_digest(case_worker_a)

    assert digest.send_digests(today()) == 1
    assert digest.send_digests(today()) == 0
    # A second run holding the user as they were before the first one sends nothing.
    assert case_worker_a.digest_sent_on is None
    assert digest.send_digest(case_worker_a, today()) is False

    assert len(mailoutbox) == 1
    case_worker_a.refresh_from_db()
    assert case_worker_a.digest_sent_on == today()
    assert digest.send_digests(today() + DAY) == 1
    assert len(mailoutbox) == 2


def test_a_digest_that_could_not_be_sent_is_tried_again(
    case_worker_a, work, mailoutbox, monkeypatch
):
    wants_digest(case_worker_a)

    def fail(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(digest, "send_mail", fail)
    assert digest.send_digests(today()) == 0
    case_worker_a.refresh_from_db()
    assert case_worker_a.digest_sent_on is None

    monkeypatch.undo()
    assert digest.send_digests(today()) == 1


def test_nothing_is_sent_when_nothing_waits(case_worker_a, case_a, mailoutbox):
    wants_digest(case_worker_a)

    assert digest.send_digests(today()) == 0

    assert mailoutbox == []
    case_worker_a.refresh_from_db()
    assert case_worker_a.digest_sent_on is None


def test_nothing_is_sent_to_those_who_did_not_ask_have_no_email_or_left(
    case_worker_a, coordinator_a, health_worker_a, work, mailoutbox
):
    wants_digest(case_worker_a)
    case_worker_a.is_active = False
    case_worker_a.save(update_fields=["is_active"])
    wants_digest(health_worker_a)
    User.objects.filter(pk=health_worker_a.pk).update(email="")
    coordinator_a.email = "koordinator@bp3mi.example"
    coordinator_a.save(update_fields=["email"])  # work waits, but no digest was asked for

    assert digest.send_digests(today()) == 0

    assert mailoutbox == []


def test_the_task_sends_the_digests(case_worker_a, work, mailoutbox, settings):
    settings.TASKS = IMMEDIATE
    wants_digest(case_worker_a)

    result = digest.send_daily_digests.enqueue()

    assert result.return_value == 1
    assert len(mailoutbox) == 1


# --- The profile checkbox ---------------------------------------------------------------


def profile_data(user, **changes):
    data = {"full_name": user.full_name, "email": user.email, "phone": "", "language": ""}
    return {**data, **changes}


def test_a_user_asks_for_the_daily_email_in_their_profile(client, case_worker_a):
    client.force_login(case_worker_a)
    assert 'name="wants_daily_digest"' in client.get(PROFILE_URL).content.decode()

    response = client.post(
        PROFILE_URL,
        profile_data(case_worker_a, email="petugas@bp3mi.example", wants_daily_digest="on"),
    )

    assert response.status_code == 302
    case_worker_a.refresh_from_db()
    assert case_worker_a.wants_daily_digest


def test_the_daily_email_needs_an_email_address(client, case_worker_a):
    client.force_login(case_worker_a)

    response = client.post(
        PROFILE_URL, profile_data(case_worker_a, email="", wants_daily_digest="on")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["wants_daily_digest"]
    case_worker_a.refresh_from_db()
    assert not case_worker_a.wants_daily_digest
