"""An office runs Purna on its own, without the administration site.

The coordinator invites a new Dinsos officer, who sets a password through the link and
lands in the Dinsos inbox; a case worker who forgot her password resets it by email;
the coordinator deactivates a leaving case worker, who can no longer log in, and gives
her open case to a colleague; the auditor follows one participant's record in the audit
log: who viewed it and who changed it.
"""

import datetime
import io
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.demo import OFFICE_NAME
from accounts.models import Office, Role, User
from cases import services as case_services
from cases.models import Program
from participants import demo as participants_demo
from participants.models import Participant
from regions.models import Region
from tests.factories import UserFactory, load_reference_data

NEW_PASSWORD = "Pelan-pelan-2025"


@pytest.fixture
def office_world(demo_world):
    """The demo office with one returnee enrolled, whose case the demo case worker runs."""
    load_reference_data()
    participants_demo.seed(io.StringIO())
    office = Office.objects.get(name=OFFICE_NAME)
    program = Program.objects.create(
        office=office,
        name="Rehabilitasi PMI Purna Mekar Baru",
        venue="Aula Kecamatan Mekar Baru",
        district=Region.objects.get(code="36.03.33"),
        start_date=datetime.date(2025, 11, 5),
        end_date=datetime.date(2025, 11, 6),
        created_by=User.objects.get(username="koordinator"),
    )
    participant = Participant.objects.order_by("pk").first()
    [case] = case_services.enrol_participants(
        program=program, participants=[participant], by=User.objects.get(username="petugas")
    )
    colleague = UserFactory(
        username="petugas2", full_name="Wulan Sari", role=Role.CASE_WORKER, office=office
    )
    return {"case": case, "participant": participant, "colleague": colleague}


def menu(page, name):
    return page.get_by_role("navigation", name="Menu utama").get_by_role("link", name=name)


def link_in(message, path):
    return re.search(rf"https?://[^/\s]+({path}\S+)", message.body).group(1)


def test_an_office_runs_itself(browser, live_server, page, log_in, office_world, settings):
    settings.SITE_URL = live_server.url
    case, participant = office_world["case"], office_world["participant"]

    # The coordinator invites a new Dinsos officer.
    log_in(page, "koordinator")
    menu(page, "Pengguna").click()
    page.get_by_role("link", name="Tambah pengguna").click()
    page.fill("#id_full_name", "Rudi Hartono")
    page.fill("#id_username", "rudi.dinsos")
    page.fill("#id_email", "rudi@dinsos-tangerang.example")
    page.select_option("#id_role", Role.AGENCY_OFFICER)
    page.select_option("#id_agency", label="Dinas Sosial Kabupaten Tangerang")
    page.get_by_role("button", name="Tambah dan undang").click()
    expect(page.get_by_role("heading", name="Tautan undangan")).to_be_visible()
    shown = page.locator("input.copy-link").input_value()
    [invitation] = [m for m in mail.outbox if "rudi@dinsos-tangerang.example" in m.to]
    assert link_in(invitation, "/accounts/invitation/") in shown

    # The officer opens the link, sets a password and sees the Dinsos inbox.
    officer_context = browser.new_context(base_url=live_server.url, locale="id-ID")
    officer = officer_context.new_page()
    officer.goto(shown)
    officer.fill("#id_new_password1", NEW_PASSWORD)
    officer.fill("#id_new_password2", NEW_PASSWORD)
    officer.get_by_role("button", name="Simpan kata sandi dan masuk").click()
    expect(officer.get_by_text("Kata sandi Anda sudah dibuat")).to_be_visible()
    menu(officer, "Rujukan").click()
    expect(officer.get_by_text("Dinas Sosial Kabupaten Tangerang").first).to_be_visible()
    officer_context.close()

    # A case worker who forgot her password resets it by email.
    helper_context = browser.new_context(base_url=live_server.url, locale="id-ID")
    worker = helper_context.new_page()
    worker.goto("/accounts/login/")
    worker.get_by_role("link", name="Lupa kata sandi?").click()
    worker.fill("#id_email", "petugas@bp3mi-banten.example")
    worker.get_by_role("button", name="Kirim tautan").click()
    expect(worker.get_by_text("Periksa email Anda")).to_be_visible()
    [reset] = [m for m in mail.outbox if "petugas@bp3mi-banten.example" in m.to]
    worker.goto(link_in(reset, "/accounts/reset/"))
    worker.fill("#id_new_password1", NEW_PASSWORD)
    worker.fill("#id_new_password2", NEW_PASSWORD)
    worker.get_by_role("button", name="Simpan kata sandi baru").click()
    log_in(worker, "petugas", NEW_PASSWORD)
    expect(worker.get_by_role("heading", name=re.compile("Selamat datang"))).to_be_visible()
    helper_context.close()

    # The coordinator deactivates the leaving case worker and reassigns her open case.
    menu(page, "Pengguna").click()
    page.get_by_role("link", name="Dedi Kurniawan").click()
    page.get_by_role("button", name="Nonaktifkan").click()
    expect(page.get_by_text("tidak dapat masuk lagi")).to_be_visible()
    menu(page, "Beranda").click()
    panel = page.locator("#work-unassigned")
    panel.get_by_role("link", name=participant.full_name).click()
    page.select_option("#id_case_worker", label="Wulan Sari")
    page.get_by_role("button", name="Tugaskan").click()
    case.refresh_from_db()
    assert case.case_worker == office_world["colleague"]
    leaving = browser.new_context(base_url=live_server.url, locale="id-ID")
    gone = leaving.new_page()
    log_in(gone, "petugas", NEW_PASSWORD)
    expect(gone.locator("#id_password")).to_be_visible()  # still on the login page
    leaving.close()

    # The coordinator opens the participant's record and corrects the phone number.
    page.goto(participant.get_absolute_url())
    page.get_by_role("link", name="Ubah", exact=True).first.click()
    page.fill("#id_phone", "081299990000")
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.get_by_role("heading", name=participant.full_name)).to_be_visible()

    # The auditor follows that record in the audit log: who viewed it, who changed what.
    audit_context = browser.new_context(base_url=live_server.url, locale="id-ID")
    auditor = audit_context.new_page()
    log_in(auditor, "auditor")
    menu(auditor, "Audit").click()
    auditor.fill("#id_participant", participant.registration_number)
    auditor.get_by_role("button", name="Saring").click()
    viewed = auditor.locator("tbody tr", has_text="Dilihat").filter(has_text="Rina Wulandari")
    expect(viewed.first).to_be_visible()
    expect(auditor.locator("body")).not_to_contain_text(participant.full_name)
    viewed.first.get_by_role("link", name=re.compile(participant.registration_number)).click()
    change = auditor.locator("body")
    expect(change).to_contain_text("Rina Wulandari")
    expect(change).to_contain_text("Telepon")
    expect(change).not_to_contain_text("081299990000")
    expect(change).not_to_contain_text(participant.full_name)
    audit_context.close()
