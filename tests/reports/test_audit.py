"""The audit pages: the office's access log, its CSV, the change history in words, and
"who has seen this record" on the participant page."""

import csv
import datetime
import io

import pghistory
import pytest
from django.utils import timezone, translation

from accounts.models import AccessLog, Role
from cases.models import Case
from participants.models import Participant
from reports.audit import PAGE_SIZE
from tests.factories import ParticipantFactory, UserFactory
from tests.reports.conftest import refer

NARRATIVE = "Disekap majikan selama tiga bulan."


def in_indonesian(text):
    with translation.override("id"):
        return str(text)


@pytest.fixture
def participant(case_a):
    """Siti Aminah of office A, enrolled in its program, with a narrative and a NIK."""
    participant = case_a.participant
    participant.narrative = NARRATIVE
    participant.save(update_fields=["narrative"])
    return participant


@pytest.fixture
def coordinator_b(office_b):
    return UserFactory(username="koordinator_b", role=Role.COORDINATOR, office=office_b)


def log(user, obj=None, *, action=AccessLog.Action.VIEW, at=None, **fields):
    return AccessLog.objects.create(
        user=user,
        username=user.username if user else fields.pop("username", ""),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        at=at or timezone.now(),
        path=fields.pop("path", f"/participants/{obj.pk}/" if obj is not None else "/"),
        **fields,
    )


def html(response):
    assert response.status_code == 200
    return response.content.decode()


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- Who reads the audit -----------------------------------------------------------------


@pytest.mark.parametrize("who", ["case_worker_a", "health_worker_a", "dinsos_officer"])
def test_staff_who_do_not_audit_find_no_audit_page(client, request, participant, case_a, who):
    client.force_login(request.getfixturevalue(who))

    for url in [
        "/audit/",
        "/audit/export.csv",
        f"/audit/participants/{participant.pk}/",
        f"/audit/cases/{case_a.pk}/",
    ]:
        assert client.get(url).status_code == 404, url


def test_another_offices_coordinator_finds_no_history_of_our_records(
    client, coordinator_b, participant, case_a, coordinator_a, case_worker_a, dinsos
):
    referral = refer(case_a, dinsos, "pkh_proposal", by=case_worker_a, coordinator=coordinator_a)
    client.force_login(coordinator_b)

    assert client.get(f"/audit/participants/{participant.pk}/").status_code == 404
    assert client.get(f"/audit/cases/{case_a.pk}/").status_code == 404
    assert client.get(f"/audit/referrals/{referral.pk}/").status_code == 404


def test_the_audit_menu_is_shown_to_auditors_and_coordinators_only(
    client, auditor_a, coordinator_a, case_worker_a
):
    for user, shown in [(auditor_a, True), (coordinator_a, True), (case_worker_a, False)]:
        client.force_login(user)
        menu = [item["url"] for item in client.get("/").context["menu"]]
        assert ("/audit/" in menu) is shown


# --- The access log ----------------------------------------------------------------------


def test_the_coordinator_reads_who_opened_what_in_words(
    client, coordinator_a, case_worker_a, participant
):
    client.force_login(case_worker_a)
    client.get(f"/participants/{participant.pk}/")
    client.force_login(coordinator_a)

    page = html(client.get("/audit/"))

    assert case_worker_a.full_name in page
    assert in_indonesian(Role.CASE_WORKER.label) in page
    assert in_indonesian(AccessLog.Action.VIEW.label) in page
    assert participant.registration_number in page
    assert f'href="/audit/participants/{participant.pk}/"' in page
    assert f"/participants/{participant.pk}/" in page


def test_the_auditor_reads_the_log_without_a_name(
    client, auditor_a, case_worker_a, participant, case_a
):
    log(case_worker_a, participant)
    log(case_worker_a, case_a, action=AccessLog.Action.DOWNLOAD)
    log(case_worker_a, participant, action=AccessLog.Action.EXPORT, path="/x/?q=Siti+Aminah")
    client.force_login(auditor_a)

    for url in ["/audit/", f"/audit/?participant={participant.registration_number}"]:
        page = html(client.get(url))
        assert participant.registration_number in page
        assert f'href="/audit/cases/{case_a.pk}/"' in page
        assert "Siti Aminah" not in page
        assert "Siti+Aminah" not in page
        assert NARRATIVE not in page


def test_the_office_reads_its_own_peoples_entries_only(
    client, coordinator_a, case_worker_a, case_worker_b, case_b, participant
):
    log(case_worker_a, participant)
    log(case_worker_b, case_b.participant)
    client.force_login(coordinator_a)

    page = html(client.get("/audit/"))

    assert case_worker_a.full_name in page
    assert case_worker_b.full_name not in page
    assert case_b.participant.registration_number not in page


def test_the_administrator_reads_every_offices_entries(
    client, admin_user, case_worker_a, case_worker_b, case_b, participant
):
    log(case_worker_a, participant)
    log(case_worker_b, case_b.participant)
    client.force_login(admin_user)

    page = html(client.get("/audit/"))

    assert case_worker_a.full_name in page
    assert case_worker_b.full_name in page


def test_filters_by_person_action_and_dates(
    client, coordinator_a, case_worker_a, health_worker_a, participant
):
    today = timezone.now()
    log(case_worker_a, participant, detail="a-view-today", at=today)
    log(case_worker_a, participant, action=AccessLog.Action.REVEAL, detail="a-reveal", at=today)
    log(health_worker_a, participant, detail="h-view-today", at=today)
    log(case_worker_a, participant, detail="a-view-old", at=today - datetime.timedelta(days=40))
    client.force_login(coordinator_a)

    def shown(query):
        page = html(client.get(f"/audit/?{query}"))
        return {d for d in ["a-view-today", "a-reveal", "h-view-today", "a-view-old"] if d in page}

    assert shown(f"user={health_worker_a.pk}") == {"h-view-today"}
    assert shown("action=reveal") == {"a-reveal"}
    old = timezone.localdate(today - datetime.timedelta(days=40))  # the day as Jakarta sees it
    assert shown(f"date_from={old}&date_to={old}") == {"a-view-old"}
    assert shown(f"date_from={timezone.localdate(today)}&user={case_worker_a.pk}&action=view") == {
        "a-view-today"
    }
    assert shown(f"username={case_worker_a.username}&action=view") == {
        "a-view-today",
        "a-view-old",
    }


def test_a_participant_filter_shows_everything_done_to_the_record(
    client, coordinator_a, case_worker_a, dinsos_officer, participant, case_a, dinsos
):
    referral = refer(case_a, dinsos, "pkh_proposal", by=case_worker_a, coordinator=coordinator_a)
    someone_else = ParticipantFactory(office=participant.office, created_by=case_worker_a)
    log(case_worker_a, participant, detail="the-record")
    log(case_worker_a, case_a, detail="its-case")
    log(dinsos_officer, referral, detail="agency-read-the-referral")
    log(case_worker_a, someone_else, detail="someone-else")
    client.force_login(coordinator_a)

    for value in [participant.registration_number.lower(), str(participant.pk)]:
        page = html(client.get(f"/audit/?participant={value}"))
        assert "the-record" in page
        assert "its-case" in page
        assert "agency-read-the-referral" in page
        assert "someone-else" not in page


def test_a_participant_of_another_office_filters_to_nothing(
    client, coordinator_a, case_worker_b, case_b
):
    log(case_worker_b, case_b.participant, detail="office-b-entry")
    client.force_login(coordinator_a)

    page = html(client.get(f"/audit/?participant={case_b.participant.registration_number}"))

    assert "office-b-entry" not in page


def test_the_log_pages_newest_first_without_counting_the_table(
    client, coordinator_a, case_worker_a, participant
):
    start = timezone.now() - datetime.timedelta(hours=1)
    for number in range(PAGE_SIZE + 10):
        log(case_worker_a, participant, detail=f"entry-{number:03d}", at=start)
    client.force_login(coordinator_a)

    first = client.get("/audit/?action=view")  # not the coordinator's own login
    newest = [row["entry"].detail for row in first.context["rows"]]
    assert newest[0] == f"entry-{PAGE_SIZE + 9:03d}"
    assert len(newest) == PAGE_SIZE
    assert first.context["page"].newer_query == ""

    second = client.get(f"/audit/?{first.context['page'].older_query}")
    older = [row["entry"].detail for row in second.context["rows"]]
    assert older == [f"entry-{number:03d}" for number in range(9, -1, -1)]
    assert second.context["page"].older_query == ""

    back = client.get(f"/audit/?{second.context['page'].newer_query}")
    assert [row["entry"].detail for row in back.context["rows"]] == newest


# Session, user, the people of the office (for the filter, and for the entries of each),
# the entries, their people, one query per kind of object on the page (participants,
# cases, referrals), the user's office and the bell's unread count in the page header.
LOG_QUERIES = 11
# Session, user, the participant, the people for the filter, the record's objects, the
# entries, their people, the office and the bell's unread count in the page header.
PARTICIPANT_LOG_QUERIES = 9


@pytest.mark.parametrize("how_many", [3, PAGE_SIZE + 5])
def test_the_log_query_count_does_not_grow_with_the_rows(
    client,
    coordinator_a,
    case_worker_a,
    participant,
    case_a,
    dinsos,
    django_assert_num_queries,
    how_many,
):
    referral = refer(case_a, dinsos, "pkh_proposal", by=case_worker_a, coordinator=coordinator_a)
    for number in range(how_many):
        log(case_worker_a, [participant, case_a, referral][number % 3])
    client.force_login(coordinator_a)

    with django_assert_num_queries(LOG_QUERIES):
        response = client.get("/audit/?action=view")
    assert len(response.context["rows"]) == min(how_many, PAGE_SIZE)

    with django_assert_num_queries(PARTICIPANT_LOG_QUERIES):
        response = client.get(f"/audit/?action=view&participant={participant.pk}")
    assert len(response.context["rows"]) == min(how_many, PAGE_SIZE)


# --- The CSV -----------------------------------------------------------------------------


def test_the_csv_holds_the_filtered_log_is_formula_safe_and_is_logged(
    client, auditor_a, case_worker_a, participant
):
    log(case_worker_a, participant, detail='=HYPERLINK("http://x","klik")')
    log(case_worker_a, participant, action=AccessLog.Action.REVEAL, detail="nik")
    client.force_login(auditor_a)

    response = client.get("/audit/export.csv?action=view")

    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert len(rows) == 2
    assert rows[1][1] == case_worker_a.full_name
    assert participant.registration_number in rows[1][5]
    assert rows[1][6] == '\'=HYPERLINK("http://x","klik")'
    assert "Siti Aminah" not in response.content.decode("utf-8-sig")
    export = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert export.user == auditor_a
    assert "action=view" in export.detail


# --- The change history ------------------------------------------------------------------


def change(obj, by, **fields):
    with pghistory.context(user=by.pk, url="/test/"):
        for name, value in fields.items():
            setattr(obj, name, value)
        obj.save()


def test_the_history_shows_a_change_in_words(client, coordinator_a, case_worker_a, participant):
    change(participant, case_worker_a, marital_status=Participant.MaritalStatus.SINGLE)
    change(participant, case_worker_a, marital_status=Participant.MaritalStatus.MARRIED)
    client.force_login(coordinator_a)

    page = html(client.get(f"/audit/participants/{participant.pk}/"))

    married = in_indonesian(Participant.MaritalStatus.MARRIED.label)
    single = in_indonesian(Participant.MaritalStatus.SINGLE.label)
    assert f"{single} → {married}" in page
    assert in_indonesian(Participant._meta.get_field("marital_status").verbose_name).lower() in (
        page.lower()
    )
    assert case_worker_a.full_name in page


def test_the_auditor_reads_that_details_changed_never_what_they_say(
    client, auditor_a, case_worker_a, participant
):
    change(participant, case_worker_a, narrative="Dipukul dan tidak digaji.")
    change(participant, case_worker_a, full_name="Siti Aminah Binti Rahmat", phone="08123456789")
    change(participant, case_worker_a, marital_status=Participant.MaritalStatus.DIVORCED)
    participant.household.create(relationship="child", full_name="Rizky Anak Siti")
    client.force_login(auditor_a)

    page = html(client.get(f"/audit/participants/{participant.pk}/"))

    assert participant.registration_number in page
    assert in_indonesian(Participant.MaritalStatus.DIVORCED.label) in page
    for secret in ["Siti Aminah", NARRATIVE, "Dipukul", "08123456789", "Rizky", participant.nik]:
        assert secret not in page


def test_the_coordinator_reads_values_but_not_the_narrative_and_a_masked_nik(
    client, coordinator_a, case_worker_a, participant
):
    change(participant, case_worker_a, narrative="Dipukul dan tidak digaji.")
    change(participant, case_worker_a, phone="08123456789", nik="3603334101950099")
    client.force_login(coordinator_a)

    page = html(client.get(f"/audit/participants/{participant.pk}/"))

    assert "08123456789" in page
    assert "Dipukul" not in page
    assert NARRATIVE not in page
    assert "3603334101950099" not in page
    assert "3603**********99" in page


# Session, user, the participant, the events, their people, the programs their cases
# name, and the office and the bell's unread count in the page header.
# And the access log's row for the read.
HISTORY_QUERIES = 9


@pytest.mark.parametrize("how_many", [1, 8])
def test_the_history_query_count_does_not_grow_with_the_events(
    client, coordinator_a, case_worker_a, participant, django_assert_num_queries, how_many
):
    for number in range(how_many):
        with pghistory.context(user=case_worker_a.pk):
            member = participant.household.create(relationship="child", full_name=f"Anak {number}")
        change(member, coordinator_a, school_status="in_school")
    client.force_login(coordinator_a)

    with django_assert_num_queries(HISTORY_QUERIES):
        response = client.get(f"/audit/participants/{participant.pk}/")

    assert len(response.context["rows"]) > 2 * how_many


def test_the_case_history_shows_its_moves_and_its_referrals_without_their_reasons(
    client, auditor_a, coordinator_a, case_worker_a, case_a, dinsos
):
    referral = refer(case_a, dinsos, "pkh_proposal", by=case_worker_a, coordinator=coordinator_a)
    change(case_a, case_worker_a, status=Case.Status.ASSESSMENT)
    client.force_login(auditor_a)

    page = html(client.get(f"/audit/cases/{case_a.pk}/"))
    referral_page = html(client.get(f"/audit/referrals/{referral.pk}/"))

    intake, assessment = (
        in_indonesian(s.label) for s in [Case.Status.INTAKE, Case.Status.ASSESSMENT]
    )
    assert f"{intake} → {assessment}" in page
    assert f'href="/audit/referrals/{referral.pk}/"' in page
    for text in [page, referral_page]:
        assert "Tindak lanjut kegiatan." not in text  # the referral's reason
        assert "Siti Aminah" not in text


# --- Who has seen this record, on the participant page ----------------------------------


def test_the_participant_page_tells_the_coordinator_who_has_seen_the_record(
    client, coordinator_a, case_worker_a, participant
):
    log(case_worker_a, participant)
    client.force_login(coordinator_a)

    page = html(client.get(f"/participants/{participant.pk}/"))

    assert "seen-by" in page
    assert case_worker_a.full_name in page
    assert f"/audit/?participant={participant.registration_number}" in page


def test_the_case_worker_does_not_get_the_panel(client, case_worker_a, participant):
    client.force_login(case_worker_a)

    page = html(client.get(f"/participants/{participant.pk}/"))

    assert "seen-by" not in page
    assert "/audit/" not in page
