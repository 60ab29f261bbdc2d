"""The NIK rules: what parse accepts and refuses, the warnings, and the mask.

These are pure functions, so no database is needed; pytest-django configures the
settings, which is enough for the messages to be translated.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from participants.nik import Nik, mask, normalise, parse, warnings_for

TODAY = datetime.date(2026, 11, 27)


def refusal(raw):
    """Parse `raw` (in English) and return the ValidationError it must raise."""
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        parse(raw, today=TODAY)
    return caught.value


def message_of(error):
    return " ".join(error.messages)


# --- What is accepted ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "number", "birth_date", "sex"),
    [
        pytest.param(
            "3603331205850001",
            "3603331205850001",
            datetime.date(1985, 5, 12),
            "M",
            id="plain",
        ),
        pytest.param(
            "3603 33 120585 0001",
            "3603331205850001",
            datetime.date(1985, 5, 12),
            "M",
            id="spaces-between-groups",
        ),
        pytest.param(
            "3603.3312.0585.0001",
            "3603331205850001",
            datetime.date(1985, 5, 12),
            "M",
            id="dots-between-groups",
        ),
        pytest.param(
            " 3603331205850001 ",
            "3603331205850001",
            datetime.date(1985, 5, 12),
            "M",
            id="spaces-around",
        ),
        pytest.param(
            "3603335205850001",
            "3603335205850001",
            datetime.date(1985, 5, 12),
            "F",
            id="woman-day-52-is-the-12th",
        ),
        pytest.param(
            "3603334101900001",
            "3603334101900001",
            datetime.date(1990, 1, 1),
            "F",
            id="woman-day-41-is-the-1st",
        ),
        pytest.param(
            "3603337112990001",
            "3603337112990001",
            datetime.date(1999, 12, 31),
            "F",
            id="woman-day-71-is-the-31st",
        ),
        pytest.param(
            "3603332902000001",
            "3603332902000001",
            datetime.date(2000, 2, 29),
            "M",
            id="29-february-2000",
        ),
        pytest.param(
            "3603336902880001",
            "3603336902880001",
            datetime.date(1988, 2, 29),
            "F",
            id="29-february-1988-woman",
        ),
        pytest.param(
            "3603333101850001",
            "3603333101850001",
            datetime.date(1985, 1, 31),
            "M",
            id="31-january",
        ),
        pytest.param(
            "3603333112850001",
            "3603333112850001",
            datetime.date(1985, 12, 31),
            "M",
            id="31-december",
        ),
        pytest.param(
            "3603331205859999",
            "3603331205859999",
            datetime.date(1985, 5, 12),
            "M",
            id="serial-9999",
        ),
    ],
)
def test_a_valid_nik_is_read_into_its_number_birth_date_and_sex(raw, number, birth_date, sex):
    nik = parse(raw, today=TODAY)

    assert nik == Nik(number=number, birth_date=birth_date, sex=sex)


def test_the_district_code_is_the_first_six_digits_dotted():
    assert parse("3603331205850001", today=TODAY).district_code == "36.03.33"


def test_normalise_strips_the_spaces_and_dots_people_type():
    assert normalise("3603 33.1205 85.0001") == "3603331205850001"
    assert normalise("") == ""
    assert normalise(None) == ""


# --- What is refused, and why ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code", "mentions"),
    [
        pytest.param("360333120585000A", "nik_not_digits", "digits only", id="a-letter"),
        pytest.param("3603-3312-0585-0001", "nik_not_digits", "digits only", id="dashes"),
        pytest.param("", "nik_not_digits", "digits only", id="empty"),
        pytest.param("360333120585000", "nik_length", "16 digits", id="15-digits"),
        pytest.param("36033312058500011", "nik_length", "16 digits", id="17-digits"),
        pytest.param("3603330005850001", "nik_day", "day", id="day-00"),
        pytest.param("3603333205850001", "nik_day", "day", id="day-32"),
        pytest.param("3603334005850001", "nik_day", "day", id="day-40"),
        pytest.param("3603337205850001", "nik_day", "day", id="day-72"),
        pytest.param("3603339905850001", "nik_day", "day", id="day-99"),
        pytest.param("3603331200850001", "nik_month", "month", id="month-00"),
        pytest.param("3603331213850001", "nik_month", "month", id="month-13"),
        pytest.param("3603333104850001", "nik_date", "date", id="31-april"),
        pytest.param("3603333002850001", "nik_date", "date", id="30-february"),
        pytest.param("3603332902850001", "nik_date", "date", id="29-february-1985"),
        pytest.param("3603336902850001", "nik_date", "date", id="woman-29-february-1985"),
        pytest.param("3603337106850001", "nik_date", "date", id="woman-71-in-june"),
        pytest.param("3603331205850000", "nik_serial", "0000", id="serial-0000"),
    ],
)
def test_an_invalid_nik_is_refused_saying_which_part_is_wrong(raw, code, mentions):
    error = refusal(raw)

    assert error.code == code
    assert mentions in message_of(error)


def test_a_nik_with_letters_is_refused():
    assert refusal("36O3331205850001").code == "nik_not_digits"  # a capital O, not a zero


def test_the_length_message_says_how_many_digits_there_are():
    assert "this one has 15" in message_of(refusal("3603 3312 0585 001"))


def test_the_day_and_month_messages_quote_the_wrong_digits():
    assert "(32 is neither)" in message_of(refusal("3603333205850001"))
    assert "(13 is not)" in message_of(refusal("3603331213850001"))
    assert "(310485)" in message_of(refusal("3603333104850001"))


def test_the_message_follows_the_active_language():
    with translation.override("id"), pytest.raises(ValidationError) as caught:
        parse("360333120585000", today=TODAY)

    # Whatever the catalogue holds, the count is filled in and the code does not change.
    assert caught.value.code == "nik_length"
    assert "15" in message_of(caught.value)


# --- The century rule -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year_digits", "year"),
    [("00", 2000), ("25", 2025), ("26", 2026), ("27", 1927), ("85", 1985), ("99", 1999)],
)
def test_the_century_is_the_latest_that_is_not_after_this_year(year_digits, year):
    nik = parse(f"3603330101{year_digits}0001", today=TODAY)

    assert nik.birth_date == datetime.date(year, 1, 1)


def test_the_century_rule_uses_the_local_date_when_today_is_not_given():
    this_year = timezone.localdate().year
    nik = parse(f"3603330101{this_year % 100:02d}0001")

    assert nik.birth_date.year == this_year


# --- Warnings -------------------------------------------------------------------------------


@pytest.fixture
def man_born_12_may_1985():
    return parse("3603331205850001", today=TODAY)


@pytest.fixture
def woman_born_12_may_1985():
    return parse("3603335205850001", today=TODAY)


def warnings_in_english(nik, **form):
    with translation.override("en"):
        return warnings_for(nik, **form)


def test_a_nik_that_matches_the_form_gives_no_warning(man_born_12_may_1985):
    found = warnings_in_english(
        man_born_12_may_1985, birth_date=datetime.date(1985, 5, 12), sex="M", known_district=True
    )

    assert found == []


def test_nothing_to_compare_gives_no_warning(man_born_12_may_1985):
    assert warnings_in_english(man_born_12_may_1985) == []


def test_a_district_not_in_the_region_table_gives_one_warning(man_born_12_may_1985):
    found = warnings_in_english(man_born_12_may_1985, known_district=False)

    assert len(found) == 1
    assert "region code 360333" in found[0]
    assert "not a known district" in found[0]


def test_a_birth_date_different_from_the_niks_gives_one_warning(man_born_12_may_1985):
    found = warnings_in_english(man_born_12_may_1985, birth_date=datetime.date(1985, 5, 13))

    assert len(found) == 1
    assert "born on 12-05-1985" in found[0]
    assert "the form says 13-05-1985" in found[0]


def test_a_birth_date_a_century_apart_is_not_a_difference(man_born_12_may_1985):
    # The NIK only has two digits for the year, so 1985 and 2085 cannot be told apart.
    assert warnings_in_english(man_born_12_may_1985, birth_date=datetime.date(2085, 5, 12)) == []


def test_a_man_in_the_form_with_a_womans_nik_gives_one_warning(woman_born_12_may_1985):
    found = warnings_in_english(woman_born_12_may_1985, sex="M")

    assert len(found) == 1
    assert "one of a woman" in found[0]
    assert "says male" in found[0]


def test_a_woman_in_the_form_with_a_mans_nik_gives_one_warning(man_born_12_may_1985):
    found = warnings_in_english(man_born_12_may_1985, sex="F")

    assert len(found) == 1
    assert "one of a man" in found[0]
    assert "says female" in found[0]


def test_a_woman_with_a_matching_nik_gives_no_warning(woman_born_12_may_1985):
    found = warnings_in_english(
        woman_born_12_may_1985, birth_date=datetime.date(1985, 5, 12), sex="F"
    )

    assert found == []


def test_every_disagreement_gives_its_own_warning(man_born_12_may_1985):
    found = warnings_in_english(
        man_born_12_may_1985,
        birth_date=datetime.date(1990, 1, 1),
        sex="F",
        known_district=False,
    )

    assert len(found) == 3


# --- The mask -------------------------------------------------------------------------------


def test_the_mask_shows_the_first_four_and_last_two_digits():
    assert mask("3603331205850001") == "3603**********01"


@pytest.mark.parametrize("number", [None, ""])
def test_no_nik_is_masked_as_nothing(number):
    assert mask(number) == ""


# --- Properties -----------------------------------------------------------------------------

# With today 2026-11-27, a two-digit year of 27 or more reads as 19xx and 26 or less as 20xx,
# so every date from 1927-01-01 to 2026-11-27 comes back exactly; 1930 on is a safe margin.
birth_dates = st.dates(min_value=datetime.date(1930, 1, 1), max_value=TODAY)
sexes = st.sampled_from(["M", "F"])
region_prefixes = st.text(alphabet="0123456789", min_size=6, max_size=6)
serials = st.integers(min_value=1, max_value=9999).map(lambda n: f"{n:04d}")
separators = st.text(alphabet=" .", max_size=3)


def build_nik(region, birth_date, sex, serial):
    day = birth_date.day + (40 if sex == "F" else 0)
    return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial}"


@st.composite
def with_separators(draw, digits):
    """The digits with runs of spaces and dots before, between and after them."""
    return draw(separators) + "".join(digit + draw(separators) for digit in digits)


@given(region=region_prefixes, birth_date=birth_dates, sex=sexes, serial=serials, data=st.data())
def test_any_nik_with_a_real_date_is_accepted_and_read_back(region, birth_date, sex, serial, data):
    digits = build_nik(region, birth_date, sex, serial)

    nik = parse(digits, today=TODAY)

    assert nik == Nik(number=digits, birth_date=birth_date, sex=sex)

    typed = data.draw(with_separators(digits))
    assert normalise(typed) == digits
    assert parse(typed, today=TODAY) == nik


# Characters that are neither a digit (as str.isdigit sees it) nor a separator parse strips.
non_digits = st.characters(exclude_characters=".").filter(
    lambda c: not c.isdigit() and not c.isspace()
)
typed_characters = st.sampled_from("0123456789 .")


@given(before=st.text(typed_characters), bad=non_digits, after=st.text(typed_characters))
def test_any_nik_with_a_character_that_is_not_a_digit_is_refused(before, bad, after):
    with pytest.raises(ValidationError) as caught:
        parse(before + bad + after, today=TODAY)

    assert caught.value.code == "nik_not_digits"


@given(
    digits=st.text(alphabet="0123456789", min_size=1, max_size=40).filter(lambda s: len(s) != 16)
)
def test_any_digit_string_that_is_not_16_long_is_refused(digits):
    with pytest.raises(ValidationError) as caught:
        parse(digits, today=TODAY)

    assert caught.value.code == "nik_length"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("٣٦٠٣٣٣١٢٠٥٨٥٠٠٠١", id="arabic-indic-digits"),
        pytest.param("360333120585000²", id="superscript-in-serial"),
        pytest.param("360333²205850001", id="superscript-in-date"),
    ],
)
def test_a_nik_with_digits_other_than_0_to_9_is_refused(raw):
    # Other scripts' digits pass str.isdigit() but are no NIK.
    with pytest.raises(ValidationError) as caught:
        parse(raw, today=TODAY)

    assert caught.value.code == "nik_not_digits"


def test_a_birth_date_in_the_future_is_read_in_the_last_century():
    # Read as 2026, 26-12-26 would be a birth date still to come: it is 1926.
    assert parse("3603332612260001", today=TODAY).birth_date == datetime.date(1926, 12, 26)
