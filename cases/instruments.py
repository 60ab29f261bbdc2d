"""Mental-health screening instruments, kept as data.

An instrument is its items, its answer choices, the bands that name a score and the
alert rules that flag an answer whatever the total. The score is the sum of the
answers unless the instrument brings its own rule. Adding an instrument is one more
entry in INSTRUMENTS (and a scoring function if a plain sum will not do); the forms,
views and reports read everything else from here.

Item texts and answer labels are validated translations of each instrument, so they
are stored as (Indonesian, English) pairs here rather than going through gettext,
where they could be reworded like any other message.

Scores support a decision and never make it: a person records the decision.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import get_language

# Severity levels of a band, used to colour it.
LEVELS = ("none", "mild", "moderate", "moderately_severe", "severe", "positive")


@dataclass(frozen=True)
class Text:
    """A fixed text in Indonesian and English; str() gives the active language's."""

    id: str
    en: str

    def __str__(self) -> str:
        return self.en if (get_language() or "").startswith("en") else self.id


@dataclass(frozen=True)
class Item:
    number: int  # 1-based, as printed on the form
    text: Text


@dataclass(frozen=True)
class Choice:
    value: int
    label: Text


@dataclass(frozen=True)
class Band:
    """The scores from low to high, both included, and what they are called."""

    low: int
    high: int
    code: str
    label: Text
    level: str  # one of LEVELS

    def __contains__(self, score: int) -> bool:
        return self.low <= score <= self.high


@dataclass(frozen=True)
class AlertRule:
    """A flag raised by particular answers, whatever band the total falls in.

    `applies(answers, score)` reads the answers by item number; `items` names the
    items it reads, so check_instrument can refuse a rule about an item that does
    not exist.
    """

    code: str
    label: Text
    applies: Callable[[dict[int, int], int], bool]
    items: tuple[int, ...] = ()


def sum_of_answers(answers: dict[int, int]) -> int:
    return sum(answers.values())


@dataclass(frozen=True)
class Instrument:
    code: str
    name: Text
    period: Text  # the recall period the questions ask about
    items: tuple[Item, ...]
    choices: tuple[Choice, ...]
    bands: tuple[Band, ...]
    alerts: tuple[AlertRule, ...] = ()
    # Must not decrease when an answer goes up: min_score and max_score rely on it.
    score: Callable[[dict[int, int]], int] = sum_of_answers

    @property
    def item_numbers(self) -> tuple[int, ...]:
        return tuple(item.number for item in self.items)

    @property
    def choice_values(self) -> tuple[int, ...]:
        return tuple(choice.value for choice in self.choices)

    @property
    def min_score(self) -> int:
        return self.score(self.uniform_answers(min(self.choice_values)))

    @property
    def max_score(self) -> int:
        return self.score(self.uniform_answers(max(self.choice_values)))

    def band_for(self, score: int) -> Band:
        for band in self.bands:
            if score in band:
                return band
        raise ValueError(f"{self.code}: no band holds the score {score}")

    def uniform_answers(self, value: int) -> dict[int, int]:
        """Every item answered with the same value."""
        return dict.fromkeys(self.item_numbers, value)


@dataclass(frozen=True)
class ScoreResult:
    score: int
    band: Band
    alerts: tuple[AlertRule, ...]


class IncompleteAnswers(ValueError):
    """Some items have no answer; `missing` lists their numbers in order."""

    def __init__(self, missing: list[int]):
        self.missing = list(missing)
        super().__init__("Items without an answer: " + ", ".join(map(str, self.missing)))


def score_answers(instrument: Instrument, answers: dict[int, int]) -> ScoreResult:
    """Score a complete set of answers ({item number: choice value})."""
    unknown = sorted(set(answers) - set(instrument.item_numbers), key=repr)
    if unknown:
        raise ValueError(f"{instrument.code} has no item {', '.join(map(repr, unknown))}")
    allowed = instrument.choice_values
    for number, value in answers.items():
        # bool is an int, but True is no answer on a 0-3 scale.
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            raise ValueError(
                f"{instrument.code} item {number}: {value!r} is not one of {list(allowed)}"
            )
    missing = [number for number in instrument.item_numbers if number not in answers]
    if missing:
        raise IncompleteAnswers(missing)

    answers = dict(answers)
    score = instrument.score(answers)
    return ScoreResult(
        score=score,
        band=instrument.band_for(score),
        alerts=tuple(rule for rule in instrument.alerts if rule.applies(answers, score)),
    )


def check_instrument(instrument: Instrument) -> None:
    """Raise ImproperlyConfigured unless the instrument can score every answer set."""

    def fail(problem):
        raise ImproperlyConfigured(f"Instrument {instrument.code!r}: {problem}")

    numbers = list(instrument.item_numbers)
    if numbers != list(range(1, len(numbers) + 1)):
        fail(f"items must be numbered 1 to {len(numbers)} in order, not {numbers}")
    values = instrument.choice_values
    if len(values) < 2 or len(set(values)) != len(values):
        fail(f"needs two or more distinct choice values, not {list(values)}")

    expected_low = instrument.min_score
    for band in instrument.bands:
        if band.level not in LEVELS:
            fail(f"band {band.code!r} has an unknown level {band.level!r}")
        if band.low != expected_low:
            fail(f"band {band.code!r} starts at {band.low}, expected {expected_low}")
        if band.high < band.low:
            fail(f"band {band.code!r} ends at {band.high}, before its start {band.low}")
        expected_low = band.high + 1
    if expected_low != instrument.max_score + 1:
        fail(f"the bands end at {expected_low - 1}, the highest score is {instrument.max_score}")
    for kind, codes in (
        ("band", [band.code for band in instrument.bands]),
        ("alert", [rule.code for rule in instrument.alerts]),
    ):
        if len(set(codes)) != len(codes):
            fail(f"{kind} codes repeat: {codes}")

    for rule in instrument.alerts:
        strays = sorted(set(rule.items) - set(numbers))
        if strays:
            fail(f"alert {rule.code!r} refers to items that do not exist: {strays}")
        # Also run the rule, in case it reads an item it does not declare.
        for value in values:
            answers = instrument.uniform_answers(value)
            try:
                rule.applies(answers, instrument.score(answers))
            except KeyError as error:
                fail(f"alert {rule.code!r} refers to an item that does not exist: {error}")


def get_instrument(code: str) -> Instrument:
    """The instrument with this code; KeyError if there is none."""
    return INSTRUMENTS[code]


def _items(*pairs: tuple[str, str]) -> tuple[Item, ...]:
    return tuple(Item(number, Text(*pair)) for number, pair in enumerate(pairs, start=1))


# --- SRQ-20 (WHO Self-Reporting Questionnaire), Kemenkes wording ---------------------------
# The Indonesian form asks about nervousness at 5 and trembling hands at 6, where the WHO
# English original has them the other way round; each English text here translates the
# Indonesian item with the same number.

NO, YES = 0, 1

SRQ20 = Instrument(
    code="srq20",
    name=Text("SRQ-20 (Kuesioner Laporan Diri)", "SRQ-20 (Self-Reporting Questionnaire)"),
    period=Text("dalam 30 hari terakhir", "in the last 30 days"),
    items=_items(
        ("Apakah Anda sering menderita sakit kepala?", "Do you often have headaches?"),
        ("Apakah Anda tidak nafsu makan?", "Is your appetite poor?"),
        ("Apakah Anda sulit tidur?", "Do you sleep badly?"),
        ("Apakah Anda mudah takut?", "Are you easily frightened?"),
        (
            "Apakah Anda merasa tegang, cemas atau khawatir?",
            "Do you feel nervous, tense or worried?",
        ),
        ("Apakah tangan Anda gemetar?", "Do your hands shake?"),
        ("Apakah pencernaan Anda terganggu/buruk?", "Is your digestion poor?"),
        ("Apakah Anda sulit untuk berpikir jernih?", "Do you have trouble thinking clearly?"),
        ("Apakah Anda merasa tidak bahagia?", "Do you feel unhappy?"),
        ("Apakah Anda menangis lebih sering?", "Do you cry more than usual?"),
        (
            "Apakah Anda merasa sulit untuk menikmati kegiatan sehari-hari?",
            "Do you find it difficult to enjoy your daily activities?",
        ),
        (
            "Apakah Anda sulit untuk mengambil keputusan?",
            "Do you find it difficult to make decisions?",
        ),
        ("Apakah pekerjaan sehari-hari Anda terganggu?", "Is your daily work suffering?"),
        (
            "Apakah Anda tidak mampu melakukan hal-hal yang bermanfaat dalam hidup?",
            "Are you unable to play a useful part in life?",
        ),
        ("Apakah Anda kehilangan minat pada berbagai hal?", "Have you lost interest in things?"),
        ("Apakah Anda merasa tidak berharga?", "Do you feel that you are a worthless person?"),
        (
            "Apakah Anda mempunyai pikiran untuk mengakhiri hidup?",
            "Has the thought of ending your life been on your mind?",
        ),
        ("Apakah Anda merasa lelah sepanjang waktu?", "Do you feel tired all the time?"),
        (
            "Apakah Anda mengalami rasa tidak enak di perut?",
            "Do you have uncomfortable feelings in your stomach?",
        ),
        ("Apakah Anda mudah lelah?", "Are you easily tired?"),
    ),
    choices=(Choice(NO, Text("Tidak", "No")), Choice(YES, Text("Ya", "Yes"))),
    # Tidak is 0 and Ya is 1, so the default sum is the number of "Ya" answers.
    bands=(
        Band(0, 5, "negative", Text("Negatif", "Negative"), "none"),
        Band(
            6,
            20,
            "positive",
            Text("Indikasi gangguan mental emosional", "Indication of mental-emotional disorder"),
            "positive",
        ),
    ),
    alerts=(
        AlertRule(
            code="suicide_risk",
            label=Text(
                "Risiko bunuh diri (butir 17 dijawab Ya)", "Suicide risk (item 17 answered Yes)"
            ),
            applies=lambda answers, score: answers[17] == YES,
            items=(17,),
        ),
    ),
)

# --- PHQ-9 and GAD-7 (Spitzer, Kroenke, Williams), Indonesian translations -----------------

FREQUENCY = (
    Choice(0, Text("Tidak sama sekali", "Not at all")),
    Choice(1, Text("Beberapa hari", "Several days")),
    Choice(2, Text("Lebih dari separuh waktu", "More than half the days")),
    Choice(3, Text("Hampir setiap hari", "Nearly every day")),
)
LAST_TWO_WEEKS = Text("dalam 2 minggu terakhir", "over the last 2 weeks")

PHQ9 = Instrument(
    code="phq9",
    name=Text("PHQ-9 (Kuesioner Kesehatan Pasien)", "PHQ-9 (Patient Health Questionnaire)"),
    period=LAST_TWO_WEEKS,
    items=_items(
        (
            "Kurang tertarik atau bergairah dalam melakukan apapun",
            "Little interest or pleasure in doing things",
        ),
        ("Merasa murung, muram, atau putus asa", "Feeling down, depressed, or hopeless"),
        (
            "Sulit tidur atau mudah terbangun, atau terlalu banyak tidur",
            "Trouble falling or staying asleep, or sleeping too much",
        ),
        ("Merasa lelah atau kurang bertenaga", "Feeling tired or having little energy"),
        ("Kurang nafsu makan atau terlalu banyak makan", "Poor appetite or overeating"),
        (
            "Kurang percaya diri — atau merasa bahwa Anda adalah orang yang gagal atau telah "
            "mengecewakan diri sendiri atau keluarga",
            "Feeling bad about yourself — or that you are a failure or have let yourself or "
            "your family down",
        ),
        (
            "Sulit berkonsentrasi pada sesuatu, misalnya membaca koran atau menonton televisi",
            "Trouble concentrating on things, such as reading the newspaper or watching television",
        ),
        (
            "Bergerak atau berbicara sangat lambat sehingga orang lain memperhatikannya. Atau "
            "sebaliknya — merasa resah atau gelisah sehingga Anda lebih sering bergerak dari "
            "biasanya",
            "Moving or speaking so slowly that other people could have noticed? Or the "
            "opposite — being so fidgety or restless that you have been moving around a lot "
            "more than usual",
        ),
        (
            "Merasa lebih baik mati atau ingin melukai diri sendiri dengan cara apapun",
            "Thoughts that you would be better off dead or of hurting yourself in some way",
        ),
    ),
    choices=FREQUENCY,
    bands=(
        Band(0, 4, "minimal", Text("Minimal", "Minimal"), "none"),
        Band(5, 9, "mild", Text("Ringan", "Mild"), "mild"),
        Band(10, 14, "moderate", Text("Sedang", "Moderate"), "moderate"),
        Band(
            15,
            19,
            "moderately_severe",
            Text("Cukup berat", "Moderately severe"),
            "moderately_severe",
        ),
        Band(20, 27, "severe", Text("Berat", "Severe"), "severe"),
    ),
    alerts=(
        AlertRule(
            code="suicide_risk",
            label=Text(
                "Risiko bunuh diri (butir 9 tidak dijawab 'Tidak sama sekali')",
                "Suicide risk (item 9 answered other than 'Not at all')",
            ),
            applies=lambda answers, score: answers[9] > 0,
            items=(9,),
        ),
    ),
)

GAD7 = Instrument(
    code="gad7",
    name=Text("GAD-7 (Gangguan Kecemasan Umum)", "GAD-7 (Generalized Anxiety Disorder)"),
    period=LAST_TWO_WEEKS,
    items=_items(
        ("Merasa gugup, cemas, atau tegang", "Feeling nervous, anxious, or on edge"),
        (
            "Tidak mampu menghentikan atau mengendalikan rasa khawatir",
            "Not being able to stop or control worrying",
        ),
        ("Terlalu mengkhawatirkan berbagai hal", "Worrying too much about different things"),
        ("Sulit untuk santai", "Trouble relaxing"),
        (
            "Sangat gelisah sehingga sulit untuk duduk diam",
            "Being so restless that it is hard to sit still",
        ),
        ("Menjadi mudah jengkel atau lekas marah", "Becoming easily annoyed or irritable"),
        (
            "Merasa takut seolah-olah sesuatu yang mengerikan mungkin terjadi",
            "Feeling afraid, as if something awful might happen",
        ),
    ),
    choices=FREQUENCY,
    bands=(
        Band(0, 4, "minimal", Text("Minimal", "Minimal"), "none"),
        Band(5, 9, "mild", Text("Ringan", "Mild"), "mild"),
        Band(10, 14, "moderate", Text("Sedang", "Moderate"), "moderate"),
        Band(15, 21, "severe", Text("Berat", "Severe"), "severe"),
    ),
)

INSTRUMENTS: dict[str, Instrument] = {
    instrument.code: instrument for instrument in (SRQ20, PHQ9, GAD7)
}

for _instrument in INSTRUMENTS.values():
    check_instrument(_instrument)
