"""A suicide-risk answer on the SRQ-20 raises an alert that the coordinator closes.

The health worker screens at the event on a phone, one participant after another from the
roster; the coordinator sees the alert on the dashboard and records what was done.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from cases.models import Alert, Screening
from tests.e2e.conftest import mekar_baru_event

SUBMIT = "Simpan dan lanjut ke peserta berikutnya"
SUICIDE_ITEM = 17
YES_ITEMS = {1, 3, 9, SUICIDE_ITEM}
ACTION = "Psikolog mendampingi hari itu; keluarga diberi tahu."


@pytest.fixture
def mekar_baru_program(demo_world):
    """The Mekar Baru event with three of the demo returnees enrolled (no screenings yet)."""
    return mekar_baru_event(lambda participants: participants[:3])


def answer(item, label):
    """One tap on the visible answer button of an item; the radio itself is hidden under it."""
    # The transparent radio covers its label, so the tap lands on the label (and its radio).
    item.locator("label.tap").filter(has_text=re.compile(rf"^\s*{label}\s*$")).click()
    expect(item.get_by_role("radio", name=label)).to_be_checked()


def roster_row(page, name):
    return page.locator("table.roster tbody tr").filter(has=page.get_by_role("link", name=name))


def test_a_suicide_risk_answer_raises_an_alert_that_the_coordinator_closes(
    phone_page, page, live_server, mekar_baru_program, log_in
):
    program = mekar_baru_program
    roster = list(program.cases.order_by("participant__full_name", "pk"))
    first, second = roster[0], roster[1]
    name = first.participant.full_name

    # The health worker screens from the roster, on her phone.
    nurse = phone_page
    log_in(nurse, "nakes")
    nurse.locator("nav.mainnav").get_by_role("link", name="Kegiatan").click()
    nurse.get_by_role("link", name=program.name).click()
    expect(nurse.locator("h1")).to_have_text(program.name)
    nurse.locator("table.roster tbody tr").first.get_by_role("link", name="SRQ-20").click()
    expect(nurse.locator("h1")).to_contain_text(name)

    items = nurse.locator("li.item")
    expect(items).to_have_count(20)
    for number in range(1, 21):
        if number != SUICIDE_ITEM:
            answer(items.nth(number - 1), "Ya" if number in YES_ITEMS else "Tidak")
    nurse.get_by_role("button", name=SUBMIT).click()

    expect(nurse.locator(".alert-error")).to_contain_text("Semua pertanyaan harus dijawab.")
    unanswered = items.nth(SUICIDE_ITEM - 1)
    expect(unanswered).to_have_class("item field-error")
    expect(unanswered.locator(".error")).to_have_text("Jawab pertanyaan ini.")
    assert Screening.objects.count() == 0
    # The answers already given are kept.
    expect(items.nth(0).get_by_role("radio", name="Ya")).to_be_checked()
    expect(items.nth(1).get_by_role("radio", name="Tidak")).to_be_checked()

    answer(unanswered, "Ya")
    nurse.get_by_role("button", name=SUBMIT).click()

    next_form = reverse("cases:questionnaire", args=[second.pk, "srq20"])
    expect(nurse).to_have_url(f"{live_server.url}{next_form}?from=roster")
    expect(nurse.locator("h1")).to_contain_text(second.participant.full_name)
    expect(nurse.locator(".message-warning")).to_have_text(
        "Muncul peringatan. Koordinator sudah diberi tahu."
    )
    expect(nurse.get_by_role("button", name=SUBMIT)).to_be_visible()

    screening = Screening.objects.get()
    assert screening.case_id == first.pk
    assert screening.kind == "srq20"
    assert len(screening.answers) == 20
    assert screening.answers[str(SUICIDE_ITEM)] == 1
    assert screening.score == len(YES_ITEMS)
    alert = Alert.objects.get()
    assert (alert.case_id, alert.screening_id, alert.code) == (
        first.pk,
        screening.pk,
        "suicide_risk",
    )
    assert alert.resolved_at is None

    # The roster flags the participant until somebody acts.
    nurse.locator(".breadcrumb").get_by_role("link", name=program.name).click()
    flagged = roster_row(nurse, name)
    expect(flagged.locator(".badge-danger")).to_have_text("peringatan")
    expect(flagged.locator("td[data-label='SRQ-20']")).to_contain_text(str(len(YES_ITEMS)))

    # The coordinator, at her desk, sees the alert first thing and records the action.
    log_in(page, "koordinator")
    banner = page.locator("section.alert-banner")
    expect(banner).to_contain_text("Perlu tindakan segera")
    expect(banner).to_contain_text("Risiko bunuh diri")
    expect(banner.get_by_role("link", name=name)).to_be_visible()
    banner.get_by_label("Tindakan yang dilakukan").fill(ACTION)
    banner.get_by_role("button", name="Catat tindakan").click()

    expect(page.locator(".message-success")).to_have_text(
        "Tindakan tercatat dan peringatan ditutup."
    )
    expect(page.locator("section.alert-banner")).to_have_count(0)
    alert.refresh_from_db()
    assert alert.resolved_by == User.objects.get(username="koordinator")
    assert alert.action_taken == ACTION
    assert alert.resolved_at is not None

    page.locator("nav.mainnav").get_by_role("link", name="Kegiatan").click()
    page.get_by_role("link", name=program.name).click()
    expect(page.locator("section.alert-banner")).to_have_count(0)
    row = roster_row(page, name)
    expect(row).to_be_visible()
    expect(row.locator(".badge-danger")).to_have_count(0)
    expect(row).not_to_have_class("row-alert")
