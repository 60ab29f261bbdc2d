"""Programs: the list, creating and editing, enrolling participants, the roster, the dashboard."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from cases import services
from cases.instruments import SRQ20
from cases.models import Case, CaseStatusChange, Program, Screening
from cases.views import ROSTER_PAGE_SIZE
from participants.models import Participant
from tests.factories import ParticipantFactory, UserFactory, region

from .conftest import EVENT_DAY, enrol, make_program
from .helpers import messages_of, srq_answers

PROGRAMS_URL = "/programs/"
NEW_URL = "/programs/new/"


def roster_url(program):
    return f"/programs/{program.pk}/"


def edit_url(program):
    return f"/programs/{program.pk}/edit/"


def enrol_url(program):
    return f"/programs/{program.pk}/enrol/"


def program_data(**overrides):
    data = {
        "name": "Rehabilitasi PMI Purna Kecamatan Mekar Baru 2026",
        "venue": "Aula Kecamatan Mekar Baru",
        "district": "36.03.33",
        "start_date": "2026-02-10",
        "end_date": "2026-02-11",
        "partner_agencies": [],
        "description": "Skrining kesehatan dan rencana tindak lanjut.",
    }
    data.update(overrides)
    return data


# --- The list -----------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["coordinator_a", "case_worker_a", "health_worker_a"])
def test_program_list_shows_only_the_offices_programs(client, program_a, program_b, request, user):
    client.force_login(request.getfixturevalue(user))

    response = client.get(PROGRAMS_URL)

    assert response.status_code == 200
    assert list(response.context["programs"]) == [program_a]
    page = response.content.decode()
    assert "Kegiatan Mekar Baru" in page
    assert "Kegiatan Kantor B" not in page


def test_program_list_counts_participants_and_open_alerts(
    client, program_a, case_a, coordinator_a, health_worker_a
):
    services.record_questionnaire(
        case=case_a, instrument=SRQ20, answers=srq_answers(yes=[17]), by=health_worker_a
    )
    enrol(program_a, coordinator_a, full_name="Ani Rahayu")
    client.force_login(coordinator_a)

    response = client.get(PROGRAMS_URL)

    [listed] = response.context["programs"]
    assert (listed.case_count, listed.open_alerts) == (2, 1)


def test_only_coordinators_see_the_new_program_button(client, case_worker_a, coordinator_a):
    client.force_login(case_worker_a)
    assert NEW_URL not in client.get(PROGRAMS_URL).content.decode()

    client.force_login(coordinator_a)
    assert NEW_URL in client.get(PROGRAMS_URL).content.decode()


@pytest.mark.parametrize("user", ["dinsos_officer", "auditor_a"])
def test_agency_officers_and_auditors_have_no_program_pages(client, program_a, request, user):
    client.force_login(request.getfixturevalue(user))

    for url in (PROGRAMS_URL, NEW_URL, roster_url(program_a), enrol_url(program_a)):
        assert client.get(url).status_code == 404, url


# Session, user, the user's office and the bell's unread count; the programs' count, the
# page of programs, then the cases and the open alerts of those programs: the same however
# many there are.
PROGRAM_LIST_QUERIES = 8


@pytest.mark.parametrize("how_many", [3, 30])
def test_program_list_query_count_does_not_grow_with_the_programs(
    client, office_a, coordinator_a, regions, django_assert_num_queries, how_many
):
    for number in range(how_many):
        program = make_program(
            office_a, coordinator_a, regions["district"], name=f"Kegiatan {number:02d}"
        )
        enrol(program, coordinator_a)
    client.force_login(coordinator_a)

    with django_assert_num_queries(PROGRAM_LIST_QUERIES):
        response = client.get(PROGRAMS_URL)

    # A page of 25 at most, the newest first, each with its count of participants.
    shown = response.context["programs"]
    assert len(shown) == min(how_many, 25)
    assert [program.case_count for program in shown] == [1] * len(shown)
    assert (response.context["page"].paginator.num_pages > 1) == (how_many > 25)


# --- Creating and editing -----------------------------------------------------------------


def test_coordinator_creates_a_program_and_lands_on_its_roster(
    client, coordinator_a, office_a, dinsos, dinkes
):
    client.force_login(coordinator_a)

    response = client.post(NEW_URL, program_data(partner_agencies=[dinsos.pk, dinkes.pk]))

    program = Program.objects.get()
    assert response.status_code == 302
    assert response.url == roster_url(program)
    assert program.name == "Rehabilitasi PMI Purna Kecamatan Mekar Baru 2026"
    assert program.venue == "Aula Kecamatan Mekar Baru"
    assert program.district_id == "36.03.33"
    assert (program.start_date, program.end_date) == (
        datetime.date(2026, 2, 10),
        datetime.date(2026, 2, 11),
    )
    assert set(program.partner_agencies.all()) == {dinsos, dinkes}
    assert (program.office, program.created_by) == (office_a, coordinator_a)
    roster = client.get(response.url)
    assert roster.status_code == 200
    assert "Dinas Sosial Kabupaten Tangerang" in roster.content.decode()


def test_a_one_day_program_is_allowed(client, coordinator_a):
    client.force_login(coordinator_a)

    response = client.post(NEW_URL, program_data(end_date="2026-02-10"))

    assert response.status_code == 302
    assert Program.objects.get().end_date == datetime.date(2026, 2, 10)


def test_a_program_that_ends_before_it_starts_is_refused(client, coordinator_a):
    client.force_login(coordinator_a)

    response = client.post(NEW_URL, program_data(start_date="2026-02-10", end_date="2026-02-09"))

    assert response.status_code == 200
    assert "end_date" in response.context["form"].errors
    assert not Program.objects.exists()


@pytest.mark.parametrize("missing", ["name", "venue", "district", "start_date", "end_date"])
def test_a_program_without_a_required_field_is_refused(client, coordinator_a, missing):
    client.force_login(coordinator_a)

    response = client.post(NEW_URL, program_data(**{missing: ""}))

    assert response.status_code == 200
    assert missing in response.context["form"].errors
    assert not Program.objects.exists()


def test_a_program_in_a_district_of_another_province_is_refused(client, coordinator_a):
    bogor_district = region("32.01.01", "Nanggung", region("32.01", "Kabupaten Bogor"))
    client.force_login(coordinator_a)

    response = client.post(NEW_URL, program_data(district=bogor_district.code))

    assert response.status_code == 200
    assert "district" in response.context["form"].errors
    assert not Program.objects.exists()


@pytest.mark.parametrize("user", ["case_worker_a", "health_worker_a"])
def test_only_coordinators_create_programs(client, request, user):
    client.force_login(request.getfixturevalue(user))

    assert client.get(NEW_URL).status_code == 403
    assert client.post(NEW_URL, program_data()).status_code == 403
    assert not Program.objects.exists()


def test_coordinator_edits_the_program(client, program_a, coordinator_a):
    client.force_login(coordinator_a)

    response = client.post(
        edit_url(program_a), program_data(name="Kegiatan Mekar Baru (diperpanjang)")
    )

    assert response.status_code == 302
    program_a.refresh_from_db()
    assert program_a.name == "Kegiatan Mekar Baru (diperpanjang)"


def test_editing_a_program_to_end_before_it_starts_changes_nothing(
    client, program_a, coordinator_a
):
    client.force_login(coordinator_a)

    response = client.post(
        edit_url(program_a),
        program_data(name="Diubah", start_date="2026-02-10", end_date="2026-02-01"),
    )

    assert response.status_code == 200
    assert "end_date" in response.context["form"].errors
    program_a.refresh_from_db()
    assert (program_a.name, program_a.start_date) == ("Kegiatan Mekar Baru", EVENT_DAY)


def test_case_worker_cannot_edit_a_program(client, program_a, case_worker_a):
    client.force_login(case_worker_a)

    assert client.get(edit_url(program_a)).status_code == 403
    assert client.post(edit_url(program_a), program_data(name="Diubah")).status_code == 403
    program_a.refresh_from_db()
    assert program_a.name == "Kegiatan Mekar Baru"


# --- Enrolling ----------------------------------------------------------------------------


@pytest.fixture
def people(office_a, case_worker_a):
    """Three participants of office A, not enrolled yet."""
    return [
        ParticipantFactory(office=office_a, created_by=case_worker_a, full_name=name)
        for name in ("Ani Rahayu", "Dewi Lestari", "Wulan Sari")
    ]


def test_the_enrol_page_lists_the_offices_participants_and_marks_the_enrolled(
    client, program_a, case_a, people, case_b, case_worker_a
):
    client.force_login(case_worker_a)

    response = client.get(enrol_url(program_a))

    assert response.status_code == 200
    listed = {p.full_name: p.enrolled for p in response.context["page"].object_list}
    assert listed == {
        "Ani Rahayu": False,
        "Dewi Lestari": False,
        "Siti Aminah": True,
        "Wulan Sari": False,
    }
    assert "Nur Halimah" not in response.content.decode()


def test_enrolling_opens_an_intake_case_with_its_history_for_each_participant(
    client, program_a, people, case_worker_a
):
    client.force_login(case_worker_a)

    response = client.post(enrol_url(program_a), {"participants": [p.pk for p in people[:2]]})

    assert response.status_code == 302
    assert response.url == roster_url(program_a)
    cases = Case.objects.filter(program=program_a).order_by("participant__full_name")
    assert [c.participant for c in cases] == people[:2]
    for case in cases:
        assert case.status == Case.Status.INTAKE
        assert case.case_worker == case_worker_a
        [change] = case.status_changes.all()
        assert (change.from_status, change.to_status, change.changed_by) == (
            "",
            Case.Status.INTAKE,
            case_worker_a,
        )
    [(level, text)] = messages_of(response)
    assert level == "success"
    assert "2" in text


def test_coordinator_enrols_without_becoming_the_case_worker(
    client, program_a, people, coordinator_a
):
    client.force_login(coordinator_a)

    client.post(enrol_url(program_a), {"participants": [people[0].pk]})

    case = Case.objects.get()
    assert case.case_worker is None
    assert case.status_changes.get().changed_by == coordinator_a


def test_enrolling_skips_participants_already_enrolled(
    client, program_a, case_a, people, case_worker_a
):
    client.force_login(case_worker_a)

    client.post(enrol_url(program_a), {"participants": [case_a.participant.pk, people[0].pk]})

    assert Case.objects.filter(program=program_a).count() == 2
    assert Case.objects.filter(participant=case_a.participant).count() == 1
    assert CaseStatusChange.objects.filter(case=case_a).count() == 1


def test_a_participant_may_be_enrolled_in_two_programs(
    client, office_a, program_a, case_a, coordinator_a, case_worker_a, regions
):
    second = make_program(office_a, coordinator_a, regions["district"], name="Kegiatan Kedua")
    client.force_login(case_worker_a)

    client.post(enrol_url(second), {"participants": [case_a.participant.pk]})

    assert set(case_a.participant.cases.values_list("program", flat=True)) == {
        program_a.pk,
        second.pk,
    }


def test_enrolling_ignores_participants_of_another_office(
    client, program_a, people, case_b, case_worker_a, case_worker_b, office_b
):
    theirs = ParticipantFactory(office=office_b, created_by=case_worker_b, full_name="Yuni Astuti")
    client.force_login(case_worker_a)

    client.post(
        enrol_url(program_a),
        {"participants": [theirs.pk, case_b.participant.pk, people[0].pk]},
    )

    assert [c.participant for c in Case.objects.filter(program=program_a)] == [people[0]]
    assert not theirs.cases.exists()


def test_enrolling_ignores_archived_participants(client, program_a, people, case_worker_a):
    Participant.objects.filter(pk=people[0].pk).update(
        archived_at=timezone.now(), archived_by=case_worker_a, archive_reason="Meninggal dunia"
    )
    client.force_login(case_worker_a)

    client.post(enrol_url(program_a), {"participants": [people[0].pk, people[1].pk]})

    assert [c.participant for c in Case.objects.filter(program=program_a)] == [people[1]]


def test_enrolling_nobody_writes_nothing(client, program_a, people, case_worker_a):
    client.force_login(case_worker_a)

    response = client.post(enrol_url(program_a), {})

    assert response.status_code == 302
    assert not Case.objects.exists()


def test_enrolling_with_a_malformed_id_writes_nothing_and_does_not_crash(
    client, program_a, people, case_worker_a
):
    client.force_login(case_worker_a)

    response = client.post(enrol_url(program_a), {"participants": ["abc", people[0].pk]})

    assert response.status_code in (302, 400)
    assert not Case.objects.exists()


def test_health_worker_cannot_enrol(client, program_a, people, health_worker_a):
    client.force_login(health_worker_a)

    assert client.get(enrol_url(program_a)).status_code == 403
    response = client.post(enrol_url(program_a), {"participants": [p.pk for p in people]})

    assert response.status_code == 403
    assert not Case.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url", [roster_url, edit_url, enrol_url], ids=["roster", "edit", "enrol"])
def test_staff_of_another_office_do_not_find_the_program(
    client, program_a, people, case_worker_b, office_b, url, method
):
    coordinator_b = UserFactory(role=Role.COORDINATOR, office=office_b)
    for outsider in (case_worker_b, coordinator_b):
        client.force_login(outsider)

        response = getattr(client, method)(
            url(program_a), {"participants": [people[0].pk], **program_data(name="Diambil")}
        )

        assert response.status_code == 404
    assert not Case.objects.exists()
    program_a.refresh_from_db()
    assert program_a.name == "Kegiatan Mekar Baru"


# --- The roster ---------------------------------------------------------------------------


def test_the_roster_lists_the_cases_by_name_with_their_status_counts(
    client, program_a, people, case_worker_a
):
    services.enrol_participants(program=program_a, participants=people, by=case_worker_a)
    case = Case.objects.get(participant=people[1])
    services.change_case_status(case=case, to=Case.Status.ASSESSMENT, by=case_worker_a)
    client.force_login(case_worker_a)

    response = client.get(roster_url(program_a))

    names = [c.participant.full_name for c in response.context["cases"]]
    assert names == ["Ani Rahayu", "Dewi Lestari", "Wulan Sari"]
    counts = dict(response.context["status_counts"])
    assert (counts["Penerimaan"], counts["Asesmen"]) == (2, 1)


def fill_program(program, how_many, by):
    """`how_many` enrolled participants; every third screened twice, the first with an alert."""
    people = [
        ParticipantFactory(office=program.office, created_by=by, full_name=f"Peserta {n:02d}")
        for n in range(how_many)
    ]
    cases = services.enrol_participants(program=program, participants=people, by=by)
    for number, case in enumerate(cases):
        if number % 3:
            continue
        services.record_questionnaire(
            case=case,
            instrument=SRQ20,
            answers=srq_answers(yes=[17] if number == 0 else range(1, 8)),
            by=by,
        )
        Screening.objects.create(
            case=case,
            kind=Screening.PHYSICAL,
            recorded_by=by,
            systolic_1=150,
            diastolic_1=95,
            blood_pressure_class="grade_1",
        )
    return cases


# Session, user; the program with its district; the count of its cases, the page's case
# ids, then those cases with their latest screenings and open-alert counts; the cases by
# status; the bell's unread count; the user's office; the program's partners; its open
# alerts: the same however many are enrolled.
# And the access log's row for the read.
ROSTER_QUERIES = 12


@pytest.mark.parametrize("how_many", [5, 40])
def test_roster_query_count_does_not_grow_with_the_participants(
    client, program_a, coordinator_a, django_assert_num_queries, how_many
):
    fill_program(program_a, how_many, coordinator_a)
    client.force_login(coordinator_a)

    with django_assert_num_queries(ROSTER_QUERIES):
        response = client.get(roster_url(program_a))

    assert response.status_code == 200
    cases = response.context["cases"]
    # A page at a time; the count covers them all.
    assert len(cases) == min(how_many, ROSTER_PAGE_SIZE)
    assert response.context["page"].paginator.count == how_many
    assert (cases[0].srq_score, cases[0].open_alert_count) == (1, 1)
    assert (cases[3].srq_score, cases[3].srq_band, cases[3].bp_class) == (7, "positive", "grade_1")
    assert cases[1].srq_score is None
    assert len(response.context["alerts"]) == 1


# --- The dashboard ------------------------------------------------------------------------

# Session, user, the user's office and the bell's unread count; the work list's eight
# sections (alerts, data requests, visits overdue, declined referrals, visits due,
# outcomes to confirm, plan steps, cases without a case worker) and who can no longer
# log in; the open cases by stage;
# the open alerts of the office and their count; the referral counts (one query) and the
# overdue ones; then the office's counted figures: referrals per agency, problems, cases
# per month: the same however many cases the office has.
# And the access log's row for the read.
DASHBOARD_QUERIES = 22


@pytest.mark.parametrize("how_many", [5, 40])
def test_coordinators_dashboard_query_count_does_not_grow_with_the_cases(
    client, program_a, coordinator_a, django_assert_num_queries, how_many
):
    cases = fill_program(program_a, how_many, coordinator_a)
    for case in cases[1::4]:
        services.change_case_status(case=case, to=Case.Status.ASSESSMENT, by=coordinator_a)
    client.force_login(coordinator_a)

    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get("/")

    assert response.status_code == 200
    assert len(response.context["alerts"]) == 1
    stages = response.context["stages"].values
    assert sum(stages.values()) == how_many
    assert stages["Asesmen"] == len(cases[1::4])


def test_the_dashboard_counts_only_the_offices_open_cases(
    client, program_a, case_a, case_b, coordinator_a
):
    enrol(program_a, coordinator_a, full_name="Ani Rahayu")
    services.change_case_status(
        case=case_a,
        to=Case.Status.CLOSED,
        by=coordinator_a,
        close_reason="moved",
        outcome_summary="Pindah ke Lampung.",
    )
    client.force_login(coordinator_a)

    response = client.get("/")

    assert response.context["stages"].values["Penerimaan"] == 1
    assert sum(response.context["stages"].values.values()) == 1
