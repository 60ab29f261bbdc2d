"""A referral goes from the case worker's phone to Dinas Sosial and back, with its letter.

The case worker refers one returnee to Dinsos (a PKH proposal) and to Dinkes (a psychologist);
the Dinsos officer sees only the Dinsos referral and only what Dinsos may see, works it to the
end and downloads the letter; the case worker records that the returnee confirmed the outcome;
the coordinator finds the one referral an agency let run late.
"""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.demo import AGENCIES, OFFICE_NAME
from accounts.models import Agency, Office, User
from cases import services as case_services
from cases.demo import PROGRAM_NAME
from cases.models import Program
from participants import demo as participants_demo
from participants.models import Participant
from referrals import services as referral_services
from referrals.models import Referral, Service
from regions.models import Region
from tests.factories import load_reference_data

DINSOS = AGENCIES[Agency.Type.DINSOS]
DINKES = AGENCIES[Agency.Type.DINKES]
DISNAKERTRANS = AGENCIES[Agency.Type.DISNAKERTRANS]
PKH_REASON = "Suami tidak bekerja; dua anak sekolah. Mohon diusulkan sebagai penerima PKH."
PSYCHOLOGIST_REASON = "Sulit tidur dan sering menangis sejak pulang."
OUTCOME = "Diusulkan dalam DTSEN; verifikasi lapangan 20 November oleh pendamping PKH."
NUMBER = re.compile(r"^\d{5}/RUJ/\d+/[IVX]+/\d{4}$")


@pytest.fixture
def referral_world(demo_world):
    """Two demo returnees enrolled in the Mekar Baru event, and one overdue referral."""
    load_reference_data()
    participants_demo.seed(io.StringIO())
    coordinator = User.objects.get(username="koordinator")
    program = Program.objects.create(
        office=Office.objects.get(name=OFFICE_NAME),
        name=PROGRAM_NAME,
        venue="Aula Kecamatan Mekar Baru",
        district=Region.objects.get(code="36.03.33"),
        start_date=datetime.date(2025, 11, 5),
        end_date=datetime.date(2025, 11, 6),
        created_by=coordinator,
    )
    first, second = case_services.enrol_participants(
        program=program,
        participants=list(Participant.objects.order_by("pk")[:2]),
        by=User.objects.get(username="petugas"),
    )
    late = referral_services.create_referral(
        case=second,
        agency=Agency.objects.get(name=DISNAKERTRANS),
        service=Service.objects.get(agency_type=Agency.Type.DISNAKERTRANS, code="job_training"),
        reason="Ingin pelatihan menjahit untuk membuka usaha.",
        urgency="normal",
        by=coordinator,
    )
    late = referral_services.send_referral(referral=late, by=coordinator, version=late.version)
    Referral.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(days=2))
    return {"program": program, "case": first, "late": late}


def status_badge(page):
    return page.locator(".page-header .badge").first


def refer(page, agency, service, reason, urgency):
    """From the case page: fill in the referral form and save the draft."""
    page.get_by_role("link", name="Rujuk ke instansi").click()
    expect(page.locator("h1")).to_have_text("Rujukan baru")
    page.select_option("#id_agency", label=agency)
    page.select_option("#id_service", label=service)
    page.fill("#id_reason", reason)
    page.get_by_label(urgency).check()
    page.get_by_role("button", name="Simpan dan pratinjau").click()
    expect(status_badge(page)).to_have_text("Konsep")
    expect(page.locator(".message-info")).to_have_text(
        "Periksa yang akan dilihat instansi, lalu kirim rujukan."
    )


def send(page):
    page.get_by_role("button", name="Kirim rujukan").click()
    expect(page.locator(".message-success")).to_have_text(
        "Rujukan terkirim. Instansi sudah diberi tahu."
    )
    expect(status_badge(page)).to_have_text("Terkirim")
    expect(page.get_by_role("button", name="Kirim rujukan")).to_have_count(0)


def move(page, verb, status):
    page.get_by_role("button", name=verb, exact=True).click()
    expect(page.locator(".message-success")).to_have_text(f"Rujukan sekarang berstatus {status}.")
    expect(status_badge(page)).to_have_text(status)


def open_box(page, label, count):
    """Open a box of the referral list; its badge and its table show `count` referrals."""
    page.locator("nav.mainnav").get_by_role("link", name="Rujukan").click()
    box = page.locator("nav.boxes").get_by_role("link", name=re.compile(rf"^{label}\b"))
    expect(box.locator(".badge")).to_have_text(str(count))
    box.click()
    expect(box).to_have_attribute("aria-current", "page")
    rows = page.locator("table.table-cards tbody tr")
    expect(rows).to_have_count(count)
    return rows


def pdf_text(body):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_a_referral_goes_to_dinsos_and_comes_back_confirmed(
    phone_page, page, live_server, referral_world, log_in
):
    case, late = referral_world["case"], referral_world["late"]
    name = case.participant.full_name

    # The case worker refers from the case page, on her phone.
    worker = phone_page
    log_in(worker, "petugas")
    worker.locator("nav.mainnav").get_by_role("link", name="Kegiatan").click()
    worker.get_by_role("link", name=referral_world["program"].name).click()
    worker.locator("table.roster").get_by_role("link", name=name).click()
    expect(worker.locator("h1")).to_have_text(name)

    refer(worker, DINSOS, "Dinas Sosial: Usulan PKH", PKH_REASON, "Tinggi (72 jam)")
    expect(worker.locator("h1")).to_have_text("Usulan PKH")
    # The preview is what Dinsos will see: the person and the family, no screening.
    shared = worker.locator("section.shared-data")
    expect(shared).to_contain_text(name)
    expect(shared).to_contain_text("Keluarga yang ditinggalkan")
    expect(shared).not_to_contain_text("Hasil skrining")
    expect(worker.locator(".screening-results")).to_have_count(0)
    expect(worker.get_by_text(PKH_REASON)).to_be_visible()
    send(worker)

    worker.locator(".breadcrumb").get_by_role("link", name=name).click()
    expect(worker.locator("h1")).to_have_text(name)
    listed = worker.locator("section.card").filter(
        has=worker.get_by_role("heading", name="Rujukan", exact=True)
    )
    expect(listed.get_by_role("link", name="Usulan PKH")).to_be_visible()
    expect(listed).to_contain_text(DINSOS)
    expect(listed).to_contain_text("Terkirim")
    refer(
        worker,
        DINKES,
        "Dinas Kesehatan: Konseling psikolog",
        PSYCHOLOGIST_REASON,
        "Biasa (14 hari)",
    )
    expect(worker.locator("section.shared-data")).to_contain_text("Hasil skrining")
    send(worker)

    pkh, counselling = Referral.objects.filter(case=case).order_by("pk")
    for referral, agency, code, urgency in [
        (pkh, DINSOS, "pkh_proposal", "high"),
        (counselling, DINKES, "psychological_counselling", "normal"),
    ]:
        assert referral.status == "sent"
        assert NUMBER.match(referral.number), referral.number
        assert (referral.agency.name, referral.service.code, referral.urgency) == (
            agency,
            code,
            urgency,
        )
        assert referral.created_by.username == "petugas"
        assert referral.consent is not None
    assert pkh.reason == PKH_REASON
    assert pkh.number != counselling.number

    # The Dinsos officer, at her desk, finds only the Dinsos referral in the new box.
    officer = page
    log_in(officer, "dinsos")
    rows = open_box(officer, "Baru", 1)
    expect(rows.first).to_contain_text(pkh.number)
    expect(rows.first).to_contain_text("Usulan PKH")
    expect(rows.first).to_contain_text(name)
    rows.first.get_by_role("link", name=pkh.number).click()

    expect(officer.locator("h1")).to_have_text("Usulan PKH")
    shared = officer.locator("section.shared-data")
    expect(shared).to_contain_text(name)
    expect(shared).to_contain_text("Jaminan sosial")
    expect(shared).to_contain_text("Keluarga yang ditinggalkan")
    expect(shared).to_contain_text("Rizky Ramadhan")
    expect(officer.get_by_text("Hasil skrining")).to_have_count(0)
    expect(officer.get_by_text(PKH_REASON)).to_be_visible()

    # Another agency's referral does not exist for her.
    response = officer.goto(live_server.url + reverse("referrals:detail", args=[counselling.pk]))
    assert response.status == 404

    officer.goto(live_server.url + pkh.get_absolute_url())
    move(officer, "Terima", "Diterima")
    move(officer, "Mulai", "Berjalan")
    officer.fill("#id_outcome", OUTCOME)
    move(officer, "Selesaikan", "Selesai")
    expect(officer.locator("p").filter(has_text="Hasil:")).to_have_text(f"Hasil: {OUTCOME}")
    expect(officer.locator("form.move-form")).to_have_count(0)

    pkh.refresh_from_db()
    assert pkh.status == "completed"
    assert pkh.outcome == OUTCOME
    moves = list(
        pkh.transitions.order_by("at", "pk").values_list("from_status", "to_status", "by__username")
    )
    assert moves == [
        ("", "draft", "petugas"),
        ("draft", "sent", "petugas"),
        ("sent", "accepted", "dinsos"),
        ("accepted", "in_progress", "dinsos"),
        ("in_progress", "completed", "dinsos"),
    ]

    # The letter, as the officer downloads it.
    letter_link = officer.get_by_role("link", name="Surat rujukan (PDF)")
    letter = officer.context.request.get(live_server.url + letter_link.get_attribute("href"))
    assert letter.status == 200
    assert letter.headers["content-type"] == "application/pdf"
    text = pdf_text(letter.body())
    for expected in ["Perihal", "Yth.", pkh.number, DINSOS, name]:
        assert expected in text, expected

    # The case worker records that the returnee confirmed the outcome.
    worker.locator("nav.mainnav").get_by_role("link", name="Rujukan").click()
    worker.get_by_role("link", name=pkh.number).click()
    expect(worker.locator("h1")).to_have_text("Usulan PKH")
    expect(status_badge(worker)).to_have_text("Selesai")
    worker.get_by_role("button", name="PMI purna mengonfirmasi hasilnya").click()
    expect(worker.locator(".message-success")).to_have_text("Konfirmasi PMI purna tercatat.")
    pkh.refresh_from_db()
    assert pkh.returnee_confirmed_at is not None
    with translation.override("id"):
        confirmed_on = formats.date_format(timezone.localtime(pkh.returnee_confirmed_at), "j F Y")
    expect(
        worker.get_by_text(f"Dikonfirmasi dengan PMI purna pada {confirmed_on}.")
    ).to_be_visible()
    expect(worker.get_by_role("button", name="PMI purna mengonfirmasi hasilnya")).to_have_count(0)

    # The coordinator finds the referral Disnakertrans let run late, and only that one.
    officer.click("details.usermenu summary")
    with officer.expect_navigation():
        officer.click("details.usermenu form[action$='/logout/'] button[type=submit]")
    coordinator = officer
    log_in.submit(coordinator, "koordinator")
    rows = open_box(coordinator, "Terlambat", 1)
    expect(rows.first).to_contain_text(late.number)
    expect(rows.first).to_contain_text(DISNAKERTRANS)
    expect(rows.first.locator(".badge-danger")).to_have_text("terlambat")
    expect(coordinator.locator("table.table-cards")).not_to_contain_text(pkh.number)
