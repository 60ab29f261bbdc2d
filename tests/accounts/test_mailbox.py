"""The development mailbox: what the file email backend wrote, for administrators."""

import io

import pytest
from django.core.mail import send_mail

from accounts import demo
from accounts.models import User
from tests.factories import banten_regions

MAILBOX_URL = "/accounts/mail/"
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


@pytest.fixture
def mail_to_files(settings, tmp_path):
    settings.EMAIL_BACKEND = FILE_BACKEND
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    return settings.EMAIL_FILE_PATH


def send(subject, body="Buka tautan ini: http://127.0.0.1:8000/accounts/profile/"):
    send_mail(subject, body, None, ["koordinator@bp3mi-banten.example"])


def test_an_admin_reads_the_mail_the_server_wrote_newest_first(client, admin_user, mail_to_files):
    send("[Purna] Rujukan baru R-0001")
    send("[Purna] Rujukan baru R-0002")
    client.force_login(admin_user)

    response = client.get(MAILBOX_URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert str(mail_to_files) in page
    assert "koordinator@bp3mi-banten.example" in page
    assert page.index("R-0002") < page.index("R-0001")
    subjects = [m.subject for m in response.context["messages_sent"]]
    assert subjects == ["[Purna] Rujukan baru R-0002", "[Purna] Rujukan baru R-0001"]


def test_an_admin_opens_one_message_with_its_links_clickable(client, admin_user, mail_to_files):
    send("[Purna] Rujukan baru R-0001")
    client.force_login(admin_user)
    listed = client.get(MAILBOX_URL).context["messages_sent"][0]

    response = client.get(f"{MAILBOX_URL}{listed.file}/{listed.number}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "[Purna] Rujukan baru R-0001" in page
    assert '<a href="http://127.0.0.1:8000/accounts/profile/"' in page


def test_the_mailbox_is_empty_before_any_mail(client, admin_user, mail_to_files):
    client.force_login(admin_user)

    response = client.get(MAILBOX_URL)

    assert response.status_code == 200
    assert "Belum ada email yang dikirim" in response.content.decode()


def test_a_coordinator_cannot_find_the_mailbox(client, coordinator_a, mail_to_files):
    send("[Purna] Rujukan baru R-0001")
    client.force_login(coordinator_a)

    assert client.get(MAILBOX_URL).status_code == 404


def test_there_is_no_mailbox_when_mail_is_really_sent(client, admin_user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    client.force_login(admin_user)

    assert client.get(MAILBOX_URL).status_code == 404


@pytest.mark.parametrize("name", ["..%2F..%2Fetc%2Fpasswd", "secret.txt", "tidak-ada.log"])
def test_only_message_files_in_the_mail_folder_can_be_opened(
    client, admin_user, mail_to_files, name
):
    send("[Purna] Rujukan baru R-0001")
    (mail_to_files / "secret.txt").write_text("rahasia")
    client.force_login(admin_user)

    assert client.get(f"{MAILBOX_URL}{name}/0/").status_code == 404


def test_a_message_number_past_the_end_of_its_file_is_not_found(client, admin_user, mail_to_files):
    send("[Purna] Rujukan baru R-0001")
    client.force_login(admin_user)
    listed = client.get(MAILBOX_URL).context["messages_sent"][0]

    assert client.get(f"{MAILBOX_URL}{listed.file}/5/").status_code == 404


def test_demo_users_get_example_addresses_and_keep_their_own(db, settings):
    settings.DEBUG = True
    banten_regions()
    demo.seed(io.StringIO())
    User.objects.filter(username="petugas").update(email="")
    User.objects.filter(username="dinsos").update(email="maya@dinsos.example")

    demo.seed(io.StringIO())

    emails = dict(User.objects.values_list("username", "email"))
    assert emails["petugas"] == "petugas@bp3mi-banten.example"
    assert emails["dinsos"] == "maya@dinsos.example"
    assert emails["koordinator"] == "koordinator@bp3mi-banten.example"
    assert all(email.endswith(".example") for email in emails.values())
