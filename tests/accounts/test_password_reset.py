"""Forgotten passwords: a link by email, usable once and for a limited time."""

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core import mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import TEST_PASSWORD

RESET_URL = "/accounts/password_reset/"
NEW_PASSWORD = "Sandi-Baru-Banten-2026!"
CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


@pytest.fixture
def worker(case_worker_a):
    case_worker_a.email = "petugas.a@bp3mi-banten.example"
    case_worker_a.save()
    return case_worker_a


def ask_for_reset(client, email):
    return client.post(RESET_URL, {"email": email}, follow=True)


def link_in(message, settings):
    match = re.search(r"https?://\S+/accounts/reset/\S+/", message.body)
    assert match, message.body
    assert match.group(0).startswith(settings.SITE_URL + "/")
    return match.group(0).removeprefix(settings.SITE_URL)


def set_password(client, link, password=NEW_PASSWORD):
    form_page = client.get(link, follow=True)
    return client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"new_password1": password, "new_password2": password},
        follow=True,
    )


def test_the_login_page_links_to_the_reset_page(client, db):
    page = client.get("/accounts/login/").content.decode()

    assert f'href="{RESET_URL}"' in page
    assert "Lupa kata sandi?" in page


def test_the_reset_pages_answer_without_login(client, db):
    for path in [RESET_URL, RESET_URL + "done/", "/accounts/reset/done/", "/accounts/reset/x/y/"]:
        assert client.get(path).status_code == 200, path


def test_a_user_resets_the_password_by_email_and_logs_in_with_it(client, worker, settings):
    response = ask_for_reset(client, "PETUGAS.A@bp3mi-banten.example")

    assert response.redirect_chain[-1][0] == RESET_URL + "done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["petugas.a@bp3mi-banten.example"]
    assert message.subject == "[Purna] Pilih kata sandi baru"
    # Nothing about the person but the link.
    assert worker.full_name not in message.body
    assert worker.username not in message.body

    done = set_password(client, link_in(message, settings))

    assert done.redirect_chain[-1][0] == "/accounts/reset/done/"
    assert "Kata sandi sudah diatur" in done.content.decode()
    worker.refresh_from_db()
    assert worker.check_password(NEW_PASSWORD)
    login = client.post("/accounts/login/", {"username": worker.username, "password": NEW_PASSWORD})
    assert login.status_code == 302
    assert client.session["_auth_user_id"] == str(worker.pk)


def test_the_email_speaks_the_users_own_language(client, worker, settings):
    worker.language = "en"
    worker.save()

    ask_for_reset(client, worker.email)

    assert mail.outbox[0].subject == "[Purna] Choose a new password"


def test_an_unknown_address_gets_the_same_answer_as_a_known_one(client, worker):
    known = ask_for_reset(client, worker.email)
    unknown = ask_for_reset(client, "tidak.ada@bp3mi-banten.example")

    assert known.redirect_chain == unknown.redirect_chain
    assert known.status_code == unknown.status_code == 200
    assert CSRF.sub(b"", known.content) == CSRF.sub(b"", unknown.content)
    assert "Jika ada akun dengan alamat email tersebut" in known.content.decode()
    assert len(mail.outbox) == 1


def test_an_inactive_user_gets_no_email(client, worker):
    worker.is_active = False
    worker.save()

    response = ask_for_reset(client, worker.email)

    assert response.redirect_chain[-1][0] == RESET_URL + "done/"
    assert mail.outbox == []


def test_an_account_without_an_email_cannot_be_reset(client, case_worker_a):
    assert case_worker_a.email == ""

    response = ask_for_reset(client, "")

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert mail.outbox == []


def invalid_link_page(response):
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tautan ini tidak valid atau sudah kedaluwarsa" in page
    assert f'href="{RESET_URL}"' in page
    assert 'name="new_password1"' not in page
    return page


def test_a_tampered_link_is_refused(client, worker, settings):
    ask_for_reset(client, worker.email)
    link = link_in(mail.outbox[0], settings)
    last = link[-2]
    tampered = link[:-2] + ("0" if last != "0" else "1") + "/"

    invalid_link_page(client.get(tampered, follow=True))
    worker.refresh_from_db()
    assert worker.check_password(TEST_PASSWORD)


def test_a_link_works_only_once(client, worker, settings):
    ask_for_reset(client, worker.email)
    link = link_in(mail.outbox[0], settings)
    set_password(client, link)

    again = client.get(link, follow=True)

    invalid_link_page(again)


def test_an_expired_link_is_refused(client, worker, settings, monkeypatch):
    token = default_token_generator.make_token(worker)
    uid = urlsafe_base64_encode(force_bytes(worker.pk))
    later = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)

    response = client.get(f"/accounts/reset/{uid}/{token}/", follow=True)

    invalid_link_page(response)


def test_a_locked_account_stays_locked_until_the_lock_ends(client, worker, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _attempt in range(2):
        client.post("/accounts/login/", {"username": worker.username, "password": "salah"})
    ask_for_reset(client, worker.email)
    set_password(client, link_in(mail.outbox[0], settings))

    login = client.post("/accounts/login/", {"username": worker.username, "password": NEW_PASSWORD})

    assert login.status_code == 429
