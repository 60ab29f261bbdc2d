"""Two-factor login in a real browser: the demo coordinator sets it up and logs in with it."""

import re
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.models import User


@pytest.fixture
def required(settings):
    settings.REQUIRE_2FA = True


def code_from(secret_text, later=0):
    """What an authenticator app would show for the key typed from the page."""
    key = b32decode(secret_text.replace(" ", ""))
    return f"{totp(key, drift=later):06d}"


def test_the_coordinator_sets_up_two_factor_login_and_logs_in_with_the_code(
    page, live_server, demo_world, log_in, required
):
    home = live_server.url + reverse("home")

    log_in(page, "koordinator")

    expect(page).to_have_url(re.compile(re.escape(live_server.url + reverse("two_factor_setup"))))
    expect(page.locator(".two-factor-qr svg")).to_be_visible()
    # The dashboard stays closed until the device is confirmed.
    page.goto(home)
    expect(page).to_have_url(re.compile(re.escape(live_server.url + reverse("two_factor_setup"))))
    secret = page.locator("#two-factor-secret").inner_text()
    page.fill("#id_code", code_from(secret))
    with page.expect_navigation():
        page.click("form:has(#id_code) button[type=submit]")

    expect(page).to_have_url(home)
    expect(page.locator(".usermenu-name")).to_be_visible()
    assert TOTPDevice.objects.get(user=User.objects.get(username="koordinator")).confirmed

    page.click("details.usermenu summary")
    with page.expect_navigation():
        page.click("details.usermenu form[action$='/logout/'] button[type=submit]")
    log_in(page, "koordinator")

    expect(page).to_have_url(re.compile(re.escape(live_server.url + reverse("two_factor_verify"))))
    expect(page.locator("nav.mainnav a")).to_have_count(0)
    # The code of the setup was used; the app shows the next one 30 seconds on.
    page.fill("#id_code", code_from(secret, later=1))
    with page.expect_navigation():
        page.click("form:has(#id_code) button[type=submit]")

    expect(page).to_have_url(home)
    expect(page.locator(".usermenu-name")).to_be_visible()
