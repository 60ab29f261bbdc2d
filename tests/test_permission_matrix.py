"""Who may open every URL: each URL pattern x each role x own and other scope.

The URL patterns come from the resolver. A pattern without a row in `TABLE` fails
(`add a row for <name>`), so no view is added without deciding who may open it.

"Own" names an object of the users' office (office A), or a referral sent to the
agency officer's own agency; "other" names the same kind of object in office B,
sent to another agency. The rules the table states (docs/permissions.md):

- anonymous visitors are sent to the login page;
- a page about something the user may not see answers 404, never 403;
- a user who may see a thing but not change it gets 403;
- office staff see only their office's rows, the administrator every office's;
- an agency officer sees only the referrals sent to their own agency;
- an auditor counts the office's rows but opens no person's page.

A URL that only takes POST answers a GET with 405; it is then POSTed with no data:
whoever may not use it gets 403 or 404, whoever may gets anything else (a form
error, a 400, a redirect), and never a server error.
"""

import contextlib
import copy
import re

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from tests.permission_matrix_world import OTHER, OWN, ROLES, World

# The module's world is made before, and outlives, each test's own transaction.
pytestmark = pytest.mark.django_db

# --- What an answer may be ---------------------------------------------------------------

OK = "200"
REDIRECT = "302 (not to the login page)"
REDIRECT_LOGIN = "302 to the login page"
FORBIDDEN = "403"
NOT_FOUND = "404"
# A POST (or a GET that answers with a redirect or an empty answer) the role may make:
# anything but 403, 404 and a server error.
ALLOWED = "allowed (not 403/404/5xx)"

ANON = "anonymous"
CW, CO, HW, AU, AO, AD = (
    "case_worker",
    "coordinator",
    "health_worker",
    "auditor",
    "agency_officer",
    "admin",
)
LOGGED_IN = (CW, CO, HW, AU, AO, AD)

# The role sets of docs/permissions.md, written out again: the table must not follow
# a change of `access.py` without someone deciding it.
PARTICIPANT_READERS = {CW, CO, HW, AD}
PARTICIPANT_EDITORS = {CW, CO, AD}
COORDINATORS = {CO, AD}  # archive, transfer, merge, programs, close, assign, people
CASE_READERS = {CW, CO, HW, AD}
CASE_EDITORS = {CW, CO, AD}
REFERRAL_READERS = {CW, CO, AD, AO}
REFERRAL_SENDERS = {CW, CO, AD}
AGGREGATE_READERS = {CO, AD, AU}
AUDIT_READERS = {CO, AD, AU}
ADMINS = {AD}


class Row:
    """The expected answer of one URL for each role: (own, other)."""

    def __init__(self, answers, *, post_only=False, scoped=True):
        assert set(answers) == {ANON, *LOGGED_IN}, sorted(answers)
        self.answers = answers
        self.post_only = post_only
        self.scoped = scoped

    def expected(self, role, scope):
        own, other = self.answers[role]
        return own if scope == OWN else other


def _both(answer):
    return (answer, answer)


def everyone(answer=OK, *, anonymous=REDIRECT_LOGIN, post_only=False):
    """A page every logged-in user may open; it is about no office's object."""
    answers = {role: _both(answer) for role in LOGGED_IN}
    answers[ANON] = _both(anonymous)
    return Row(answers, post_only=post_only, scoped=False)


def office_list(readers, doers=None, *, post_only=False):
    """A page about no one object: the doers open it, the readers who may not are told
    403, and whoever sees nothing of its kind is told 404."""
    doers = readers if doers is None else doers
    ok = ALLOWED if post_only else OK
    answers = {ANON: _both(REDIRECT_LOGIN)}
    for role in LOGGED_IN:
        answer = ok if role in doers else FORBIDDEN if role in readers else NOT_FOUND
        answers[role] = _both(answer)
    return Row(answers, post_only=post_only, scoped=False)


def office_object(readers, doers=None, *, post_only=False, ok=None):
    """A page about an object of an office (or sent to an agency): the readers see their
    own, the administrator every office's; the readers who may not act on it get 403 for
    their own; an object out of reach is a 404."""
    doers = readers if doers is None else doers
    ok = ok or (ALLOWED if post_only else OK)
    answers = {ANON: _both(REDIRECT_LOGIN)}
    for role in LOGGED_IN:
        answer = ok if role in doers else FORBIDDEN if role in readers else NOT_FOUND
        other = answer if role == AD else NOT_FOUND
        answers[role] = (answer, other)
    return Row(answers, post_only=post_only)


def post(row_maker, *args):
    return row_maker(*args, post_only=True)


# Every office's object pages of the administrator's own: offices and agencies.
ORGANISATION_PAGE = office_object(ADMINS)
PUBLIC = everyone(OK, anonymous=OK)

# --- The table ---------------------------------------------------------------------------

TABLE = {
    # The home page, the work list and the shared pages.
    "home": everyone(),
    "tasks": office_list({CW, CO, HW, AO, AD}),
    "healthz": PUBLIC,
    # The service worker and the page it shows without a signal: no data of anyone.
    "service_worker": PUBLIC,
    "offline": PUBLIC,
    "regions:chain": everyone(),
    "set_language": everyone(ALLOWED, anonymous=ALLOWED),
    "notifications": everyone(),
    # Opening one's own notification leads to its page; another person's is not there.
    "notification_open": Row(
        {ANON: _both(REDIRECT_LOGIN), **{role: (REDIRECT, NOT_FOUND) for role in LOGGED_IN}}
    ),
    "notifications_read_all": everyone(ALLOWED, post_only=True),
    # Logging in and out, passwords, two-factor login, the profile.
    "login": everyone(REDIRECT, anonymous=OK),
    "logout": everyone(ALLOWED, post_only=True),
    "two_factor_verify": everyone(REDIRECT),
    "two_factor_setup": everyone(),
    "two_factor_off": everyone(ALLOWED, post_only=True),
    "password_change": everyone(),
    "password_change_done": everyone(),
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,
    "password_reset_complete": PUBLIC,
    "invitation": PUBLIC,
    "profile": everyone(),
    "mailbox": office_list(ADMINS),
    "mailbox_message": office_list(ADMINS),
    # People, offices and agencies.
    "users": office_list(COORDINATORS),
    "user_new": office_list(COORDINATORS),
    "user": office_object(COORDINATORS),
    "user_edit": office_object(COORDINATORS),
    "user_invite": post(office_object, COORDINATORS),
    "user_deactivate": post(office_object, COORDINATORS),
    "user_reactivate": post(office_object, COORDINATORS),
    "agencies": office_list(ADMINS),
    "agency_new": office_list(ADMINS),
    "agency_edit": ORGANISATION_PAGE,
    "office_new": office_list(ADMINS),
    "office_edit": ORGANISATION_PAGE,
    # Participants and their parts.
    "participants:list": office_list(PARTICIPANT_READERS),
    "participants:new": office_list(PARTICIPANT_READERS, PARTICIPANT_EDITORS),
    "participants:detail": office_object(PARTICIPANT_READERS),
    "participants:edit": office_object(PARTICIPANT_READERS, PARTICIPANT_EDITORS),
    # The whole NIK is something a health worker does not see at all: 404.
    "participants:reveal_nik": post(office_object, PARTICIPANT_EDITORS),
    "participants:archive": post(office_object, PARTICIPANT_READERS, COORDINATORS),
    "participants:restore": post(office_object, PARTICIPANT_READERS, COORDINATORS),
    "participants:transfer": office_object(PARTICIPANT_READERS, COORDINATORS),
    "participants:transfers": office_list(PARTICIPANT_READERS, COORDINATORS),
    "participants:duplicates": office_list(PARTICIPANT_READERS, COORDINATORS),
    "participants:duplicate_compare": office_object(PARTICIPANT_READERS, COORDINATORS),
    "participants:duplicate_different": post(office_object, PARTICIPANT_READERS, COORDINATORS),
    "participants:merge_undo": post(office_object, PARTICIPANT_READERS, COORDINATORS),
    "participants:household_new": office_object(PARTICIPANT_READERS, PARTICIPANT_EDITORS),
    "participants:household_edit": office_object(PARTICIPANT_READERS, PARTICIPANT_EDITORS),
    "participants:episode_new": office_object(PARTICIPANT_READERS, PARTICIPANT_EDITORS),
    "participants:episode_edit": office_object(PARTICIPANT_READERS, PARTICIPANT_EDITORS),
    "participants:consent_new": office_object(PARTICIPANT_READERS, PARTICIPANT_EDITORS),
    "participants:consent_withdraw": office_object(PARTICIPANT_READERS, PARTICIPANT_EDITORS),
    "participants:document_upload": office_object(PARTICIPANT_READERS, PARTICIPANT_EDITORS),
    "participants:document": office_object(PARTICIPANT_READERS),
    "participants:import": office_list(PARTICIPANT_READERS, PARTICIPANT_EDITORS),
    "participants:import_template": office_list(PARTICIPANT_READERS, PARTICIPANT_EDITORS),
    "participants:import_job": office_object(PARTICIPANT_EDITORS),
    "participants:import_commit": post(office_object, PARTICIPANT_EDITORS),
    "participants:import_problems": office_object(PARTICIPANT_EDITORS),
    # Programs, cases, screenings, alerts.
    "cases:programs": office_list(CASE_READERS),
    "cases:program_new": office_list(CASE_READERS, COORDINATORS),
    "cases:program": office_object(CASE_READERS),
    "cases:program_edit": office_object(CASE_READERS, COORDINATORS),
    "cases:program_enrol": office_object(CASE_READERS, CASE_EDITORS),
    "cases:case": office_object(CASE_READERS),
    "cases:case_move": post(office_object, CASE_READERS, CASE_EDITORS),
    "cases:case_assign": post(office_object, CASE_READERS, COORDINATORS),
    "cases:physical": office_object(CASE_READERS),
    "cases:questionnaire": office_object(CASE_READERS),
    "cases:plan_item_new": office_object(CASE_READERS, CASE_EDITORS),
    "cases:plan_item": office_object(CASE_READERS, CASE_EDITORS),
    "cases:note_add": post(office_object, CASE_READERS, CASE_EDITORS),
    "cases:intake_date": office_object(CASE_READERS, CASE_EDITORS),
    # A health worker opens a visit to repeat its screenings; the case worker records it.
    "cases:follow_up_record": office_object(CASE_READERS),
    "cases:outcome_new": office_object(CASE_READERS, CASE_EDITORS),
    "cases:alert_resolve": post(office_object, CASE_READERS, CASE_EDITORS),
    # Referrals.
    "referrals:list": office_list(REFERRAL_READERS),
    "referrals:new": office_object(CASE_READERS, REFERRAL_SENDERS),
    "referrals:agency_fields": office_object(CASE_READERS, REFERRAL_SENDERS),
    "referrals:detail": office_object(REFERRAL_READERS),
    "referrals:evidence": office_object(REFERRAL_READERS),
    # The whole NIK the referral shares: office staff who may reveal numbers, and the
    # officer of an agency whose sharing rule has the identity (Dinas Sosial does).
    "referrals:reveal_nik": post(office_object, REFERRAL_READERS, REFERRAL_SENDERS | {AO}),
    "referrals:send": post(office_object, REFERRAL_READERS, REFERRAL_SENDERS),
    # Everyone who sees a referral has moves of their own (cancel; accept, decline...).
    "referrals:move": post(office_object, REFERRAL_READERS),
    "referrals:confirm": post(office_object, REFERRAL_READERS, REFERRAL_SENDERS),
    "referrals:plan_item": post(office_object, REFERRAL_READERS, REFERRAL_SENDERS),
    # A person's requests about their data: the coordinators handle them; other office
    # staff who open participants are told 403, whoever opens none 404.
    "rights:list": office_list(PARTICIPANT_READERS, COORDINATORS),
    "rights:new": office_list(PARTICIPANT_READERS, COORDINATORS),
    "rights:new_for": office_object(PARTICIPANT_READERS, COORDINATORS),
    "rights:detail": office_object(PARTICIPANT_READERS, COORDINATORS),
    "rights:review": post(office_object, PARTICIPANT_READERS, COORDINATORS),
    "rights:answer": post(office_object, PARTICIPANT_READERS, COORDINATORS),
    "reports:data_request_pdf": office_object(PARTICIPANT_READERS, COORDINATORS),
    # Reports and exports.
    "reports:exports": office_list(AGGREGATE_READERS),
    "reports:export_by_district": office_list(AGGREGATE_READERS),
    "reports:export_by_problem": office_list(AGGREGATE_READERS),
    "reports:export_referrals_by_agency": office_list(AGGREGATE_READERS),
    "reports:export_participants": post(office_list, AGGREGATE_READERS, COORDINATORS),
    "reports:participant": office_object(PARTICIPANT_READERS),
    # The consent form is for whoever records consents: a health worker is told 403.
    "reports:consent_form": office_object(PARTICIPANT_READERS, PARTICIPANT_EDITORS),
    "reports:program": post(office_object, CASE_READERS, COORDINATORS),
    "reports:program_outcomes": office_object(CASE_READERS | {AU}, AGGREGATE_READERS),
    "reports:program_outcomes_pdf": office_object(CASE_READERS | {AU}, AGGREGATE_READERS),
    # A report job is the program reporters' own: nobody else sees it.
    "reports:job": office_object(COORDINATORS),
    "reports:job_download": office_object(COORDINATORS),
    "reports:referral_letter": office_object(REFERRAL_READERS),
    # Retention: the coordinators (and the administrator) see who is past their period
    # and anonymise a record, one proposing and another confirming.
    "reports:retention": office_list(COORDINATORS),
    "reports:anonymise_propose": post(office_object, COORDINATORS),
    "reports:anonymise_confirm": post(office_object, COORDINATORS),
    "reports:anonymise_cancel": post(office_object, COORDINATORS),
    # The access log and the change history: who did what, never the content.
    "audit:log": office_list(AUDIT_READERS),
    "audit:export": office_list(AUDIT_READERS),
    "audit:participant": office_object(AUDIT_READERS),
    "audit:case": office_object(AUDIT_READERS),
    "audit:referral": office_object(AUDIT_READERS),
}

# --- The URLs ----------------------------------------------------------------------------

# What each URL parameter names: by its name, then by the path segment before it.
PARAMETERS = {
    "case_pk": "case",
    "consent_pk": "consent",
    "member_pk": "member",
    "episode_pk": "episode",
    "document_pk": "document",
    "item_pk": "plan_item",
}
PK_OF_SEGMENT = {
    "participants": "participant",
    "cases": "case",
    "programs": "program",
    "referrals": "referral",
    "alerts": "alert",
    "duplicates": "pair",
    "merges": "merge",
    "import": "import_job",
    "jobs": "report_job",
    "users": "person",
    "offices": "office",
    "agencies": "agency",
    "notifications": "notification",
    "requests": "data_request",
}
# Parameters that name no office's object: the same for every scope.
FIXED = {
    "month": 1,
    "code": "srq20",
    "occasion": "intake",
    "fmt": "csv",
    "number": 0,
    "uidb64": "MQ",
    "token": "set-password",
}
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
LOGIN_URL = "/accounts/login/"


def walk(patterns, prefix="", namespace=""):
    """(name, route) of every URL pattern, with its namespace and converters."""
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            # Django's administration site is its own, behind its own staff login.
            if entry.app_name == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            yield namespace + (entry.name or route), route


PATTERNS = sorted(set(walk(get_resolver().url_patterns)))


def url_for(world, route, role, scope):
    def value(match):
        name = match.group(2)
        if name == "file":
            return world.mail_file
        if name in FIXED:
            return str(FIXED[name])
        if name in PARAMETERS:
            key = PARAMETERS[name]
        else:
            segment = route[: match.start()].rstrip("/").split("/")[-1]
            assert segment in PK_OF_SEGMENT, f"no value for <{name}> after {segment!r}"
            key = PK_OF_SEGMENT[segment]
        return str(world.value(key, role, scope))

    return "/" + CONVERTER.sub(value, route)


# --- The world, built once ---------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world for the whole module, rolled back at its end; each request is rolled
    back too, so a POST that changes something changes it for no other request."""
    media = tmp_path_factory.mktemp("media")
    mail = tmp_path_factory.mktemp("mail")
    with contextlib.ExitStack() as stack:
        stack.enter_context(
            override_settings(
                MEDIA_ROOT=media,
                EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
                EMAIL_FILE_PATH=mail,
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                REQUIRE_2FA=False,
            )
        )
        stack.enter_context(django_db_blocker.unblock())
        stack.enter_context(transaction.atomic())
        built = World(mail)
        for role in ROLES:
            client = Client()
            if built.user(role) is not None:
                client.force_login(built.user(role))
            built.cookies[role] = client.cookies
        yield built
        transaction.set_rollback(True)


def logged_in(world, role):
    """A client with the role's session, logged in once with the world: every request
    is rolled back, so even logging out leaves the session for the next request."""
    client = Client()
    client.cookies = copy.deepcopy(world.cookies[role])
    return client


def answer(world, name, route, role, scope):
    """What the URL answers this role, as the table would write it, and the status."""
    client = logged_in(world, role)
    row = TABLE[name]
    url = url_for(world, route, role, scope)
    with transaction.atomic():
        response = client.post(url) if row.post_only else client.get(url)
        transaction.set_rollback(True)
    status = response.status_code
    assert status < 500, f"{url} as {role}: server error {status}"
    expected = row.expected(role, scope)
    if expected == ALLOWED:
        got = ALLOWED if status not in (403, 404) else str(status)
    elif status == 302:
        got = REDIRECT_LOGIN if response["Location"].startswith(LOGIN_URL) else REDIRECT
    else:
        got = str(status)
    return url, got, status


REQUESTS = []  # (name, role, scope), each request the matrix made


@pytest.mark.parametrize(("name", "route"), PATTERNS, ids=[name for name, _ in PATTERNS])
def test_every_role_gets_the_answer_of_the_table(world, name, route):
    assert name in TABLE, f"add a row for {name} to TABLE in {__name__}"
    row = TABLE[name]
    wrong = []
    for role in ROLES:
        for scope in (OWN, OTHER) if row.scoped else (OWN,):
            url, got, status = answer(world, name, route, role, scope)
            REQUESTS.append((name, role, scope))
            expected = row.expected(role, scope)
            if got != expected:
                wrong.append(f"{url} as {role} ({scope}): expected {expected}, got {got}")
        if row.post_only and role != ANON:
            # A URL that changes something answers a GET with 405.
            url = url_for(world, route, role, OWN)
            with transaction.atomic():
                status = logged_in(world, role).get(url).status_code
                transaction.set_rollback(True)
            if status != 405:
                wrong.append(f"GET {url} as {role}: expected 405, got {status}")
    assert not wrong, "\n".join(wrong)


def test_every_row_of_the_table_is_a_url():
    names = {name for name, _route in PATTERNS}

    assert set(TABLE) - names == set(), "rows for URLs that are gone"


def test_the_matrix_asks_every_url_of_every_role():
    """Runs last: the number of requests the matrix made, URLs x roles x scopes."""
    scoped = sum(1 for name, _ in PATTERNS if name in TABLE and TABLE[name].scoped)
    unscoped = len(PATTERNS) - scoped
    expected = len(ROLES) * (2 * scoped + unscoped)
    print(
        f"{len(PATTERNS)} URL patterns ({scoped} scoped, {unscoped} not) x {len(ROLES)} roles: "
        f"{expected} requests, {len(REQUESTS)} made"
    )
    assert len(REQUESTS) == expected
