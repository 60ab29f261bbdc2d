"""Recall and false matches of the matcher on generated people, by kind of variation.

Run against a database with the regions and the demo office, e.g.

    createdb -h 127.0.0.1 -U postgres purna_h2
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_h2
    .venv/bin/python manage.py migrate -v0 && .venv/bin/python manage.py load_regions
    .venv/bin/python manage.py seed_demo
    .venv/bin/python benchmarks/matching.py            # --people 10000 --probes 2200 ...

It registers `--people` distinct fictional returnees in the demo office (seeded: Javanese
and Sundanese one-word names, two- and three-word names, some in the old spelling;
households sharing a family card, a phone and a village; NIK for nine in ten, phones and
passports for some; villages of Banten), then asks `participants.matching.match_many`,
in batches as the duplicate scan does, about two sets of new entries:

- second registrations of registered people, `--probes` of them spread over the kinds of
  variation below, without the NIK (with it the NIK alone finds them): how many find
  their first record among the candidates, and as the first candidate;
- different people who resemble registered ones, `--probes` again: how many get any
  candidate at all, and how many wrong candidates on average.

Everything runs in one transaction that is rolled back at the end, so it may run on a
shared development database; only the registration-number sequence moves on.
`--weight name=VALUE` tries other weights in this process (matching.py is not changed).
"""

import argparse
import datetime
import os
import random
import string
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# fmt: off
WOMEN = [
    "Siti", "Nur", "Sri", "Dewi", "Rina", "Yuli", "Ani", "Lilis", "Euis", "Neneng", "Imas",
    "Tuti", "Ratna", "Wati", "Endang", "Eka", "Tini", "Yati", "Iis", "Titin", "Nining",
    "Nunung", "Eti", "Ida", "Ika", "Lina", "Nani", "Rini", "Umi", "Wiwin", "Yeni", "Yanti",
    "Fitri", "Indah", "Lia", "Maya", "Mira", "Novi", "Putri", "Santi", "Susi", "Tati", "Heni",
    "Elis", "Enok", "Entin", "Cucu", "Aisyah", "Fatimah", "Khodijah", "Halimah", "Maryam",
]
WOMEN_SECOND = [
    "Aminah", "Hayati", "Lestari", "Wahyuni", "Marlina", "Kartini", "Suryani", "Rohaeni",
    "Sumiati", "Hasanah", "Masitoh", "Sumarni", "Sari", "Nurjanah", "Rahmawati", "Handayani",
    "Rahayu", "Kurniasih", "Maryati", "Nurhayati", "Sulastri", "Purnamasari", "Anggraeni",
    "Wulandari", "Susanti", "Fitriani", "Rohimah", "Maesaroh", "Jubaedah", "Sukmawati",
    "Mulyani", "Ningsih", "Yulianti", "Rosita", "Komariah", "Saripah", "Juariah", "Rukmini",
    "Safitri", "Hidayah", "Fauziah", "Khotimah", "Latifah", "Munawaroh", "Nuraeni",
    "Solihah", "Badriah", "Herawati", "Setiawati", "Astuti", "Utami", "Widayati",
    "Supriyati", "Kusmiati", "Daryati", "Mulyati", "Karyati", "Suwarni", "Sunarti",
]
WOMEN_ONE_NAME = [
    "Sugiyem", "Tarsih", "Darmi", "Warni", "Karsih", "Warsih", "Tumini", "Sutini", "Darsem",
    "Rukmini", "Wartini", "Saripah", "Juariah", "Tursini", "Suwarni", "Sumiyati", "Karsinah",
    "Casminah", "Tarsinah", "Kasih", "Rasem", "Sainah", "Parmi", "Katmi", "Tini", "Yati",
    "Enah", "Icih", "Iis", "Eem", "Aas", "Ani", "Iah", "Sumi", "Suparmi", "Tukinem",
    "Ngatini", "Painem", "Sarmi", "Wagiyem", "Sukarni", "Sumarni", "Sutinah", "Tarmini",
    "Kartinah", "Rumsiah", "Carini", "Casmi", "Wasini", "Dasih", "Taswi", "Warsini",
    "Masriah", "Marpuah", "Wartinah", "Saminah", "Jumiati", "Kuraesin", "Nacih", "Onih",
]
MEN = [
    "Ahmad", "Muhammad", "Budi", "Agus", "Dedi", "Asep", "Ujang", "Rudi", "Slamet", "Joko",
    "Hendra", "Iwan", "Yusuf", "Hasan", "Saepul", "Dadang", "Entis", "Maman", "Wahyu",
    "Andi", "Wawan", "Eko", "Bambang", "Heri", "Dodi", "Aris", "Rahmat", "Abdul", "Deden",
    "Cecep", "Usep", "Jajang", "Nana", "Tatang", "Yayan", "Ridwan",
]
MEN_SECOND = [
    "Hidayat", "Setiawan", "Saputra", "Wijaya", "Kusuma", "Permana", "Gunawan", "Firmansyah",
    "Ramadhan", "Supriyadi", "Saefudin", "Mulyadi", "Sopian", "Jaelani", "Santoso",
    "Kurniawan", "Hermawan", "Suhendar", "Sutrisno", "Susanto", "Prasetyo", "Nugroho",
    "Hakim", "Rohman", "Fauzi", "Maulana", "Sudrajat", "Rusdi", "Sobari", "Sukarya",
    "Hasanudin", "Syarifudin", "Munandar", "Ruhiyat", "Cahyono", "Kholik",
]
MEN_ONE_NAME = [
    "Sutrisno", "Sumarno", "Suparman", "Slamet", "Wagiman", "Tukiman", "Paiman", "Sarmin",
    "Karsim", "Tarmudi", "Darsono", "Suroto", "Sugiyanto", "Warsito", "Kasim", "Darmo",
    "Tarno", "Carsim", "Rasim", "Wasmin", "Sukarno", "Suparno", "Sumadi", "Wahyudi",
]
PHONE_PREFIXES = ["0812", "0813", "0821", "0822", "0852", "0853", "0857", "0858", "0877",
                  "0878", "0895", "0896"]
KEYBOARD = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij",
    "i": "uok", "o": "ipl", "p": "ol", "a": "qsz", "s": "awdz", "d": "sefx", "f": "drgc",
    "g": "fthv", "h": "gyjb", "j": "hukn", "k": "jilm", "l": "kop", "z": "asx", "x": "zsdc",
    "c": "xdfv", "v": "cfgb", "b": "vghn", "n": "bhjm", "m": "njk",
}
# Ways one name is written, old and new (name words, lower case, both directions).
VARIANTS = [
    ("siti", "sity"), ("muhammad", "mohamad"), ("muhammad", "moh"), ("muhammad", "muhamad"),
    ("muhammad", "mochammad"), ("ahmad", "achmad"), ("nur", "noor"), ("yanti", "yanty"),
    ("wati", "waty"), ("nurjanah", "nurjannah"), ("aminah", "aminnah"), ("ramadhan", "ramadan"),
    ("fatimah", "fathimah"), ("hasanah", "chasanah"), ("khodijah", "chodijah"),
    ("abdul", "abd"), ("yusuf", "jusuf"), ("iis", "is"), ("eem", "em"), ("aas", "as"),
]
# fmt: on

SAME_PERSON = {
    "nik_missing": "NIK missing, all else the same",
    "spelling": "spelling variant (Sity, Moh., Achmad, nn)",
    "old_spelling": "old spelling (oe, dj, tj, j, ch) or back",
    "slip": "one letter wrong, missing, extra, swapped",
    "slip_short": "one slip in a name of 3-5 letters",
    "swapped": "day and month of birth swapped",
    "year_only": "only the birth year (1 Jan, 1 Jul, 31 Dec)",
    "title": "title added (Hj., H., Ibu)",
    "sex": "sex entered wrong",
    "word_order": "words in another order",
    "extra_word": "a word more (Siti, Nur, binti father)",
    "missing_word": "a word left out (mostly first or middle)",
    "phone": "same phone, birth year off by one",
    "passport": "same passport, a slip, other birth date",
    "two_at_once": "old spelling or slip, and year only",
}
DIFFERENT = {
    "namesake": "same name, elsewhere, another birth date",
    "namesake_village": "same name, same village (shown by design)",
    "similar_village": "a slip away, same village",
    "similar_same_day": "a slip away, born the same day, elsewhere",
    "sibling": "sibling: one family card, a shared word",
    "spouse": "husband or wife: one family card",
    "other_sex": "the other sex, gendered ending (Sutrisno/i)",
}


class People:
    """The generated population and the numbers already given out."""

    def __init__(self, rng, villages):
        self.rng = rng
        self.villages = villages
        self.weights = [1 / (rank + 1) ** 0.6 for rank in range(len(villages))]
        self.niks = set()
        self.phones = set()
        self.passports = set()
        self.kks = set()

    def village(self):
        return self.rng.choices(self.villages, weights=self.weights)[0]

    def birth_date(self, low=1965, high=2005):
        start = datetime.date(low, 1, 1)
        return start + datetime.timedelta(days=self.rng.randrange((high - low + 1) * 365))

    def nik(self, village, sex, born):
        day = born.day + (40 if sex == "F" else 0)
        prefix = f"{village[:8].replace('.', '')}{day:02d}{born:%m%y}"
        while True:
            nik = f"{prefix}{self.rng.randint(1, 9999):04d}"
            if nik not in self.niks:
                self.niks.add(nik)
                return nik

    def number(self, taken, make):
        while True:
            value = make()
            if value not in taken:
                taken.add(value)
                return value

    def phone(self):
        rng = self.rng
        return self.number(
            self.phones, lambda: rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        )

    def passport(self):
        rng = self.rng
        return self.number(
            self.passports, lambda: rng.choice("ABCX") + f"{rng.randrange(10**7):07d}"
        )

    def kk(self, village):
        rng = self.rng
        district = village[:8].replace(".", "")
        return self.number(self.kks, lambda: f"{district}{rng.randrange(10**10):010d}")

    def name(self, sex, born):
        rng = self.rng
        if sex == "F":
            one, first, second = WOMEN_ONE_NAME, WOMEN, WOMEN_SECOND
        else:
            one, first, second = MEN_ONE_NAME, MEN, MEN_SECOND
        roll = rng.random()
        if roll < 0.3:
            name = rng.choice(one)
        elif roll < 0.8:
            name = f"{rng.choice(first)} {rng.choice(second)}"
        else:
            middle = rng.choice(["Nur", "Siti", "Sri"] if sex == "F" else ["Muhammad", "Abdul"])
            name = f"{rng.choice(first)} {middle} {rng.choice(second)}"
        if born.year < 1978 and rng.random() < 0.3:
            name = old_spelling(name, rng, every_word=True)
        return name

    def person(self, *, sex=None, name=None, born=None, village=None, kk=None, phone=None):
        rng = self.rng
        sex = sex or ("F" if rng.random() < 0.7 else "M")
        born = born or self.birth_date()
        village = village or self.village()
        return {
            "full_name": name or self.name(sex, born),
            "sex": sex,
            "birth_date": born,
            "village_id": village,
            "nik": self.nik(village, sex, born) if rng.random() < 0.9 else "",
            "kk_number": kk if kk is not None else (self.kk(village) if rng.random() < 0.6 else ""),
            "phone": phone if phone is not None else (self.phone() if rng.random() < 0.5 else ""),
            "passport_number": self.passport() if rng.random() < 0.4 else "",
        }


def words(name):
    return name.split()


def capital(word):
    return word[:1].upper() + word[1:]


def old_spelling(name, rng, every_word=False):
    """The name as the old spelling wrote it (u = oe, j = dj, y = j, c = tj, kh = ch)."""
    out = []
    for word in words(name):
        if every_word or rng.random() < 0.6:
            low = word.lower()
            low = low.replace("kh", "\0").replace("c", "tj").replace("j", "dj")
            low = low.replace("y", "j").replace("u", "oe").replace("\0", "ch")
            word = capital(low)
        out.append(word)
    return " ".join(out)


def new_spelling(name):
    out = []
    for word in words(name):
        low = word.lower().replace("dj", "\0").replace("tj", "c").replace("j", "y")
        low = low.replace("\0", "j").replace("oe", "u").replace("ch", "kh")
        out.append(capital(low))
    return " ".join(out)


def is_old(name):
    low = name.lower()
    return any(mark in low for mark in ("oe", "dj", "tj", "ch")) or "j" in low


def one_slip(name, rng):
    """One letter wrong (often a key's neighbour), missing, extra or two swapped."""
    letters = [at for at, char in enumerate(name) if char.isalpha()]
    kind = rng.choice(["wrong", "missing", "extra", "swapped"])
    at = rng.choice(letters)
    char = name[at].lower()
    if kind == "wrong":
        choices = KEYBOARD.get(char, "") if rng.random() < 0.6 else string.ascii_lowercase
        new = rng.choice([c for c in choices if c != char] or ["a"])
        return name[:at] + new + name[at + 1 :]
    if kind == "missing" and len(letters) > 3:
        return name[:at] + name[at + 1 :]
    if kind == "swapped" and at + 1 in letters and name[at].lower() != name[at + 1].lower():
        return name[:at] + name[at + 1] + name[at] + name[at + 2 :]
    extra = char if rng.random() < 0.5 else rng.choice(KEYBOARD.get(char, "a"))
    return name[: at + 1] + extra + name[at + 1 :]


def spelling_variant(name, rng):
    options = []
    for position, word in enumerate(words(name)):
        low = word.lower()
        for one, other in VARIANTS:
            if low == one:
                options.append((position, other))
            elif low == other:
                options.append((position, one))
        if len(low) > 3 and low.endswith("i"):
            options.append((position, low[:-1] + "y"))
    if not options:
        return None
    position, written = rng.choice(options)
    parts = words(name)
    parts[position] = capital(written) if written != "moh" else "Moh."
    return " ".join(parts)


def swapped(born):
    if born.day > 12 or born.day == born.month:
        return None
    return born.replace(month=born.day, day=born.month)


def year_only(born, rng):
    return rng.choice(
        [born.replace(month=1, day=1), born.replace(month=7, day=1), born.replace(month=12, day=31)]
    )


def year_off(born, rng):
    year = born.year + rng.choice([-1, 1])
    try:
        return born.replace(year=year)
    except ValueError:  # 29 February
        return born.replace(year=year, day=28)


def other_ending(name):
    """Sutrisno for Sutrisni and back: the endings that mark a man's or a woman's name."""
    parts = words(name)
    last = parts[-1]
    for man, woman in (("no", "ni"), ("to", "ti"), ("di", "ni"), ("man", "mi"), ("o", "i")):
        if last.endswith(man):
            parts[-1] = last[: -len(man)] + woman
            return " ".join(parts)
        if last.endswith(woman):
            parts[-1] = last[: -len(woman)] + man
            return " ".join(parts)
    return None


def second_registration(kind, known, people, rng):
    """The entry for someone registered again, or None when the kind does not apply."""
    name, born = known["full_name"], known["birth_date"]
    entry = {"full_name": name, "birth_date": born, "sex": known["sex"], "village_id": ""}
    if rng.random() < 0.75:
        entry["village_id"] = known["village_id"]
    else:
        entry["village_id"] = people.village()  # moved, or another village written
    if kind == "nik_missing":
        pass
    elif kind == "spelling":
        entry["full_name"] = spelling_variant(name, rng)
    elif kind == "old_spelling":
        entry["full_name"] = new_spelling(name) if is_old(name) else old_spelling(name, rng)
    elif kind == "slip":
        entry["full_name"] = one_slip(name, rng)
    elif kind == "slip_short":
        if len(name) > 5 or " " in name:
            return None
        entry["full_name"] = one_slip(name, rng)
    elif kind == "swapped":
        entry["birth_date"] = swapped(born)
    elif kind == "year_only":
        entry["birth_date"] = year_only(born, rng)
    elif kind == "sex":
        entry["sex"] = "M" if known["sex"] == "F" else "F"
    elif kind == "title":
        title = rng.choice(["Hj.", "Ibu"] if known["sex"] == "F" else ["H.", "Bapak"])
        entry["full_name"] = f"{title} {name}"
    elif kind == "word_order":
        parts = words(name)
        if len(parts) < 2:
            return None
        entry["full_name"] = " ".join(parts[1:] + parts[:1])
    elif kind == "extra_word":
        if known["sex"] == "F" and not name.startswith("Siti") and rng.random() < 0.5:
            entry["full_name"] = f"Siti {name}"
        else:
            father = rng.choice(MEN_ONE_NAME + MEN)
            join = "binti" if known["sex"] == "F" else "bin"
            entry["full_name"] = f"{name} {join} {father}"
    elif kind == "missing_word":
        # Mostly the word people leave out: the middle one of three (Siti Nur Aminah),
        # the first of two (Sri Wahyuni known as Wahyuni); sometimes the last.
        parts = words(name)
        if len(parts) < 2:
            return None
        if rng.random() < 0.2:
            del parts[-1]
        else:
            del parts[1 if len(parts) == 3 else 0]
        entry["full_name"] = " ".join(parts)
    elif kind == "phone":
        if not known["phone"]:
            return None
        entry["phone"] = known["phone"]
        entry["birth_date"] = year_off(born, rng)
        if rng.random() < 0.5:
            entry["full_name"] = one_slip(name, rng)
    elif kind == "passport":
        if not known["passport_number"]:
            return None
        entry["passport_number"] = known["passport_number"]
        entry["full_name"] = one_slip(name, rng)
        entry["birth_date"] = people.birth_date()
    elif kind == "two_at_once":
        if is_old(name) or rng.random() < 0.5:
            entry["full_name"] = one_slip(name, rng)
        else:
            entry["full_name"] = old_spelling(name, rng)
        entry["birth_date"] = year_only(born, rng)
    if not entry["full_name"] or not entry["birth_date"]:
        return None
    return entry


def different_person(kind, known, people, rng):
    """Someone else who resembles `known`, or None when the kind does not apply."""
    name, born, sex = known["full_name"], known["birth_date"], known["sex"]

    def apart(years):
        while True:
            other = people.birth_date()
            if abs((other - born).days) > 365 * years:
                return other

    if kind == "namesake":
        return people.person(sex=sex, name=name, born=apart(0))
    if kind == "namesake_village":
        return people.person(sex=sex, name=name, born=apart(2), village=known["village_id"])
    if kind == "similar_village":
        return people.person(
            sex=sex, name=one_slip(name, rng), born=apart(0), village=known["village_id"]
        )
    if kind == "similar_same_day":
        return people.person(sex=sex, name=one_slip(name, rng), born=born)
    if kind in ("sibling", "spouse"):
        if not known["kk_number"]:
            return None
        phone = known["phone"] if rng.random() < 0.5 else None
        if kind == "spouse":
            other = "M" if sex == "F" else "F"
            return people.person(
                sex=other,
                born=born + datetime.timedelta(days=rng.randint(-8 * 365, 8 * 365)),
                village=known["village_id"],
                kk=known["kk_number"],
                phone=phone,
            )
        other = rng.choice("FM")
        parts = words(name)
        if len(parts) < 2:
            return None
        shared = rng.choice(parts)
        fresh = rng.choice(
            (WOMEN if other == "F" else MEN)
            if shared == parts[-1]
            else (WOMEN_SECOND if other == "F" else MEN_SECOND)
        )
        sibling = f"{fresh} {shared}" if shared == parts[-1] else f"{shared} {fresh}"
        if sibling.lower() == name.lower():
            return None
        return people.person(
            sex=other,
            name=sibling,
            born=born + datetime.timedelta(days=rng.choice([-1, 1]) * rng.randint(365, 12 * 365)),
            village=known["village_id"],
            kk=known["kk_number"],
            phone=phone,
        )
    if kind == "other_sex":
        changed = other_ending(name)
        if not changed:
            return None
        twin = rng.random() < 0.2
        return people.person(
            sex="M" if sex == "F" else "F",
            name=changed,
            born=born if twin else apart(0),
            village=known["village_id"] if rng.random() < 0.5 else None,
        )
    raise ValueError(kind)


def population(people, count, rng):
    """`count` people; about one in seven shares a household with the one before."""
    made = []
    while len(made) < count:
        if made and rng.random() < 0.15 and made[-1]["kk_number"]:
            head = made[-1]
            sex = "M" if head["sex"] == "F" else "F"
            made.append(
                people.person(
                    sex=sex,
                    born=head["birth_date"]
                    + datetime.timedelta(days=rng.randint(-8 * 365, 8 * 365)),
                    village=head["village_id"],
                    kk=head["kk_number"],
                    phone=head["phone"] if rng.random() < 0.6 else None,
                )
            )
        else:
            made.append(people.person())
    return made


def probes(kinds, maker, registered, people, count, rng):
    """About `count` entries spread evenly over the kinds: [(kind, known, entry)]."""
    made = []
    per_kind = -(-count // len(kinds))
    for kind in kinds:
        tries = 0
        made_of_kind = 0
        while made_of_kind < per_kind and tries < per_kind * 50:
            tries += 1
            known = rng.choice(registered)
            entry = maker(kind, known, people, rng)
            if entry is not None:
                made.append((kind, known, entry))
                made_of_kind += 1
    return made


def run_matcher(found, batch, among, threshold):
    from participants.matching import Person, match_many

    fields = ("full_name", "birth_date", "sex", "village_id", "nik", "kk_number", "phone")
    results = {}
    seconds = 0.0
    for start in range(0, len(found), batch):
        chunk = {
            number: Person(
                passport_number=entry.get("passport_number", ""),
                **{name: entry.get(name, "") for name in fields},
            )
            for number, (_kind, _known, entry) in enumerate(
                found[start : start + batch], start=start
            )
        }
        began = time.perf_counter()
        results.update(match_many(chunk, among=among, threshold=threshold))
        seconds += time.perf_counter() - began
    return results, seconds


def report_same(found, results, show):
    rows = defaultdict(lambda: {"n": 0, "found": 0, "first": 0, "wrong": 0, "missed": []})
    for number, (kind, known, entry) in enumerate(found):
        candidates = results.get(number, [])
        ids = [candidate.participant_id for candidate in candidates]
        row = rows[kind]
        row["n"] += 1
        row["found"] += known["pk"] in ids
        row["first"] += bool(ids) and ids[0] == known["pk"]
        row["wrong"] += sum(1 for pk in ids if pk != known["pk"])
        if known["pk"] not in ids and len(row["missed"]) < show:
            row["missed"].append((known, entry, candidates))
    print("Second registrations (no NIK): is the first record among the candidates?\n")
    print(f"{'variation':<46} {'probes':>6} {'found':>7} {'first':>7} {'wrong/probe':>11}")
    total = {"n": 0, "found": 0, "first": 0, "wrong": 0}
    for kind, label in SAME_PERSON.items():
        row = rows.get(kind)
        if not row:
            continue
        for key in total:
            total[key] += row[key]
        print(
            f"{label:<46} {row['n']:>6} {100 * row['found'] / row['n']:>6.1f}% "
            f"{100 * row['first'] / row['n']:>6.1f}% {row['wrong'] / row['n']:>11.2f}"
        )
    print(
        f"{'all':<46} {total['n']:>6} {100 * total['found'] / total['n']:>6.1f}% "
        f"{100 * total['first'] / total['n']:>6.1f}% {total['wrong'] / total['n']:>11.2f}\n"
    )
    for kind, row in rows.items():
        for known, entry, candidates in row["missed"]:
            print(
                f"  missed ({kind}): {known['full_name']} {known['birth_date']} "
                f"-> {entry['full_name']} {entry['birth_date']}"
                + (f"; best {candidates[0].score}" if candidates else "")
            )


def report_different(found, results, show):
    rows = defaultdict(
        lambda: {"n": 0, "any": 0, "wrong": 0, "n_nonik": 0, "any_nonik": 0, "shown": []}
    )
    for number, (kind, _known, entry) in enumerate(found):
        candidates = results.get(number, [])
        row = rows[kind]
        row["n"] += 1
        row["any"] += bool(candidates)
        row["wrong"] += len(candidates)
        if not entry["nik"]:
            row["n_nonik"] += 1
            row["any_nonik"] += bool(candidates)
        if candidates and len(row["shown"]) < show:
            row["shown"].append((entry, candidates[0]))
    print("\nDifferent people (NIK for nine in ten): do they get any candidate?\n")
    print(
        f"{'resembling someone by':<46} {'probes':>6} {'any':>7} {'wrong/probe':>11} "
        f"{'any, no NIK':>12}"
    )
    total = {"n": 0, "any": 0, "wrong": 0, "n_nonik": 0, "any_nonik": 0}
    for kind, label in DIFFERENT.items():
        row = rows.get(kind)
        if not row:
            continue
        for key in total:
            total[key] += row[key]
        nonik = 100 * row["any_nonik"] / row["n_nonik"] if row["n_nonik"] else 0
        print(
            f"{label:<46} {row['n']:>6} {100 * row['any'] / row['n']:>6.1f}% "
            f"{row['wrong'] / row['n']:>11.2f} {nonik:>11.1f}%"
        )
    nonik = 100 * total["any_nonik"] / total["n_nonik"] if total["n_nonik"] else 0
    print(
        f"{'all':<46} {total['n']:>6} {100 * total['any'] / total['n']:>6.1f}% "
        f"{total['wrong'] / total['n']:>11.2f} {nonik:>11.1f}%\n"
    )
    for kind, row in rows.items():
        for entry, candidate in row["shown"]:
            print(
                f"  shown ({kind}): {entry['full_name']} {entry['birth_date']} -> "
                f"{candidate.participant_id} score {candidate.score} {candidate.reason_codes}"
            )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--probes", type=int, default=2_200, help="of each set")
    parser.add_argument("--batch", type=int, default=500, help="people per match_many call")
    parser.add_argument("--villages", type=int, default=150)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--show", type=int, default=0, help="examples of misses per kind")
    parser.add_argument(
        "--weight", action="append", default=[], metavar="NAME=VALUE", help="try another weight"
    )
    parser.add_argument("--threshold", type=int, default=None)
    args = parser.parse_args(argv)

    import django

    django.setup()

    from django.db import connection, transaction

    from accounts.demo import OFFICE_NAME
    from accounts.models import Office, User
    from participants import matching
    from participants.models import Participant
    from regions.models import Region

    for setting in args.weight:
        name, value = setting.split("=")
        if name not in matching.WEIGHTS:
            sys.exit(f"no weight {name!r}; the weights are {', '.join(matching.WEIGHTS)}")
        matching.WEIGHTS[name] = int(value)
    if args.threshold is not None:
        matching.THRESHOLD = args.threshold
    threshold = matching.THRESHOLD

    rng = random.Random(args.seed)  # noqa: S311 (made-up people, not secrets)
    office = Office.objects.get(name=OFFICE_NAME)
    author = User.objects.filter(office=office).order_by("pk").first()
    villages = sorted(
        Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="36.").values_list(
            "code", flat=True
        )
    )
    people = People(rng, rng.sample(villages, min(args.villages, len(villages))))
    people.niks |= set(Participant.objects.exclude(nik="").values_list("nik", flat=True))

    with transaction.atomic():
        began = time.perf_counter()
        registered = population(people, args.people, rng)
        numbers = Participant.next_registration_numbers(len(registered))
        rows = []
        for number, fields in zip(numbers, registered, strict=True):
            row = Participant(
                office=office, registration_number=number, created_by=author, **fields
            )
            row.refresh_match_keys()
            rows.append(row)
        for fields, row in zip(
            registered, Participant.objects.bulk_create(rows, batch_size=2000), strict=True
        ):
            fields["pk"] = row.pk
        with connection.cursor() as cursor:
            cursor.execute('ANALYZE "participants_participant"')
        among = Participant.objects.filter(office=office).active()
        print(
            f"{len(rows)} people registered in {office.name} "
            f"({among.count()} active records in all, {len(people.villages)} villages) "
            f"in {time.perf_counter() - began:.1f} s; threshold {threshold}, "
            f"weights {matching.WEIGHTS}\n"
        )

        same = probes(list(SAME_PERSON), second_registration, registered, people, args.probes, rng)
        for _kind, _known, entry in same:
            entry["nik"] = ""
        others = probes(list(DIFFERENT), different_person, registered, people, args.probes, rng)
        found_same, seconds_same = run_matcher(same, args.batch, among, threshold)
        found_others, seconds_others = run_matcher(others, args.batch, among, threshold)

        report_same(same, found_same, args.show)
        report_different(others, found_others, args.show)
        probes_made = len(same) + len(others)
        print(
            f"match_many: {probes_made} probes in batches of {args.batch}, "
            f"{seconds_same + seconds_others:.1f} s, "
            f"{1000 * (seconds_same + seconds_others) / probes_made:.2f} s per 1,000 probes"
        )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
