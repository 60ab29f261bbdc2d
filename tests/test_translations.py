"""The Indonesian catalogue is complete and compiled."""

from pathlib import Path

import polib
import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "id" / "LC_MESSAGES"


def test_every_message_has_an_indonesian_translation():
    catalogue = polib.pofile(str(LOCALE / "django.po"))

    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_the_compiled_catalogue_matches_the_source():
    source = {entry.msgid: entry for entry in polib.pofile(str(LOCALE / "django.po"))}
    compiled = {entry.msgid: entry for entry in polib.mofile(str(LOCALE / "django.mo"))}

    for msgid, entry in source.items():
        if entry.obsolete:
            continue
        assert msgid in compiled, f"not compiled: {msgid!r} (run `make messages`)"
        assert compiled[msgid].msgstr == entry.msgstr, f"stale: {msgid!r} (run `make messages`)"


@pytest.mark.parametrize(
    ("language", "expected"), [("id", "Beranda"), ("en", "Home"), (None, "Beranda")]
)
def test_indonesian_is_the_default_and_english_is_available(language, expected, settings):
    with translation.override(language or settings.LANGUAGE_CODE):
        assert translation.gettext("Home") == expected


TRANSLATING = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext", "pgettext_lazy"}


def test_no_message_is_marked_inside_an_f_string():
    """xgettext does not read inside an f-string's braces: a message marked there is
    never extracted, and the page shows it in English."""
    import ast

    root = Path(__file__).resolve().parents[1]
    found = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] in {".venv", "tests", "staticfiles", "node_modules"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.JoinedStr):
                continue
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Name)
                    and inner.func.id in TRANSLATING
                ):
                    found.append(f"{relative}:{inner.lineno}")
    assert found == [], "mark the message outside the f-string: " + ", ".join(found)
