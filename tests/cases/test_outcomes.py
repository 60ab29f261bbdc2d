"""The reintegration outcome measure as data: scores, change, and recording it."""

import datetime

import pytest
from django.utils import timezone, translation

from accounts.workflow import IllegalMove
from cases import outcomes, services
from cases.models import Case, OutcomeMeasure

from .conftest import enrol


def uniform(value):
    """Every question answered with the same value."""
    return dict.fromkeys(outcomes.QUESTION_NUMBERS, value)


def answers_for(economic=2, social=2, psychosocial=2):
    """Every question of each dimension answered with that dimension's value."""
    values = {"economic": economic, "social": social, "psychosocial": psychosocial}
    return {q.number: values[q.dimension] for q in outcomes.QUESTIONS}


@pytest.fixture(autouse=True)
def english():
    # The refusals are matched by their words, in the language of the msgids.
    with translation.override("en"):
        yield


def close(case):
    """The case closed (how it closes is the workflow's business, tested elsewhere)."""
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSED, close_reason="goals_met", closed_at=timezone.now()
    )


# --- The measure as data ------------------------------------------------------------------


def test_every_question_has_a_known_dimension_and_four_answers():
    assert {q.dimension for q in outcomes.QUESTIONS} == set(outcomes.DIMENSIONS)
    assert all(len(q.answers) == outcomes.MAX_ANSWER + 1 for q in outcomes.QUESTIONS)
    assert len(set(outcomes.QUESTION_NUMBERS)) == len(outcomes.QUESTIONS)
    for dimension in outcomes.DIMENSIONS:
        assert len(outcomes.questions_of(dimension)) >= outcomes.MIN_ANSWERED


# --- Scores -------------------------------------------------------------------------------


def test_every_answer_at_its_best_scores_100_in_each_dimension():
    assert outcomes.score(uniform(3)) == {"economic": 100, "social": 100, "psychosocial": 100}


def test_every_answer_at_its_worst_scores_0_in_each_dimension():
    assert outcomes.score(uniform(0)) == {"economic": 0, "social": 0, "psychosocial": 0}


def test_a_mixed_set_scores_the_mean_of_each_dimensions_answers_on_0_to_100():
    answers = {
        # Economic: 3 + 2 + 1 + 0 = 6 of 12 -> 50.
        1: 3,
        2: 2,
        3: 1,
        4: 0,
        # Social, one skipped: 3 + 3 + 2 = 8 of 9 -> 88.9 -> 89.
        5: 3,
        6: 3,
        7: 2,
        8: None,
        # Psychosocial, two left out: 1 + 1 = 2 of 6 -> 33.3 -> 33.
        9: 1,
        10: 1,
    }

    assert outcomes.score(answers) == {"economic": 50, "social": 89, "psychosocial": 33}


def test_a_skipped_question_leaves_the_dimension_comparable():
    skipped = {**uniform(2), 4: None}

    assert outcomes.score(skipped)["economic"] == outcomes.score(uniform(2))["economic"] == 67


def test_too_few_answers_in_a_dimension_raise_incomplete_measure_naming_it():
    answers = {**uniform(2), 9: None, 10: None, 11: None}

    with pytest.raises(outcomes.IncompleteMeasure) as raised:
        outcomes.score(answers)

    assert raised.value.dimensions == ("psychosocial",)
    assert "psychosocial" in str(raised.value)


def test_every_dimension_short_of_answers_is_named():
    with pytest.raises(outcomes.IncompleteMeasure) as raised:
        outcomes.score({1: 3, 5: 3})

    assert raised.value.dimensions == ("economic", "social", "psychosocial")


def test_an_unknown_question_is_rejected():
    with pytest.raises(ValueError, match="Unknown questions"):
        outcomes.score({**uniform(2), 13: 1})


@pytest.mark.parametrize("value", [4, -1, "2", 1.5, True])
def test_a_value_outside_the_four_answers_is_rejected(value):
    with pytest.raises(ValueError) as raised:
        outcomes.score({**uniform(2), 3: value})

    assert not isinstance(raised.value, outcomes.IncompleteMeasure)


# --- Change -------------------------------------------------------------------------------


def test_exactly_the_threshold_up_is_improved():
    assert outcomes.CHANGE_THRESHOLD == 10
    assert outcomes.change(40, 50) == outcomes.IMPROVED


def test_one_point_short_of_the_threshold_stayed():
    assert outcomes.change(40, 49) == outcomes.STAYED
    assert outcomes.change(49, 40) == outcomes.STAYED
    assert outcomes.change(40, 40) == outcomes.STAYED


def test_exactly_the_threshold_down_is_worsened():
    assert outcomes.change(50, 40) == outcomes.WORSENED


def test_compare_says_each_dimensions_points_and_change_in_words():
    changes = outcomes.compare(
        {"economic": 42, "social": 67, "psychosocial": 67},
        {"economic": 67, "social": 70, "psychosocial": 33},
    )

    assert [(c.dimension, c.points, c.direction) for c in changes] == [
        ("economic", 25, "improved"),
        ("social", 3, "stayed"),
        ("psychosocial", -34, "worsened"),
    ]
    assert (changes[0].name.id, changes[0].label.id) == ("Ekonomi", "Membaik")
    assert changes[2].label.id == "Memburuk"


# --- Recording it -------------------------------------------------------------------------


def test_recording_a_measure_keeps_every_answer_and_the_three_scores(case_a, case_worker_a):
    answers = {**answers_for(economic=1, social=2, psychosocial=3), 4: 2, 8: None}

    measure = services.record_outcome_measure(
        case=case_a,
        occasion=OutcomeMeasure.Occasion.INTAKE,
        answers=answers,
        by=case_worker_a,
        taken_on=datetime.date(2025, 11, 5),
    )

    measure.refresh_from_db()
    # Economic 1 + 1 + 1 + 2 = 5 of 12 -> 42; social 2 + 2 + 2 of 9 -> 67.
    assert outcomes.scores_of(measure) == {"economic": 42, "social": 67, "psychosocial": 100}
    assert measure.answers["4"] == 2
    assert measure.answers["8"] is None
    assert len(measure.answers) == len(outcomes.QUESTIONS)
    assert outcomes.answers_of(measure) == {n: answers.get(n) for n in outcomes.QUESTION_NUMBERS}
    assert measure.taken_on == datetime.date(2025, 11, 5)
    assert measure.recorded_by == case_worker_a


def test_the_date_defaults_to_today(case_a, case_worker_a):
    measure = services.record_outcome_measure(
        case=case_a, occasion="intake", answers=answers_for(), by=case_worker_a
    )

    assert measure.taken_on == timezone.localdate()


def test_a_second_measure_of_the_same_occasion_is_refused(case_a, case_worker_a):
    services.record_outcome_measure(
        case=case_a, occasion="month_6", answers=answers_for(), by=case_worker_a
    )

    with pytest.raises(IllegalMove, match="already recorded"):
        services.record_outcome_measure(
            case=case_a, occasion="month_6", answers=answers_for(economic=3), by=case_worker_a
        )

    assert OutcomeMeasure.objects.get().economic_score == 67


def test_a_measure_at_a_visit_of_another_case_is_refused(program_a, case_a, case_worker_a):
    other = enrol(program_a, case_worker_a, full_name="Dewi Lestari")
    visit = other.follow_ups.get(month=6)

    with pytest.raises(IllegalMove, match="another case"):
        services.record_outcome_measure(
            case=case_a,
            occasion="month_6",
            answers=answers_for(),
            by=case_worker_a,
            follow_up=visit,
        )

    assert not OutcomeMeasure.objects.exists()


def test_the_six_month_measure_is_taken_at_the_six_month_visit(case_a, case_worker_a):
    with pytest.raises(IllegalMove):
        services.record_outcome_measure(
            case=case_a,
            occasion="month_6",
            answers=answers_for(),
            by=case_worker_a,
            follow_up=case_a.follow_ups.get(month=12),
        )

    measure = services.record_outcome_measure(
        case=case_a,
        occasion="month_6",
        answers=answers_for(),
        by=case_worker_a,
        follow_up=case_a.follow_ups.get(month=6),
    )
    assert measure.follow_up.month == 6


def test_no_measure_is_added_to_a_closed_case_not_even_the_closing_one(case_a, case_worker_a):
    close(case_a)

    for occasion in OutcomeMeasure.Occasion.values:
        with pytest.raises(IllegalMove, match="closed"):
            services.record_outcome_measure(
                case=case_a, occasion=occasion, answers=answers_for(), by=case_worker_a
            )

    assert not OutcomeMeasure.objects.exists()


def test_a_measure_dated_in_the_future_is_refused(case_a, case_worker_a):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(IllegalMove, match="future"):
        services.record_outcome_measure(
            case=case_a,
            occasion="intake",
            answers=answers_for(),
            by=case_worker_a,
            taken_on=tomorrow,
        )

    assert not OutcomeMeasure.objects.exists()


def test_answers_too_few_to_score_write_nothing(case_a, case_worker_a):
    with pytest.raises(outcomes.IncompleteMeasure):
        services.record_outcome_measure(
            case=case_a, occasion="intake", answers={1: 3, 2: 3}, by=case_worker_a
        )

    assert not OutcomeMeasure.objects.exists()
