"""Real-browser tests: Playwright driving the system Chromium against pytest-django's live server.

Playwright's own browser download is not used (it needs the network); the browser is
Debian's Chromium, found through PURNA_CHROMIUM or the PATH. Without one the tests are
skipped, unless PURNA_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
"""

import datetime
import io
import os
import shutil
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from accounts import demo
from accounts.models import Office, User
from tests.factories import banten_regions

TIMEOUT_MS = 10_000
PHONE_VIEWPORT = {"width": 360, "height": 740}
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # The network is closed: no update checks, sync or background requests.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = (
    "Install it with `apt-get install -y chromium` (Debian/Ubuntu) "
    "or set PURNA_CHROMIUM to the path of a Chromium executable."
)

expect.set_options(timeout=TIMEOUT_MS)


def find_chromium() -> str | None:
    """PURNA_CHROMIUM when set (even if wrong: no silent fallback), else the PATH."""
    configured = os.environ.get("PURNA_CHROMIUM")
    if configured:
        path = Path(configured)
        return str(path) if path.is_file() and os.access(path, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    executable = find_chromium()
    if executable is None:
        configured = os.environ.get("PURNA_CHROMIUM")
        reason = (
            f"PURNA_CHROMIUM={configured} is not an executable file."
            if configured
            else "No Chromium found on the PATH (chromium, chromium-browser)."
        )
        message = f"Browser tests need Chromium. {reason} {INSTALL_HINT}"
        if os.environ.get("PURNA_REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    # Playwright's sync API keeps an event loop in the test thread for as long as the
    # browser lives, and Django's ORM refuses to run beside a running loop. The ORM
    # calls of these tests are plain sync code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _new_page(browser, live_server, **options):
    context = browser.new_context(
        base_url=live_server.url,
        # Indonesian staff: the browser asks for the default UI language.
        locale="id-ID",
        timezone_id="Asia/Jakarta",
        **options,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context, context.new_page()


@pytest.fixture
def page(browser, live_server):
    context, page = _new_page(browser, live_server)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A small Android phone, as used by field staff."""
    context, page = _new_page(
        browser, live_server, viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True
    )
    yield page
    context.close()


@pytest.fixture
def demo_world(transactional_db):
    """The demo office, agencies and users of `manage.py seed_demo`."""
    banten_regions()
    demo.seed(io.StringIO())
    return demo.USERS


class LogIn:
    """Logs in through the real login form, as a person would."""

    def __init__(self, live_server):
        self.live_server = live_server

    def __call__(self, page, username, password=None):
        """Open the login page and log in; the page ends wherever the login leads."""
        page.goto(self.live_server.url + reverse("login"))
        self.submit(page, username, password)

    def submit(self, page, username, password=None):
        """Fill in the login form the page already shows and send it."""
        page.fill("#id_username", username)
        page.fill("#id_password", demo.demo_password() if password is None else password)
        with page.expect_navigation():
            page.click("form:has(#id_password) button[type=submit]")


@pytest.fixture
def log_in(live_server):
    return LogIn(live_server)


def mekar_baru_event(enrol):
    """The demo returnees registered, and the Mekar Baru event of the demo office with
    `enrol(participants)` of them enrolled (no screenings yet)."""
    from cases import services
    from cases.demo import PROGRAM_NAME
    from cases.models import Program
    from participants import demo as participants_demo
    from participants.models import Participant
    from regions.models import Region
    from tests.factories import load_reference_data

    load_reference_data()
    participants_demo.seed(io.StringIO())
    program = Program.objects.create(
        office=Office.objects.get(name=demo.OFFICE_NAME),
        name=PROGRAM_NAME,
        venue="Aula Kecamatan Mekar Baru",
        district=Region.objects.get(code="36.03.33"),
        start_date=datetime.date(2025, 11, 5),
        end_date=datetime.date(2025, 11, 6),
        created_by=User.objects.get(username="koordinator"),
    )
    services.enrol_participants(
        program=program,
        participants=list(enrol(Participant.objects.order_by("pk"))),
        by=User.objects.get(username="petugas"),
    )
    return program
