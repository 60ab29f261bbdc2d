"""The rights of the people in the records, in the browser.

Lilis Suryati withdraws her consent: the Dinkes officer's open referral then says so and
shows no screening. She asks for her data and the coordinator answers within the clock,
with the PDF of everything held. An old closed record past its retention period is
anonymised by two coordinators, and the program report's figures do not move.
"""

import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.demo import OFFICE_NAME
from accounts.models import Office, Role
from cases import demo as cases_demo
from cases.models import Case, Program
from participants import demo as participants_demo
from participants.models import Participant
from referrals import demo as referrals_demo
from referrals.models import Referral
from rights.models import DataRequest
from tests.factories import UserFactory, load_reference_data
from tests.reports.test_anonymisation import program_figures

SECOND = "kedua-koordinator-2026"


@pytest.fixture
def the_office_a_year_on(demo_world):
    load_reference_data()
    for module in (participants_demo, cases_demo, referrals_demo):
        module.seed(io.StringIO())


def test_consent_withdrawn_data_asked_for_and_an_old_record_anonymised(
    page, phone_page, live_server, the_office_a_year_on, log_in
):
    referral = Referral.objects.get(
        agency__type="dinkes", status="sent", case__participant__full_name="Lilis Suryati"
    )
    lilis = referral.case.participant

    # The case worker records that Lilis withdraws the consent that covered Dinkes.
    worker = phone_page
    log_in(worker, "petugas")
    worker.goto(live_server.url + lilis.get_absolute_url())
    # The consent the referral was sent under, among the ones on her page.
    withdraw = worker.locator(f'a[href$="/consents/{referral.consent_id}/withdraw/"]')
    expect(withdraw).to_have_text("Cabut")
    withdraw.click()
    worker.locator("#id_withdrawn_at").fill(timezone.localdate().isoformat())
    with worker.expect_navigation():
        worker.locator("form button[type=submit]").last.click()
    expect(worker.get_by_role("status")).to_contain_text("dicabut")

    # The Dinkes officer is told; the open referral shows her name and nothing more.
    officer = page
    log_in(officer, "dinkes")
    officer.locator("a.bell").click()
    with officer.expect_navigation():
        officer.locator("li.notification-unread a", has_text="dicabut").click()
    assert officer.url.endswith(referral.get_absolute_url())
    shared = officer.locator("section.shared-data")
    expect(shared).to_contain_text("mencabut persetujuan")
    expect(shared).to_contain_text("Lilis Suryati")
    expect(shared).not_to_contain_text("Hasil skrining")
    expect(shared).not_to_contain_text(lilis.phone)
    officer.context.clear_cookies()

    # Lilis asks for her data: the coordinator registers it, reviews and answers it.
    coordinator = page
    log_in(coordinator, "koordinator")
    coordinator.goto(live_server.url + lilis.get_absolute_url())
    coordinator.get_by_role("link", name="Catat permintaan").click()
    coordinator.get_by_label("Melihat data yang disimpan (akses)").check()
    expect(coordinator.get_by_label("Yang bersangkutan sendiri")).to_be_checked()
    coordinator.locator("#id_channel").select_option(index=1)
    coordinator.locator("#id_identity_checked").fill("KTP asli dilihat")
    coordinator.locator("#id_details").fill("Ingin tahu data apa saja yang disimpan BP3MI.")
    with coordinator.expect_navigation():
        coordinator.get_by_role("button", name="Simpan permintaan").click()
    request = DataRequest.objects.get(participant=lilis)
    expect(coordinator.locator("main")).to_contain_text("sisa")
    with coordinator.expect_navigation():
        coordinator.get_by_role("button", name="Mulai periksa").click()
    with coordinator.expect_download() as download:
        coordinator.get_by_role("link", name="Seluruh data yang disimpan (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    coordinator.get_by_label("Dipenuhi", exact=True).check()
    coordinator.locator("#id_answer").fill(
        "Salinan data diserahkan langsung kepada yang bersangkutan."
    )
    with coordinator.expect_navigation():
        coordinator.get_by_role("button", name="Catat jawaban").click()
    request.refresh_from_db()
    assert request.status == "answered"
    assert request.answered_at <= request.due_at

    # An old record, every case closed six years ago, is due for anonymising.
    office = Office.objects.get(name=OFFICE_NAME)
    old = (
        Participant.objects.filter(office=office, cases__isnull=False)
        .exclude(pk=lilis.pk)
        .exclude(cases__referrals__isnull=False)
        .distinct()
        .first()
    )
    six_years_ago = timezone.now() - datetime.timedelta(days=6 * 365)
    Case.objects.filter(participant=old).update(
        status="closed", close_reason="completed", closed_at=six_years_ago
    )
    program = old.cases.first().program
    before = program_figures(program)
    coordinator.goto(live_server.url + "/reports/retention/")
    row = coordinator.locator("tr", has_text=old.registration_number)
    row.locator("input[name=reason]").fill("Masa simpan lima tahun telah lewat.")
    with coordinator.expect_navigation():
        row.get_by_role("button", name="Usulkan anonimisasi").click()

    # A second coordinator of the office confirms it; the figures stay as they were.
    UserFactory(username="koordinator2", role=Role.COORDINATOR, office=office, password=SECOND)
    second = phone_page
    second.context.clear_cookies()
    log_in(second, "koordinator2", SECOND)
    second.goto(live_server.url + "/reports/retention/")
    with second.expect_navigation():
        second.get_by_role("button", name="Konfirmasi: anonimkan secara permanen").click()
    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert old.full_name.startswith("Anonim")
    assert program_figures(Program.objects.get(pk=program.pk)) == before
