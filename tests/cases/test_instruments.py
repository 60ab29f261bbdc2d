"""The mental-health instruments: their data, their scoring, their bands and alerts.

Pure functions, so no database; pytest-django configures the settings, which is
enough for the active language to choose a text.
"""

import dataclasses

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from cases.instruments import (
    GAD7,
    INSTRUMENTS,
    PHQ9,
    SRQ20,
    AlertRule,
    Band,
    IncompleteAnswers,
    Instrument,
    Item,
    Text,
    check_instrument,
    get_instrument,
    score_answers,
)
from cases.models import Screening


def answers_totalling(instrument, total):
    """A complete answer set whose answers add up to `total`: the first items highest."""
    top = max(instrument.choice_values)
    answers = {}
    for number in instrument.item_numbers:
        answers[number] = min(top, total)
        total -= answers[number]
    assert total == 0, "more than the instrument's highest score"
    return answers


def srq20_with_yes(*numbers):
    return {n: 1 if n in numbers else 0 for n in SRQ20.item_numbers}


def alert_codes(result):
    return [rule.code for rule in result.alerts]


def answer_sets(instrument):
    """Every complete answer set of the instrument."""
    return st.fixed_dictionaries(
        {n: st.sampled_from(instrument.choice_values) for n in instrument.item_numbers}
    )


# --- The registry -------------------------------------------------------------------------


def test_the_registry_holds_srq20_phq9_and_gad7():
    assert sorted(INSTRUMENTS) == ["gad7", "phq9", "srq20"]
    assert all(code == instrument.code for code, instrument in INSTRUMENTS.items())


@pytest.mark.parametrize(("code", "count"), [("srq20", 20), ("phq9", 9), ("gad7", 7)])
def test_each_instrument_has_its_number_of_items_numbered_from_one(code, count):
    instrument = get_instrument(code)

    assert instrument.item_numbers == tuple(range(1, count + 1))


@pytest.mark.parametrize("instrument", INSTRUMENTS.values(), ids=list(INSTRUMENTS))
def test_every_instrument_passes_its_own_check(instrument):
    check_instrument(instrument)


@pytest.mark.parametrize(
    ("code", "values", "max_score"),
    [("srq20", (0, 1), 20), ("phq9", (0, 1, 2, 3), 27), ("gad7", (0, 1, 2, 3), 21)],
)
def test_each_instrument_has_its_answer_scale_and_score_range(code, values, max_score):
    instrument = get_instrument(code)

    assert instrument.choice_values == values
    assert (instrument.min_score, instrument.max_score) == (0, max_score)


def test_get_instrument_refuses_an_unknown_code():
    with pytest.raises(KeyError):
        get_instrument("srq29")


# --- Texts --------------------------------------------------------------------------------


def test_a_text_is_indonesian_by_default_and_english_in_english():
    text = SRQ20.items[16].text

    with translation.override("id"):
        assert str(text) == "Apakah Anda mempunyai pikiran untuk mengakhiri hidup?"
    with translation.override("en"):
        assert str(text) == "Has the thought of ending your life been on your mind?"


@pytest.mark.parametrize(("language", "expected"), [("en-gb", "Yes"), ("id", "Ya"), (None, "Ya")])
def test_any_english_variant_reads_english_and_anything_else_indonesian(language, expected):
    with translation.override(language):
        assert str(SRQ20.choices[1].label) == expected


def test_the_recall_periods_are_30_days_for_srq20_and_2_weeks_for_phq9_and_gad7():
    with translation.override("id"):
        assert str(SRQ20.period) == "dalam 30 hari terakhir"
        assert str(PHQ9.period) == str(GAD7.period) == "dalam 2 minggu terakhir"


def test_the_phq9_and_gad7_scale_reads_from_not_at_all_to_nearly_every_day():
    for instrument in (PHQ9, GAD7):
        with translation.override("id"):
            assert [str(choice.label) for choice in instrument.choices] == [
                "Tidak sama sekali",
                "Beberapa hari",
                "Lebih dari separuh waktu",
                "Hampir setiap hari",
            ]


def test_srq20_answers_are_tidak_zero_and_ya_one():
    with translation.override("id"):
        assert [(c.value, str(c.label)) for c in SRQ20.choices] == [(0, "Tidak"), (1, "Ya")]


@pytest.mark.parametrize("instrument", INSTRUMENTS.values(), ids=list(INSTRUMENTS))
def test_every_text_of_an_instrument_has_both_languages(instrument):
    texts = [instrument.name, instrument.period]
    texts += [item.text for item in instrument.items]
    texts += [choice.label for choice in instrument.choices]
    texts += [band.label for band in instrument.bands]
    texts += [rule.label for rule in instrument.alerts]

    assert all(text.id.strip() and text.en.strip() for text in texts)


# --- Bands --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "total", "band"),
    [
        ("srq20", 0, "negative"),
        ("srq20", 5, "negative"),
        ("srq20", 6, "positive"),
        ("srq20", 20, "positive"),
        ("phq9", 0, "minimal"),
        ("phq9", 4, "minimal"),
        ("phq9", 5, "mild"),
        ("phq9", 9, "mild"),
        ("phq9", 10, "moderate"),
        ("phq9", 14, "moderate"),
        ("phq9", 15, "moderately_severe"),
        ("phq9", 19, "moderately_severe"),
        ("phq9", 20, "severe"),
        ("phq9", 27, "severe"),
        ("gad7", 0, "minimal"),
        ("gad7", 4, "minimal"),
        ("gad7", 5, "mild"),
        ("gad7", 9, "mild"),
        ("gad7", 10, "moderate"),
        ("gad7", 14, "moderate"),
        ("gad7", 15, "severe"),
        ("gad7", 21, "severe"),
    ],
)
def test_a_score_at_either_end_of_a_band_falls_in_that_band(code, total, band):
    instrument = get_instrument(code)

    result = score_answers(instrument, answers_totalling(instrument, total))

    assert result.score == total
    assert result.band.code == band


@pytest.mark.parametrize(
    ("instrument", "levels"),
    [
        (SRQ20, ["none", "positive"]),
        (PHQ9, ["none", "mild", "moderate", "moderately_severe", "severe"]),
        (GAD7, ["none", "mild", "moderate", "severe"]),
    ],
    ids=["srq20", "phq9", "gad7"],
)
def test_each_band_carries_the_level_that_colours_it(instrument, levels):
    assert [band.level for band in instrument.bands] == levels


def test_srq20_with_five_yes_is_negative_and_with_six_is_an_indication():
    five = score_answers(SRQ20, srq20_with_yes(1, 2, 3, 4, 5))
    six = score_answers(SRQ20, srq20_with_yes(1, 2, 3, 4, 5, 6))

    assert (five.score, five.band.code) == (5, "negative")
    assert (six.score, six.band.code) == (6, "positive")
    with translation.override("en"):
        assert str(six.band.label) == "Indication of mental-emotional disorder"


# --- Alerts -------------------------------------------------------------------------------


def test_srq20_item_17_yes_alone_raises_the_suicide_risk_alert_in_the_negative_band():
    result = score_answers(SRQ20, srq20_with_yes(17))

    assert result.score == 1
    assert result.band.code == "negative"
    assert alert_codes(result) == ["suicide_risk"]


def test_srq20_without_item_17_raises_no_alert_however_high_the_total():
    result = score_answers(SRQ20, srq20_with_yes(*(n for n in range(1, 21) if n != 17)))

    assert (result.score, result.band.code) == (19, "positive")
    assert result.alerts == ()


@pytest.mark.parametrize("value", [1, 2, 3])
def test_phq9_item_9_above_zero_raises_the_suicide_risk_alert(value):
    answers = dict.fromkeys(PHQ9.item_numbers, 0) | {9: value}

    result = score_answers(PHQ9, answers)

    assert result.score == value
    assert result.band.code == "minimal"
    assert alert_codes(result) == ["suicide_risk"]


def test_phq9_item_9_at_zero_raises_no_alert_however_high_the_total():
    answers = dict.fromkeys(PHQ9.item_numbers, 3) | {9: 0}

    result = score_answers(PHQ9, answers)

    assert (result.score, result.band.code) == (24, "severe")
    assert result.alerts == ()


@given(answers=answer_sets(GAD7))
def test_gad7_never_alerts(answers):
    assert score_answers(GAD7, answers).alerts == ()


# --- Properties of scoring ----------------------------------------------------------------


@given(answers=answer_sets(SRQ20))
def test_the_srq20_score_is_the_number_of_ya_answers(answers):
    result = score_answers(SRQ20, answers)

    yes = [n for n, value in answers.items() if value == 1]
    assert result.score == len(yes)
    assert result.band.code == ("positive" if len(yes) >= 6 else "negative")
    assert ("suicide_risk" in alert_codes(result)) == (17 in yes)


@pytest.mark.parametrize("instrument", [PHQ9, GAD7], ids=["phq9", "gad7"])
@given(data=st.data())
def test_the_phq9_and_gad7_score_is_the_sum_and_its_band_holds_it(instrument, data):
    answers = data.draw(answer_sets(instrument))

    result = score_answers(instrument, answers)

    assert result.score == sum(answers.values())
    assert result.band.low <= result.score <= result.band.high
    assert result.band in instrument.bands


# --- Refusals -----------------------------------------------------------------------------


def test_unanswered_items_are_refused_listing_them_in_order():
    answers = srq20_with_yes(1, 2)
    del answers[17], answers[3]

    with pytest.raises(IncompleteAnswers) as caught:
        score_answers(SRQ20, answers)

    assert caught.value.missing == [3, 17]
    assert isinstance(caught.value, ValueError)
    assert "3, 17" in str(caught.value)


@pytest.mark.parametrize("instrument", INSTRUMENTS.values(), ids=list(INSTRUMENTS))
def test_no_answers_at_all_lists_every_item_as_missing(instrument):
    with pytest.raises(IncompleteAnswers) as caught:
        score_answers(instrument, {})

    assert caught.value.missing == list(instrument.item_numbers)


@given(data=st.data())
def test_whatever_items_are_left_out_are_the_ones_listed(data):
    answers = data.draw(answer_sets(PHQ9))
    left_out = data.draw(st.sets(st.sampled_from(PHQ9.item_numbers), min_size=1))

    with pytest.raises(IncompleteAnswers) as caught:
        score_answers(PHQ9, {n: v for n, v in answers.items() if n not in left_out})

    assert caught.value.missing == sorted(left_out)


@pytest.mark.parametrize(
    ("instrument", "value"),
    [
        (SRQ20, 2),
        (SRQ20, -1),
        (PHQ9, 4),
        (GAD7, -1),
        (PHQ9, "1"),
        (PHQ9, 1.0),
        (PHQ9, True),
        (PHQ9, None),
    ],
    ids=["srq20-2", "srq20-minus-1", "phq9-4", "gad7-minus-1", "text", "float", "bool", "none"],
)
def test_an_answer_off_the_scale_is_refused(instrument, value):
    answers = dict.fromkeys(instrument.item_numbers, 0) | {1: value}

    with pytest.raises(ValueError, match="is not one of") as caught:
        score_answers(instrument, answers)

    assert not isinstance(caught.value, IncompleteAnswers)


@pytest.mark.parametrize("number", [0, 10, "9"])
def test_an_answer_to_an_item_the_instrument_does_not_have_is_refused(number):
    answers = dict.fromkeys(PHQ9.item_numbers, 0) | {number: 1}

    with pytest.raises(ValueError, match="has no item") as caught:
        score_answers(PHQ9, answers)

    assert not isinstance(caught.value, IncompleteAnswers)


def test_scoring_does_not_change_the_answers_given():
    answers = answers_totalling(PHQ9, 12)
    before = dict(answers)

    score_answers(PHQ9, answers)

    assert answers == before


# --- The instrument check -----------------------------------------------------------------


def phq9_bands(*ranges):
    return tuple(Band(low, high, f"band_{low}", Text("x", "x"), "none") for low, high in ranges)


@pytest.mark.parametrize(
    ("bands", "problem"),
    [
        (phq9_bands((0, 4), (6, 27)), "starts at 6, expected 5"),
        (phq9_bands((0, 5), (5, 27)), "starts at 5, expected 6"),
        (phq9_bands((1, 27)), "starts at 1, expected 0"),
        (phq9_bands((0, 4), (5, 26)), "the bands end at 26, the highest score is 27"),
        (phq9_bands((0, 4), (5, 28)), "the bands end at 28, the highest score is 27"),
        (phq9_bands((0, 4), (5, 3), (4, 27)), "ends at 3, before its start"),
        ((), "the bands end at -1"),
    ],
    ids=["gap", "overlap", "not-from-zero", "short", "past-the-end", "backwards", "none"],
)
def test_bands_that_do_not_tile_the_score_range_are_refused(bands, problem):
    with pytest.raises(ImproperlyConfigured, match=problem):
        check_instrument(dataclasses.replace(PHQ9, bands=bands))


def test_a_band_with_an_unknown_level_is_refused():
    bands = (*PHQ9.bands[:-1], dataclasses.replace(PHQ9.bands[-1], level="red"))

    with pytest.raises(ImproperlyConfigured, match="unknown level 'red'"):
        check_instrument(dataclasses.replace(PHQ9, bands=bands))


def test_an_alert_declared_on_a_missing_item_is_refused():
    rule = AlertRule("x", Text("x", "x"), lambda answers, score: False, items=(10,))

    with pytest.raises(ImproperlyConfigured, match=r"items that do not exist: \[10\]"):
        check_instrument(dataclasses.replace(PHQ9, alerts=(rule,)))


def test_an_alert_reading_a_missing_item_is_refused_even_if_undeclared():
    rule = AlertRule("x", Text("x", "x"), lambda answers, score: answers[12] > 0)

    with pytest.raises(ImproperlyConfigured, match="an item that does not exist: 12"):
        check_instrument(dataclasses.replace(GAD7, alerts=(rule,)))


def test_items_numbered_out_of_order_are_refused():
    items = (*PHQ9.items[:-1], Item(10, Text("x", "x")))

    with pytest.raises(ImproperlyConfigured, match="numbered 1 to 9"):
        check_instrument(dataclasses.replace(PHQ9, items=items))


def test_repeated_alert_codes_are_refused():
    with pytest.raises(ImproperlyConfigured, match="alert codes repeat"):
        check_instrument(dataclasses.replace(PHQ9, alerts=PHQ9.alerts * 2))


def test_an_instrument_with_its_own_scoring_rule_is_one_more_entry():
    # A made-up three-item scale whose score counts item 1 twice.
    weighted = Instrument(
        code="weighted",
        name=Text("Contoh", "Example"),
        period=Text("hari ini", "today"),
        items=tuple(Item(n, Text(f"butir {n}", f"item {n}")) for n in (1, 2, 3)),
        choices=PHQ9.choices,
        bands=(
            Band(0, 5, "low", Text("Rendah", "Low"), "none"),
            Band(6, 12, "high", Text("Tinggi", "High"), "severe"),
        ),
        score=lambda answers: 2 * answers[1] + answers[2] + answers[3],
    )

    check_instrument(weighted)
    result = score_answers(weighted, {1: 3, 2: 0, 3: 0})

    assert weighted.max_score == 12
    assert (result.score, result.band.code, result.alerts) == (6, "high", ())


def test_every_instrument_is_a_kind_of_screening_so_adding_one_needs_its_kind():
    assert set(Screening.Kind.values) == {"physical"} | set(INSTRUMENTS)
