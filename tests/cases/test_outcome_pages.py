"""The reintegration outcome measure through its pages: the form, and the case page's section."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cases import outcome_views, outcomes, services
from cases.models import Case, OutcomeMeasure

from .conftest import enrol
from .helpers import messages_of


def new_url(case, occasion="intake"):
    return f"/cases/{case.pk}/outcomes/{occasion}/new/"


def answers_for(economic=2, social=2, psychosocial=2):
    values = {"economic": economic, "social": social, "psychosocial": psychosocial}
    return {q.number: values[q.dimension] for q in outcomes.QUESTIONS}


def measure_data(answers=None, taken_on=None):
    """A POST of the form: every question as given ("" for not answered)."""
    answers = answers_for() if answers is None else answers
    data = {f"item_{n}": "" if value is None else value for n, value in answers.items()}
    data["taken_on"] = (taken_on or timezone.localdate()).isoformat()
    return data


# Economic 1, 1, 1, 2 = 5 of 12 -> 42, and 2, 2, 2, 2 = 8 of 12 -> 67.
INTAKE_42 = {**answers_for(), 1: 1, 2: 1, 3: 1}
MONTH_6_67 = answers_for()


def record(case, by, occasion, answers=None, **kwargs):
    return services.record_outcome_measure(
        case=case, occasion=occasion, answers=answers or answers_for(), by=by, **kwargs
    )


def close(case):
    """The case closed (how it closes is the workflow's business, tested elsewhere)."""
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSED, close_reason="goals_met", closed_at=timezone.now()
    )


# --- The form -----------------------------------------------------------------------------


def test_the_form_groups_the_questions_by_dimension_with_four_answers_and_not_answered(
    client, case_a, case_worker_a
):
    client.force_login(case_worker_a)

    response = client.get(new_url(case_a))

    assert response.status_code == 200
    page = response.content.decode()
    for name in ("Ekonomi", "Sosial", "Psikososial"):
        assert f"<legend>{name}</legend>" in page
    for question in outcomes.QUESTIONS:
        assert f"{question.number}. {question.text.id}" in page
    assert page.count('type="radio"') == 5 * len(outcomes.QUESTIONS)
    assert "Sumber penghasilan saat ini" in page and "Pekerjaan atau usaha tetap" in page
    assert 'type="date"' in page
    assert "Siti Aminah" in page


def test_the_case_worker_records_the_intake_measure_and_lands_on_the_case_page(
    client, case_a, case_worker_a
):
    client.force_login(case_worker_a)

    response = client.post(new_url(case_a), measure_data(INTAKE_42))

    assert response.status_code == 302
    assert response.url == case_a.get_absolute_url()
    measure = OutcomeMeasure.objects.get(case=case_a)
    assert measure.occasion == "intake"
    assert outcomes.scores_of(measure) == {"economic": 42, "social": 67, "psychosocial": 67}
    assert measure.recorded_by == case_worker_a
    [(level, text)] = messages_of(response)
    assert level == "success"
    assert "Ekonomi 42" in text


def test_saving_a_later_measure_says_the_change_from_intake(client, case_a, case_worker_a):
    record(case_a, case_worker_a, "intake", INTAKE_42)
    client.force_login(case_worker_a)

    response = client.post(new_url(case_a, "month_6"), measure_data(MONTH_6_67))

    assert response.status_code == 302
    [(level, text)] = messages_of(response)
    assert level == "success"
    assert "Ekonomi: 42 → 67, membaik" in text
    assert "Sosial: 67 → 67, tetap" in text


def test_a_measure_from_a_follow_up_visit_goes_back_to_that_visit(client, case_a, case_worker_a):
    visit = case_a.follow_ups.get(month=6)
    client.force_login(case_worker_a)

    response = client.post(f"{new_url(case_a, 'month_6')}?follow_up={visit.pk}", measure_data())

    assert response.status_code == 302
    try:
        expected = reverse("cases:follow_up_record", args=[case_a.pk, 6])
    except NoReverseMatch:
        expected = case_a.get_absolute_url()
    assert response.url == expected
    assert OutcomeMeasure.objects.get().follow_up == visit


def test_a_visit_of_another_case_is_not_found(client, program_a, case_a, case_worker_a):
    other = enrol(program_a, case_worker_a, full_name="Dewi Lestari")
    client.force_login(case_worker_a)
    url = f"{new_url(case_a, 'month_6')}?follow_up={other.follow_ups.get(month=6).pk}"

    assert client.get(url).status_code == 404
    assert client.post(url, measure_data()).status_code == 404
    assert client.get(f"{new_url(case_a)}?follow_up=abc").status_code == 404
    assert not OutcomeMeasure.objects.exists()


def test_an_unknown_occasion_is_not_found(client, case_a, case_worker_a):
    client.force_login(case_worker_a)

    assert client.get(new_url(case_a, "month_3")).status_code == 404


def test_a_case_worker_of_another_office_does_not_find_the_form(client, case_a, case_worker_b):
    client.force_login(case_worker_b)

    assert client.get(new_url(case_a)).status_code == 404
    assert client.post(new_url(case_a), measure_data()).status_code == 404
    assert not OutcomeMeasure.objects.exists()


@pytest.mark.parametrize("who", ["auditor_a", "dinsos_officer"])
def test_auditors_and_agency_officers_do_not_find_the_form(client, case_a, who, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(new_url(case_a)).status_code == 404
    assert client.post(new_url(case_a), measure_data()).status_code == 404
    assert not OutcomeMeasure.objects.exists()


def test_a_health_worker_may_read_the_case_but_not_record_the_measure(
    client, case_a, health_worker_a
):
    client.force_login(health_worker_a)

    assert client.get(new_url(case_a)).status_code == 403
    assert client.post(new_url(case_a), measure_data()).status_code == 403
    assert not OutcomeMeasure.objects.exists()


def test_too_few_answers_in_a_dimension_say_which_and_write_nothing(client, case_a, case_worker_a):
    answers = {**answers_for(), 1: None, 2: None, 3: None}
    client.force_login(case_worker_a)

    response = client.post(new_url(case_a), measure_data(answers))

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.dimension_errors) == ["economic"]
    assert "Ekonomi" in form.dimension_errors["economic"][0]
    assert 'class="alert alert-error"' in response.content.decode()
    assert not OutcomeMeasure.objects.exists()


def test_an_answer_outside_the_four_is_refused_and_nothing_is_written(
    client, case_a, case_worker_a
):
    client.force_login(case_worker_a)

    response = client.post(new_url(case_a), measure_data({**answers_for(), 5: 7}))

    assert response.status_code == 200
    assert "item_5" in response.context["form"].errors
    assert not OutcomeMeasure.objects.exists()


def test_a_date_in_the_future_is_refused(client, case_a, case_worker_a):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    client.force_login(case_worker_a)

    response = client.post(new_url(case_a), measure_data(taken_on=tomorrow))

    assert response.status_code == 200
    assert "taken_on" in response.context["form"].errors
    assert not OutcomeMeasure.objects.exists()


def test_an_occasion_already_measured_is_not_offered_again(client, case_a, case_worker_a):
    record(case_a, case_worker_a, "intake", INTAKE_42)
    client.force_login(case_worker_a)

    response = client.post(new_url(case_a), measure_data(answers_for(economic=3)))

    assert response.status_code == 302
    assert response.url == case_a.get_absolute_url()
    assert [level for level, _ in messages_of(response)] == ["info"]
    assert OutcomeMeasure.objects.get().economic_score == 42


def test_a_closed_case_takes_no_measure(client, case_a, case_worker_a):
    close(case_a)
    client.force_login(case_worker_a)

    response = client.post(new_url(case_a, "closing"), measure_data())

    assert response.status_code == 302
    assert [level for level, _ in messages_of(response)] == ["error"]
    assert not OutcomeMeasure.objects.exists()


# --- The case page ------------------------------------------------------------------------


def test_the_case_page_explains_the_measure_and_offers_it_before_it_is_taken(
    client, case_a, case_worker_a
):
    client.force_login(case_worker_a)

    response = client.get(case_a.get_absolute_url())

    section = response.context["outcomes"]
    assert not section["taken"]
    assert section["can_record"]
    page = response.content.decode()
    assert 'class="empty"' in page
    assert f'href="{new_url(case_a)}"' in page


def test_the_case_page_shows_the_scores_and_the_change_from_intake(client, case_a, case_worker_a):
    record(case_a, case_worker_a, "intake", INTAKE_42, taken_on=datetime.date(2025, 11, 5))
    record(case_a, case_worker_a, "month_6", MONTH_6_67, taken_on=datetime.date(2026, 5, 5))
    client.force_login(case_worker_a)

    response = client.get(case_a.get_absolute_url())

    page = response.content.decode()
    assert '<td data-label="Ekonomi">42</td>' in page
    assert '<td data-label="Ekonomi">67</td>' in page
    assert '<span class="change-improved">Membaik</span> (42 → 67, +25)' in page
    assert '<span class="change-stayed">Tetap</span> (67 → 67, +0)' in page
    # Only the occasions not yet taken are offered.
    assert f'href="{new_url(case_a, "month_12")}"' in page
    assert f'href="{new_url(case_a, "closing")}"' in page
    assert f'href="{new_url(case_a, "intake")}"' not in page
    assert f'href="{new_url(case_a, "month_6")}"' not in page


def test_the_change_is_to_the_latest_occasion(case_a, case_worker_a):
    record(case_a, case_worker_a, "intake", INTAKE_42)
    record(case_a, case_worker_a, "month_6", MONTH_6_67)
    record(case_a, case_worker_a, "month_12", answers_for(economic=0))

    section = outcome_views.section(case_a, case_worker_a)

    assert section["latest"].occasion == "month_12"
    economic = section["changes"][0]
    assert (economic.before, economic.after, economic.direction) == (42, 0, "worsened")


def test_a_health_worker_sees_the_scores_but_no_button(
    client, case_a, case_worker_a, health_worker_a
):
    record(case_a, case_worker_a, "intake", INTAKE_42)
    client.force_login(health_worker_a)

    response = client.get(case_a.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert '<td data-label="Ekonomi">42</td>' in page
    assert "/outcomes/" not in page


def test_a_closed_case_offers_no_measure(client, case_a, case_worker_a):
    record(case_a, case_worker_a, "intake", INTAKE_42)
    close(case_a)
    client.force_login(case_worker_a)

    response = client.get(case_a.get_absolute_url())

    assert not response.context["outcomes"]["can_record"]
    assert "/outcomes/" not in response.content.decode()


def test_the_section_fetches_its_measures_in_one_query(
    case_a, case_worker_a, django_assert_num_queries
):
    for occasion in OutcomeMeasure.Occasion.values:
        record(case_a, case_worker_a, occasion)
    case = Case.objects.get(pk=case_a.pk)

    with django_assert_num_queries(1):
        section = outcome_views.section(case, case_worker_a)

    assert all(row["measure"] for row in section["rows"])


def _case_page_queries(client, case):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    return len(queries)


def test_the_case_page_query_count_is_the_same_with_one_and_four_measures(
    client, program_a, case_worker_a
):
    one, four = (enrol(program_a, case_worker_a, full_name=name) for name in ("Ani", "Budi"))
    record(one, case_worker_a, "intake")
    for occasion in OutcomeMeasure.Occasion.values:
        record(four, case_worker_a, occasion)
    client.force_login(case_worker_a)
    _case_page_queries(client, one)  # warm the session and caches alike for both

    assert _case_page_queries(client, one) == _case_page_queries(client, four)
