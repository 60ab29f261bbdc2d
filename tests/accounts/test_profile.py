"""The user's own profile: name, contact details and language."""

import pytest
from django.conf import settings as django_settings

from accounts.models import Role

PROFILE_URL = "/accounts/profile/"


def profile_data(user, **changes):
    data = {"full_name": user.full_name, "email": user.email, "phone": user.phone, "language": ""}
    return {**data, **changes}


@pytest.fixture
def worker(client, case_worker_a):
    client.force_login(case_worker_a)
    return case_worker_a


def test_the_user_menu_links_to_the_profile(client, worker):
    page = client.get("/").content.decode()

    assert f'href="{PROFILE_URL}"' in page
    assert ">Profil<" in page


def test_the_profile_shows_the_users_details(client, worker):
    response = client.get(PROFILE_URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert worker.full_name in page
    assert worker.username in page
    assert "Petugas pendamping" in page


def test_a_user_saves_name_email_and_phone(client, worker):
    response = client.post(
        PROFILE_URL,
        profile_data(
            worker,
            full_name="Dedi Kurniawan",
            email="dedi@bp3mi-banten.example",
            phone="0812 3456 7890",
        ),
        follow=True,
    )

    assert response.redirect_chain == [(PROFILE_URL, 302)]
    assert "Profil Anda tersimpan" in response.content.decode()
    worker.refresh_from_db()
    assert (worker.full_name, worker.email, worker.phone) == (
        "Dedi Kurniawan",
        "dedi@bp3mi-banten.example",
        "0812 3456 7890",
    )


def test_a_bad_email_is_refused_in_indonesian_and_nothing_is_saved(client, worker):
    before = (worker.full_name, worker.email, worker.phone)

    response = client.post(
        PROFILE_URL, profile_data(worker, full_name="Nama Baru", email="bukan-email")
    )

    assert response.status_code == 200
    assert "Masukkan alamat email yang valid." in response.content.decode()
    worker.refresh_from_db()
    assert (worker.full_name, worker.email, worker.phone) == before


def test_the_profile_cannot_change_role_or_office(client, worker, office_a, office_b):
    client.post(
        PROFILE_URL,
        {**profile_data(worker), "role": Role.ADMIN, "office": office_b.pk, "is_staff": "on"},
    )

    worker.refresh_from_db()
    assert (worker.role, worker.office, worker.is_staff) == (Role.CASE_WORKER, office_a, False)


def test_choosing_english_switches_the_pages_at_once_and_for_later_requests(client, worker):
    response = client.post(PROFILE_URL, profile_data(worker, language="en"), follow=True)

    worker.refresh_from_db()
    assert worker.language == "en"
    assert client.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Your profile is saved." in page
    assert '<html lang="en">' in client.get("/").content.decode()


def test_emptying_the_language_returns_to_the_browsers_choice(client, worker):
    client.post(PROFILE_URL, profile_data(worker, language="en"))

    client.post(PROFILE_URL, profile_data(worker, language=""))

    worker.refresh_from_db()
    assert worker.language == ""
    assert client.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == ""
    assert '<html lang="id">' in client.get("/").content.decode()
