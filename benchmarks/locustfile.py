"""An office day of Purna's users, for locust: `benchmarks/load.py` runs it.

Each simulated user logs in once as one of the demo users (`manage.py seed_demo`)
through the login form, then goes about that role's work with a pause between pages:

- case worker (`petugas`): the participant list (searching by name, filtering),
  participant and case pages, the work list, the referrals the office sent;
- coordinator (`koordinator`): the dashboard, programs, the office's referrals;
- health worker (`nakes`): the work list and case pages (screenings);
- agency officers (`dinsos`, `dinkes`): their agency's referral inbox and referrals;
- administrator (`admin`): a bit of everything.

Which participants, cases, referrals and programs there are is read from the links
on the pages the user has seen, never fixed here. Searches and filter changes are
sent as the page's htmx requests (only the results come back).

Environment:

- `PURNA_HOSTS`: comma-separated base URLs; user number n goes to host n mod count,
  so the users are spread evenly over several servers (default: locust's --host).
- `DEMO_PASSWORD`: the demo users' password (default `purna-demo-2025`).
- `PURNA_WAIT_MIN`, `PURNA_WAIT_MAX`: seconds a user pauses between pages (1 and 4).
- `PURNA_STATS_CSV`: a path prefix; once every user has stopped, the whole run's stats
  go to PREFIX_stats.csv and PREFIX_failures.csv, in the format of locust's --csv
  (whose files are rewritten once a second and so miss the last requests).

A response outside 2xx/3xx fails, and so does a page that lands on the login form
(a lost session) or a login that does not get past it.
"""

import csv
import itertools
import os
import random
import re
from html.parser import HTMLParser

from locust import HttpUser, between, events, task
from locust.stats import PERCENTILES_TO_REPORT, StatsCSV

PASSWORD = os.environ.get("DEMO_PASSWORD") or "purna-demo-2025"
HOSTS = [host.strip().rstrip("/") for host in os.environ.get("PURNA_HOSTS", "").split(",")]
HOSTS = [host for host in HOSTS if host]
WAIT = between(
    float(os.environ.get("PURNA_WAIT_MIN", "1")), float(os.environ.get("PURNA_WAIT_MAX", "4"))
)
LOGIN_PATH = "/accounts/login/"

# The records a page links to: /participants/12/, /cases/7/ (or a page of it, such as
# /cases/7/follow-ups/3/), /referrals/3/, /programs/1/.
RECORD_LINK = re.compile(r'href="/(participants|cases|referrals|programs)/(\d+)/')
# A participant's name as the list shows it: the text of the link to the record.
PARTICIPANT_LINK = re.compile(
    r'<a href="/participants/(\d+)/"[^>]*>\s*(?:<strong>)?([^<]+?)\s*(?:</strong>)?\s*</a>'
)
LAST_PAGE = re.compile(r"[?&;]page=(\d+)")

_numbers = itertools.count()
_environment = None


@events.init.add_listener
def _remember_environment(environment, **_kwargs):
    global _environment
    _environment = environment


@events.quit.add_listener
def _write_stats(**_kwargs):
    prefix = os.environ.get("PURNA_STATS_CSV")
    if not prefix or _environment is None:
        return
    writer = StatsCSV(_environment, PERCENTILES_TO_REPORT)
    with open(f"{prefix}_stats.csv", "w", newline="") as stats_file:
        writer.requests_csv(csv.writer(stats_file))
    with open(f"{prefix}_failures.csv", "w", newline="") as failures_file:
        writer.failures_csv(csv.writer(failures_file))


class FormReader(HTMLParser):
    """The hidden inputs of the first form and the options of every select on a page."""

    def __init__(self):
        super().__init__()
        self.hidden = {}
        self.selects = {}
        self._select = None
        self._forms = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._forms += 1
        elif tag == "input" and attrs.get("type") == "hidden" and self._forms <= 1:
            if attrs.get("name"):
                self.hidden[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self.selects[self._select] = []
        elif tag == "option" and self._select and attrs.get("value"):
            self.selects[self._select].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def read_form(html: str) -> FormReader:
    reader = FormReader()
    reader.feed(html)
    return reader


class PurnaUser(HttpUser):
    """One person at work: logs in once, then opens the pages of their role."""

    abstract = True
    wait_time = WAIT
    username = ""

    def __init__(self, environment):
        self.number = next(_numbers)
        if HOSTS:
            self.host = HOSTS[self.number % len(HOSTS)]
        super().__init__(environment)
        self.seen = {"participants": set(), "cases": set(), "referrals": set(), "programs": set()}
        self.names = []
        self.filters = {}
        self.last_page = 1

    # --- Requests ---------------------------------------------------------------------

    def open(self, path, name, params=None, htmx=False):
        """GET a page, note the records it links to; the HTML, or None when it failed."""
        headers = {"HX-Request": "true"} if htmx else {}
        with self.client.get(
            path, params=params, headers=headers, name=name, catch_response=True
        ) as response:
            if not response.ok:
                response.failure(f"HTTP {response.status_code}")
                return None
            if response.url and LOGIN_PATH in response.url:
                response.failure("sent to the login page")
                return None
            html = response.text
        for kind, pk in RECORD_LINK.findall(html):
            self.seen[kind].add(int(pk))
        return html

    def on_start(self):
        with self.client.get(LOGIN_PATH, name="login form", catch_response=True) as response:
            if not response.ok:
                response.failure(f"HTTP {response.status_code}")
                return
            fields = read_form(response.text).hidden
        fields.update(username=self.username, password=PASSWORD)
        # The password check alone: the page it sends the user on to is not followed.
        with self.client.post(
            LOGIN_PATH,
            data=fields,
            headers={"Referer": self.host + LOGIN_PATH},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{self.username} was not let in (HTTP {response.status_code})")
            elif LOGIN_PATH in response.headers.get("Location", ""):
                response.failure(f"{self.username} was sent back to the login form")

    def pick(self, kind):
        return random.choice(sorted(self.seen[kind])) if self.seen[kind] else None

    # --- Pages ------------------------------------------------------------------------

    def dashboard(self):
        self.open("/", "dashboard")

    def work_list(self):
        self.open("/tasks/", "work list")

    def participant_list(self):
        page = random.randint(1, min(self.last_page, 5)) if random.random() < 0.2 else 1
        html = self.open("/participants/", "participant list", {"page": page} if page > 1 else None)
        if html is None:
            return
        self.names = [name for _, name in PARTICIPANT_LINK.findall(html)] or self.names
        pages = [int(number) for number in LAST_PAGE.findall(html)]
        self.last_page = max(pages, default=self.last_page)
        form = read_form(html)
        self.filters = {name: values for name, values in form.selects.items() if values}

    def participant_search(self):
        if not self.names:
            return self.participant_list()
        words = random.choice(self.names).split()
        # A first name alone (many namesakes), or the whole name as written.
        text = words[0] if random.random() < 0.5 else " ".join(words)
        self.open("/participants/", "participant list: search", {"q": text}, htmx=True)

    def participant_filter(self):
        if not self.filters:
            return self.participant_list()
        chosen = random.sample(sorted(self.filters), k=min(2, len(self.filters)))
        params = {name: random.choice(self.filters[name]) for name in chosen}
        self.open("/participants/", "participant list: filters", params, htmx=True)

    def participant_page(self):
        pk = self.pick("participants")
        if pk is None:
            return self.participant_list()
        self.open(f"/participants/{pk}/", "participant page")

    def case_page(self):
        pk = self.pick("cases")
        if pk is None:
            return self.program_page()
        self.open(f"/cases/{pk}/", "case page")

    def program_page(self):
        pk = self.pick("programs")
        if pk is None:
            self.open("/programs/", "program list")
            pk = self.pick("programs")
            if pk is None:
                return
        self.open(f"/programs/{pk}/", "program page")

    def referral_box(self, name):
        box = random.choice(["", "", "new", "in_progress", "overdue", "done"])
        self.open("/referrals/", name, {"box": box} if box else None)

    def referral_detail(self, box_name):
        pk = self.pick("referrals")
        if pk is None:
            return self.referral_box(box_name)
        self.open(f"/referrals/{pk}/", "referral detail")


class CaseWorker(PurnaUser):
    """Registers, searches and follows up returnees: most of the office's requests."""

    weight = 5
    username = "petugas"

    def on_start(self):
        super().on_start()
        self.participant_list()

    @task(3)
    def home(self):
        self.dashboard()

    @task(3)
    def work(self):
        self.work_list()

    @task(4)
    def list_participants(self):
        self.participant_list()

    @task(3)
    def search(self):
        self.participant_search()

    @task(2)
    def filter_participants(self):
        self.participant_filter()

    @task(4)
    def participant(self):
        self.participant_page()

    @task(3)
    def case(self):
        self.case_page()

    @task(2)
    def outbox(self):
        self.referral_box("referral outbox")

    @task(2)
    def referral(self):
        self.referral_detail("referral outbox")

    @task(1)
    def program(self):
        self.program_page()


class Coordinator(PurnaUser):
    """Follows the whole program: the dashboard, programs and the office's referrals."""

    weight = 2
    username = "koordinator"

    @task(4)
    def home(self):
        self.dashboard()

    @task(3)
    def program(self):
        self.program_page()

    @task(2)
    def case(self):
        self.case_page()

    @task(2)
    def list_participants(self):
        self.participant_list()

    @task(1)
    def search(self):
        self.participant_search()

    @task(2)
    def participant(self):
        self.participant_page()

    @task(3)
    def outbox(self):
        self.referral_box("referral outbox")

    @task(2)
    def referral(self):
        self.referral_detail("referral outbox")

    @task(2)
    def work(self):
        self.work_list()


class HealthWorker(PurnaUser):
    """Screens returnees: the work list and the case pages."""

    weight = 2
    username = "nakes"

    @task(3)
    def work(self):
        self.work_list()

    @task(2)
    def home(self):
        self.dashboard()

    @task(2)
    def list_participants(self):
        self.participant_list()

    @task(2)
    def search(self):
        self.participant_search()

    @task(2)
    def participant(self):
        self.participant_page()

    @task(4)
    def case(self):
        self.case_page()


class AgencyOfficer(PurnaUser):
    """Works the agency's inbox: the referrals sent to it and each one's page."""

    abstract = True

    @task(5)
    def inbox(self):
        self.referral_box("agency inbox")

    @task(4)
    def referral(self):
        self.referral_detail("agency inbox")

    @task(2)
    def home(self):
        self.dashboard()

    @task(1)
    def work(self):
        self.work_list()


class DinsosOfficer(AgencyOfficer):
    weight = 1
    username = "dinsos"


class DinkesOfficer(AgencyOfficer):
    weight = 1
    username = "dinkes"


class Administrator(PurnaUser):
    weight = 1
    username = "admin"

    @task(2)
    def home(self):
        self.dashboard()

    @task(2)
    def list_participants(self):
        self.participant_list()

    @task(1)
    def participant(self):
        self.participant_page()

    @task(2)
    def program(self):
        self.program_page()

    @task(1)
    def outbox(self):
        self.referral_box("referral outbox")

    @task(1)
    def work(self):
        self.work_list()
