"""Recording a scheduled visit, and what the visit's page says to do at it."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from cases import instruments, services
from cases.models import Case, FollowUp, OutcomeMeasure, Screening

from .helpers import days_ago, messages_of, questionnaire_data, srq_answers, srq_data


def said(msgid):
    with translation.override("id"):
        return gettext(msgid)


def visit_url(case, month=1):
    return f"/cases/{case.pk}/follow-ups/{month}/"


def questionnaire_url(case, code):
    return f"/cases/{case.pk}/screenings/{code}/"


def outcome_url(case, occasion):
    return f"/cases/{case.pk}/outcomes/{occasion}/new/"


def visit_data(**overrides):
    data = {"visited_on": days_ago(0), "summary": "Peserta tinggal bersama keluarga."}
    data.update(overrides)
    return data


def made_visits():
    return FollowUp.objects.exclude(visited_on=None)


def record(case, month, by, on=None):
    return services.record_follow_up(
        follow_up=case.follow_ups.get(month=month),
        visited_on=on or timezone.localdate(),
        summary=f"Kunjungan bulan ke-{month}",
        by=by,
    )


def tasks_of(response):
    return {task["code"]: task for task in response.context["tasks"]}


# --- Recording ----------------------------------------------------------------------------


def test_the_form_of_a_scheduled_visit_says_when_it_is_due(client, case_a, case_worker_a):
    client.force_login(case_worker_a)

    response = client.get(visit_url(case_a, 3))

    assert response.status_code == 200
    assert response.context["follow_up"] == case_a.follow_ups.get(month=3)
    assert set(response.context["form"].fields) == {"visited_on", "summary"}
    assert "3 bulan" in response.content.decode()


def test_case_worker_records_a_visit_and_lands_on_what_to_do_at_it(client, case_a, case_worker_a):
    client.force_login(case_worker_a)

    response = client.post(visit_url(case_a, 3), visit_data())

    assert response.status_code == 302
    assert response.url == visit_url(case_a, 3)
    assert [level for level, _text in messages_of(response)] == ["success"]
    visit = case_a.follow_ups.get(month=3)
    assert visit.visited_on == timezone.localdate()
    assert visit.summary == "Peserta tinggal bersama keluarga."
    assert visit.recorded_by == case_worker_a
    assert visit.recorded_at is not None
    assert list(made_visits()) == [visit]
    page = client.get(response.url)
    assert page.status_code == 200
    assert page.context["follow_up"] == visit
    assert "Peserta tinggal bersama keluarga." in page.content.decode()


def test_recording_a_visit_twice_says_so_and_changes_nothing(client, case_a, case_worker_a):
    record(case_a, 1, case_worker_a, on=timezone.localdate() - datetime.timedelta(days=2))
    client.force_login(case_worker_a)

    response = client.post(visit_url(case_a), visit_data(summary="Lagi"))

    assert response.status_code == 302
    assert response.url == visit_url(case_a)
    [(level, text)] = messages_of(response)
    assert level == "warning"
    day = timezone.localdate() - datetime.timedelta(days=2)
    with translation.override("id"):
        assert date_format(day, "j F Y") in text
    visit = case_a.follow_ups.get(month=1)
    assert (visit.visited_on, visit.summary) == (day, "Kunjungan bulan ke-1")


def test_a_recorded_visit_opens_its_page_instead_of_the_form(client, case_a, case_worker_a):
    record(case_a, 1, case_worker_a)
    client.force_login(case_worker_a)

    response = client.get(visit_url(case_a))

    assert response.status_code == 200
    assert "form" not in response.context
    assert "tasks" in response.context


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (visit_data(visited_on=days_ago(-1)), "visited_on"),
        (visit_data(visited_on="besok"), "visited_on"),
        (visit_data(summary=""), "summary"),
    ],
    ids=["future", "not-a-date", "no-summary"],
)
def test_a_bad_visit_shows_a_form_error_and_writes_nothing(
    client, case_a, case_worker_a, data, field
):
    client.force_login(case_worker_a)

    response = client.post(visit_url(case_a), data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not made_visits().exists()


def test_a_visit_before_the_intake_is_refused(client, case_a, case_worker_a):
    Case.objects.filter(pk=case_a.pk).update(intake_date=datetime.date(2025, 3, 1))
    client.force_login(case_worker_a)

    response = client.post(visit_url(case_a), visit_data(visited_on="2025-02-27"))

    assert response.status_code == 200
    assert "visited_on" in response.context["form"].errors
    assert "1 Maret 2025" in response.content.decode()
    assert not made_visits().exists()


@pytest.mark.parametrize("month", [2, 24])
def test_a_month_not_in_the_schedule_is_said_and_nothing_is_written(
    client, case_a, case_worker_a, month
):
    client.force_login(case_worker_a)

    response = client.post(visit_url(case_a, month), visit_data())

    assert response.status_code == 302
    assert response.url == case_a.get_absolute_url()
    [(level, text)] = messages_of(response)
    assert level == "error"
    assert str(month) in text
    assert not made_visits().exists()
    assert case_a.follow_ups.count() == 4


def test_a_visit_of_a_closed_case_is_not_recorded(client, case_a, coordinator_a):
    services.change_case_status(
        case=case_a,
        to=Case.Status.CLOSED,
        by=coordinator_a,
        close_reason=Case.CloseReason.MOVED,
        outcome_summary="Pindah ke Lampung.",
    )
    client.force_login(coordinator_a)

    response = client.post(visit_url(case_a), visit_data())

    assert response.status_code == 302
    assert [level for level, _text in messages_of(response)] == ["error"]
    assert not made_visits().exists()


def test_health_worker_may_not_record_a_visit(client, case_a, health_worker_a):
    client.force_login(health_worker_a)

    response = client.post(visit_url(case_a), visit_data())

    assert response.status_code == 403
    assert not made_visits().exists()


def test_a_health_worker_opens_a_pending_visit_to_repeat_its_screenings_not_to_record_it(
    client, case_a, health_worker_a
):
    client.force_login(health_worker_a)

    response = client.get(visit_url(case_a))

    assert response.status_code == 200
    assert "form" not in response.context
    visit = case_a.follow_ups.get(month=1)
    srq = tasks_of(response)["srq20"]
    assert srq["url"] == f"{questionnaire_url(case_a, 'srq20')}?follow_up={visit.pk}"
    assert not made_visits().exists()


@pytest.mark.parametrize("user", ["case_worker_b", "dinsos_officer", "auditor_a"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_outsiders_do_not_find_the_visit(client, case_a, request, user, method):
    client.force_login(request.getfixturevalue(user))

    response = getattr(client, method)(visit_url(case_a), visit_data())

    assert response.status_code == 404
    assert not made_visits().exists()


def test_outsiders_do_not_find_a_recorded_visit_either(
    client, case_a, case_worker_a, case_worker_b
):
    record(case_a, 1, case_worker_a)
    client.force_login(case_worker_b)

    assert client.get(visit_url(case_a)).status_code == 404


def test_a_health_worker_opens_a_recorded_visit_to_do_its_questionnaires(
    client, case_a, case_worker_a, health_worker_a
):
    visit = record(case_a, 1, case_worker_a)
    client.force_login(health_worker_a)

    response = client.get(visit_url(case_a))

    assert response.status_code == 200
    srq = tasks_of(response)["srq20"]
    assert srq["url"] == f"{questionnaire_url(case_a, 'srq20')}?follow_up={visit.pk}"


# --- What to do at the visit --------------------------------------------------------------


def test_a_visit_asks_for_the_srq20_even_when_the_case_never_had_one(client, case_a, case_worker_a):
    visit = record(case_a, 1, case_worker_a)
    client.force_login(case_worker_a)

    response = client.get(visit_url(case_a))

    [task] = response.context["tasks"]
    assert task["code"] == "srq20"
    assert "SRQ-20" in response.content.decode()
    assert task["url"] == f"{questionnaire_url(case_a, 'srq20')}?follow_up={visit.pk}"
    assert task["done"] is False


def test_a_visit_asks_for_the_phq9_and_gad7_only_when_they_were_taken_before(
    client, case_a, case_worker_a, health_worker_a
):
    services.record_questionnaire(
        case=case_a,
        instrument=instruments.get_instrument("phq9"),
        answers={n: 0 for n in instruments.get_instrument("phq9").item_numbers},
        by=health_worker_a,
    )
    visit = record(case_a, 3, case_worker_a)
    client.force_login(case_worker_a)

    response = client.get(visit_url(case_a, 3))

    tasks = tasks_of(response)
    assert list(tasks) == ["srq20", "phq9"]
    assert tasks["phq9"]["url"] == f"{questionnaire_url(case_a, 'phq9')}?follow_up={visit.pk}"
    assert tasks["phq9"]["done"] is False


@pytest.mark.parametrize(("month", "occasion"), [(6, "month_6"), (12, "month_12")])
def test_the_6_and_12_month_visits_ask_for_the_outcome_measure(
    client, case_a, case_worker_a, month, occasion
):
    visit = record(case_a, month, case_worker_a)
    client.force_login(case_worker_a)

    response = client.get(visit_url(case_a, month))

    assert list(tasks_of(response)) == ["srq20", occasion]
    measure = response.context["tasks"][1]
    assert str(measure["label"]) == said("Reintegration outcome measure")
    assert measure["url"] == f"{outcome_url(case_a, occasion)}?follow_up={visit.pk}"
    assert measure["done"] is False
    assert measure["url"].replace("&", "&amp;") in response.content.decode()


@pytest.mark.parametrize("month", [1, 3])
def test_the_1_and_3_month_visits_do_not_ask_for_the_outcome_measure(
    client, case_a, case_worker_a, month
):
    record(case_a, month, case_worker_a)
    client.force_login(case_worker_a)

    response = client.get(visit_url(case_a, month))

    assert list(tasks_of(response)) == ["srq20"]
    assert "/outcomes/" not in response.content.decode()


def test_a_questionnaire_taken_at_the_visit_is_marked_done(
    client, case_a, case_worker_a, health_worker_a
):
    first = record(case_a, 1, case_worker_a)
    services.record_questionnaire(
        case=case_a, instrument=instruments.SRQ20, answers=srq_answers(), by=health_worker_a
    )
    services.record_questionnaire(
        case=case_a,
        instrument=instruments.SRQ20,
        answers=srq_answers(),
        by=health_worker_a,
        follow_up=first,
    )
    record(case_a, 3, case_worker_a)
    client.force_login(case_worker_a)

    at_first = tasks_of(client.get(visit_url(case_a, 1)))
    at_second = tasks_of(client.get(visit_url(case_a, 3)))

    assert at_first["srq20"]["done"] is True
    # An SRQ-20 of another visit, or of no visit, does not count for this one.
    assert at_second["srq20"]["done"] is False


def test_the_outcome_measure_is_marked_done_once_taken(
    client, case_a, case_worker_a, health_worker_a
):
    visit = record(case_a, 6, case_worker_a)
    OutcomeMeasure.objects.create(
        case=case_a,
        occasion=OutcomeMeasure.Occasion.MONTH_6,
        follow_up=visit,
        answers={},
        economic_score=50,
        social_score=60,
        psychosocial_score=70,
        recorded_by=case_worker_a,
    )
    services.record_questionnaire(
        case=case_a,
        instrument=instruments.SRQ20,
        answers=srq_answers(),
        by=health_worker_a,
        follow_up=visit,
    )
    client.force_login(case_worker_a)

    response = client.get(visit_url(case_a, 6))

    assert [task["done"] for task in response.context["tasks"]] == [True, True]
    assert response.context["all_done"] is True


def test_a_health_worker_is_not_offered_the_outcome_measure(
    client, case_a, case_worker_a, health_worker_a
):
    record(case_a, 6, case_worker_a)
    client.force_login(health_worker_a)

    response = client.get(visit_url(case_a, 6))

    srq, measure = response.context["tasks"]
    assert srq["url"]
    assert measure["url"] == ""


def test_a_questionnaire_saved_for_a_visit_leads_back_to_the_visit(
    client, case_a, case_worker_a, health_worker_a
):
    services.record_questionnaire(
        case=case_a,
        instrument=instruments.get_instrument("gad7"),
        answers={n: 0 for n in instruments.get_instrument("gad7").item_numbers},
        by=health_worker_a,
    )
    visit = record(case_a, 1, case_worker_a)
    client.force_login(health_worker_a)

    srq = client.post(
        f"{questionnaire_url(case_a, 'srq20')}?follow_up={visit.pk}", srq_data(yes=[1])
    )
    gad = client.post(
        f"{questionnaire_url(case_a, 'gad7')}?follow_up={visit.pk}", questionnaire_data("gad7")
    )

    assert (srq.status_code, srq.url) == (302, visit_url(case_a))
    assert (gad.status_code, gad.url) == (302, visit_url(case_a))
    assert set(visit.screenings.values_list("kind", flat=True)) == {"srq20", "gad7"}
    page = client.get(visit_url(case_a))
    assert [task["done"] for task in page.context["tasks"]] == [True, True]


def test_a_questionnaire_without_a_visit_still_leads_back_to_the_case(
    client, case_a, health_worker_a
):
    client.force_login(health_worker_a)

    response = client.post(questionnaire_url(case_a, "srq20"), srq_data())

    assert response.url == case_a.get_absolute_url()


@pytest.mark.parametrize("earlier", [1, 6], ids=["one-screening", "six-screenings"])
def test_the_visit_page_query_count_does_not_grow_with_the_screenings(
    client, case_a, case_worker_a, django_assert_num_queries, earlier
):
    visit = record(case_a, 6, case_worker_a)
    for number in range(earlier):
        services.record_questionnaire(
            case=case_a,
            instrument=instruments.SRQ20,
            answers=srq_answers(),
            by=case_worker_a,
            follow_up=visit if number % 2 else None,
        )
    client.force_login(case_worker_a)

    # Session, user, unread notifications, the user's office; the case; the visit; the
    # case's screenings; the outcome measure of the occasion; the access log's row.
    with django_assert_num_queries(9):
        response = client.get(visit_url(case_a, 6))

    assert response.status_code == 200
    assert Screening.objects.count() == earlier
