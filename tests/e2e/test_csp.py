"""The pages keep working under the Content-Security-Policy: no inline script or style
is refused on the main pages of the case worker and the coordinator, and what moved
into static/js/purna.js (the closing fields, the language menu, the invitation link)
still does its work."""

import io

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Role
from cases import demo as cases_demo
from cases.models import Case, Program
from participants import demo as participants_demo
from referrals import demo as referrals_demo
from referrals.models import Referral
from tests.factories import load_reference_data

VIOLATION = "Content Security Policy"


@pytest.fixture
def mekar_baru(demo_world):
    """The whole demo: the Mekar Baru event, its cases, screenings and referrals."""
    load_reference_data()
    for app_demo in (participants_demo, cases_demo, referrals_demo):
        app_demo.seed(io.StringIO())
    return Program.objects.get(name=cases_demo.PROGRAM_NAME)


class Console:
    """Every console message and page error of a page, as the browser wrote them."""

    def __init__(self, page):
        self.messages = []
        page.on("console", lambda message: self.messages.append(message.text))
        page.on("pageerror", lambda error: self.messages.append(f"page error: {error}"))

    @property
    def violations(self):
        return [text for text in self.messages if VIOLATION in text]

    @property
    def errors(self):
        return [text for text in self.messages if text.startswith("page error")]


def main_pages(program, *, reports):
    case = Case.objects.filter(program=program).order_by("pk").first()
    referral = Referral.objects.filter(case__program=program).order_by("pk").first()
    pages = [
        reverse("home"),
        reverse("tasks"),
        reverse("notifications"),
        reverse("participants:list"),
        reverse("participants:detail", args=[case.participant_id]),
        reverse("cases:programs"),
        reverse("cases:program", args=[program.pk]),
        reverse("cases:case", args=[case.pk]),
        reverse("referrals:list"),
        reverse("referrals:detail", args=[referral.pk]),
        reverse("profile"),
    ]
    if reports:
        pages += [
            reverse("reports:exports"),
            reverse("reports:program_outcomes", args=[program.pk]),
        ]
    return pages


def visit(page, live_server, console, urls):
    for url in urls:
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        assert "content-security-policy" in response.headers, url
        page.wait_for_load_state("load")
    return console.violations


def test_the_console_reports_a_violation_when_one_happens(page, live_server, log_in, demo_world):
    console = Console(page)
    log_in(page, "petugas")

    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_timeout(200)

    assert console.violations


@pytest.mark.parametrize(("username", "reports"), [("petugas", False), ("koordinator", True)])
def test_the_main_pages_refuse_nothing(page, live_server, log_in, mekar_baru, username, reports):
    console = Console(page)
    log_in(page, username)

    violations = visit(page, live_server, console, main_pages(mekar_baru, reports=reports))

    assert violations == []
    assert console.errors == []


def test_the_closing_fields_show_only_when_closed_is_chosen(page, live_server, log_in, mekar_baru):
    console = Console(page)
    case = Case.objects.filter(program=mekar_baru).exclude(status=Case.Status.CLOSED).first()
    log_in(page, "koordinator")
    page.goto(live_server.url + reverse("cases:case", args=[case.pk]))
    closing = page.locator("fieldset.closing-fields")
    other = next(
        value
        for value in page.locator("#id_to option").evaluate_all("els => els.map(e => e.value)")
        if value != Case.Status.CLOSED
    )

    page.select_option("#id_to", other)
    expect(closing).to_be_hidden()
    page.select_option("#id_to", Case.Status.CLOSED)
    expect(closing).to_be_visible()
    page.select_option("#id_to", other)
    expect(closing).to_be_hidden()
    assert console.violations == []


def test_choosing_a_language_switches_the_page_at_once(page, live_server, log_in, demo_world):
    console = Console(page)
    log_in(page, "petugas")
    expect(page.locator("html")).to_have_attribute("lang", "id")

    page.locator("details.usermenu summary").click()
    with page.expect_navigation():
        page.select_option("#language-select", "en")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("nav.mainnav")).to_contain_text("Participants")
    assert console.violations == []


def test_clicking_the_invitation_link_selects_it_for_copying(page, live_server, log_in, demo_world):
    console = Console(page)
    log_in(page, "koordinator")
    page.goto(live_server.url + reverse("user_new"))
    page.fill("#id_full_name", "Rudi Hartono")
    page.fill("#id_username", "rudi.dinsos")
    page.fill("#id_email", "rudi@dinsos-tangerang.example")
    page.select_option("#id_role", Role.AGENCY_OFFICER)
    page.select_option("#id_agency", label="Dinas Sosial Kabupaten Tangerang")
    page.get_by_role("button", name="Tambah dan undang").click()

    link = page.locator("input.copy-link")
    link.click()

    selected = link.evaluate("field => field.value.slice(field.selectionStart, field.selectionEnd)")
    assert selected == link.input_value()
    assert "/accounts/invitation/" in selected
    assert console.violations == []


def test_the_dashboard_bars_keep_their_lengths(page, live_server, log_in, mekar_baru):
    console = Console(page)
    log_in(page, "koordinator")
    page.goto(live_server.url + reverse("home"))

    longest = page.locator(".chart-bars-table .chart-bar.chart-p-100").first
    row = longest.locator("xpath=ancestor::td[1]")
    share = longest.bounding_box()["width"] / row.bounding_box()["width"]

    # The longest bar takes about 68% of its row (reports.charts.BAR_TRACK).
    assert 0.6 < share < 0.75
    assert console.violations == []
