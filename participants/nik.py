"""NIK (Nomor Induk Kependudukan) rules.

A NIK has 16 digits: province (2), regency (2), district (2), birth date as
DDMMYY with 40 added to the day for women, and a 4-digit serial.
Errors block saving; warnings (a region code unknown to the region table, a
birth date or sex that disagrees with the person's) are for the officer to
acknowledge, because real NIKs have them.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

SEPARATORS = re.compile(r"[\s.]")
ASCII_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class Nik:
    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F"

    @property
    def district_code(self) -> str:
        """The dotted Kemendagri district code (`36.03.33`)."""
        n = self.number
        return f"{n[0:2]}.{n[2:4]}.{n[4:6]}"


def normalise(raw: str) -> str:
    """Strip the spaces and dots people type between the groups of digits."""
    return SEPARATORS.sub("", raw or "")


def parse(raw: str, *, today: datetime.date | None = None) -> Nik:
    """Check the rules and read the NIK; raise ValidationError saying which part is wrong."""
    number = normalise(raw)
    # Only 0-9: str.isdigit() would also let other scripts' digits through.
    if not ASCII_DIGITS.fullmatch(number):
        raise ValidationError(_("A NIK has digits only."), code="nik_not_digits")
    if len(number) != 16:
        raise ValidationError(
            _("A NIK has 16 digits; this one has %(count)s."),
            code="nik_length",
            params={"count": len(number)},
        )
    day, month, year = int(number[6:8]), int(number[8:10]), int(number[10:12])
    if 1 <= day <= 31:
        sex = "M"
    elif 41 <= day <= 71:
        sex, day = "F", day - 40
    else:
        raise ValidationError(
            _(
                "Digits 7-8 of the NIK are the day of birth: 01-31, or 41-71 for women "
                "(%(value)s is neither)."
            ),
            code="nik_day",
            params={"value": number[6:8]},
        )
    if not 1 <= month <= 12:
        raise ValidationError(
            _("Digits 9-10 of the NIK are the month of birth: 01-12 (%(value)s is not)."),
            code="nik_month",
            params={"value": number[8:10]},
        )
    today = today or timezone.localdate()
    birth_date = _birth_date(day, month, year, today)
    if birth_date is None:
        raise ValidationError(
            _("Digits 7-12 of the NIK are not a real date of birth (%(value)s)."),
            code="nik_date",
            params={"value": number[6:12]},
        )
    if number[12:] == "0000":
        raise ValidationError(
            _("The last 4 digits of the NIK (the serial number) cannot be 0000."),
            code="nik_serial",
        )
    return Nik(number=number, birth_date=birth_date, sex=sex)


def _birth_date(day, month, year, today):
    """The NIK keeps two digits of the year: the latest century not in the future."""
    for century in (2000, 1900):
        try:
            candidate = datetime.date(century + year, month, day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    return None


def warnings_for(nik: Nik, *, birth_date=None, sex=None, known_district=True) -> list[str]:
    """What the officer should check before saving a NIK that passes the rules."""
    found = []
    if not known_district:
        found.append(
            _("The region code %(code)s at the start of the NIK is not a known district.")
            % {"code": nik.number[:6]}
        )
    if birth_date and (birth_date.day, birth_date.month, birth_date.year % 100) != (
        nik.birth_date.day,
        nik.birth_date.month,
        nik.birth_date.year % 100,
    ):
        found.append(
            _("The NIK says born on %(nik_date)s, the form says %(form_date)s.")
            % {
                "nik_date": nik.birth_date.strftime("%d-%m-%Y"),
                "form_date": birth_date.strftime("%d-%m-%Y"),
            }
        )
    if sex and sex != nik.sex:
        found.append(
            _("The NIK is one of a woman, the form says male.")
            if nik.sex == "F"
            else _("The NIK is one of a man, the form says female.")
        )
    return found


def mask(number: str | None) -> str:
    """`3603**********01`: enough to tell two people apart, not enough to use."""
    if not number:
        return ""
    return number[:4] + "*" * (len(number) - 6) + number[-2:]
