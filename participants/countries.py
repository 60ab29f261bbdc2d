"""Destination countries: ISO 3166-1 alpha-2 codes with names in the user's language.

Names come from pycountry's translations of the ISO standard; the common
destinations of Indonesian migrant workers come first in choice lists.
"""

import gettext
from functools import cache

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# How BP3MI staff name these places, in either language.
NAME_OVERRIDES = {
    "TW": "Taiwan",
    "HK": "Hong Kong",
    "MO": "Makau",
    # pycountry's Indonesian catalogue lacks these, and would show the English name.
    "BQ": "Bonaire, Sint Eustatius, dan Saba",
    "CD": "Republik Demokratik Kongo",
    "CG": "Kongo",
    "CV": "Tanjung Verde",
    "CZ": "Ceko",
    "ET": "Etiopia",
    "PN": "Kepulauan Pitcairn",
    "TL": "Timor Leste",
}
ENGLISH_OVERRIDES = {"TW": "Taiwan", "HK": "Hong Kong", "MO": "Macao"}

COMMON_DESTINATIONS = ["MY", "TW", "HK", "SA", "SG", "KR", "JP", "AE", "QA", "KW", "OM", "BN"]

CODES = frozenset(country.alpha_2 for country in pycountry.countries)


@cache
def _catalogue(language: str):
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in `language` (default: the active language)."""
    if not code:
        return ""
    language = (language or get_language() or "id").split("-")[0]
    if language == "id" and code in NAME_OVERRIDES:
        return NAME_OVERRIDES[code]
    if language != "id" and code in ENGLISH_OVERRIDES:
        return ENGLISH_OVERRIDES[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    english = getattr(country, "common_name", None) or country.name
    if language == "en":
        return english
    return _catalogue(language).gettext(country.name)


def country_choices():
    """Common destinations first, then every country by name, in the active language."""
    common = [(code, country_name(code)) for code in COMMON_DESTINATIONS]
    rest = sorted(
        ((code, country_name(code)) for code in CODES - set(COMMON_DESTINATIONS)),
        key=lambda choice: choice[1],
    )
    return [("", "---------"), *common, *rest]


def validate_country_code(value):
    if value and value not in CODES:
        raise ValidationError(
            _("%(value)s is not an ISO 3166 country code."), params={"value": value}
        )


def country_code_from_name(text: str) -> str | None:
    """The code for a name or code typed in a spreadsheet, in Indonesian or English."""
    wanted = text.strip().casefold()
    if not wanted:
        return None
    if wanted.upper() in CODES:
        return wanted.upper()
    for code in CODES:
        if wanted in {country_name(code, "id").casefold(), country_name(code, "en").casefold()}:
            return code
    try:
        return pycountry.countries.lookup(text.strip()).alpha_2
    except LookupError:
        return None
