"""No input makes the server fail: every page answers odd requests with a 4xx or a page.

The URLs come from the resolver, so a new view is covered without touching this file.
"""

import collections
import re

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.redirects import safe_next
from cases.instruments import INSTRUMENTS, SRQ20
from cases.models import Alert, Case, OutcomeOccasion, Program, Screening
from cases.services import record_questionnaire
from participants.models import Consent, Participant
from referrals import services as referral_services
from referrals.models import Referral, Service, Urgency
from tests.cases.conftest import enrol, make_program
from tests.cases.helpers import srq_answers
from tests.factories import consent_to_dinsos

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
EXAMPLES = 1  # per URL, method and user: small and fixed, so the suite stays quick
ODD_TEXT = [
    "",
    "0",
    "-1",
    "99999999999999999999999",
    "\x00",
    "a\x00b",
    "\r\nSet-Cookie: x=1",
    "x" * 5000,
    "//evil.example",
    "\\\\evil.example",
    "/\\evil.example",
    "http://[",
    "javascript:alert(1)",
    "home",
    "no-such-view",
    "😀",
    "   ",
    "2025-13-45",
    "1,2",
    "%",
]
ODD_FIELD_NAMES = [
    "next",
    "page",
    "q",
    "pk",
    "to",
    "version",
    "status",
    "from",
    "csrfmiddlewaretoken",
]
TEXT = st.one_of(
    st.sampled_from(ODD_TEXT),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
)
COUNTED = [Participant, Case, Program, Screening, Alert, Referral, Consent]


def walk(patterns, prefix=""):
    """(route, name) of every URL pattern, with its converters still in place."""
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            # The admin site is Django's own and staff only; static and media are files.
            if entry.app_name == "admin":
                continue
            yield from walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            if route.startswith(("static/", "media/", "admin/")):
                continue
            yield route.lstrip("^").rstrip("$"), entry.name


ROUTES = sorted(set(walk(get_resolver().url_patterns)))
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


@pytest.fixture
def world(office_a, coordinator_a, case_worker_a, health_worker_a, dinsos, regions):
    program = make_program(office_a, coordinator_a, regions["district"])
    case = enrol(program, case_worker_a, full_name="Siti Aminah", sex="F")
    enrol(program, case_worker_a, full_name="Nur Halimah", sex="F")
    record_questionnaire(
        case=case, instrument=SRQ20, answers=srq_answers(yes=[17]), by=health_worker_a
    )
    consent_to_dinsos(case.participant, case_worker_a)
    referral = referral_services.create_referral(
        case=case,
        agency=dinsos,
        service=Service.objects.get(code="social_rehabilitation"),
        reason="Keluarga tidak punya penghasilan sejak kepulangan.",
        urgency=Urgency.NORMAL,
        by=case_worker_a,
    )
    referral_services.send_referral(referral=referral, by=case_worker_a, version=referral.version)
    return case


# Which rows an <int:...> most likely names, by the path segment before it; any
# other integer route still gets every primary key of the world and random ones.
PK_SOURCES = {
    "agencies": "accounts.Agency",
    "offices": "accounts.Office",
    "users": "accounts.User",
    "notifications": "accounts.Notification",
    "alerts": "cases.Alert",
    "cases": "cases.Case",
    "programs": "cases.Program",
    "plan": "cases.PlanItem",
    "participants": "participants.Participant",
    "consents": "participants.Consent",
    "documents": "participants.Document",
    "episodes": "participants.MigrationEpisode",
    "household": "participants.HouseholdMember",
    "duplicates": "participants.PossibleDuplicate",
    "import": "participants.ImportJob",
    "merges": "participants.ParticipantMerge",
    "referrals": "referrals.Referral",
    "jobs": "reports.ReportJob",
}
KNOWN_INTS = {"follow-ups": [1, 3, 6, 12], "mail": [0, 1]}


def world_pks():
    """The world's primary keys: per PK_SOURCES segment, and all of them together."""
    by_segment, every = {}, set()
    for segment, label in PK_SOURCES.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        pks = list(model.objects.order_by("pk").values_list("pk", flat=True)[:5])
        by_segment[segment] = pks
        every.update(pks)
    return by_segment, sorted(every)


def path_value(kind, segment, pks):
    by_segment, every = pks
    if kind == "int":
        known = by_segment.get(segment) or KNOWN_INTS.get(segment) or every
        return st.one_of(st.sampled_from(known), st.sampled_from(every), st.integers(0, 10**20))
    slugs = sorted({*INSTRUMENTS, *OutcomeOccasion.values, "csv", "xlsx", "pdf"})
    pattern = r"\A[-a-zA-Z0-9_]{1,20}\Z" if kind == "slug" else r"\A[^/\x00]{1,20}\Z"
    return st.one_of(st.sampled_from(slugs), st.from_regex(pattern))


def urls(route, pks):
    """URLs of the route, its converters filled with the world's keys or random values."""
    converters = list(CONVERTER.finditer(route))
    if not converters:
        return st.just("/" + route)
    values = []
    for match in converters:
        segments = route[: match.start()].rstrip("/").split("/")
        values.append(path_value(match.group(1) or "str", segments[-1], pks))
    return st.tuples(*values).map(lambda filled: "/" + _fill(route, filled))


def _fill(route, filled):
    parts = iter(filled)
    return CONVERTER.sub(lambda _: str(next(parts)), route)


class Fuzzer:
    def __init__(self, client, user):
        self.client, self.user = client, user
        self.requests = 0
        self.statuses = collections.Counter()
        self._names = {}

    def get(self, url, query, **headers):
        return self._send(self.client.get, url, query, **headers)

    def post(self, url, data, **headers):
        before = row_counts()
        response = self._send(self.client.post, url, data, **headers)
        if response.status_code not in (301, 302, 303):
            # Refused or shown again with its errors: nothing is written.
            assert row_counts() == before, (url, data)
        return response

    def _send(self, method, url, data, **headers):
        # Each time: a POST (logging out, deactivating) may have ended the session.
        self.client.force_login(self.user)
        response = method(url, data, headers=headers)
        self.requests += 1
        self.statuses[response.status_code] += 1
        assert response.status_code < 500, (url, data)
        return response

    def field_names(self, url):
        """The names of the page's inputs, to send something the view actually reads."""
        if url not in self._names:
            response = self.get(url, {})
            names = []
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                names = re.findall(
                    r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', response.content.decode()
                )
            self._names[url] = sorted({*names, *ODD_FIELD_NAMES})
        return self._names[url]

    def nasty(self, url):
        """Every field at once, each with one of the odd values, round the list."""
        names = self.field_names(url)
        odd = {name: ODD_TEXT[(i + len(url)) % len(ODD_TEXT)] for i, name in enumerate(names)}
        # As htmx sends it too: some views answer it with a fragment.
        self.get(url, odd, HX_Request="true")
        self.post(url, odd, HX_Request="true")

    def fuzz(self, route, pks):
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(
            url=urls(route, pks),
            query=st.dictionaries(st.sampled_from(ODD_FIELD_NAMES) | TEXT, TEXT, max_size=4),
            data=st.data(),
        )
        def requests(url, query, data):
            self.get(url, query)
            names = st.sampled_from(self.field_names(url)) | TEXT
            self.post(url, data.draw(st.dictionaries(names, TEXT, max_size=8), label="post"))
            self.nasty(url)

        requests()


def row_counts():
    return [model.objects.count() for model in COUNTED]


@pytest.mark.parametrize("who", ["coordinator_a", "dinsos_officer"])
def test_no_page_answers_odd_requests_with_a_server_error(client, world, who, request):
    fuzzer = Fuzzer(client, request.getfixturevalue(who))
    pks = world_pks()

    for route, _name in ROUTES:
        fuzzer.fuzz(route, pks)

    print(f"{who}: {fuzzer.requests} requests over {len(ROUTES)} URL patterns", fuzzer.statuses)
    assert fuzzer.requests >= 4 * len(ROUTES)


@pytest.mark.parametrize(
    "username", ["x" * 10_000, "petugas\x00a", "😀👩‍⚕️", "  petugas  a  ", "\t\n"], ids=repr
)
def test_an_odd_username_is_a_wrong_login_and_counts_towards_the_lockout(
    client, case_worker_a, username
):
    response = client.post(LOGIN_URL, {"username": username, "password": "salah-sandi"})

    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    codes = {error.code for field in errors.values() for error in field}
    assert codes == ({"invalid_login"} if username.strip() else {"required"})
    if username.strip():
        [attempt] = AccessAttempt.objects.all()
        assert attempt.failures_since_start == 1
        assert len(attempt.username) <= 255


def test_an_overlong_username_is_locked_out_like_any_other(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        response = client.post(LOGIN_URL, {"username": "x" * 10_000, "password": "salah"})

    assert response.status_code == 429


NEXT_VALUES = [
    "no-such-view",
    "home",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "\x00/cases/",
    "/cases/\r\nSet-Cookie: x=1",
    "/" + "x" * 10_000,
    "http://[",
    "",
]


@pytest.mark.parametrize("next_url", NEXT_VALUES, ids=repr)
def test_an_odd_next_after_recording_an_alert_action_leads_back_to_the_case(
    client, world, coordinator_a, next_url
):
    alert = Alert.objects.get(case=world)
    client.force_login(coordinator_a)

    response = client.post(
        f"/alerts/{alert.pk}/resolve/", {"action_taken": "Psikolog mendampingi.", "next": next_url}
    )

    assert response.status_code == 302
    assert response["Location"] == world.get_absolute_url()
    alert.refresh_from_db()
    assert alert.action_taken == "Psikolog mendampingi."


def test_a_page_of_this_site_as_next_is_followed(client, world, coordinator_a):
    alert = Alert.objects.get(case=world)
    client.force_login(coordinator_a)

    response = client.post(
        f"/alerts/{alert.pk}/resolve/", {"action_taken": "Dirujuk.", "next": "/tasks/?page=2"}
    )

    assert response["Location"] == "/tasks/?page=2"


@pytest.mark.parametrize("next_url", NEXT_VALUES, ids=repr)
def test_safe_next_keeps_only_paths_of_this_site(rf, next_url):
    request = rf.post("/", {"next": next_url})

    assert safe_next(request, "home") == "/"


def test_safe_next_reads_the_query_string_too(rf):
    assert safe_next(rf.get("/", {"next": "/tasks/"}), "home") == "/tasks/"
