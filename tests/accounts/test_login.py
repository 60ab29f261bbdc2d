import pytest
from django.test import override_settings

from accounts.models import AccessLog, Role
from tests.factories import TEST_PASSWORD, UserFactory

LOGIN_URL = "/accounts/login/"


def log_in(client, username, password=TEST_PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


@pytest.fixture
def every_role(office_a, dinsos):
    users = {}
    for role in Role:
        if role == Role.AGENCY_OFFICER:
            organisation = {"agency": dinsos, "office": None}
        else:
            organisation = {"office": office_a}
        users[role] = UserFactory(username=f"demo_{role}", role=role, **organisation)
    return users


@pytest.mark.parametrize("role", list(Role))
def test_each_role_logs_in_and_sees_its_home_page(client, every_role, role):
    user = every_role[role]

    response = log_in(client, user.username, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    page = response.content.decode()
    assert user.full_name in page
    assert f'data-role="{role}"' in page
    assert str(user.organisation) in page


def test_admin_sees_the_administration_link_and_others_do_not(client, admin_user, case_worker_a):
    client.force_login(admin_user)
    assert 'href="/admin/"' in client.get("/").content.decode()

    client.force_login(case_worker_a)
    assert 'href="/admin/"' not in client.get("/").content.decode()


def test_login_returns_to_the_page_asked_for(client, case_worker_a):
    response = client.post(
        LOGIN_URL + "?next=/accounts/password/",
        {"username": "petugas_a", "password": TEST_PASSWORD, "next": "/accounts/password/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/"


def test_wrong_password_shows_an_error_in_indonesian(client, case_worker_a):
    response = log_in(client, "petugas_a", "salah-sandi")

    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account_at_this_address_with_a_clear_message(
    client, case_worker_a
):
    for _attempt in range(2):
        assert log_in(client, "petugas_a", "salah-sandi").status_code == 200

    locked = log_in(client, "petugas_a", "salah-sandi")

    assert locked.status_code == 429
    assert locked.context["locked_until"] is not None
    # Even the right password is refused here while the lock lasts; elsewhere it is not.
    assert log_in(client, "petugas_a").status_code == 429
    assert "_auth_user_id" not in client.session
    assert log_in(client, "petugas_a", REMOTE_ADDR="198.51.100.20").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_lock_on_one_account_leaves_colleagues_on_the_same_network_alone(
    client, case_worker_a, coordinator_a
):
    for _attempt in range(3):
        log_in(client, "petugas_a", "salah-sandi")

    response = log_in(client, "koordinator_a")

    assert response.status_code == 302


def test_logins_failures_and_logouts_are_written_to_the_access_log(client, case_worker_a):
    log_in(client, "petugas_a", "salah-sandi")
    log_in(client, "petugas_a")
    client.post("/accounts/logout/")

    entries = list(AccessLog.objects.order_by("id").values_list("action", "username", "user"))
    assert entries == [
        (AccessLog.Action.LOGIN_FAILED, "petugas_a", None),
        (AccessLog.Action.LOGIN, "petugas_a", case_worker_a.pk),
        (AccessLog.Action.LOGOUT, "petugas_a", case_worker_a.pk),
    ]


def test_logout_needs_a_post(client, case_worker_a):
    client.force_login(case_worker_a)

    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_password_change_checks_the_old_password_and_keeps_the_user_logged_in(
    client, case_worker_a
):
    client.force_login(case_worker_a)

    wrong = client.post(
        "/accounts/password/",
        {
            "old_password": "bukan-sandi-lama",
            "new_password1": "Sandi-Baru-2026!",
            "new_password2": "Sandi-Baru-2026!",
        },
    )
    assert wrong.status_code == 200
    assert "old_password" in wrong.context["form"].errors

    right = client.post(
        "/accounts/password/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Sandi-Baru-2026!",
            "new_password2": "Sandi-Baru-2026!",
        },
    )
    assert right.status_code == 302
    case_worker_a.refresh_from_db()
    assert case_worker_a.check_password("Sandi-Baru-2026!")
    assert client.get("/").status_code == 200


def test_passwords_are_hashed_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = UserFactory.build(office=None, role=Role.ADMIN)
    user.set_password("Sandi-Kuat-2026!")

    assert user.password.startswith("argon2$")


def test_admin_login_page_sends_visitors_to_the_application_login(client, admin_user):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

    client.force_login(admin_user)
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/admin/"


def test_non_staff_user_cannot_open_the_admin(client, coordinator_a):
    client.force_login(coordinator_a)

    assert client.get("/admin/login/").status_code == 403


def test_the_interface_is_indonesian_and_switches_to_english(client, case_worker_a):
    client.force_login(case_worker_a)
    assert "Beranda" in client.get("/").content.decode()

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)

    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Home" in page
    assert "Beranda" not in page
