"""The one matcher: which registered people could be this person, how sure, and why.

Registration, the import, search and the possible-duplicates list all ask this module.
A person is compared on the matcher's keys (participants.names): the name key with
pg_trgm's `similarity` and fuzzystrmatch's `levenshtein`, the birth date with
tolerance (the same day, day and month swapped, the same year, within two years),
NIK, family card, phone, passport number, village and sex. Each agreement adds its
weight, a disagreement on NIK or sex takes some away; a candidate at or above
`THRESHOLD` is shown with the reasons that made its score.

The score is computed in SQL (for every candidate of every row of an import in one
query) from the weights below; `Candidate.reasons` reads the same parts back.
"""

import json
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext_lazy as _

from .names import name_fragments, name_key, passport_key, phone_key

# Points per agreement. A name alone (40) never reaches the threshold: it needs the
# birth year, the village or a number to agree as well.
WEIGHTS = {
    "name": 40,  # times the name similarity, when that is at least NAME_FLOOR
    "birth_same": 30,
    "birth_swapped": 25,
    "birth_year": 10,
    "birth_two_years": 5,
    "nik_same": 100,
    "nik_different": -40,
    "kk_same": 20,
    "phone_same": 20,
    "passport_same": 60,
    "village_same": 15,
    "sex_different": -35,
}
THRESHOLD = 50
# Below this name similarity the names are not alike at all and score nothing.
NAME_FLOOR = 0.5
SAME_NAME = 0.95
SIMILAR_NAME = 0.7

REASONS = {
    "name_same": _("same name"),
    "name_similar": _("similar name"),
    "name_partly": _("name partly alike"),
    "birth_same": _("born the same day"),
    "birth_swapped": _("day and month of birth swapped"),
    "birth_year": _("born the same year"),
    "birth_two_years": _("born within two years"),
    "nik_same": _("same NIK"),
    "kk_same": _("same family card (KK)"),
    "phone_same": _("same phone"),
    "passport_same": _("same passport number"),
    "village_same": _("same village"),
}

# How alike two name keys are, from 0 to 1: the best of trigram similarity (word order
# and an extra word barely count), edit similarity within two edits (one slip in a
# short name), and 0.6 when every word of one name is in the other (a word left out).
NAME_SIMILARITY_SQL = """
    CASE WHEN {a} = {b} THEN 1.0 ELSE GREATEST(
        similarity({a}, {b}),
        CASE WHEN levenshtein_less_equal({a}, {b}, 2) <= 2
             THEN 1.0 - levenshtein_less_equal({a}, {b}, 2)::float
                        / GREATEST(length({a}), length({b}), 1)
             ELSE 0 END,
        CASE WHEN string_to_array({a}, ' ') <@ string_to_array({b}, ' ')
               OR string_to_array({b}, ' ') <@ string_to_array({a}, ' ')
             THEN 0.6 ELSE 0 END
    ) END
"""


# How well a searched name fits a record's name: the name similarity, or the share of
# the searched words the record's name holds (a search for one word finds the person
# whose name has it, first).
SEARCH_RANK_SQL = "GREATEST(({similarity}), word_similarity({b}, {a}))".replace(
    "{similarity}", NAME_SIMILARITY_SQL
)


@dataclass
class Person:
    """What is known of someone being registered, as the matcher reads it."""

    full_name: str
    birth_date: object = None
    nik: str = ""
    kk_number: str = ""
    phone: str = ""
    passport_number: str = ""
    village_id: str = ""
    sex: str = ""
    exclude_id: int | None = None

    @classmethod
    def of(cls, participant):
        return cls(
            full_name=participant.full_name,
            birth_date=participant.birth_date,
            nik=participant.nik,
            kk_number=participant.kk_number,
            phone=participant.phone,
            passport_number=participant.passport_number,
            village_id=participant.village_id or "",
            sex=participant.sex,
            exclude_id=participant.pk,
        )

    def as_row(self, number):
        # As long as a stored name at most (a spreadsheet cell may hold more, which the
        # form then refuses; levenshtein takes at most 255 letters).
        key = name_key(self.full_name)[:150]
        return {
            "row": number,
            "key": key,
            "frags": name_fragments(self.full_name),
            "birth": self.birth_date.isoformat() if self.birth_date else None,
            "swapped": _swapped(self.birth_date),
            "nik": self.nik or "",
            "kk": self.kk_number or "",
            "phone": phone_key(self.phone),
            "passport": passport_key(self.passport_number),
            "village": self.village_id or "",
            "sex": self.sex or "",
            "exclude": self.exclude_id or 0,
        }


def _swapped(date):
    """The date with day and month swapped, when that is another valid date."""
    if not date or date.day > 12 or date.day == date.month:
        return None
    return date.replace(month=date.day, day=date.month).isoformat()


@dataclass
class Candidate:
    participant_id: int
    score: int
    parts: dict = field(default_factory=dict)
    participant: object = None
    # The reasons as kept from an earlier match, instead of the parts of this one.
    codes: list | None = None

    @property
    def reason_codes(self) -> list[str]:
        if self.codes is not None:
            return list(self.codes)
        parts = self.parts
        codes = []
        similarity = parts["name_similarity"]
        if similarity >= SAME_NAME:
            codes.append("name_same")
        elif similarity >= SIMILAR_NAME:
            codes.append("name_similar")
        elif similarity >= NAME_FLOOR:
            codes.append("name_partly")
        if parts["birth"]:
            codes.append(f"birth_{parts['birth']}")
        codes += [code for code in ("nik_same", "passport_same", "kk_same", "phone_same",
                                    "village_same") if parts[code]]  # fmt: skip
        return codes

    @property
    def reasons(self) -> list[str]:
        return [str(REASONS[code]) for code in self.reason_codes]


# One query for any number of people: each `wanted` row against the registered people
# the caller allows (`among`), scored by the weights above. Only rows that can reach
# the threshold are scored, each found through a b-tree index: an equal number; the
# same village and a word within one slip; born the same day, or with day and month
# swapped; the same name key born the same year. Without one of these, a name alike
# (at most 40) with a birth date a year or two off (at most 5) stays below the
# threshold (50).
_MATCH_SQL = """
WITH wanted AS (
    SELECT * FROM jsonb_to_recordset(%s::jsonb) AS w(
        row int, key text, frags varchar[], birth date, swapped date, nik text, kk text,
        phone text, passport text, village text, sex text, exclude bigint)
)
SELECT row, id, score, name_similarity, birth, nik_same, kk_same, phone_same,
       passport_same, village_same
FROM (
    SELECT w.row, p.id, parts.*,
        (CASE WHEN parts.name_similarity >= %s THEN %s * parts.name_similarity ELSE 0 END
         + CASE parts.birth WHEN 'same' THEN %s WHEN 'swapped' THEN %s
                WHEN 'year' THEN %s WHEN 'two_years' THEN %s ELSE 0 END
         + CASE WHEN parts.nik_same THEN %s WHEN parts.nik_different THEN %s ELSE 0 END
         + CASE WHEN parts.kk_same THEN %s ELSE 0 END
         + CASE WHEN parts.phone_same THEN %s ELSE 0 END
         + CASE WHEN parts.passport_same THEN %s ELSE 0 END
         + CASE WHEN parts.village_same THEN %s ELSE 0 END
         + CASE WHEN parts.sex_different THEN %s ELSE 0 END)::int AS score
    FROM wanted w
    CROSS JOIN LATERAL (
        -- NULLIF: an empty number matches nothing, and the partial indexes apply.
        SELECT id FROM participants_participant WHERE nik <> '' AND nik = NULLIF(w.nik, '')
        UNION SELECT id FROM participants_participant
            WHERE kk_number <> '' AND kk_number = NULLIF(w.kk, '')
        UNION SELECT id FROM participants_participant
            WHERE phone_key <> '' AND phone_key = NULLIF(w.phone, '')
        UNION SELECT id FROM participants_participant
            WHERE passport_number <> '' AND passport_number = NULLIF(w.passport, '')
        -- The village's few hundred rows filtered by fragment (cast: the GIN index
        -- would read the posting lists of common fragments for every row wanted).
        UNION SELECT id FROM participants_participant
            WHERE village_id = w.village AND name_fragments::text[] && w.frags::text[]
        UNION SELECT id FROM participants_participant WHERE birth_date IN (w.birth, w.swapped)
        UNION SELECT id FROM participants_participant
            WHERE name_key = w.key
              AND birth_date >= date_trunc('year', w.birth)
              AND birth_date < date_trunc('year', w.birth) + interval '1 year'
    ) found
    JOIN participants_participant p ON p.id = found.id
    CROSS JOIN LATERAL (SELECT
        GREATEST(
            ({name_similarity})::float,
            -- One name each, a slip apart by their fragments: levenshtein counts two
            -- letters swapped as two edits, "Ani" and "Ain" are one slip.
            CASE WHEN strpos(p.name_key, ' ') = 0 AND strpos(w.key, ' ') = 0
                      AND p.name_fragments && w.frags
                 THEN 1.0 - 1.0 / GREATEST(length(p.name_key), length(w.key)) ELSE 0 END
        ) AS name_similarity,
        CASE
            WHEN w.birth IS NULL THEN ''
            WHEN p.birth_date = w.birth THEN 'same'
            WHEN p.birth_date = w.swapped THEN 'swapped'
            WHEN extract(year FROM p.birth_date) = extract(year FROM w.birth) THEN 'year'
            WHEN abs(p.birth_date - w.birth) <= 731 THEN 'two_years'
            ELSE ''
        END AS birth,
        (w.nik <> '' AND p.nik = w.nik) AS nik_same,
        (w.nik <> '' AND p.nik <> '' AND p.nik <> w.nik) AS nik_different,
        (w.kk <> '' AND p.kk_number = w.kk) AS kk_same,
        (w.phone <> '' AND p.phone_key = w.phone) AS phone_same,
        (w.passport <> '' AND p.passport_number = w.passport) AS passport_same,
        (w.village <> '' AND p.village_id = w.village) AS village_same,
        (w.sex <> '' AND p.sex <> w.sex) AS sex_different
    ) parts
    WHERE p.id <> w.exclude AND p.id IN ({among})
) scored
-- Numbers and a village shared by a family are no match without a name alike.
WHERE score >= %s AND (name_similarity >= %s OR nik_same OR passport_same)
ORDER BY row, score DESC, id
""".replace("{name_similarity}", NAME_SIMILARITY_SQL.format(a="p.name_key", b="w.key"))


def _weight_params():
    w = WEIGHTS
    return [
        NAME_FLOOR,
        w["name"],
        w["birth_same"],
        w["birth_swapped"],
        w["birth_year"],
        w["birth_two_years"],
        w["nik_same"],
        w["nik_different"],
        w["kk_same"],
        w["phone_same"],
        w["passport_same"],
        w["village_same"],
        w["sex_different"],
    ]


def match_many(people, *, among, threshold=THRESHOLD, limit=5) -> dict[int, list[Candidate]]:
    """Candidates for each of `people` ({row number: Person}) among the queryset `among`.

    Returns {row number: [Candidate, ...]}, best first, at most `limit` each, only
    rows that have one.
    """
    if not people or among.query.is_empty():
        return {}
    among_sql, among_params = among.values("pk").query.sql_with_params()
    rows = [person.as_row(number) for number, person in people.items()]
    sql = _MATCH_SQL.replace("{among}", among_sql)
    params = [json.dumps(rows), *_weight_params(), *among_params, threshold, NAME_FLOOR]
    found: dict[int, list[Candidate]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column.name for column in cursor.description]
        for values in cursor.fetchall():
            parts = dict(zip(columns, values, strict=True))
            number = parts.pop("row")
            candidates = found.setdefault(number, [])
            if len(candidates) < limit:
                candidates.append(
                    Candidate(participant_id=parts.pop("id"), score=parts.pop("score"), parts=parts)
                )
    return found


def find_candidates(person, *, among, threshold=THRESHOLD, limit=5) -> list[Candidate]:
    """The registered people who could be `person`, best first, with their records."""
    from .models import Participant

    candidates = match_many({0: person}, among=among, threshold=threshold, limit=limit).get(0, [])
    records = Participant.objects.select_related("village__parent").in_bulk(
        [candidate.participant_id for candidate in candidates]
    )
    for candidate in candidates:
        candidate.participant = records[candidate.participant_id]
    return candidates


def candidates_among(user):
    """Whom a registration is compared with: the active records this user may see."""
    from .models import Participant

    return Participant.objects.visible_to(user).active()
