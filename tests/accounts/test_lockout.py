from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from accounts.login_lockout import client_address
from tests.factories import TEST_PASSWORD, UserFactory

LOGIN_URL = "/accounts/login/"
ADDRESS_A = "203.0.113.10"
ADDRESS_B = "198.51.100.20"


@pytest.fixture(autouse=True)
def lockout_limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_ADDRESS_FAILURE_LIMIT = 20
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.TRUSTED_PROXY_COUNT = 0


def log_in(client, username, password=TEST_PASSWORD, address=ADDRESS_A, **extra):
    return client.post(
        LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def fail(client, username, times, address=ADDRESS_A, **extra):
    for _attempt in range(times):
        response = log_in(client, username, "salah-sandi", address=address, **extra)
    return response


def test_spraying_twenty_usernames_from_one_address_locks_the_address(client, coordinator_a):
    for number in range(20):
        fail(client, f"tebakan_{number}", 1)

    assert log_in(client, "koordinator_a").status_code == 429
    assert "_auth_user_id" not in client.session


def test_spraying_from_one_address_leaves_other_addresses_alone(client, coordinator_a):
    for number in range(20):
        fail(client, f"tebakan_{number}", 1)

    assert log_in(client, "koordinator_a", address=ADDRESS_B).status_code == 302


def test_colleagues_typos_on_a_shared_address_lock_nobody_else(
    client, case_worker_a, coordinator_a, health_worker_a
):
    fail(client, "petugas_a", 4)
    fail(client, "nakes_a", 4)

    assert log_in(client, "koordinator_a").status_code == 302


def test_five_failures_lock_the_username_at_that_address_only(client, coordinator_a):
    assert fail(client, "koordinator_a", 4).status_code == 200

    assert fail(client, "koordinator_a", 1).status_code == 429
    assert log_in(client, "koordinator_a").status_code == 429
    assert log_in(client, "koordinator_a", address=ADDRESS_B).status_code == 302


def test_nobody_elsewhere_can_lock_the_administrator_out(client, admin_user):
    fail(client, "admin_a", 10)

    assert log_in(client, "admin_a", address=ADDRESS_B).status_code == 302


def test_the_lock_ends_after_the_cool_off(client, coordinator_a):
    fail(client, "koordinator_a", 5)
    assert log_in(client, "koordinator_a").status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert log_in(client, "koordinator_a").status_code == 302


def test_the_address_lock_ends_after_the_cool_off(client, coordinator_a):
    for number in range(20):
        fail(client, f"tebakan_{number}", 1)

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert log_in(client, "koordinator_a").status_code == 302


def test_tries_during_a_lock_do_not_prolong_it(client, coordinator_a):
    fail(client, "koordinator_a", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))

    fail(client, "koordinator_a", 3)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert log_in(client, "koordinator_a").status_code == 302


def test_a_successful_login_resets_the_count(client, coordinator_a):
    fail(client, "koordinator_a", 4)
    assert log_in(client, "koordinator_a").status_code == 302
    client.post("/accounts/logout/", REMOTE_ADDR=ADDRESS_A)

    assert fail(client, "koordinator_a", 4).status_code == 200
    assert log_in(client, "koordinator_a").status_code == 302


def test_the_locked_page_says_when_to_try_again_and_who_can_unlock(client, coordinator_a):
    client.cookies["django_language"] = "en"
    fail(client, "koordinator_a", 4)

    locked = fail(client, "koordinator_a", 1)

    assert locked.status_code == 429
    page = locked.content.decode()
    until = timezone.localtime(locked.context["locked_until"])
    expected = timezone.localtime() + timedelta(minutes=15)
    assert abs(until - expected) < timedelta(minutes=1)
    assert f"Try again after {until:%H:%M}." in page
    assert "coordinator or an administrator can lift the block" in page
    assert "Logging in from elsewhere is not affected." in page


def test_the_reset_command_lifts_a_lock(client, coordinator_a):
    fail(client, "koordinator_a", 5)

    call_command("axes_reset_ip_username", ADDRESS_A, "koordinator_a", stdout=None)

    assert log_in(client, "koordinator_a").status_code == 302


def test_forwarded_addresses_are_ignored_without_a_trusted_proxy(client, coordinator_a):
    for number in range(20):
        fail(client, f"tebakan_{number}", 1, HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")

    assert log_in(client, "koordinator_a", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_behind_a_trusted_proxy_each_client_address_counts_on_its_own(
    client, settings, coordinator_a
):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    for number in range(20):
        fail(client, f"tebakan_{number}", 1, address=proxy, HTTP_X_FORWARDED_FOR=ADDRESS_A)

    assert (
        log_in(client, "koordinator_a", address=proxy, HTTP_X_FORWARDED_FOR=ADDRESS_A).status_code
        == 429
    )
    other_client = log_in(client, "koordinator_a", address=proxy, HTTP_X_FORWARDED_FOR=ADDRESS_B)
    assert other_client.status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "10.0.0.1"),
        (1, "192.0.2.1", "192.0.2.1"),
        # A client's own entries come first; only the proxy's entry counts.
        (1, "6.6.6.6, 192.0.2.1", "192.0.2.1"),
        (2, "6.6.6.6, 192.0.2.1, 10.0.0.2", "192.0.2.1"),
        # Fewer entries than proxies: not from our proxies, so the peer address.
        (2, "192.0.2.1", "10.0.0.1"),
    ],
)
def test_the_client_address_is_read_from_trusted_proxies_only(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected


def test_unknown_usernames_and_real_ones_count_alike_towards_the_address_lock(
    client, coordinator_a
):
    for number in range(10):
        UserFactory(username=f"staf_{number}", office=coordinator_a.office)
        fail(client, f"staf_{number}", 1)
    for number in range(10):
        fail(client, f"tebakan_{number}", 1)

    assert log_in(client, "koordinator_a").status_code == 429
