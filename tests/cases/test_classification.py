"""Screening.classify: what a screening's measurements or answers make of it, in one place.

No database: classify fills in the fields of an unsaved screening.
"""

from decimal import Decimal

import pytest

from cases.instruments import GAD7, SRQ20
from cases.models import Alert, Screening


def test_a_questionnaire_gets_its_score_and_band_and_keeps_its_answers_by_item_number():
    screening = Screening(kind=Screening.Kind.PHQ9, answers=dict.fromkeys(range(1, 9), 2) | {9: 0})

    alerts = screening.classify()

    assert (screening.score, screening.band) == (16, "moderately_severe")
    assert screening.answers == {str(n): 2 for n in range(1, 9)} | {"9": 0}
    assert alerts == []


def test_stored_answers_keyed_by_text_classify_the_same():
    answers = {str(number): 1 for number in GAD7.item_numbers}
    screening = Screening(kind=Screening.Kind.GAD7, answers=answers)

    screening.classify()

    assert (screening.score, screening.band) == (7, "mild")


def test_a_suicide_risk_answer_calls_for_its_alert_whatever_the_total():
    answers = {number: int(number == 17) for number in SRQ20.item_numbers}
    screening = Screening(kind=Screening.Kind.SRQ20, answers=answers)

    alerts = screening.classify()

    assert screening.band == "negative"
    assert alerts == [Alert.Code.SUICIDE_RISK]


def test_an_incomplete_questionnaire_is_not_classified():
    screening = Screening(kind=Screening.Kind.PHQ9, answers={1: 0})

    with pytest.raises(ValueError, match="without an answer"):
        screening.classify()

    assert screening.score is None


def test_a_physical_screening_gets_every_class_from_its_measurements():
    screening = Screening(
        kind=Screening.Kind.PHYSICAL,
        height_cm=Decimal("160"),
        weight_kg=Decimal("60"),
        systolic_1=142,
        diastolic_1=92,
        systolic_2=136,
        diastolic_2=86,
        glucose_mg_dl=210,
        waist_cm=Decimal("85"),
    )

    alerts = screening.classify(sex="F")

    assert screening.bmi == Decimal("23.4")
    assert (screening.bmi_class_kemenkes, screening.bmi_class_asia_pacific) == (
        "normal",
        "overweight",
    )
    assert screening.blood_pressure_class == "high_normal"  # the mean, 139/89
    assert screening.glucose_class == "diabetes"
    assert screening.central_obesity is True
    assert alerts == []


def test_a_grade_3_blood_pressure_calls_for_the_urgent_alert():
    screening = Screening(kind=Screening.Kind.PHYSICAL, systolic_1=184, diastolic_1=100)

    assert screening.classify() == [Alert.Code.URGENT_BLOOD_PRESSURE]
    assert screening.blood_pressure_class == "grade_3"


def test_a_measurement_left_out_leaves_its_class_empty():
    screening = Screening(
        kind=Screening.Kind.PHYSICAL,
        bmi=Decimal("30.0"),
        bmi_class_kemenkes="obese",
        blood_pressure_class="grade_1",
        glucose_class="high",
        central_obesity=True,
    )

    screening.classify()

    assert screening.bmi is None
    assert screening.bmi_class_kemenkes == screening.bmi_class_asia_pacific == ""
    assert screening.blood_pressure_class == screening.glucose_class == ""
    assert screening.central_obesity is None


def test_central_obesity_needs_the_participants_sex():
    screening = Screening(kind=Screening.Kind.PHYSICAL, waist_cm=Decimal("95"))

    with pytest.raises(ValueError, match="sex"):
        screening.classify()
