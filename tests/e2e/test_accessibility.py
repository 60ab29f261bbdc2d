"""Every page each demo role reaches passes axe-core's WCAG 2.1 A/AA rules.

The pages come from tests/site_pages.py, the same walk as the untranslated-text crawl.
Each role logs in through the form, in one browser context, and opens its pages at
1366 px in Indonesian and in English, and the pages of its main menu at 360 px too.
axe-core (tests/e2e/vendor/axe-core, a test-only file) is put into every page before
the page's own scripts; the page's Content-Security-Policy does not apply to it. Any
critical or serious violation fails the test, with the page, the rule and the nodes.
"""

import collections
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Notification, User
from tests.site_pages import (
    ROLES,
    discover,
    first_of_each_pattern,
    pattern_of,
    seed_demo_world,
)

from .conftest import PHONE_VIEWPORT

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
DESKTOP_VIEWPORT = {"width": 1366, "height": 768}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = ("critical", "serious")
LANGUAGES = ("id", "en")
ANONYMOUS = "anonymous"  # the login and password-reset pages

RUN_AXE = """async (tags) => {
    const results = await axe.run(document, {
        runOnly: {type: "tag", values: tags},
        resultTypes: ["violations"],
    });
    return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((node) => node.target.join(" ")),
    }));
}"""


class Audit:
    """The violations found, counted by impact, and the pages opened."""

    def __init__(self, username):
        self.username = username
        self.by_impact = collections.Counter()
        self.failures = []
        self.pages = collections.Counter()

    def check(self, page, url, language, width):
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.lang") == language, url
        self.pages[(language, width)] += 1
        self.run(page, url, language, width)

    def run(self, page, url, language, width):
        # What a closed <details> holds is hidden, and axe checks only what is shown.
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        for violation in page.evaluate(RUN_AXE, WCAG_TAGS):
            self.by_impact[violation["impact"]] += 1
            if violation["impact"] in FAILING_IMPACTS:
                nodes = ", ".join(violation["targets"][:5])
                self.failures.append(
                    f"{self.username} {language} {width}px {url}: {violation['id']} "
                    f"({violation['impact']}: {violation['help']}) on {nodes}"
                )


def pages_of(username):
    """The role's pages, one per URL pattern, found with the Django test client."""
    client = Client(raise_request_exception=False)
    if username != ANONYMOUS:
        client.force_login(User.objects.get(username=username))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    return [page.url for page in first_of_each_pattern(discover(client)) if page.is_document]


@pytest.fixture
def demo_site(transactional_db):
    seed_demo_world()


@pytest.mark.parametrize("username", [ANONYMOUS, *ROLES])
def test_every_page_of_the_role_passes_axe(demo_site, browser, live_server, log_in, username):
    started = time.monotonic()
    urls = pages_of(username)
    audit = Audit(username)
    context = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport=DESKTOP_VIEWPORT
    )
    context.add_init_script(script=AXE)
    try:
        page = context.new_page()
        if username == ANONYMOUS:
            main_pages = [reverse("login")]
        else:
            log_in(page, username)
            menu = page.eval_on_selector_all(
                "nav.mainnav a", "links => links.map((link) => link.getAttribute('href'))"
            )
            main_pages = [url for url in menu if pattern_of(url) is not None]
        for language in LANGUAGES:
            context.add_cookies(
                [
                    {
                        "name": settings.LANGUAGE_COOKIE_NAME,
                        "value": language,
                        "url": live_server.url,
                    }
                ]
            )
            page.set_viewport_size(DESKTOP_VIEWPORT)
            for url in urls:
                audit.check(page, url, language, DESKTOP_VIEWPORT["width"])
            page.set_viewport_size(PHONE_VIEWPORT)
            for url in main_pages:
                audit.check(page, url, language, PHONE_VIEWPORT["width"])
    finally:
        context.close()

    print(
        f"{username}: {len(urls)} pages, {dict(audit.pages)} checks, "
        f"violations by impact {dict(audit.by_impact)}, {time.monotonic() - started:.0f} s"
    )
    assert len(urls) >= (2 if username == ANONYMOUS else 5)
    assert main_pages
    assert audit.failures == [], "\n".join(audit.failures)


def test_axe_finds_a_violation_a_page_has(demo_site, browser, live_server, log_in):
    """The check can fail: an image without a text alternative and a light-grey text
    put into a real page are reported as the rules say."""
    context = browser.new_context(base_url=live_server.url, locale="id-ID")
    context.add_init_script(script=AXE)
    try:
        page = context.new_page()
        log_in(page, "petugas")
        page.evaluate(
            """() => {
                const image = document.createElement("img");
                image.src = "/static/favicon.ico";
                document.querySelector("main").append(image);
                const faint = document.createElement("p");
                faint.textContent = "Teks pucat";
                faint.style.color = "#ddd";
                document.querySelector("main").append(faint);
            }"""
        )
        found = {violation["id"]: violation for violation in page.evaluate(RUN_AXE, WCAG_TAGS)}
    finally:
        context.close()

    assert found["image-alt"]["impact"] == "critical"
    assert found["color-contrast"]["impact"] == "serious"


@pytest.mark.parametrize("width", [DESKTOP_VIEWPORT["width"], PHONE_VIEWPORT["width"]])
def test_messages_form_errors_and_error_pages_pass_axe(
    demo_site, browser, live_server, log_in, width
):
    """The states no link leads to: a message after an action, a form sent back with its
    errors, a refused login, and the 404 page."""
    viewport = DESKTOP_VIEWPORT if width == DESKTOP_VIEWPORT["width"] else PHONE_VIEWPORT
    petugas = User.objects.get(username="petugas")
    Notification.objects.create(
        user=petugas, kind="referral_status", text="Rujukan berubah.", url="/", event="uji"
    )
    audit = Audit("petugas")
    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport=viewport)
    context.add_init_script(script=AXE)
    try:
        page = context.new_page()
        page.goto(reverse("login"))
        page.fill("#id_username", "petugas")
        page.fill("#id_password", "bukan-sandinya")
        with page.expect_navigation():
            page.click("form:has(#id_password) button[type=submit]")
        expect(page.locator("[data-error-summary]")).to_be_visible()
        audit.run(page, "login refused", "id", width)

        log_in(page, "petugas")
        page.goto(reverse("notifications"))
        with page.expect_navigation():
            page.get_by_role("button", name="Tandai semua sudah dibaca").click()
        expect(page.get_by_role("status")).to_be_visible()
        audit.run(page, "notifications, marked read", "id", width)

        page.goto(reverse("participants:new"))
        # The browser's own checks would stop the empty form before the server sees it.
        page.evaluate("document.querySelectorAll('main form').forEach((f) => f.noValidate = true)")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").last.click()
        expect(page.locator("[aria-invalid=true]").first).to_be_attached()
        audit.run(page, "new participant, sent empty", "id", width)

        page.goto("/tidak-ada-halaman-ini/")
        expect(page.locator("h1")).to_have_text("Halaman tidak ditemukan")
        audit.run(page, "404", "id", width)
    finally:
        context.close()

    print(f"states at {width} px: violations by impact {dict(audit.by_impact)}")
    assert audit.failures == [], "\n".join(audit.failures)
