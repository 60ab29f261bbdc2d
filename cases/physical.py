"""Physical screening: BMI, blood pressure, blood glucose and waist, classified.

Pure functions over numbers: int, float or Decimal. A float is read through its
shortest decimal form, so 18.5 is exactly 18.5 and never 18.4999...

Each scale is a tuple of the lowest value of every class but the first, and the
classes in order: a value belongs to the last class whose lowest value it reaches.
The classes support the health worker's decision; they do not replace it.
"""

from bisect import bisect_right
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

Number = int | float | Decimal

ONE_DECIMAL = Decimal("0.1")

# Values outside these ranges are typing mistakes, not people: forms refuse them.
PLAUSIBLE: dict[str, tuple[int, int]] = {
    "height_cm": (100, 230),
    "weight_kg": (20, 300),
    "systolic": (60, 300),
    "diastolic": (30, 200),
    "glucose_mg_dl": (20, 800),
    "waist_cm": (40, 200),
}


@dataclass(frozen=True)
class Classification:
    code: str
    label: str  # lazy translation
    level: str  # "ok", "warning" or "danger", for colour
    urgent: bool = False  # refer the same day


NORMAL = Classification("normal", _("Normal"), "ok")


def _decimal(value: Number) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"Expected a number, got {value!r}")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"Expected a finite number, got {value!r}")
    return number


def _one_decimal(value: Number) -> Decimal:
    return _decimal(value).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _whole(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _classify(value: Decimal, lowest: tuple, classes: tuple) -> Classification:
    return classes[bisect_right(lowest, value)]


# --- Body mass index --------------------------------------------------------------------


def bmi(weight_kg: Number, height_cm: Number) -> Decimal:
    """Weight over height squared (kg/m²), rounded half up to one decimal."""
    weight, height = _decimal(weight_kg), _decimal(height_cm)
    if weight <= 0 or height <= 0:
        raise ValueError("Weight and height must be greater than zero.")
    metres = height / 100
    return (weight / (metres * metres)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


# Kemenkes (P2PTM): kurus tingkat berat < 17.0, kurus tingkat ringan 17.0-18.4,
# normal 18.5-25.0, gemuk tingkat ringan 25.1-27.0, gemuk tingkat berat > 27.0.
KEMENKES_BMI_LOWEST = (Decimal("17.0"), Decimal("18.5"), Decimal("25.1"), Decimal("27.1"))
KEMENKES_BMI_CLASSES = (
    # Translators: Kemenkes BMI class "Kurus tingkat berat".
    Classification("severely_underweight", _("Severely underweight"), "danger"),
    # Translators: Kemenkes BMI class "Kurus tingkat ringan".
    Classification("underweight", _("Mildly underweight"), "warning"),
    NORMAL,
    # Translators: Kemenkes BMI class "Gemuk tingkat ringan".
    Classification("overweight", _("Mildly overweight"), "warning"),
    # Translators: Kemenkes BMI class "Gemuk tingkat berat".
    Classification("obese", _("Obese"), "danger"),
)


def bmi_class_kemenkes(bmi: Number) -> Classification:
    """The Kemenkes class of a BMI, compared once rounded to one decimal."""
    return _classify(_one_decimal(bmi), KEMENKES_BMI_LOWEST, KEMENKES_BMI_CLASSES)


# WHO Western Pacific Region, IASO and IOTF, "The Asia-Pacific perspective" (2000).
ASIA_PACIFIC_BMI_LOWEST = (Decimal("18.5"), Decimal("23.0"), Decimal("25.0"), Decimal("30.0"))
ASIA_PACIFIC_BMI_CLASSES = (
    Classification("underweight", _("Underweight"), "warning"),
    NORMAL,
    Classification("overweight", _("Overweight (at risk)"), "warning"),
    Classification("obese_1", _("Obese class I"), "danger"),
    Classification("obese_2", _("Obese class II"), "danger"),
)


def bmi_class_asia_pacific(bmi: Number) -> Classification:
    """The WHO Asia-Pacific class of a BMI, compared once rounded to one decimal."""
    return _classify(_one_decimal(bmi), ASIA_PACIFIC_BMI_LOWEST, ASIA_PACIFIC_BMI_CLASSES)


# --- Blood pressure ---------------------------------------------------------------------

# ESH/ESC 2018, adopted by PERHI 2019. A person is in the worse of the classes their
# systolic and their diastolic pressure reach on their own.
SYSTOLIC_LOWEST = (120, 130, 140, 160, 180)
DIASTOLIC_LOWEST = (80, 85, 90, 100, 110)
BLOOD_PRESSURE_CLASSES = (
    Classification("optimal", _("Optimal"), "ok"),
    NORMAL,
    Classification("high_normal", _("High normal"), "warning"),
    Classification("grade_1", _("Grade 1 hypertension"), "danger"),
    Classification("grade_2", _("Grade 2 hypertension"), "danger"),
    Classification("grade_3", _("Grade 3 hypertension"), "danger", urgent=True),
)


def blood_pressure_class(systolic: Number, diastolic: Number) -> Classification:
    """The ESH/PERHI class (mmHg); grade 3 (180 and over, or 110 and over) is urgent."""
    rank = max(
        bisect_right(SYSTOLIC_LOWEST, _decimal(systolic)),
        bisect_right(DIASTOLIC_LOWEST, _decimal(diastolic)),
    )
    return BLOOD_PRESSURE_CLASSES[rank]


def mean_blood_pressure(readings: list[tuple[Number, Number]]) -> tuple[int, int]:
    """The mean (systolic, diastolic) of the readings, each rounded half up to a whole mmHg.

    The class is that of the mean of the readings taken, not of either one.
    """
    if not readings:
        raise ValueError("No blood pressure reading to average.")
    count = len(readings)
    systolic = sum(_decimal(s) for s, _d in readings) / count
    diastolic = sum(_decimal(d) for _s, d in readings) / count
    return _whole(systolic), _whole(diastolic)


def check_blood_pressure(systolic: Number | None, diastolic: Number | None) -> None:
    """Refuse a reading whose systolic pressure is not above its diastolic.

    Nothing to compare while either is missing (a field that failed on its own).
    """
    if systolic is None or diastolic is None:
        return
    if systolic <= diastolic:
        raise ValidationError(
            _("The systolic pressure must be higher than the diastolic."),
            code="bp_systolic_not_above_diastolic",
        )


# --- Blood glucose ----------------------------------------------------------------------

# mg/dL. The caller records the sample type (capillary or venous); it does not move
# these thresholds.
FASTING_GLUCOSE_LOWEST = (100, 126)
FASTING_GLUCOSE_CLASSES = (
    NORMAL,
    # Translators: "GDP terganggu" (glukosa darah puasa terganggu).
    Classification("prediabetes", _("Impaired fasting glucose (prediabetes)"), "warning"),
    Classification("diabetes", _("Indication of diabetes"), "danger"),
)
RANDOM_GLUCOSE_LOWEST = (140, 200)
RANDOM_GLUCOSE_CLASSES = (
    NORMAL,
    Classification("high", _("High: needs a fasting glucose test"), "warning"),
    Classification("diabetes", _("Indication of diabetes"), "danger"),
)


def glucose_class(mg_dl: Number, *, fasting: bool) -> Classification:
    """The class of a fasting or a random (sewaktu) blood glucose in mg/dL."""
    if fasting:
        return _classify(_decimal(mg_dl), FASTING_GLUCOSE_LOWEST, FASTING_GLUCOSE_CLASSES)
    return _classify(_decimal(mg_dl), RANDOM_GLUCOSE_LOWEST, RANDOM_GLUCOSE_CLASSES)


# --- Waist ------------------------------------------------------------------------------

# Kemenkes, with the Asian cut-offs: central obesity from 90 cm for men, 80 cm for women.
CENTRAL_OBESITY_WAIST_CM = {"M": 90, "F": 80}


def central_obesity(waist_cm: Number, sex: str) -> bool:
    """Whether a waist circumference (cm) means central obesity for a man ("M") or woman ("F")."""
    if sex not in CENTRAL_OBESITY_WAIST_CM:
        raise ValueError(f"sex must be 'M' or 'F', not {sex!r}")
    return _decimal(waist_cm) >= CENTRAL_OBESITY_WAIST_CM[sex]


# Stored codes back to their classification, per scale, for pages and reports.
SCALES = {
    "bmi_kemenkes": KEMENKES_BMI_CLASSES,
    "bmi_asia_pacific": ASIA_PACIFIC_BMI_CLASSES,
    "blood_pressure": BLOOD_PRESSURE_CLASSES,
    "glucose": FASTING_GLUCOSE_CLASSES + RANDOM_GLUCOSE_CLASSES,
}


def classification(scale: str, code: str) -> Classification | None:
    return next((c for c in SCALES[scale] if c.code == code), None)
