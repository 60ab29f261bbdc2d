"""The reintegration outcome measure, kept as data like the screening instruments.

It follows the integrated approach to reintegration: a returnee is better off when
they stand on their own economically, take part in the social life around them and
reach its services, and feel well. Each item asks about one of those on a scale of
four answers ordered from worst (0) to best (3); each dimension's score is the mean of
its answered items on 0-100 (higher is better), so a dimension is comparable between
occasions even if an item was skipped. The measure is taken at intake, at 6 and at 12
months and at closing (`OutcomeMeasure.Occasion`).

A dimension "improved" between two measures when its score rose by at least
`CHANGE_THRESHOLD` points, "worsened" when it fell by as much, and otherwise
"stayed": one answer moving by one step is not a change. `change` is the one
definition, used by the case page, the program report and its PDF.
"""

from dataclasses import dataclass

from .instruments import Text

DIMENSIONS = ("economic", "social", "psychosocial")
DIMENSION_NAMES = {
    "economic": Text("Ekonomi", "Economic"),
    "social": Text("Sosial", "Social"),
    "psychosocial": Text("Psikososial", "Psychosocial"),
}
MAX_ANSWER = 3
# Points of a dimension's 0-100 score; one item of four moving one step is 8.3.
CHANGE_THRESHOLD = 10
# Each dimension needs at least this many answered items to be scored.
MIN_ANSWERED = 2


@dataclass(frozen=True)
class Question:
    number: int
    dimension: str
    text: Text
    # The four answers, worst first: their position is the value (0-3).
    answers: tuple[Text, Text, Text, Text]


GOOD_SCALE = (
    Text("Sangat buruk", "Very poor"),
    Text("Buruk", "Poor"),
    Text("Cukup", "Fair"),
    Text("Baik", "Good"),
)
AGREE_SCALE = (
    Text("Tidak sama sekali", "Not at all"),
    Text("Sedikit", "A little"),
    Text("Cukup", "Mostly"),
    Text("Sepenuhnya", "Completely"),
)

QUESTIONS = (
    # Economic: work or income, meeting needs, debt, housing.
    Question(
        1,
        "economic",
        Text("Sumber penghasilan saat ini", "Source of income now"),
        (
            Text("Tidak ada penghasilan", "No income"),
            Text("Tidak tetap, bergantung pada orang lain", "Irregular, depends on others"),
            Text("Ada, tetapi belum cukup", "Some, not yet enough"),
            Text("Pekerjaan atau usaha tetap", "Steady work or business"),
        ),
    ),
    Question(
        2,
        "economic",
        Text(
            "Kemampuan memenuhi kebutuhan pokok rumah tangga (makan, sekolah anak)",
            "Able to meet the household's basic needs (food, children's school)",
        ),
        AGREE_SCALE,
    ),
    Question(
        3,
        "economic",
        Text("Utang (termasuk biaya penempatan)", "Debt (including placement costs)"),
        (
            Text("Utang berat, tidak bisa dicicil", "Heavy debt, cannot repay"),
            Text("Utang, dicicil dengan susah payah", "Debt, repaid with difficulty"),
            Text("Utang kecil, dicicil lancar", "Small debt, repaid on time"),
            Text("Tidak ada utang", "No debt"),
        ),
    ),
    Question(
        4,
        "economic",
        Text("Tempat tinggal", "Housing"),
        (
            Text("Tidak punya tempat tinggal tetap", "No stable place to live"),
            Text("Menumpang, tidak layak", "Staying with others, not adequate"),
            Text("Layak, tetapi tidak pasti", "Adequate but insecure"),
            Text("Layak dan aman", "Adequate and secure"),
        ),
    ),
    # Social: documents, services, family, community.
    Question(
        5,
        "social",
        Text(
            "Dokumen kependudukan (KTP-el, KK, akta) lengkap dan sesuai",
            "Civil documents (KTP-el, family card, certificates) complete and correct",
        ),
        AGREE_SCALE,
    ),
    Question(
        6,
        "social",
        Text(
            "Akses ke layanan kesehatan dan jaminan sosial (JKN, PKH) bila perlu",
            "Access to health care and social protection (JKN, PKH) when needed",
        ),
        GOOD_SCALE,
    ),
    Question(
        7,
        "social",
        Text("Hubungan dengan keluarga", "Relations with the family"),
        GOOD_SCALE,
    ),
    Question(
        8,
        "social",
        Text(
            "Diterima dan ikut serta dalam kegiatan masyarakat",
            "Accepted in, and taking part in, the community",
        ),
        AGREE_SCALE,
    ),
    # Psychosocial: wellbeing, safety, coping, plans.
    Question(
        9,
        "psychosocial",
        Text(
            "Perasaan sehari-hari dalam dua minggu terakhir", "How they felt in the past two weeks"
        ),
        GOOD_SCALE,
    ),
    Question(
        10,
        "psychosocial",
        Text("Merasa aman di rumah dan lingkungan", "Feels safe at home and around it"),
        AGREE_SCALE,
    ),
    Question(
        11,
        "psychosocial",
        Text(
            "Mampu menghadapi masalah dan tahu ke mana minta bantuan",
            "Copes with problems and knows where to ask for help",
        ),
        AGREE_SCALE,
    ),
    Question(
        12,
        "psychosocial",
        Text(
            "Mempunyai rencana untuk masa depan di kampung halaman",
            "Has plans for the future at home",
        ),
        AGREE_SCALE,
    ),
)
QUESTION_NUMBERS = tuple(question.number for question in QUESTIONS)


def questions_of(dimension: str) -> tuple[Question, ...]:
    return tuple(question for question in QUESTIONS if question.dimension == dimension)


class IncompleteMeasure(ValueError):
    """A dimension has too few answers to be scored; `dimensions` names them."""

    def __init__(self, dimensions):
        super().__init__(f"Too few answers in: {', '.join(dimensions)}")
        self.dimensions = tuple(dimensions)


def score(answers: dict[int, int | None]) -> dict[str, int]:
    """Each dimension's score on 0-100 from the answers ({question number: 0-3 or None
    for not answered}). Raises ValueError for an unknown question or value, and
    IncompleteMeasure when a dimension has fewer than MIN_ANSWERED answers."""
    unknown = set(answers) - set(QUESTION_NUMBERS)
    if unknown:
        raise ValueError(f"Unknown questions: {sorted(unknown)}")
    scores, short = {}, []
    for dimension in DIMENSIONS:
        given = []
        for question in questions_of(dimension):
            value = answers.get(question.number)
            if value is None:
                continue
            if (
                not isinstance(value, int)
                or isinstance(value, bool)
                or not 0 <= value <= MAX_ANSWER
            ):
                raise ValueError(f"Question {question.number}: {value!r} is not 0-{MAX_ANSWER}")
            given.append(value)
        if len(given) < MIN_ANSWERED:
            short.append(dimension)
            continue
        scores[dimension] = round(100 * sum(given) / (MAX_ANSWER * len(given)))
    if short:
        raise IncompleteMeasure(short)
    return scores


IMPROVED, STAYED, WORSENED = "improved", "stayed", "worsened"
CHANGE_LABELS = {
    IMPROVED: Text("Membaik", "Improved"),
    STAYED: Text("Tetap", "Stayed the same"),
    WORSENED: Text("Memburuk", "Worsened"),
}


def change(before: int, after: int) -> str:
    """IMPROVED, STAYED or WORSENED, from one dimension's score before and after."""
    if after - before >= CHANGE_THRESHOLD:
        return IMPROVED
    if before - after >= CHANGE_THRESHOLD:
        return WORSENED
    return STAYED


def scores_of(measure) -> dict[str, int]:
    """The stored scores of an OutcomeMeasure, by dimension."""
    return {dimension: getattr(measure, f"{dimension}_score") for dimension in DIMENSIONS}


@dataclass(frozen=True)
class DimensionChange:
    """One dimension's score on two occasions, and what `change` calls the difference."""

    dimension: str
    before: int
    after: int

    @property
    def name(self) -> Text:
        return DIMENSION_NAMES[self.dimension]

    @property
    def points(self) -> int:
        return self.after - self.before

    @property
    def direction(self) -> str:
        return change(self.before, self.after)

    @property
    def label(self) -> Text:
        return CHANGE_LABELS[self.direction]


def compare(before: dict[str, int], after: dict[str, int]) -> list[DimensionChange]:
    """Each dimension's change between two sets of scores, in the order of DIMENSIONS."""
    return [DimensionChange(d, before[d], after[d]) for d in DIMENSIONS]


def stored_answers(answers: dict[int, int | None]) -> dict[str, int | None]:
    """The answers as kept in `OutcomeMeasure.answers`: every question, keyed by its
    number as text (JSON object keys), None where it was not answered."""
    return {str(number): answers.get(number) for number in QUESTION_NUMBERS}


def answers_of(measure) -> dict[int, int | None]:
    """The stored answers of an OutcomeMeasure, keyed by question number."""
    return {int(number): value for number, value in measure.answers.items()}
