"""The right person, every time.

On the Mekar Baru roster every returnee is told apart at a glance; a case worker who
registers a second Sri Wahyuni of the same village is shown the first one before
saving; a search forgives a slip, old spelling and variants; the coordinator merges a
record registered twice and nothing of either is lost.
"""

import re

import pytest
from playwright.sync_api import expect

from participants.demo import RETURNEES
from participants.models import Participant, PossibleDuplicate
from tests.e2e.conftest import mekar_baru_event


@pytest.fixture
def mekar_baru(demo_world):
    """The demo returnees (Nurhayati registered twice among them), all on the roster."""
    return mekar_baru_event(
        lambda participants: participants.filter(full_name__in=[row[0] for row in RETURNEES])
    )


def test_every_person_on_the_roster_is_told_apart_at_a_glance(
    live_server, phone_page, log_in, mekar_baru
):
    page = phone_page
    log_in(page, "nakes")
    page.goto(f"/programs/{mekar_baru.pk}/")

    details = page.locator("table.roster .person-details")
    expect(details).to_have_count(20)
    shown = details.all_inner_texts()
    # Each line names the registration number, the age and the village.
    assert len(set(shown)) == 20
    assert all(re.match(r"PMI-\d{2}-\d{5} · \d+ th · \S", text) for text in shown)


def test_a_second_sri_wahyuni_of_the_same_village_is_shown_before_saving(
    live_server, page, log_in, mekar_baru
):
    first = Participant.objects.get(full_name="Sri Wahyuni")
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "petugas")
    page.goto("/participants/new/")
    page.fill("#id_full_name", "Sri Wahyuni")
    page.fill("#id_nik_missing_reason", "KTP masih diurus")
    page.get_by_label("Perempuan").check()
    page.fill("#id_birth_date", "1979-02-14")
    page.select_option("#id_province", "36")
    page.select_option("#id_regency", "36.03")
    page.select_option("#id_district", "36.03.33")
    page.select_option("#id_village", first.village_id)
    page.select_option("#id_destination_country", "SA")
    page.get_by_role("button", name="Daftarkan").click()

    panel = page.locator("section.candidates")
    expect(panel).to_contain_text(first.registration_number)
    expect(panel).to_contain_text("nama sama")
    expect(panel).to_contain_text("desa sama")
    expect(panel.get_by_role("link", name="Orang yang sama: buka datanya")).to_have_attribute(
        "href", first.get_absolute_url()
    )
    assert Participant.objects.filter(full_name="Sri Wahyuni").count() == 1

    page.fill("#id_distinct_reason", "Lahir 1979 menurut KK; suaminya Pak Darto")
    page.get_by_role("button", name="Daftarkan sebagai orang yang berbeda").click()

    expect(page.get_by_text("terdaftar dengan nomor")).to_be_visible()
    second = Participant.objects.exclude(pk=first.pk).get(full_name="Sri Wahyuni")
    told_apart = PossibleDuplicate.objects.pair(first, second).get()
    assert told_apart.decision == PossibleDuplicate.Decision.DIFFERENT
    assert told_apart.decided_by.username == "petugas"


@pytest.mark.parametrize(
    ("typed", "found"),
    [("Wahyini", "Sri Wahyuni"), ("Soekarni", "Sukarni"), ("Djoko", "Joko Suhendar")],
)
def test_a_search_forgives_a_slip_old_spelling_and_variants(
    live_server, page, log_in, mekar_baru, typed, found
):
    log_in(page, "petugas")
    page.goto("/participants/")
    page.get_by_label("Nama, NIK, nomor registrasi, HP, atau paspor").fill(typed)
    page.keyboard.press("Enter")

    first_row = page.locator("table tbody tr").first
    expect(first_row).to_contain_text(found)


def test_the_coordinator_merges_a_record_registered_twice_and_nothing_is_lost(
    live_server, page, log_in, mekar_baru
):
    kept = Participant.objects.get(full_name="Nurhayati")
    twice = Participant.objects.get(full_name="Noer Hayati")
    # Registered twice, the second record got a family member of its own.
    twice.household.create(relationship="child", full_name="Rizky", sex="M")
    before = {
        "episodes": kept.episodes.count() + twice.episodes.count(),
        "consents": kept.consents.count() + twice.consents.count(),
        "household": kept.household.count() + twice.household.count(),
        "cases": kept.cases.count() + twice.cases.count(),
    }
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "koordinator")
    page.get_by_role("navigation", name="Menu utama").get_by_role(
        "link", name="Kemungkinan duplikat"
    ).click()
    row = page.locator("tr", has_text="Noer Hayati")
    expect(row).to_contain_text("nomor HP sama")
    row.get_by_role("link", name="Bandingkan").click()

    expect(page.get_by_role("heading", name="Bandingkan dua data")).to_be_visible()
    page.get_by_label("Mengapa keduanya orang yang sama?").fill(
        "Tanggal lahir dan nomor HP sama; terdaftar lagi tanpa KTP"
    )
    page.get_by_role("button", name="Gabungkan").click()

    expect(page.get_by_text("Penggabungan dapat dibatalkan")).to_be_visible()
    assert page.url.endswith(kept.get_absolute_url())
    expect(page.locator("#merged-records")).to_contain_text(twice.registration_number)
    after = {
        "episodes": kept.episodes.count(),
        "consents": kept.consents.count(),
        "household": kept.household.count(),
        "cases": kept.cases.count(),
    }
    assert after == before
    # The second record's page now leads to the one kept.
    page.goto(twice.get_absolute_url())
    assert page.url.endswith(kept.get_absolute_url())
