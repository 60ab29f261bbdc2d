"""Every demo role, on a 360 px phone, reaches its next action without a dead end.

The case worker refers a returnee, the services narrowing to the agency she picks; the
health worker goes from the returnee's record to the case and its SRQ-20; the Dinsos
officer finds the referrals still owed at the top of the inbox and moves one on, as do
the other agencies' officers; the coordinator finds "Reports" in the menu and sees the
program PDF being made; the administrator reaches the people of the office and the
office's letterhead; the auditor reads the access log in words.
"""

import io

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.demo import AGENCIES
from accounts.models import Agency, User
from cases import demo as cases_demo
from cases.models import Case, Program
from participants import demo as participants_demo
from referrals import demo as referrals_demo
from referrals.models import OPEN_STATUSES, Referral, Service
from tests.factories import load_reference_data

PHONE_WIDTH = 360
CASE_WORKER_PHONE = "0812-1111-2222"


@pytest.fixture
def mekar_baru(demo_world):
    """The whole demo: the Mekar Baru event, its cases, screenings and referrals."""
    load_reference_data()
    for app_demo in (participants_demo, cases_demo, referrals_demo):
        app_demo.seed(io.StringIO())
    # The office's staff give a work phone in their profile.
    User.objects.filter(office__isnull=False).update(phone=CASE_WORKER_PHONE)
    return Program.objects.get(name=cases_demo.PROGRAM_NAME)


def within_the_screen(page, locator):
    """The element is laid out inside the phone's width: no scrolling sideways to it."""
    box = locator.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, box


def service_options(page):
    return set(
        page.locator("#id_service option:not([value=''])").evaluate_all(
            "options => options.map(o => Number(o.value))"
        )
    )


def services_of(agency_type):
    return set(
        Service.objects.filter(agency_type=agency_type, is_active=True).values_list("pk", flat=True)
    )


def test_the_case_worker_refers_and_the_services_follow_the_agency(phone_page, mekar_baru, log_in):
    page = phone_page
    case = Case.objects.filter(program=mekar_baru).order_by("pk").first()
    log_in(page, "petugas")

    page.locator("nav.mainnav").get_by_role("link", name="Kegiatan").click()
    page.get_by_role("link", name=mekar_baru.name).click()
    page.locator("table.roster").get_by_role("link", name=case.participant.full_name).first.click()
    expect(page.locator("h1")).to_have_text(case.participant.full_name)
    referral_link = page.get_by_role("link", name="Rujuk ke instansi").first
    within_the_screen(page, referral_link)
    referral_link.click()
    expect(page.locator("h1")).to_have_text("Rujukan baru")

    # Before an agency is picked every service is offered, and the chronology field.
    assert len(service_options(page)) > len(services_of(Agency.Type.DINSOS))
    expect(page.locator("#id_shared_chronology")).to_have_count(1)

    page.select_option("#id_agency", label=AGENCIES[Agency.Type.DINSOS])
    expect(page.locator("#id_shared_chronology")).to_have_count(0)
    expect(page.locator("#id_service option:not([value=''])")).to_have_count(
        len(services_of(Agency.Type.DINSOS))
    )
    assert service_options(page) == services_of(Agency.Type.DINSOS)

    page.select_option("#id_agency", label=AGENCIES[Agency.Type.DINKES])
    expect(page.locator("#id_service option:not([value=''])")).to_have_count(
        len(services_of(Agency.Type.DINKES))
    )
    assert service_options(page) == services_of(Agency.Type.DINKES)
    within_the_screen(page, page.locator("#id_service"))


def test_the_health_worker_goes_from_the_record_to_the_case_and_its_srq20(
    phone_page, mekar_baru, log_in
):
    page = phone_page
    case = Case.objects.filter(program=mekar_baru).order_by("pk").first()
    log_in(page, "nakes")

    page.locator("nav.mainnav").get_by_role("link", name="Peserta").click()
    page.fill("input[name=q]", case.participant.registration_number)
    page.press("input[name=q]", "Enter")
    page.get_by_role("link", name=case.participant.full_name).first.click()
    expect(page.locator("h1")).to_have_text(case.participant.full_name)

    to_case = page.locator(f'.page-header a[href="{case.get_absolute_url()}"]')
    within_the_screen(page, to_case)
    expect(to_case).to_contain_text(mekar_baru.name)
    to_case.click()
    expect(page).to_have_url(f"{page.url.split('/cases/')[0]}{case.get_absolute_url()}")

    srq20 = reverse("cases:questionnaire", args=[case.pk, "srq20"])
    page.locator(f'a[href="{srq20}"]').first.click()
    expect(page.locator("h1")).to_contain_text("SRQ-20")
    expect(page.locator("input[name='item_1']").first).to_be_visible()


def test_the_dinsos_officer_finds_an_open_referral_first_and_moves_it_on(
    phone_page, mekar_baru, log_in
):
    page = phone_page
    log_in(page, "dinsos")

    page.locator("nav.mainnav").get_by_role("link", name="Rujukan").click()
    expect(page.locator("h1")).to_have_text("Kotak masuk rujukan")
    # The filters are folded on the phone: the list comes first.
    fold = page.locator("details.filter-fold")
    expect(fold).not_to_have_attribute("open", "")
    expect(page.locator("#id_status")).not_to_be_visible()

    first = page.locator("table.table-cards tbody tr").first
    referral = Referral.objects.get(pk=first.get_attribute("id").removeprefix("referral-"))
    assert referral.status in OPEN_STATUSES
    before = referral.status
    expect(first.locator(".sender")).to_contain_text(referral.created_by.full_name)
    expect(first.locator(f'.sender a[href="tel:{CASE_WORKER_PHONE}"]')).to_be_visible()

    first.get_by_role("link", name=referral.number).click()
    expect(page.locator(".page-header .sender")).to_contain_text(referral.created_by.full_name)
    move = page.locator("form.move-form").first
    for text in move.locator("textarea").all():
        text.fill("Sudah dihubungi lewat telepon.")
    move.locator("button[type=submit]").click()
    expect(page.locator(".message-success")).to_be_visible()
    referral.refresh_from_db()
    assert referral.status != before


def test_the_coordinator_reaches_reports_and_sees_the_program_pdf_being_made(
    phone_page, mekar_baru, log_in
):
    page = phone_page
    log_in(page, "koordinator")

    reports = page.locator("nav.mainnav").get_by_role("link", name="Laporan")
    expect(reports).to_be_visible()
    within_the_screen(page, reports)
    for item in page.locator("nav.mainnav a").all():
        within_the_screen(page, item)
    reports.click()

    # Hold the PDF's answer back, to see the button while the work is under way.
    held = []
    report_url = reverse("reports:program", args=[mekar_baru.pk])
    page.route(f"**{report_url}", lambda route: held.append(route))
    button = page.locator(f'form[action="{report_url}"] button').first
    rest_label = button.inner_text()
    busy_label = button.get_attribute("data-busy")
    assert busy_label and busy_label != rest_label
    button.click()
    expect(button).to_have_attribute("aria-busy", "true")
    expect(button).to_be_disabled()
    expect(button).to_have_text(busy_label)
    with page.expect_download() as download:
        for _ in range(100):  # until Playwright has handed over the held request
            if held:
                break
            page.wait_for_timeout(50)
        assert held, "the PDF was never asked for"
        held[0].continue_()
    assert download.value.suggested_filename.endswith(".pdf")
    expect(button).not_to_have_attribute("aria-busy", "true")
    expect(button).to_be_enabled()
    expect(button).to_have_text(rest_label)


def menu_item(page, label):
    item = page.locator("nav.mainnav").get_by_role("link", name=label, exact=True)
    expect(item).to_be_visible()
    within_the_screen(page, item)
    return item


def test_the_administrator_reaches_the_people_and_the_offices_letterhead(
    phone_page, mekar_baru, log_in
):
    page = phone_page
    log_in(page, "admin")

    menu_item(page, "Pengguna").click()
    page.get_by_role("link", name="Tambah pengguna").click()
    expect(page.locator("main form")).to_contain_text("Peran")

    menu_item(page, "Kantor dan instansi").click()
    page.locator("tr", has_text="BP3MI Banten").get_by_role("link", name="Ubah").click()
    # The letterhead of the office's PDFs is set here, logo included.
    expect(page.locator("input[type=file][name=logo]")).to_be_attached()
    expect(page.locator("[name=letterhead_line]")).to_be_visible()


def test_the_auditor_reads_the_access_log_in_words(phone_page, mekar_baru, log_in):
    page = phone_page
    log_in(page, "auditor")

    menu_item(page, "Audit").click()
    expect(page.locator("h1")).to_have_text("Log akses")
    log = page.locator("main")
    expect(log).to_contain_text("Masuk")
    expect(log).not_to_contain_text("participants.participant")


@pytest.mark.parametrize("officer", ["dinkes", "disdukcapil", "disnakertrans"])
def test_every_agency_officer_finds_the_open_referrals_first(
    phone_page, mekar_baru, log_in, officer
):
    page = phone_page
    log_in(page, officer)

    menu_item(page, "Rujukan").click()
    rows = page.locator("table.table-cards tbody tr")
    expect(rows.first).to_be_visible()
    first = Referral.objects.get(pk=rows.first.get_attribute("id").removeprefix("referral-"))
    assert first.agency == User.objects.get(username=officer).agency
    assert first.status in OPEN_STATUSES
    expect(rows.first.locator(".sender")).to_contain_text(first.created_by.full_name)
    rows.first.get_by_role("link", name=first.number).click()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("form.move-form").first).to_be_visible()
