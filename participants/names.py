"""What the matcher compares: names in one spelling, phone and passport numbers in one form.

`name_key("Hj. Siti Noer Djanah")` is "siti nur yanah": case, accents, punctuation,
titles and doubled letters go; the old spelling (oe = u, dj = j, tj = c, ch = kh,
and j = y, so sj = sy and nj = ny) and the common variants (Muhammad, Mohamad, Moh.;
Achmad, Ahmad; a final y or i) fold to one form. The key is stored on the participant
and every comparison (pg_trgm, fuzzystrmatch) runs on keys, so the folding rules live
here alone.

`name_fragments` lists each word, folded and as written, and the word with one letter
left out: two words within one slip of each other (a letter wrong, missing, extra or
two letters swapped) always share a fragment, which a GIN index finds fast.
"""

import re
import unicodedata

# Words that are not part of who someone is: honorifics, degrees, "bin"/"binti" joins.
TITLES = frozenset(
    {
        "h", "hj", "haji", "hajah", "hajjah", "ibu", "bu", "bpk", "bapak", "pak", "sdr", "sdri",
        "ny", "nn", "tn", "dr", "drs", "dra", "ir", "prof", "st", "spd", "se", "sh", "skom",
        "amd", "amk", "ners", "ns", "bin", "binti", "bt", "bn",
    }
)  # fmt: skip

# Old spelling to new, in order: "dj" before "j", and "j" (old) becomes "y" last, so
# that Djoko and Joko meet at "yoko", Jusuf and Yusuf at "yusuf".
OLD_SPELLING = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("ch", "kh"), ("j", "y"))
# Sounds written two ways in names: Ramadhan / Ramadan, Fathimah / Fatimah, Sofyan / Sophian.
DIGRAPHS = (("dh", "d"), ("th", "t"), ("ph", "f"))

# Variants of one name, after the folding above, to the form the key uses.
VARIANTS = {
    "muhamad": "muhamad",
    "mohamad": "muhamad",
    "muhamat": "muhamad",
    "mokhamad": "muhamad",
    "mukhamad": "muhamad",
    "mohamed": "muhamad",
    "muhamed": "muhamad",
    "moh": "muhamad",
    "muh": "muhamad",
    "mhd": "muhamad",
    "mohd": "muhamad",
    "md": "muhamad",
    "akhmad": "ahmad",
    "akhmat": "ahmad",
    "ahmat": "ahmad",
    "abd": "abdul",
    "abdoel": "abdul",
    "nor": "nur",
    "mochtar": "mukhtar",
    "moktar": "mukhtar",
    "muktar": "mukhtar",
    "mokhtar": "mukhtar",
}

_DOUBLED = re.compile(r"(.)\1+")
_NOT_A_LETTER = re.compile(r"[^a-z]+")


def _fold_word(word: str) -> str:
    for old, new in OLD_SPELLING + DIGRAPHS:
        word = word.replace(old, new)
    word = _DOUBLED.sub(r"\1", word)
    if len(word) > 2 and word.endswith("y"):  # Sity / Siti, Yanty / Yanti
        word = word[:-1] + "i"
    return VARIANTS.get(word, word)


def _written_words(name: str) -> list[str]:
    """The words of a name as written, in plain lower-case letters, titles left out."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    # Apostrophes and hyphens join (Ma'ruf, Nur-Aini); anything else separates words.
    text = re.sub(r"['`\u2019-]", "", text)
    return [word for word in _NOT_A_LETTER.split(text) if word and word not in TITLES]


def name_words(name: str) -> list[str]:
    """The folded words of a name, in the order written, titles left out."""
    return [_fold_word(word) for word in _written_words(name)]


def name_key(name: str) -> str:
    """The name as the matcher compares it (see the module docstring)."""
    return " ".join(name_words(name))


def word_fragments(word: str) -> set[str]:
    """The word and the word with one letter left out (a two-letter word: each letter)."""
    if len(word) < 2:
        return {word}
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _spellings(word: str) -> set[str]:
    # Folded, and as written with j read as y (a key has no j): one slip in a spelling
    # that folds ("Tjni" for Tini, "Cairul" for Chairul) is then still one slip away.
    return {_fold_word(word), word.replace("j", "y")}


def typed_word_fragments(text: str) -> list[set[str]]:
    """Per word typed in a search, the fragments of its spellings."""
    return [
        set().union(*(word_fragments(spelling) for spelling in _spellings(word)))
        for word in _written_words(text)
    ]


def name_fragments(name: str) -> list[str]:
    """Fragments of every spelling of every word of a name, sorted (stored for the GIN
    index): a typed word one slip from any of them shares one."""
    found = set()
    for fragments in typed_word_fragments(name):
        found |= fragments
    return sorted(found)


def phone_key(phone: str) -> str:
    """A phone number as compared: digits only, +62 and 62 written as the leading 0."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    return digits if len(digits) >= 8 else ""


def passport_key(number: str) -> str:
    """A passport number as compared and stored: letters and digits, upper case."""
    return "".join(ch for ch in number or "" if ch.isalnum()).upper()
