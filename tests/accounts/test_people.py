"""A coordinator runs the office's people: adds and invites them, changes and deactivates them."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from tests.cases.conftest import enrol, make_program
from tests.factories import UserFactory

User = get_user_model()

NEW_OFFICER = {
    "full_name": "Rudi Hartono",
    "username": "rudi.dinsos",
    "email": "rudi@dinsos-tangerang.example",
    "phone": "0812000111",
    "role": Role.AGENCY_OFFICER,
}


@pytest.fixture
def coordinator_b(office_b):
    return UserFactory(username="koordinator_b", role=Role.COORDINATOR, office=office_b)


def invitation_path(message):
    return re.search(r"https?://[^/\s]+(/accounts/invitation/\S+/)", message.body).group(1)


def logs_in(client, username, password):
    """Whether the login page lets this person in (it redirects once they are)."""
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def add(client, **fields):
    return client.post(reverse("user_new"), fields)


# --- Adding and inviting ------------------------------------------------------------------


def test_a_coordinator_adds_an_agency_officer_who_is_emailed_and_shown_a_link(
    client, coordinator_a, dinsos, django_capture_on_commit_callbacks
):
    client.force_login(coordinator_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = add(client, **NEW_OFFICER, agency=dinsos.pk)

    officer = User.objects.get(username="rudi.dinsos")
    assert response.status_code == 302
    assert (officer.role, officer.agency, officer.office) == (Role.AGENCY_OFFICER, dinsos, None)
    assert not officer.has_usable_password()
    assert officer.invited_by == coordinator_a
    [message] = mail.outbox
    assert message.to == ["rudi@dinsos-tangerang.example"]
    page = client.get(response.url).content.decode()
    assert invitation_path(message) in page
    # Shown once: the next visit no longer shows it.
    assert invitation_path(message) not in client.get(response.url).content.decode()


def test_the_invited_officer_sets_a_password_and_lands_logged_in(
    client, coordinator_a, dinsos, django_capture_on_commit_callbacks
):
    client.force_login(coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        add(client, **NEW_OFFICER, agency=dinsos.pk)
    client.logout()
    link = invitation_path(mail.outbox[0])

    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Kuat-sekali-2025", "new_password2": "Kuat-sekali-2025"},
        follow=True,
    )

    assert response.status_code == 200
    assert response.context["user"].username == "rudi.dinsos"
    assert User.objects.get(username="rudi.dinsos").check_password("Kuat-sekali-2025")


def test_an_invitation_link_works_once(
    client, coordinator_a, dinsos, django_capture_on_commit_callbacks
):
    client.force_login(coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        add(client, **NEW_OFFICER, agency=dinsos.pk)
    client.logout()
    link = invitation_path(mail.outbox[0])
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(
        form_url, {"new_password1": "Kuat-sekali-2025", "new_password2": "Kuat-sekali-2025"}
    )
    client.logout()

    again = client.get(link, follow=True)

    assert "Tautan ini tidak berlaku lagi" in again.content.decode()
    assert "new_password1" not in again.content.decode()


def test_an_expired_or_tampered_invitation_link_is_refused(
    client, coordinator_a, dinsos, django_capture_on_commit_callbacks, monkeypatch
):
    client.force_login(coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        add(client, **NEW_OFFICER, agency=dinsos.pk)
    client.logout()
    link = invitation_path(mail.outbox[0])

    tampered = client.get(link[:-3] + "zz/", follow=True)
    assert "Tautan ini tidak berlaku lagi" in tampered.content.decode()

    # Four days later the 72-hour link has run out.
    later = default_token_generator._now() + datetime.timedelta(days=4)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    expired = client.get(link, follow=True)
    assert "Tautan ini tidak berlaku lagi" in expired.content.decode()


def test_a_new_invitation_replaces_the_old_link(
    client, coordinator_a, dinsos, django_capture_on_commit_callbacks
):
    client.force_login(coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        add(client, **NEW_OFFICER, agency=dinsos.pk)
    officer = User.objects.get(username="rudi.dinsos")
    first = invitation_path(mail.outbox[0])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("user_invite", args=[officer.pk]))
    client.logout()

    assert len(mail.outbox) == 2
    assert "Tautan ini tidak berlaku lagi" in client.get(first, follow=True).content.decode()
    fresh = client.get(invitation_path(mail.outbox[1]), follow=True)
    assert "new_password1" in fresh.content.decode()


def test_an_office_role_belongs_to_the_coordinators_own_office(client, coordinator_a, office_a):
    client.force_login(coordinator_a)

    add(client, **{**NEW_OFFICER, "role": Role.CASE_WORKER, "username": "petugas.baru"})

    person = User.objects.get(username="petugas.baru")
    assert (person.office, person.agency) == (office_a, None)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"role": Role.ADMIN}, "role"),
        ({"role": Role.AGENCY_OFFICER}, "agency"),
        ({"email": ""}, "email"),
        ({"email": "bukan-email"}, "email"),
        ({"username": "koordinator_a"}, "username"),
    ],
    ids=["administrator", "officer-without-agency", "no-email", "bad-email", "taken-username"],
)
def test_bad_input_is_refused_with_a_message_and_nobody_is_added(
    client, coordinator_a, change, field
):
    client.force_login(coordinator_a)
    before = User.objects.count()

    response = add(client, **{**NEW_OFFICER, **change})

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert User.objects.count() == before
    assert mail.outbox == []


# --- Who may ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["case_worker_a", "health_worker_a", "auditor_a", "dinsos_officer"])
def test_only_coordinators_and_the_administrator_have_people_pages(client, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("users")).status_code == 404
    assert client.get(reverse("user_new")).status_code == 404
    assert "/accounts/users/" not in client.get("/").content.decode()


def test_another_offices_coordinator_gets_404_on_this_offices_people(
    client, coordinator_b, case_worker_a
):
    client.force_login(coordinator_b)

    for name in ("user", "user_edit"):
        assert client.get(reverse(name, args=[case_worker_a.pk])).status_code == 404
    for name in ("user_deactivate", "user_reactivate", "user_invite"):
        assert client.post(reverse(name, args=[case_worker_a.pk])).status_code == 404
    assert case_worker_a.full_name not in client.get(reverse("users")).content.decode()
    case_worker_a.refresh_from_db()
    assert case_worker_a.is_active


def test_a_coordinator_cannot_touch_an_administrator(client, coordinator_a, admin_user):
    client.force_login(coordinator_a)

    assert admin_user.full_name not in client.get(reverse("users")).content.decode()
    assert client.get(reverse("user", args=[admin_user.pk])).status_code == 404
    assert client.post(reverse("user_deactivate", args=[admin_user.pk])).status_code == 404


def test_the_list_shows_the_office_and_its_agencies_with_last_login_and_dormancy(
    client, coordinator_a, case_worker_a, dinsos_officer, case_worker_b
):
    case_worker_a.last_login = timezone.now() - datetime.timedelta(days=120)
    case_worker_a.save()
    client.force_login(coordinator_a)

    page = client.get(reverse("users")).content.decode()

    assert case_worker_a.full_name in page
    assert dinsos_officer.full_name in page
    assert case_worker_b.full_name not in page
    assert "tidak aktif 90 hari" in page


# --- Deactivating -------------------------------------------------------------------------


def test_a_deactivated_case_worker_cannot_log_in_and_their_open_cases_wait_for_reassignment(
    client, coordinator_a, case_worker_a, regions
):
    program = make_program(coordinator_a.office, coordinator_a, regions["district"])
    case = enrol(program, case_worker_a, full_name="Siti Aminah", sex="F")
    case_worker_a.set_password("Rahasia-2025")
    case_worker_a.save()
    client.force_login(coordinator_a)

    client.post(reverse("user_deactivate", args=[case_worker_a.pk]))

    case_worker_a.refresh_from_db()
    assert not case_worker_a.is_active
    home = client.get("/").content.decode()
    assert case.get_absolute_url() in home
    assert "Siti Aminah" in home
    client.logout()
    assert not logs_in(client, case_worker_a.username, "Rahasia-2025")


def test_a_coordinator_cannot_deactivate_themselves(client, coordinator_a):
    client.force_login(coordinator_a)

    client.post(reverse("user_deactivate", args=[coordinator_a.pk]))

    coordinator_a.refresh_from_db()
    assert coordinator_a.is_active


def test_a_reactivated_person_may_log_in_again(client, coordinator_a, case_worker_a):
    case_worker_a.is_active = False
    case_worker_a.set_password("Rahasia-2025")
    case_worker_a.save()
    client.force_login(coordinator_a)

    client.post(reverse("user_reactivate", args=[case_worker_a.pk]))

    client.logout()
    assert logs_in(client, case_worker_a.username, "Rahasia-2025")
