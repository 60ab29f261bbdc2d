"""Logging in and out in a real browser, with the demo users."""

import re

import pytest
from django.urls import reverse
from django.utils.translation import override
from playwright.sync_api import expect

from accounts import demo
from accounts.models import Role


def login_url(live_server):
    """The login page, with or without a ?next= query."""
    return re.compile(re.escape(live_server.url + reverse("login")) + r"(\?.*)?$")


def home_url(live_server):
    return live_server.url + reverse("home")


@pytest.mark.parametrize("username", list(demo.USERS))
def test_each_demo_user_logs_in_on_a_phone_and_sees_who_they_are(
    phone_page, live_server, demo_world, log_in, username
):
    full_name, role, _agency_type = demo.USERS[username]
    with override("id"):
        role_label = str(Role(role).label)

    phone_page.goto(live_server.url + "/")
    expect(phone_page).to_have_url(login_url(live_server))
    log_in.submit(phone_page, username)

    expect(phone_page).to_have_url(home_url(live_server))
    expect(phone_page.locator(".usermenu-name")).to_have_text(full_name)
    expect(phone_page.locator(".usermenu-org")).to_contain_text(role_label)
    expect(phone_page.locator(".role-summary")).to_have_attribute("data-role", role.value)
    admin_links = phone_page.locator("nav.mainnav a[href='/admin/']")
    if role == Role.ADMIN:
        expect(admin_links).to_have_count(1)
        expect(admin_links).to_be_visible()
    else:
        expect(admin_links).to_have_count(0)


def test_a_wrong_password_shows_the_error_on_the_login_page(page, live_server, demo_world, log_in):
    log_in(page, "petugas", "not-the-password")

    expect(page).to_have_url(login_url(live_server))
    expect(page.locator(".alert-error")).to_be_visible()
    expect(page.locator("header.topbar")).to_have_count(0)


def test_logging_out_returns_to_the_login_page_and_closes_the_session(
    page, live_server, demo_world, log_in
):
    log_in(page, "koordinator")
    expect(page).to_have_url(home_url(live_server))

    page.click("details.usermenu summary")
    with page.expect_navigation():
        page.click("details.usermenu form[action$='/logout/'] button[type=submit]")

    expect(page).to_have_url(login_url(live_server))
    page.goto(live_server.url + "/")
    expect(page).to_have_url(login_url(live_server))
    expect(page.locator("#id_username")).to_be_visible()
