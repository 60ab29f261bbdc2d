"""The coordinator downloads the reports: the Mekar Baru program's, and one returnee's.

A small program's report comes back at once from the program page; a large one is made
in the background and fetched from its job page. The files are read back as a person
reading them would: the program, the counts, the people, and never a whole NIK.
"""

import io
import re

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import AccessLog, User
from cases import demo as cases_demo
from cases.models import Case, Program
from participants import demo as participants_demo
from participants.models import Participant
from referrals import demo as referrals_demo
from referrals.models import Referral
from reports.models import ReportJob
from tests.factories import load_reference_data

PROGRAM_REPORT = "Laporan kegiatan (PDF)"
WITH_NAMES = "Lampiran nama peserta \u2013 untuk penggunaan internal"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def mekar_baru(demo_world):
    """The whole demo: the Mekar Baru event, its cases, screenings and referrals."""
    load_reference_data()
    for app_demo in (participants_demo, cases_demo, referrals_demo):
        app_demo.seed(io.StringIO())
    return Program.objects.get(name=cases_demo.PROGRAM_NAME)


def pdf_text(path):
    with open(path, "rb") as file:
        return "\n".join(page.extract_text() for page in PdfReader(file).pages)


def download(page, click):
    """Click what starts a download; returns the saved file's text and suggested name."""
    with page.expect_download() as info:
        click()
    download = info.value
    assert download.failure() is None
    return pdf_text(download.path()), download.suggested_filename


def open_program(page, program):
    page.locator("nav.mainnav").get_by_role("link", name="Kegiatan").click()
    page.get_by_role("link", name=program.name).click()
    expect(page.locator("h1")).to_have_text(program.name)


def flat(text):
    """The PDF's text on one line: table cells wrap names and numbers over lines."""
    return re.sub(r"\s+", " ", text)


def joined(text):
    return re.sub(r"\s+", "", text)


def assert_no_full_nik(text, participants):
    # A NIK must not appear, not even broken over two lines of a table cell.
    for participant in participants:
        if participant.nik:
            assert participant.nik not in joined(text), participant.full_name


def test_the_coordinator_downloads_the_program_report_and_a_returnees_report(
    page, live_server, mekar_baru, log_in, settings
):
    program = mekar_baru
    cases = Case.objects.filter(program=program, participant__archived_at__isnull=True)
    enrolled = cases.count()
    assert enrolled <= settings.REPORT_BACKGROUND_PARTICIPANTS, "made at once"
    roster = [case.participant for case in cases.select_related("participant")]

    # The coordinator opens the event and takes its report.
    log_in(page, "koordinator")
    open_program(page, program)
    text, filename = download(page, lambda: page.get_by_role("button", name=PROGRAM_REPORT).click())
    # She stays on the program page: the file came at once, no job page.
    expect(page.locator("h1")).to_have_text(program.name)
    assert not ReportJob.objects.exists()

    assert filename.startswith(f"laporan-program-{program.pk}-")
    assert filename.endswith(".pdf")
    assert "RAHASIA" in text
    assert f"LAPORAN KEGIATAN {program.name}" in flat(text)
    # The summary box: the number of participants, over the word "peserta".
    assert re.search(rf"(?<!\d){enrolled} peserta", flat(text)), enrolled
    # The report can go outside the office: it names nobody.
    for participant in roster:
        assert participant.full_name not in flat(text), participant.full_name
    # The referrals table ends with the total row: every referral the office sent.
    sent = Referral.objects.filter(case__in=cases, sent_at__isnull=False).count()
    assert sent > 0
    assert re.search(rf"Semua instansi {sent} ", flat(text)), sent
    assert_no_full_nik(text, roster)
    assert AccessLog.objects.filter(
        user__username="koordinator",
        action=AccessLog.Action.DOWNLOAD,
        object_type="cases.program",
        object_id=str(program.pk),
    ).exists()

    # For the office's own use, the appendix lists everybody by name and number.
    text, filename = download(page, lambda: page.get_by_role("button", name=WITH_NAMES).click())
    assert filename.endswith("-lampiran-nama.pdf")
    for participant in roster:
        assert f"{participant.full_name} {participant.registration_number}" in flat(text)
    assert_no_full_nik(text, roster)

    # Then one returnee's own report, from her page.
    participant = (
        Participant.objects.filter(cases__program=program)
        .annotate(referral_count=Count("cases__referrals"))
        .order_by("-referral_count", "pk")
        .first()
    )
    referrals = list(participant.cases.get(program=program).referrals.all())
    assert len(referrals) >= 2

    page.locator("nav.mainnav").get_by_role("link", name="Peserta").click()
    expect(page.locator("h1")).to_have_text("Peserta")
    search = page.get_by_placeholder("Cari nama, NIK, atau nomor registrasi")
    search.fill(participant.full_name)
    search.press("Enter")
    results = page.locator("#results table tbody tr")
    expect(results).to_have_count(1)
    results.get_by_role("link", name=participant.full_name).click()
    expect(page.locator("h1")).to_have_text(participant.full_name)

    text, filename = download(page, lambda: page.get_by_role("link", name="Laporan (PDF)").click())
    assert filename == f"laporan-{participant.registration_number}.pdf"
    assert "RAHASIA" in text
    assert f"Laporan peserta: {participant.full_name}" in flat(text)
    assert f"NIK {participant.nik_masked}" in text
    assert_no_full_nik(text, [participant])
    # Each referral's row: the service and its number, the agency, then the status.
    with translation.override("id"):
        for referral in referrals:
            row = f"{referral.service}{referral.number}{referral.agency}"
            row += referral.get_status_display()
            assert joined(row) in joined(text), row
    assert AccessLog.objects.filter(
        user__username="koordinator",
        action=AccessLog.Action.DOWNLOAD,
        object_type="participants.participant",
        object_id=str(participant.pk),
    ).exists()


def test_a_large_programs_report_is_made_in_the_background_and_downloaded(
    page, live_server, mekar_baru, log_in, settings, tmp_path
):
    program = mekar_baru
    settings.REPORT_BACKGROUND_PARTICIPANTS = 5
    settings.TASKS = IMMEDIATE
    settings.MEDIA_ROOT = tmp_path
    enrolled = Case.objects.filter(program=program, participant__archived_at__isnull=True).count()
    assert enrolled > settings.REPORT_BACKGROUND_PARTICIPANTS

    log_in(page, "koordinator")
    open_program(page, program)
    page.get_by_role("button", name=PROGRAM_REPORT).click()

    expect(page).to_have_url(re.compile(r"/reports/jobs/\d+/$"))
    job = ReportJob.objects.get(program=program)
    assert page.url == live_server.url + reverse("reports:job", args=[job.pk])
    expect(page.locator("h1")).to_have_text("Laporan kegiatan")
    expect(page.locator(".breadcrumb").get_by_role("link", name=program.name)).to_be_visible()
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE
    assert job.created_by == User.objects.get(username="koordinator")
    assert job.participant_count == enrolled
    assert job.page_count > 0
    expect(page.get_by_role("status")).to_have_text(
        f"Laporan sudah siap: {job.page_count} halaman."
    )
    expect(page.locator(".page-header")).to_contain_text(f"{enrolled} peserta · diminta oleh")
    before = AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).count()

    text, filename = download(
        page, lambda: page.get_by_role("link", name="Unduh laporan (PDF)").click()
    )
    assert filename == job.filename
    assert "RAHASIA" in text
    assert f"LAPORAN KEGIATAN {program.name}" in flat(text)
    assert re.search(rf"(?<!\d){enrolled} peserta", flat(text)), enrolled
    assert "Semua instansi" in text
    assert_no_full_nik(text, [case.participant for case in job.program.cases.all()])

    logged = AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).order_by("pk")
    assert logged.count() == before + 1
    entry = logged.last()
    assert entry.username == "koordinator"
    assert (entry.object_type, entry.object_id) == ("cases.program", str(program.pk))
    assert entry.detail == job.filename
