"""No English is left in the Indonesian pages.

Every demo role walks every page it can reach (tests/site_pages.py) in Indonesian. The
English words of the UI are the words of the catalogue's msgids (and of the English
country names) that no Indonesian translation uses: a page that shows one of them shows
a text that was not translated. The list keeps itself: a new msgid adds its words.
"""

import re
from pathlib import Path

import polib
import pycountry
import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from participants.countries import CODES, country_name
from tests.site_pages import ROLES, discover, seed_demo_world, visible_phrases, words

pytestmark = pytest.mark.django_db

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "id" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]|\{[^}]*\}|<[^>]+>|&\w+;")

# Words an Indonesian page uses as they are: names of things, not English.
PROPER_NAMES = {
    "purna",  # the application
    "bp3mi",
    "bpjs",  # Badan Penyelenggara Jaminan Sosial
    "srq",  # Self Reporting Questionnaire, the WHO instrument's name
    "ktp",
    "el",  # KTP-el
    "email",  # used as it is in Indonesian
    "pdf",
    "csv",
    "xlsx",
    "nik",
    "pmi",
    "id",
    "en",
    "english",  # the name of the language in the language switch
    "dinkes",
    "dinsos",
    "disdukcapil",
    "disnakertrans",
}


def _catalogue_words(text):
    return words(PLACEHOLDER.sub(" ", text))


def ui_vocabulary():
    """(English words of the UI, Indonesian words of the UI)."""
    english, indonesian = set(), set()
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete:
            continue
        english |= _catalogue_words(entry.msgid) | _catalogue_words(entry.msgid_plural or "")
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            indonesian |= _catalogue_words(text)
    for code in CODES:
        name, english_name = country_name(code, "id"), country_name(code, "en")
        # A name the same in both languages is a proper name (Angola, Malaysia).
        if name != english_name:
            english |= words(english_name) | words(pycountry.countries.get(alpha_2=code).name)
            indonesian |= words(name)
    return english - indonesian - PROPER_NAMES, indonesian


ENGLISH, INDONESIAN = ui_vocabulary()


def english_in(html):
    """The phrases of the page that hold an English word of the UI, with those words."""
    found = []
    for phrase in visible_phrases(html):
        english = sorted(words(phrase) & ENGLISH)
        if english:
            found.append((phrase[:120], english))
    return found


@pytest.fixture
def demo_clients():
    seed_demo_world()
    clients = {}
    for username in ROLES:
        # A server error is the business of test_no_server_errors; here it is no page.
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=username))
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
        clients[username] = client
    return clients


def test_the_vocabulary_knows_english_from_indonesian():
    assert {"participant", "referral", "delete", "cancel", "the"} <= ENGLISH
    assert {"peserta", "rujukan", "simpan", "batal"} <= INDONESIAN
    assert not {"peserta", "rujukan", "purna", "bpjs"} & ENGLISH


def test_an_english_text_on_a_page_is_found():
    html = (
        "<html><head><title>Peserta</title><style>.x{}</style></head><body>"
        "<h1>Daftar peserta</h1><script>var saveButton = 1;</script>"
        '<button aria-label="Close">x</button><p>Save the participant</p>'
        '<input type="submit" value="Simpan"><p>Germany</p></body></html>'
    )

    found = english_in(html)

    assert [phrase for phrase, _words in found] == ["Close", "Save the participant", "Germany"]


def test_no_page_of_any_role_shows_english_in_indonesian(demo_clients):
    findings, counts = [], {}
    for username, client in demo_clients.items():
        pages = discover(client)
        counts[username] = len(pages)
        for page in pages:
            for phrase, english in english_in(page.html):
                findings.append(f"{username} {page.url}: {phrase!r} {english}")

    print("pages per role:", counts)
    assert min(counts.values()) >= 5, counts
    assert findings == [], "\n".join(sorted(set(findings)))


@pytest.mark.parametrize(
    ("code", "indonesian"),
    [("CZ", "Ceko"), ("CV", "Tanjung Verde"), ("CG", "Kongo"), ("ET", "Etiopia")],
)
def test_a_country_missing_from_the_iso_catalogue_has_its_indonesian_name(code, indonesian):
    # pycountry has no Indonesian name for these: the English one would be shown.
    assert country_name(code, "id") == indonesian
    assert country_name(code, "en") != indonesian
