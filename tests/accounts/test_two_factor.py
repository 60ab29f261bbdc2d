"""Two-factor login: the code after the password, its setup, and the profile switch."""

import os
import re
import secrets
import subprocess
import sys
from base64 import b32decode
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts import access
from tests.factories import TEST_PASSWORD

LOGIN_URL = "/accounts/login/"
CODE_URL = "/accounts/login/code/"
SETUP_URL = "/accounts/two-factor/"
OFF_URL = "/accounts/two-factor/off/"
PROFILE_URL = "/accounts/profile/"

required = override_settings(REQUIRE_2FA=True)


def log_in(client, user, **extra):
    return client.post(LOGIN_URL, {"username": user.username, "password": TEST_PASSWORD}, **extra)


def device_for(user):
    return TOTPDevice.objects.create(user=user, name="Phone", key=random_hex(20), confirmed=True)


def code_for(key_bytes, later=0):
    """The code an authenticator app shows now (or `later` steps of 30 s on)."""
    return f"{totp(key_bytes, drift=later):06d}"


def wrong_code_for(key_bytes):
    return f"{(int(code_for(key_bytes)) + 1) % 1_000_000:06d}"


def secret_on(page):
    """The key the setup page shows for typing, as the app takes it."""
    text = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', page).group(1)
    return b32decode(text.replace(" ", ""))


@pytest.fixture
def coordinator_device(coordinator_a):
    return device_for(coordinator_a)


# Who must use it


def test_coordinators_and_administrators_must_use_it_only_when_required(
    coordinator_a, admin_user, case_worker_a
):
    assert not access.needs_two_factor(coordinator_a)
    with required:
        assert access.needs_two_factor(coordinator_a)
        assert access.needs_two_factor(admin_user)
        assert not access.needs_two_factor(case_worker_a)


# Setting it up when required


@required
def test_a_coordinator_without_a_device_is_sent_to_set_it_up(client, coordinator_a):
    response = log_in(client, coordinator_a, follow=True)

    assert response.redirect_chain[-1][0] == SETUP_URL + "?next=%2F"
    page = response.content.decode()
    assert "<svg" in page
    assert "<img" not in page.split('class="two-factor-qr"')[1].split("</div>")[0]
    assert secret_on(page)


@required
def test_the_dashboard_stays_closed_until_the_device_is_confirmed(client, coordinator_a):
    log_in(client, coordinator_a)

    for url in ["/", "/tasks/", PROFILE_URL, "/participants/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(SETUP_URL)
    assert not TOTPDevice.objects.filter(user=coordinator_a).exists()


@required
def test_a_wrong_first_code_is_refused_in_indonesian_and_nothing_is_confirmed(
    client, coordinator_a
):
    log_in(client, coordinator_a)
    key = secret_on(client.get(SETUP_URL).content.decode())
    response = client.post(SETUP_URL, {"code": wrong_code_for(key)})

    assert response.status_code == 200
    assert "Kode salah atau sudah kedaluwarsa" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=coordinator_a, confirmed=True).exists()
    assert client.get("/").status_code == 302


@required
def test_a_code_that_is_not_six_digits_is_refused(client, coordinator_a):
    log_in(client, coordinator_a)
    client.get(SETUP_URL)

    response = client.post(SETUP_URL, {"code": "12ab"})

    assert "Masukkan 6 digit yang ditampilkan aplikasi." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=coordinator_a).exists()


@required
def test_the_first_right_code_confirms_the_device_and_opens_the_dashboard(client, coordinator_a):
    log_in(client, coordinator_a)
    key = secret_on(client.get(SETUP_URL + "?next=/tasks/").content.decode())

    response = client.post(SETUP_URL, {"code": code_for(key), "next": "/tasks/"})

    assert response.status_code == 302
    assert response["Location"] == "/tasks/"
    device = TOTPDevice.objects.get(user=coordinator_a)
    assert device.confirmed
    assert device.bin_key == key
    assert client.get("/").status_code == 200


@required
def test_the_secret_stays_the_same_when_the_setup_page_is_reloaded(client, coordinator_a):
    log_in(client, coordinator_a)

    first = secret_on(client.get(SETUP_URL).content.decode())
    again = secret_on(client.get(SETUP_URL).content.decode())

    assert first == again


# The code after the password


def test_a_user_with_a_device_is_asked_for_the_code_after_the_password(client, coordinator_device):
    response = log_in(client, coordinator_device.user, follow=True)

    assert response.redirect_chain[-1][0] == CODE_URL + "?next=%2F"
    assert "Kode login" in response.content.decode()
    assert client.get("/").status_code == 302


def test_the_code_page_accepts_the_right_code(client, coordinator_device):
    log_in(client, coordinator_device.user)

    response = client.post(
        CODE_URL, {"code": code_for(coordinator_device.bin_key), "next": "/tasks/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/tasks/"
    assert client.get("/").status_code == 200


def test_the_code_page_refuses_a_wrong_code_in_indonesian(client, coordinator_device):
    log_in(client, coordinator_device.user)
    response = client.post(CODE_URL, {"code": wrong_code_for(coordinator_device.bin_key)})

    assert response.status_code == 200
    assert "Kode salah atau sudah kedaluwarsa" in response.content.decode()
    assert client.get("/").status_code == 302
    coordinator_device.refresh_from_db()
    assert coordinator_device.throttling_failure_count == 1


def test_after_wrong_codes_in_a_row_even_the_right_code_waits(client, coordinator_device):
    # Five wrong codes just now: the next try must wait 16 seconds.
    coordinator_device.throttling_failure_count = 5
    coordinator_device.throttling_failure_timestamp = timezone.now()
    coordinator_device.save()
    log_in(client, coordinator_device.user)

    response = client.post(CODE_URL, {"code": code_for(coordinator_device.bin_key)})

    assert "Terlalu banyak kode salah berturut-turut" in response.content.decode()
    assert client.get("/").status_code == 302


def test_a_code_cannot_be_used_twice(client, coordinator_device):
    code = code_for(coordinator_device.bin_key)
    log_in(client, coordinator_device.user)
    assert client.post(CODE_URL, {"code": code}).status_code == 302
    client.post("/accounts/logout/")

    log_in(client, coordinator_device.user)
    response = client.post(CODE_URL, {"code": code})

    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_logging_out_is_open_before_the_code(client, coordinator_device):
    log_in(client, coordinator_device.user)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@required
def test_a_case_worker_is_never_asked(client, case_worker_a):
    response = log_in(client, case_worker_a, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert response.status_code == 200
    assert client.get("/tasks/").status_code == 200


def test_without_the_requirement_a_coordinator_without_a_device_logs_in_as_before(
    client, coordinator_a
):
    response = log_in(client, coordinator_a, follow=True)

    assert response.redirect_chain[-1][0] == "/"


def test_the_code_page_needs_the_password_first(client, coordinator_device):
    response = client.get(CODE_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


# The profile switch


def test_the_profile_says_two_factor_login_is_off_and_offers_to_turn_it_on(client, case_worker_a):
    client.force_login(case_worker_a)

    page = client.get(PROFILE_URL).content.decode()

    assert 'data-two-factor="off"' in page
    assert f'href="{SETUP_URL}"' in page


def test_a_case_worker_turns_it_on_from_the_profile(client, case_worker_a):
    client.force_login(case_worker_a)
    key = secret_on(client.get(SETUP_URL).content.decode())

    response = client.post(SETUP_URL, {"code": code_for(key)}, follow=True)

    assert response.redirect_chain[-1][0] == PROFILE_URL
    page = response.content.decode()
    assert "Login dua langkah aktif." in page
    assert 'data-two-factor="on"' in page
    # From the next login on, the code is asked.
    client.post("/accounts/logout/")
    assert log_in(client, case_worker_a)["Location"] == "/"
    assert client.get("/")["Location"].startswith(CODE_URL)


def test_a_case_worker_turns_it_off_with_the_password(client, case_worker_a):
    device_for(case_worker_a)
    client.force_login(case_worker_a)
    client.post(CODE_URL, {"code": code_for(TOTPDevice.objects.get().bin_key)})

    response = client.post(OFF_URL, {"password": TEST_PASSWORD}, follow=True)

    assert "Login dua langkah dinonaktifkan." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=case_worker_a).exists()
    client.post("/accounts/logout/")
    log_in(client, case_worker_a)
    assert client.get("/").status_code == 200


def test_a_wrong_password_does_not_turn_it_off(client, case_worker_a):
    device_for(case_worker_a)
    client.force_login(case_worker_a)
    client.post(CODE_URL, {"code": code_for(TOTPDevice.objects.get().bin_key)})

    response = client.post(OFF_URL, {"password": "not-the-password"}, follow=True)

    assert "Kata sandi salah." in response.content.decode()
    assert TOTPDevice.objects.filter(user=case_worker_a, confirmed=True).exists()


@required
def test_a_coordinator_who_must_use_it_cannot_turn_it_off(client, coordinator_device):
    user = coordinator_device.user
    client.force_login(user)
    client.post(CODE_URL, {"code": code_for(coordinator_device.bin_key)})

    page = client.get(PROFILE_URL).content.decode()
    response = client.post(OFF_URL, {"password": TEST_PASSWORD})

    assert 'data-two-factor="on"' in page
    assert f'action="{OFF_URL}"' not in page
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=user).exists()


def test_turning_off_is_post_only(client, case_worker_a):
    client.force_login(case_worker_a)

    assert client.get(OFF_URL).status_code == 405


def test_pages_of_users_without_two_factor_login_ask_nothing_about_devices(client, case_worker_a):
    client.force_login(case_worker_a)

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/tasks/").status_code == 200

    assert not [q for q in captured.captured_queries if "otp_totp" in q["sql"]]


@required
def test_an_administrator_without_a_device_cannot_open_the_administration_site(client, admin_user):
    log_in(client, admin_user)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(SETUP_URL)


def test_an_htmx_request_before_the_code_is_sent_to_the_code_page(client, coordinator_device):
    log_in(client, coordinator_device.user)

    response = client.get("/tasks/", headers={"HX-Request": "true"})

    assert response["HX-Redirect"].startswith(CODE_URL)


def _setting_in(env):
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", "from config import settings; print(settings.REQUIRE_2FA)"],
        cwd=root,
        env={
            "PATH": os.environ.get("PATH", ""),
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "purna.example.go.id",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_it_is_required_by_default_in_production_only():
    assert _setting_in({"DJANGO_DEBUG": "false"}) == "True"
    assert _setting_in({"DJANGO_DEBUG": "false", "REQUIRE_2FA": "false"}) == "False"
    assert _setting_in({"DJANGO_DEBUG": "true"}) == "False"


def test_the_code_page_never_sends_the_user_to_another_site(client, coordinator_device):
    log_in(client, coordinator_device.user)

    response = client.post(
        CODE_URL, {"code": code_for(coordinator_device.bin_key), "next": "//evil.example/"}
    )

    assert response["Location"] == "/"
