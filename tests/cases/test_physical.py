"""Physical screening: BMI, blood pressure, glucose and waist, at every boundary.

Pure functions, so no database; pytest-django configures the settings, which is
enough for the labels to be translated.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from cases.physical import (
    PLAUSIBLE,
    blood_pressure_class,
    bmi,
    bmi_class_asia_pacific,
    bmi_class_kemenkes,
    central_obesity,
    check_blood_pressure,
    glucose_class,
    mean_blood_pressure,
)

BLOOD_PRESSURE_ORDER = ["optimal", "normal", "high_normal", "grade_1", "grade_2", "grade_3"]


def rank(systolic, diastolic):
    return BLOOD_PRESSURE_ORDER.index(blood_pressure_class(systolic, diastolic).code)


# --- BMI ----------------------------------------------------------------------------------


def test_bmi_is_weight_over_height_squared_to_one_decimal():
    assert bmi(60, 160) == Decimal("23.4")  # 23.4375


@pytest.mark.parametrize(
    ("weight", "height"),
    [(60, 160), (60.0, 160.0), (Decimal("60"), Decimal("160.0")), (60, 160.0)],
    ids=["ints", "floats", "decimals", "mixed"],
)
def test_bmi_takes_ints_floats_and_decimals_alike(weight, height):
    result = bmi(weight, height)

    assert result == Decimal("23.4")
    assert isinstance(result, Decimal)


def test_bmi_rounds_half_up():
    # 69.8 / 2.0² is exactly 17.45: half up gives 17.5 where half-even would give 17.4.
    assert bmi(69.8, 200) == Decimal("17.5")
    assert bmi(Decimal("69.8"), 200) == Decimal("17.5")


@pytest.mark.parametrize(("weight", "height"), [(0, 160), (60, 0), (-60, 160)])
def test_bmi_refuses_a_weight_or_height_that_is_not_positive(weight, height):
    with pytest.raises(ValueError, match="greater than zero"):
        bmi(weight, height)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), Decimal("NaN")])
def test_bmi_refuses_what_is_not_a_finite_number(value):
    with pytest.raises(ValueError, match="finite"):
        bmi(value, 160)


@pytest.mark.parametrize("value", ["60", None, True])
def test_bmi_refuses_what_is_not_a_number(value):
    with pytest.raises(TypeError):
        bmi(value, 160)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("16.9", "severely_underweight"),
        ("17.0", "underweight"),
        ("18.4", "underweight"),
        ("18.5", "normal"),
        ("25.0", "normal"),
        ("25.1", "overweight"),
        ("27.0", "overweight"),
        ("27.1", "obese"),
        # Compared once rounded half up to one decimal.
        ("16.95", "underweight"),
        ("16.949", "severely_underweight"),
        ("18.45", "normal"),
        ("25.04", "normal"),
        ("25.05", "overweight"),
        ("27.05", "obese"),
    ],
)
def test_the_kemenkes_bmi_class_at_each_boundary(value, code):
    assert bmi_class_kemenkes(Decimal(value)).code == code
    assert bmi_class_kemenkes(float(value)).code == code


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("18.4", "underweight"),
        ("18.5", "normal"),
        ("22.9", "normal"),
        ("23.0", "overweight"),
        ("24.9", "overweight"),
        ("25.0", "obese_1"),
        ("29.9", "obese_1"),
        ("30.0", "obese_2"),
        # Compared once rounded half up to one decimal.
        ("18.45", "normal"),
        ("22.95", "overweight"),
        ("24.949", "overweight"),
        ("29.95", "obese_2"),
    ],
)
def test_the_asia_pacific_bmi_class_at_each_boundary(value, code):
    assert bmi_class_asia_pacific(Decimal(value)).code == code
    assert bmi_class_asia_pacific(float(value)).code == code


def test_the_bmi_classes_read_in_english():
    with translation.override("en"):
        assert str(bmi_class_kemenkes(Decimal("16.0")).label) == "Severely underweight"
        assert str(bmi_class_asia_pacific(Decimal("26.0")).label) == "Obese class I"


@pytest.mark.parametrize(
    ("value", "kemenkes", "asia_pacific"),
    [("16.0", "danger", "warning"), ("21.0", "ok", "ok"), ("24.0", "ok", "warning")],
)
def test_the_bmi_classes_carry_a_colour_level(value, kemenkes, asia_pacific):
    assert bmi_class_kemenkes(Decimal(value)).level == kemenkes
    assert bmi_class_asia_pacific(Decimal(value)).level == asia_pacific


@given(
    weight=st.decimals(*PLAUSIBLE["weight_kg"], places=1),
    height=st.decimals(*PLAUSIBLE["height_cm"], places=1),
)
def test_any_plausible_weight_and_height_gives_a_bmi_and_both_classes(weight, height):
    value = bmi(weight, height)

    assert value == value.quantize(Decimal("0.1"))
    assert bmi_class_kemenkes(value).level in {"ok", "warning", "danger"}
    assert bmi_class_asia_pacific(value).level in {"ok", "warning", "danger"}


# --- Blood pressure -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("systolic", "code"),
    [
        (119, "optimal"),
        (120, "normal"),
        (129, "normal"),
        (130, "high_normal"),
        (139, "high_normal"),
        (140, "grade_1"),
        (159, "grade_1"),
        (160, "grade_2"),
        (179, "grade_2"),
        (180, "grade_3"),
    ],
)
def test_the_systolic_pressure_alone_sets_the_class_at_each_boundary(systolic, code):
    assert blood_pressure_class(systolic, 60).code == code


@pytest.mark.parametrize(
    ("diastolic", "code"),
    [
        (79, "optimal"),
        (80, "normal"),
        (84, "normal"),
        (85, "high_normal"),
        (89, "high_normal"),
        (90, "grade_1"),
        (99, "grade_1"),
        (100, "grade_2"),
        (109, "grade_2"),
        (110, "grade_3"),
    ],
)
def test_the_diastolic_pressure_alone_sets_the_class_at_each_boundary(diastolic, code):
    assert blood_pressure_class(115, diastolic).code == code


@pytest.mark.parametrize(
    ("systolic", "diastolic", "code"),
    [
        (118, 95, "grade_1"),
        (125, 88, "high_normal"),
        (165, 82, "grade_2"),
        (142, 104, "grade_2"),
        (185, 60, "grade_3"),
        (150, 112, "grade_3"),
        (119, 79, "optimal"),
    ],
)
def test_the_worse_of_systolic_and_diastolic_sets_the_class(systolic, diastolic, code):
    assert blood_pressure_class(systolic, diastolic).code == code


@pytest.mark.parametrize(("systolic", "diastolic"), [(180, 70), (120, 110), (200, 120)])
def test_grade_3_is_urgent(systolic, diastolic):
    result = blood_pressure_class(systolic, diastolic)

    assert result.code == "grade_3"
    assert result.urgent is True
    assert result.level == "danger"


def test_below_grade_3_is_not_urgent():
    assert blood_pressure_class(179, 109).urgent is False


def test_the_blood_pressure_class_reads_in_english():
    with translation.override("en"):
        assert str(blood_pressure_class(145, 92).label) == "Grade 1 hypertension"


@given(
    systolic=st.integers(*PLAUSIBLE["systolic"]),
    diastolic=st.integers(*PLAUSIBLE["diastolic"]),
    more=st.integers(0, 50),
)
def test_the_class_is_the_worse_of_each_pressure_alone_and_never_falls_as_one_rises(
    systolic, diastolic, more
):
    # 60 systolic and 30 diastolic are both optimal, so they leave the other to decide.
    assert rank(systolic, diastolic) == max(rank(systolic, 30), rank(60, diastolic))
    assert rank(systolic + more, diastolic) >= rank(systolic, diastolic)
    assert rank(systolic, diastolic + more) >= rank(systolic, diastolic)


def test_the_mean_of_two_readings_is_rounded_half_up():
    assert mean_blood_pressure([(150, 95), (142, 91)]) == (146, 93)
    assert mean_blood_pressure([(141, 90), (142, 91)]) == (142, 91)  # 141.5 / 90.5


def test_the_mean_of_one_or_three_readings():
    assert mean_blood_pressure([(128, 84)]) == (128, 84)
    assert mean_blood_pressure([(130, 80), (131, 81), (133, 85)]) == (131, 82)


def test_the_class_of_the_mean_can_differ_from_either_reading():
    mean = mean_blood_pressure([(138, 88), (142, 88)])

    assert blood_pressure_class(*mean).code == "grade_1"  # 140/88
    assert blood_pressure_class(138, 88).code == "high_normal"


def test_the_mean_of_no_reading_is_refused():
    with pytest.raises(ValueError, match="No blood pressure reading"):
        mean_blood_pressure([])


@pytest.mark.parametrize(("systolic", "diastolic"), [(80, 80), (70, 90)])
def test_a_systolic_pressure_not_above_the_diastolic_is_refused(systolic, diastolic):
    with pytest.raises(ValidationError) as caught:
        check_blood_pressure(systolic, diastolic)

    assert caught.value.code == "bp_systolic_not_above_diastolic"
    with translation.override("en"):
        assert caught.value.messages == ["The systolic pressure must be higher than the diastolic."]
    with translation.override("id"):
        assert caught.value.messages == ["Tekanan sistolik harus lebih tinggi dari diastolik."]


@pytest.mark.parametrize(("systolic", "diastolic"), [(120, 80), (81, 80), (None, 80), (120, None)])
def test_a_reading_with_systolic_above_diastolic_or_a_value_missing_passes(systolic, diastolic):
    check_blood_pressure(systolic, diastolic)


# --- Glucose ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mg_dl", "code", "level"),
    [
        (99, "normal", "ok"),
        (100, "prediabetes", "warning"),
        (125, "prediabetes", "warning"),
        (126, "diabetes", "danger"),
    ],
)
def test_fasting_glucose_at_each_boundary(mg_dl, code, level):
    result = glucose_class(mg_dl, fasting=True)

    assert (result.code, result.level) == (code, level)


@pytest.mark.parametrize(
    ("mg_dl", "code", "level"),
    [
        (139, "normal", "ok"),
        (140, "high", "warning"),
        (199, "high", "warning"),
        (200, "diabetes", "danger"),
    ],
)
def test_random_glucose_at_each_boundary(mg_dl, code, level):
    result = glucose_class(mg_dl, fasting=False)

    assert (result.code, result.level) == (code, level)


def test_the_same_glucose_reads_differently_fasting_and_random():
    assert glucose_class(130, fasting=True).code == "diabetes"
    assert glucose_class(130, fasting=False).code == "normal"


def test_whether_the_sample_was_fasting_must_be_said_by_name():
    with pytest.raises(TypeError):
        glucose_class(130, True)  # type: ignore[misc]


# --- Waist --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("waist", "sex", "expected"),
    [
        (89, "M", False),
        (89.9, "M", False),
        (90, "M", True),
        (Decimal("90.0"), "M", True),
        (79, "F", False),
        (79.9, "F", False),
        (80, "F", True),
        (85, "F", True),
        (85, "M", False),
    ],
)
def test_central_obesity_from_90_cm_for_men_and_80_cm_for_women(waist, sex, expected):
    assert central_obesity(waist, sex) is expected


@pytest.mark.parametrize("sex", ["L", "P", "", None])
def test_central_obesity_refuses_a_sex_other_than_m_or_f(sex):
    with pytest.raises(ValueError, match="'M' or 'F'"):
        central_obesity(90, sex)


# --- Plausible ranges ---------------------------------------------------------------------


def test_the_plausible_ranges_for_the_forms():
    assert PLAUSIBLE == {
        "height_cm": (100, 230),
        "weight_kg": (20, 300),
        "systolic": (60, 300),
        "diastolic": (30, 200),
        "glucose_mg_dl": (20, 800),
        "waist_cm": (40, 200),
    }
