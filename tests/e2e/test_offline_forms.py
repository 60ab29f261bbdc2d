"""Nothing typed is lost on a bad connection.

In a village hall with no signal, a health worker fills an SRQ-20 on her phone and sends
it: the phone keeps it ("not yet sent", counted in the header), the page survives a
reload, and once the network is back the screening arrives on the server, once. The same
for a case worker registering a returnee.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import Screening
from participants.models import Participant
from tests.e2e.conftest import mekar_baru_event
from tests.e2e.test_register_participant import RIGHT_NIK, fill_in_siti_aminah

SAVED_ON_PHONE = "Disimpan di ponsel ini, belum terkirim"


@pytest.fixture
def mekar_baru_program(demo_world):
    return mekar_baru_event(lambda participants: participants[:3])


def answer_all(page, label="Tidak"):
    items = page.locator("li.item")
    expect(items).to_have_count(20)
    for number in range(20):
        items.nth(number).locator("label.tap").filter(
            has_text=re.compile(rf"^\s*{label}\s*$")
        ).click()


def wait_for_service_worker(page):
    """The page is under the service worker's care (it keeps the pages as they open)."""
    # Polled from here: the page's Content-Security-Policy forbids the string evaluation
    # that page.wait_for_function relies on.
    for _ in range(100):
        if page.evaluate("() => Boolean(navigator.serviceWorker.controller)"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("The service worker never took charge of the page.")


def outbox_count(page):
    return page.locator("[data-outbox-count]")


def test_an_srq20_sent_without_signal_arrives_once_when_the_signal_returns(
    phone_page, live_server, mekar_baru_program, log_in
):
    program = mekar_baru_program
    first, second = program.cases.order_by("participant__full_name", "pk")[:2]
    nurse = phone_page
    log_in(nurse, "nakes")
    wait_for_service_worker(nurse)
    nurse.goto(live_server.url + program.get_absolute_url())
    nurse.locator("table.roster tbody tr").first.get_by_role("link", name="SRQ-20").click()
    expect(nurse.locator("h1")).to_contain_text(first.participant.full_name)
    form_url = nurse.url

    answer_all(nurse)
    nurse.context.set_offline(True)
    nurse.get_by_role("button", name="Simpan dan lanjut ke peserta berikutnya").click()

    expect(nurse.locator(".offline-notice")).to_contain_text(SAVED_ON_PHONE)
    expect(outbox_count(nurse)).to_have_text("1")
    expect(nurse.locator("[data-outbox] summary")).to_contain_text("belum terkirim")
    assert not Screening.objects.exists()

    # Still no signal: the page opens again from the phone, the form still kept.
    nurse.reload()
    expect(nurse.locator("h1")).to_contain_text(first.participant.full_name)
    expect(nurse.locator("body")).to_have_attribute("data-kept-on-phone", "1")
    expect(outbox_count(nurse)).to_have_text("1")
    # Kept to be sent, it is no longer a draft of the form.
    expect(nurse.locator(".draft-notice")).to_have_count(0)
    assert not Screening.objects.exists()

    # The roster and its forms were kept as it opened: the next participant's opens too.
    nurse.goto(live_server.url + program.get_absolute_url())
    expect(nurse.locator("h1")).to_have_text(program.name)
    nurse.locator("table.roster tbody tr").nth(1).get_by_role("link", name="SRQ-20").click()
    expect(nurse.locator("h1")).to_contain_text(second.participant.full_name)
    expect(nurse.locator("body")).to_have_attribute("data-kept-on-phone", "1")
    expect(nurse.locator("li.item")).to_have_count(20)

    nurse.context.set_offline(False)
    expect(nurse.locator(".offline-notice").filter(has_text="Terkirim")).to_be_visible()
    expect(nurse.locator("[data-outbox]")).to_be_hidden()
    screening = Screening.objects.get()
    assert screening.case_id == first.pk
    assert screening.score == 0

    # The same submission again (a retry whose answer was lost) saves nothing more.
    status = nurse.evaluate(
        """async ([url, key]) => {
            const body = new URLSearchParams({submission_key: key});
            const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
            const response = await fetch(url, {method: "POST", body,
                headers: {"Purna-Outbox": "1", "X-CSRFToken": token}});
            return response.status;
        }""",
        [form_url, str(screening_key(screening))],
    )
    assert status == 204
    assert Screening.objects.count() == 1


def screening_key(screening):
    from accounts.submissions import Submission

    form = reverse("cases:questionnaire", args=[screening.case_id, "srq20"])
    return Submission.objects.get(path=form).key


def test_a_registration_sent_without_signal_arrives_once_when_the_signal_returns(
    phone_page, live_server, demo_world, log_in
):
    page = phone_page
    log_in(page, "petugas")
    wait_for_service_worker(page)
    page.goto(live_server.url + reverse("participants:new"))
    fill_in_siti_aminah(page, RIGHT_NIK)

    page.context.set_offline(True)
    page.get_by_role("button", name="Daftarkan", exact=True).click()
    expect(page.locator(".offline-notice")).to_contain_text(SAVED_ON_PHONE)
    expect(outbox_count(page)).to_have_text("1")
    page.reload()
    expect(outbox_count(page)).to_have_text("1")
    assert not Participant.objects.exists()

    page.context.set_offline(False)
    expect(page.locator("[data-outbox]")).to_be_hidden()
    participant = Participant.objects.get()
    assert participant.full_name == "Siti Aminah"
    assert participant.village_id == "36.03.33.2001"


def test_a_draft_survives_closing_the_page(phone_page, live_server, mekar_baru_program, log_in):
    program = mekar_baru_program
    case = program.cases.order_by("participant__full_name", "pk").first()
    nurse = phone_page
    log_in(nurse, "nakes")
    form = live_server.url + reverse("cases:questionnaire", args=[case.pk, "srq20"])
    nurse.goto(form)
    items = nurse.locator("li.item")
    items.nth(0).locator("label.tap").filter(has_text=re.compile(r"^\s*Ya\s*$")).click()
    items.nth(1).locator("label.tap").filter(has_text=re.compile(r"^\s*Tidak\s*$")).click()
    # The draft is written a moment after the last tap.
    nurse.wait_for_timeout(500)
    nurse.goto(live_server.url + program.get_absolute_url())
    nurse.goto(form)
    expect(nurse.locator(".draft-notice")).to_contain_text("Draf")
    expect(items.nth(0).get_by_role("radio", name="Ya")).to_be_checked()
    expect(items.nth(1).get_by_role("radio", name="Tidak")).to_be_checked()
    nurse.get_by_role("button", name="Buang draf").click()
    expect(nurse.locator(".draft-notice")).to_have_count(0)
    expect(items.nth(0).get_by_role("radio", name="Ya")).not_to_be_checked()
