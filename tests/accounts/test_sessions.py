from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts import idle_sessions
from tests.accounts.test_password_reset import ask_for_reset, link_in, set_password
from tests.factories import TEST_PASSWORD

NEW_PASSWORD = "Sandi-Baru-Banten-2026!"


def stored_session(client):
    return Session.objects.get(session_key=client.session.session_key)


def idle_for(client, settings, minutes):
    """Make the client's last request look `minutes` old."""
    last_request = timezone.now() - timedelta(minutes=minutes)
    session = client.session
    idle_sessions.mark_seen(session, at=int(last_request.timestamp()))
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=last_request + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )


def is_logged_in(client):
    return client.get("/").status_code == 200


def test_a_session_ends_after_thirty_idle_minutes_and_with_the_browser(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert "accounts.idle_sessions.IdleSessionMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_after_thirty_one_idle_minutes_the_user_is_logged_out(client, settings, case_worker_a):
    client.force_login(case_worker_a)
    assert is_logged_in(client)

    idle_for(client, settings, 31)

    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_each_request_starts_the_idle_count_again(client, settings, case_worker_a):
    client.force_login(case_worker_a)
    idle_for(client, settings, 29)

    assert is_logged_in(client)

    remaining = stored_session(client).expire_date - timezone.now()
    assert remaining > timedelta(minutes=29)
    idle_for(client, settings, 29)
    assert is_logged_in(client)


@pytest.fixture
def other_device(case_worker_a):
    device = Client()
    device.force_login(case_worker_a)
    assert is_logged_in(device)
    return device


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(
    client, case_worker_a, other_device
):
    client.force_login(case_worker_a)

    response = client.post(
        "/accounts/password/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert is_logged_in(client)
    assert not is_logged_in(other_device)


def test_a_wrong_old_password_leaves_the_other_sessions_alone(client, case_worker_a, other_device):
    client.force_login(case_worker_a)

    client.post(
        "/accounts/password/",
        {
            "old_password": "bukan-sandi-lama",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert is_logged_in(other_device)


def test_resetting_the_password_by_email_ends_every_session(
    client, settings, case_worker_a, other_device
):
    case_worker_a.email = "petugas.a@bp3mi-banten.example"
    case_worker_a.save()

    ask_for_reset(client, case_worker_a.email)
    set_password(client, link_in(mail.outbox[0], settings), NEW_PASSWORD)

    assert not is_logged_in(other_device)
    case_worker_a.refresh_from_db()
    assert case_worker_a.check_password(NEW_PASSWORD)


def test_pages_opened_within_a_minute_do_not_write_the_session_again(client, case_worker_a):
    client.force_login(case_worker_a)
    client.get("/")
    saved = stored_session(client).expire_date

    client.get("/")

    assert stored_session(client).expire_date == saved
