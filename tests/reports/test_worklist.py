"""The work list: what each user must do now, on /tasks/ and first on the home page."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role
from cases import services as case_services
from cases.instruments import SRQ20
from cases.models import Case, FollowUp, PlanItem
from referrals.models import Referral
from reports import worklist
from tests.cases.conftest import enrol
from tests.cases.helpers import srq_answers
from tests.factories import UserFactory
from tests.reports.conftest import refer


def today():
    # Read at each use: a suite that runs past midnight in Jakarta sees the new day.
    return timezone.localdate()


DAY = datetime.timedelta(days=1)
TASKS_URL = "/tasks/"


def visit_due(case, month, day):
    FollowUp.objects.filter(case=case, month=month).update(due_on=day)
    return FollowUp.objects.get(case=case, month=month)


def plan_step(case, intervention, day, by, **fields):
    return PlanItem.objects.create(
        case=case,
        dimension="social",
        intervention=intervention,
        due_date=day,
        created_by=by,
        **fields,
    )


def raise_alert(case, by):
    case_services.record_questionnaire(
        case=case, instrument=SRQ20, answers=srq_answers(yes=[17]), by=by
    )
    return case.alerts.get()


def late(referral, days=2):
    Referral.objects.filter(pk=referral.pk).update(
        due_at=timezone.now() - datetime.timedelta(days=days)
    )
    referral.refresh_from_db()
    return referral


def sections(user, on=None):
    with translation.override("en"):
        return {section.code: section for section in worklist.work_for(user, on or today())}


def names(section):
    return [row.participant.full_name for row in section.rows]


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def colleague(office_a):
    return UserFactory(username="petugas_lain", role=Role.CASE_WORKER, office=office_a)


@pytest.fixture
def world(
    program_a,
    case_a,
    case_b,
    case_worker_a,
    case_worker_b,
    colleague,
    coordinator_a,
    health_worker_a,
    dinsos,
    dinkes,
    dinsos_officer,
    dinkes_officer,
):
    """Office A's work: Siti Aminah (case_worker_a's), Dewi Lestari (a colleague's) and
    Ani Rahayu (no case worker); office B's Nur Halimah."""
    dewi = enrol(program_a, colleague, full_name="Dewi Lestari")
    ani = enrol(program_a, coordinator_a, full_name="Ani Rahayu")
    assert ani.case_worker is None

    def send(case, agency, code, moves=(), officer=None):
        return refer(
            case,
            agency,
            code,
            by=coordinator_a,
            coordinator=coordinator_a,
            officer=officer,
            moves=moves,
        )

    done = ["accepted", "in_progress", "completed"]
    return {
        "dewi": dewi,
        "ani": ani,
        "siti_late_visit": visit_due(case_a, 1, today() - 3 * DAY),
        "siti_soon_visit": visit_due(case_a, 3, today() + 7 * DAY),
        "siti_later_visit": visit_due(case_a, 6, today() + 8 * DAY),
        "dewi_visit": visit_due(dewi, 1, today()),
        "ani_visit": visit_due(ani, 1, today() + 2 * DAY),
        "nur_visit": visit_due(case_b, 1, today() - DAY),
        "siti_step": plan_step(case_a, "Urus KK baru", today() - 2 * DAY, case_worker_a),
        "dewi_step": plan_step(dewi, "Bukan kasus saya", today(), colleague),
        "siti_outcome": send(case_a, dinsos, "pkh_proposal", done, dinsos_officer),
        "dewi_outcome": send(dewi, dinsos, "dtsen_registration", done, dinsos_officer),
        "ani_outcome": send(ani, dinkes, "follow_up_examination", done, dinkes_officer),
        "declined": send(dewi, dinkes, "follow_up_examination", ["declined"], dinkes_officer),
        "dinsos_new": send(case_a, dinsos, "pbi_jk_activation"),
        "dinsos_late": late(send(dewi, dinsos, "pkh_proposal", ["accepted"], dinsos_officer)),
        "dinkes_new": send(ani, dinkes, "follow_up_examination"),
        "siti_alert": raise_alert(case_a, health_worker_a),
        "dewi_alert": raise_alert(dewi, health_worker_a),
    }


# --- Who sees what --------------------------------------------------------------------------


def test_a_case_worker_sees_the_visits_outcomes_and_plan_steps_of_their_own_cases(
    case_worker_a, world
):
    work = sections(case_worker_a)

    assert list(work) == [
        "alerts",
        "follow_ups_overdue",
        "follow_ups_due",
        "outcomes",
        "plan_items",
    ]
    assert [row.item for row in work["alerts"].rows] == [world["siti_alert"]]
    assert [row.item for row in work["follow_ups_overdue"].rows] == [world["siti_late_visit"]]
    assert [row.item for row in work["follow_ups_due"].rows] == [world["siti_soon_visit"]]
    assert [row.item for row in work["outcomes"].rows] == [world["siti_outcome"]]
    assert [row.item for row in work["plan_items"].rows] == [world["siti_step"]]
    everyone = {name for section in work.values() for name in names(section)}
    assert everyone == {"Siti Aminah"}


def test_a_coordinator_sees_the_offices_alerts_the_declines_and_the_cases_without_a_case_worker(
    coordinator_a, world
):
    work = sections(coordinator_a)

    assert list(work) == [
        "alerts",
        "declined",
        "follow_ups_due",
        "outcomes",
        "unassigned",
    ]
    assert names(work["alerts"]) == ["Siti Aminah", "Dewi Lestari"]
    assert [row.item for row in work["declined"].rows] == [world["declined"]]
    assert [row.item.pk for row in work["unassigned"].rows] == [world["ani"].pk]
    # The work of a case without a case worker waits for the coordinator.
    assert [row.item for row in work["follow_ups_due"].rows] == [world["ani_visit"]]
    assert [row.item for row in work["outcomes"].rows] == [world["ani_outcome"]]


def test_the_cases_of_a_case_worker_who_left_wait_for_the_coordinator(
    coordinator_a, colleague, world
):
    colleague.is_active = False
    colleague.save(update_fields=["is_active"])

    work = sections(coordinator_a)

    assert names(work["unassigned"]) == ["Dewi Lestari", "Ani Rahayu"]
    assert "can no longer log in" in work["unassigned"].rows[0].what
    assert world["dewi_visit"] in [row.item for row in work["follow_ups_due"].rows]
    assert [row.item for row in work["plan_items"].rows] == [world["dewi_step"]]


def test_the_dinsos_officer_sees_only_dinsos_referrals_to_accept_and_overdue(
    dinsos_officer, dinkes_officer, world
):
    work = sections(dinsos_officer)

    assert list(work) == ["referrals_overdue", "referrals_to_accept"]
    assert [row.item for row in work["referrals_overdue"].rows] == [world["dinsos_late"]]
    assert [row.item for row in work["referrals_to_accept"].rows] == [world["dinsos_new"]]
    dinkes = sections(dinkes_officer)
    assert [row.item for row in dinkes["referrals_to_accept"].rows] == [world["dinkes_new"]]


def test_an_overdue_referral_to_accept_is_listed_once_among_the_overdue(dinsos_officer, world):
    late(world["dinsos_new"], days=5)

    work = sections(dinsos_officer)

    assert [row.item for row in work["referrals_overdue"].rows] == [
        world["dinsos_new"],
        world["dinsos_late"],
    ]
    assert "referrals_to_accept" not in work


def test_office_b_the_auditor_and_the_health_worker_see_nothing_of_office_a_referrals(
    case_worker_b, auditor_a, health_worker_a, world
):
    for user in (case_worker_b, auditor_a, health_worker_a):
        work = sections(user)
        items = [row.item for section in work.values() for row in section.rows]
        assert [item for item in items if isinstance(item, Referral)] == [], user.username

    work = sections(case_worker_b)
    assert list(work) == ["follow_ups_overdue"]
    assert names(work["follow_ups_overdue"]) == ["Nur Halimah"]


def test_the_health_worker_sees_every_visit_due_in_the_office_and_nothing_else(
    health_worker_a, world
):
    work = sections(health_worker_a)

    assert list(work) == ["follow_ups_overdue", "follow_ups_due"]
    assert [row.item for row in work["follow_ups_overdue"].rows] == [world["siti_late_visit"]]
    assert [row.item for row in work["follow_ups_due"].rows] == [
        world["dewi_visit"],
        world["ani_visit"],
        world["siti_soon_visit"],
    ]


def test_an_auditor_and_an_admin_without_an_office_have_no_work_list(auditor_a, world, regions):
    admin = UserFactory(username="admin_pusat", role=Role.ADMIN, office=None, is_staff=True)

    for user in (auditor_a, admin):
        assert worklist.work_for(user) == []
        assert not worklist.has_work_list(user)


def test_an_admin_of_an_office_sees_that_offices_work(admin_user, program_b, office_b, world):
    enrol(program_b, UserFactory(role=Role.COORDINATOR, office=office_b), full_name="Rina Wati")

    work = sections(admin_user)

    assert "Nur Halimah" not in {name for s in work.values() for name in names(s)}
    assert [row.item.pk for row in work["unassigned"].rows] == [world["ani"].pk]


def test_visits_of_closed_cases_and_visits_made_are_not_listed(
    case_worker_a, coordinator_a, case_a, world
):
    FollowUp.objects.filter(pk=world["siti_late_visit"].pk).update(
        visited_on=today(), recorded_by=case_worker_a
    )
    assert "follow_ups_overdue" not in sections(case_worker_a)

    case_services.change_case_status(
        case=case_a,
        to=Case.Status.CLOSED,
        by=coordinator_a,
        close_reason="moved",
        outcome_summary="Pindah ke Jawa Tengah.",
    )

    work = sections(case_worker_a)
    assert "follow_ups_due" not in work
    assert "plan_items" not in work


# --- When: overdue, due this week, later ------------------------------------------------


def test_a_visit_is_overdue_the_day_after_its_date_due_this_week_for_seven_days_then_later(
    case_worker_a, case_a, program_a
):
    visit = visit_due(case_a, 1, datetime.date(2026, 3, 10))

    def section_on(day):
        work = sections(case_worker_a, on=day)
        return [code for code, s in work.items() if visit in [r.item for r in s.rows]]

    assert section_on(datetime.date(2026, 3, 2)) == []
    assert section_on(datetime.date(2026, 3, 3)) == ["follow_ups_due"]
    assert section_on(datetime.date(2026, 3, 10)) == ["follow_ups_due"]
    assert section_on(datetime.date(2026, 3, 11)) == ["follow_ups_overdue"]


def test_an_overdue_row_says_so_in_words_and_a_due_one_gives_its_date(case_worker_a, world):
    work = sections(case_worker_a)

    [overdue] = work["follow_ups_overdue"].rows
    [soon] = work["follow_ups_due"].rows
    assert overdue.overdue and overdue.when.startswith("Overdue since ")
    assert not soon.overdue and soon.when.startswith("Due ")
    assert "1 month" in overdue.what
    [step] = work["plan_items"].rows
    assert step.overdue and step.what == "Urus KK baru"


def test_each_row_links_to_the_page_where_the_work_is_done(
    case_worker_a, coordinator_a, dinsos_officer, health_worker_a, case_a, world
):
    mine = sections(case_worker_a)

    assert mine["alerts"].rows[0].url == case_a.get_absolute_url()
    assert mine["follow_ups_overdue"].rows[0].url == reverse(
        "cases:follow_up_record", args=[case_a.pk, 1]
    )
    assert mine["outcomes"].rows[0].url == world["siti_outcome"].get_absolute_url()
    assert mine["plan_items"].rows[0].url == case_a.get_absolute_url()
    coordinator = sections(coordinator_a)
    assert coordinator["declined"].rows[0].url == world["declined"].get_absolute_url()
    assert coordinator["unassigned"].rows[0].url == world["ani"].get_absolute_url()
    officer = sections(dinsos_officer)
    assert officer["referrals_to_accept"].rows[0].url == world["dinsos_new"].get_absolute_url()
    assert officer["referrals_overdue"].list_url == "/referrals/?box=overdue"
    # The health worker opens the visit's page too, for the questionnaires it repeats.
    nurse = sections(health_worker_a)
    assert nurse["follow_ups_overdue"].rows[0].url == reverse(
        "cases:follow_up_record", args=[case_a.pk, 1]
    )


# --- The summary ----------------------------------------------------------------------------


def test_the_summary_counts_each_section_in_words(case_worker_a, case_a, world):
    visit_due(case_a, 6, today() + 5 * DAY)

    with translation.override("en"):
        text = worklist.summary(worklist.work_for(case_worker_a))

    assert text == (
        "1 alert to handle, 1 follow-up visit overdue, 2 follow-up visits due this week, "
        "1 outcome to confirm, 1 plan step due"
    )


def test_nothing_to_do_is_an_empty_list_and_an_empty_summary(case_worker_a, case_a):
    assert worklist.work_for(case_worker_a) == []
    assert worklist.summary([]) == ""


def test_a_section_shows_its_first_rows_and_counts_them_all(case_worker_a, program_a):
    for number in range(4):
        case = enrol(program_a, case_worker_a, full_name=f"Peserta {number}")
        visit_due(case, 1, today() - (10 - number) * DAY)

    [section] = worklist.work_for(case_worker_a, rows=3)

    assert section.count == 4
    assert names(section) == ["Peserta 0", "Peserta 1", "Peserta 2"]
    assert section.has_more


# --- The pages ------------------------------------------------------------------------------


def test_the_tasks_page_shows_the_summary_and_each_section_as_a_table_of_cards(
    client, case_worker_a, case_a, world
):
    client.force_login(case_worker_a)
    in_english(client)

    response = client.get(TASKS_URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "1 follow-up visit overdue" in page
    assert 'id="work-follow_ups_overdue"' in page
    assert "table-cards" in page
    assert f'href="{reverse("cases:follow_up_record", args=[case_a.pk, 1])}"' in page
    assert case_a.participant.registration_number in page  # who, told apart
    assert '<strong class="badge badge-danger">Overdue since' in page
    assert "Dewi Lestari" not in page


def test_the_tasks_page_says_when_nothing_waits(client, case_worker_a):
    client.force_login(case_worker_a)
    in_english(client)

    page = client.get(TASKS_URL).content.decode()

    assert "Nothing waits for you." in page


def test_the_tasks_page_does_not_exist_for_the_auditor(client, auditor_a):
    client.force_login(auditor_a)

    assert client.get(TASKS_URL).status_code == 404


def test_the_menu_shows_tasks_to_those_with_a_work_list(client, case_worker_a, auditor_a):
    client.force_login(case_worker_a)
    assert TASKS_URL in [item["url"] for item in client.get("/").context["menu"]]

    client.force_login(auditor_a)
    assert TASKS_URL not in [item["url"] for item in client.get("/").context["menu"]]


def test_the_home_page_opens_with_the_work_list_and_links_to_all_tasks(
    client, case_worker_a, case_a, world, program_a
):
    for number in range(6):
        plan_step(case_a, f"Langkah {number}", today() + DAY, case_worker_a)
    client.force_login(case_worker_a)
    in_english(client)

    response = client.get("/")

    page = response.content.decode()
    panel = page.index('class="card work-list"')
    assert panel < page.index('class="dashboard-grid"')
    assert f'href="{TASKS_URL}"' in page and "All tasks" in page
    assert response.context["work_summary"].startswith("1 alert to handle")
    [plan] = [s for s in response.context["work_sections"] if s.code == "plan_items"]
    assert (plan.count, len(plan.rows)) == (7, worklist.HOME_ROWS_SHOWN)
    # The alerts are in the banner above, with the form to record what was done.
    assert "alerts" not in [s.code for s in response.context["work_sections"]]
    assert "due_items" not in response.context


def test_the_home_page_of_the_auditor_has_no_work_list(client, auditor_a):
    client.force_login(auditor_a)

    response = client.get("/")

    assert "work-list" not in response.content.decode()


# --- Query counts ---------------------------------------------------------------------------


def fill(program, by, how_many):
    """`how_many` cases of `by`, each with a visit overdue and one due, and a plan step."""
    for number in range(how_many):
        case = enrol(program, by, full_name=f"Peserta {number:02d}")
        visit_due(case, 1, today() - DAY)
        visit_due(case, 3, today() + DAY)
        plan_step(case, f"Langkah {number}", today(), by)


@pytest.mark.parametrize("url", [TASKS_URL, "/"])
@pytest.mark.parametrize("role", ["case_worker", "coordinator"])
def test_the_query_count_is_the_same_for_3_and_for_30_rows(
    client, program_a, case_worker_a, coordinator_a, url, role
):
    user = case_worker_a if role == "case_worker" else coordinator_a
    fill(program_a, user, 3)
    client.force_login(user)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    fill(program_a, user, 27)

    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.status_code == 200
    sections = response.context["sections" if url == TASKS_URL else "work_sections"]
    assert {s.code: s.count for s in sections if s.code == "follow_ups_overdue"} == {
        "follow_ups_overdue": 30
    }
    assert len(many) == len(few)
