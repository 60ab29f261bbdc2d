"""Checking an import file's rows: every row through the registration form's rules.

check_file reads the file (participants.spreadsheets), asks the database once for
all rows (ImportContext: duplicate NIKs, the matcher's candidates, known regions), then runs
each row through ImportParticipantForm and ImportEpisodeForm, which read those
answers instead of querying. It returns the rows ready to write and the issues
found; nothing is written here.
"""

import functools
import html
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.html import conditional_escape, format_html, format_html_join, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from regions.forms import CHAIN
from regions.models import Region

from . import matching
from . import nik as nik_rules
from .countries import country_choices, country_name
from .forms import MigrationEpisodeForm, ParticipantForm, duplicate_nik_message
from .import_fields import (
    CodeChoiceField,
    ConstraintsCheckedInBulkMixin,
    PreloadedChoiceField,
    PreloadedMultipleChoiceField,
    with_light_choice_fields,
)
from .models import MigrationEpisode, Participant, Problem
from .spreadsheets import (
    COLUMNS,
    DATE_COLUMNS,
    ImportFileError,
    RowReader,
    Sheet,
    check_header,
    column_header,
    new_issue,
    problem_rows_of,
    too_many_rows,
)

# Regions in the chain are derived from the village code: their errors belong to it.
REGION_FIELDS = {name for name, _level, _label in CHAIN}
PROGRESS_EVERY = 250
# The code of a row's issue that names registered people it may be.
POSSIBLE_DUPLICATE = "possible_duplicate"
# How much of a cell, and of a person's name, a message quotes.
QUOTED_LENGTH = 60
# Where a country is expected, the names a message gives as examples.
EXAMPLE_COUNTRIES = ("MY", "TW", "SA")


def person_key(name, birth_date):
    """Name and birth date as compared for people without a NIK: case and spaces ignored."""
    return " ".join((name or "").split()).lower(), birth_date


@dataclass
class ImportContext:
    """What the import forms need from the database, loaded once for all rows."""

    regions: dict = field(default_factory=dict)
    problems: dict = field(default_factory=dict)
    country_codes: frozenset = frozenset()
    existing_by_nik: dict = field(default_factory=dict)
    rows_by_nik: dict = field(default_factory=dict)
    candidates: dict = field(default_factory=dict)
    first_row_of_person: dict = field(default_factory=dict)

    @classmethod
    def load(cls, records, *, user, problems, checked=None):
        context = cls(
            problems={str(problem.pk): problem for problem in problems},
            country_codes=frozenset(code for code, _name in country_choices() if code),
        )
        codes, niks = set(), set()
        for number, data, _notes, birth_date in records:
            parts = data.get("village", "").split(".")
            codes.update(".".join(parts[: depth + 1]) for depth in range(min(len(parts), 4)))
            nik = nik_rules.normalise(data.get("nik", ""))
            if re.fullmatch(r"[0-9]{16}", nik):
                niks.add(nik)
                codes.add(f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}")
                context.rows_by_nik.setdefault(nik, []).append(number)
            name = (data.get("full_name") or "").strip()
            if name and birth_date:
                context.first_row_of_person.setdefault(person_key(name, birth_date), number)
        context.regions = {
            region.code: region
            for region in Region.objects.filter(code__in=codes).only("code", "level", "parent_id")
        }
        context._load_existing_niks(niks, user)
        context._load_candidates(records, user, checked)
        return context

    def region(self, code, *, level, parent):
        """The region a chain select would accept: of this level, under the parent."""
        region = self.regions.get(code)
        if region is None or region.level != level:
            return None
        if level != Region.Level.PROVINCE and region.parent_id != parent:
            return None
        return region

    def _load_existing_niks(self, niks, user):
        if not niks:
            return
        visible = set(
            Participant.objects.visible_to(user).filter(nik__in=niks).values_list("pk", flat=True)
        )
        for pk, nik, full_name, number in Participant.objects.filter(nik__in=niks).values_list(
            "pk", "nik", "full_name", "registration_number"
        ):
            self.existing_by_nik[nik] = (
                Participant(pk=pk, full_name=full_name, registration_number=number),
                pk in visible,
            )

    def _load_candidates(self, records, user, checked):
        """The matcher's candidates for every row at once: the registration form's look-up.

        `checked` is the check this one repeats before writing ({"at": when, "found":
        {row: [candidate as in the issue]}}): only records registered or changed since
        can be new candidates, so only those are compared again, and the candidates
        found then are taken as they were.
        """
        people = {
            number: matching.Person(
                full_name=data.get("full_name") or "",
                birth_date=birth_date,
                nik=nik_rules.normalise(data.get("nik", "")),
                kk_number=nik_rules.normalise(data.get("kk_number", "")),
                phone=data.get("phone", ""),
                passport_number=data.get("passport_number", ""),
                village_id=data.get("village", ""),
                sex=data.get("sex", ""),
            )
            for number, data, _notes, birth_date in records
            if (data.get("full_name") or "").strip()
        }
        among = matching.candidates_among(user)
        if checked is not None:
            among = among.filter(Q(created_at__gt=checked["at"]) | Q(updated_at__gt=checked["at"]))
        self.candidates = matching.match_many(people, among=among, limit=3)
        if checked is not None:
            self._add_candidates_found_before(checked["found"], user)
        records_by_id = Participant.objects.in_bulk(
            {c.participant_id for found in self.candidates.values() for c in found}
        )
        for found in self.candidates.values():
            for candidate in found:
                candidate.participant = records_by_id[candidate.participant_id]

    def _add_candidates_found_before(self, found_before, user):
        still_there = set(
            matching.candidates_among(user)
            .filter(pk__in={c["id"] for found in found_before.values() for c in found})
            .values_list("pk", flat=True)
        )
        for row, found in found_before.items():
            known = {c.participant_id for c in self.candidates.get(row, [])}
            self.candidates.setdefault(row, []).extend(
                matching.Candidate(participant_id=c["id"], score=c["score"], codes=c["reasons"])
                for c in found
                if c["id"] in still_there and c["id"] not in known
            )
            if not self.candidates[row]:
                del self.candidates[row]


@with_light_choice_fields
class ImportParticipantForm(ConstraintsCheckedInBulkMixin, ParticipantForm):
    """The registration form's rules for one row, with its look-ups answered by the context."""

    # Declared here so that no queryset is copied and filtered for every row.
    village = PreloadedChoiceField()
    problems = PreloadedMultipleChoiceField(required=False)

    def __init__(self, data, *, user, context, row):
        self.context = context
        self.row = row
        super().__init__(data, user=user)
        self.fields["problems"].objects = context.problems

    def setup_region_chain(self, village=None):
        # Province, regency and district come from the village code (RowReader), so
        # the chain always narrows; the parent rule is kept by ImportContext.region.
        parent = None
        self.region_selection = {}
        for name, level, label in CHAIN:
            self.fields[name] = PreloadedChoiceField(
                label=label,
                required=self.region_required,
                lookup=functools.partial(self.context.region, level=level, parent=parent),
            )
            self.region_selection[name] = parent = self.data.get(name) or None

    def clean(self):
        if not self.cleaned_data.get("nik") and "nik" not in self.errors:
            self._check_same_person_without_nik()
        return super().clean()

    def _check_duplicate_nik(self, number):
        others = [row for row in self.context.rows_by_nik.get(number, ()) if row != self.row]
        if others:
            self.add_error(
                "nik",
                ValidationError(
                    ngettext(
                        "This NIK is also on row %(rows)s of this file.",
                        "This NIK is also on rows %(rows)s of this file.",
                        len(others),
                    )
                    % {"rows": ", ".join(str(row) for row in others)},
                    code="duplicate_nik_in_file",
                ),
            )
        existing, visible = self.context.existing_by_nik.get(number, (None, False))
        if existing is None:
            return
        message = duplicate_nik_message(existing, visible=visible)
        self.add_error("nik", ValidationError(message, code="duplicate_nik"))

    def _check_same_person_without_nik(self):
        # Registered people alike are candidates, decided on the preview; two rows of one
        # file cannot be told apart without a NIK.
        key = person_key(self.cleaned_data.get("full_name"), self.cleaned_data.get("birth_date"))
        if not key[0] or not key[1]:
            return
        first = self.context.first_row_of_person.get(key)
        if first is not None and first < self.row:
            self.add_error(
                "full_name",
                ValidationError(
                    _(
                        "Without a NIK this row cannot be told apart from row %(row)s, "
                        "which has the same name and date of birth."
                    )
                    % {"row": first},
                    code="duplicate_person",
                ),
            )

    def _is_known_district(self, code):
        region = self.context.regions.get(code)
        return region is not None and region.level == Region.Level.DISTRICT

    def _candidates(self, person):
        return self.context.candidates.get(self.row, [])

    def _check_told_apart(self, cleaned):
        # A row's candidates are decided on the preview, before the import (imports.py).
        pass


@with_light_choice_fields
class ImportEpisodeForm(ConstraintsCheckedInBulkMixin, MigrationEpisodeForm):
    def __init__(self, data, *, context):
        super().__init__(data)
        self.fields["destination_country"] = CodeChoiceField(
            label=self.fields["destination_country"].label,
            codes=context.country_codes,
            widget=forms.TextInput,
        )


def _form_issues(number, form, row):
    found = []
    for name, errors in form.errors.as_data().items():
        column = "village" if name in REGION_FIELDS else ("" if name == "__all__" else name)
        if column and column not in COLUMNS and name in form.fields:
            row.labels[column] = str(form.fields[name].label or name)
        for error in errors:
            # Iterating a ValidationError gives its messages with their params filled
            # in: a private Django API pinned by tests/participants/test_import_django_apis.py.
            for message in error:
                found.append(new_issue(number, column, "error", message, error.code or ""))
    return found


def _warning_issues(number, form):
    return [new_issue(number, "nik", "warning", warning) for warning in form.warnings]


def _candidate_issues(number, form):
    """A row that may be someone registered already: decided on the preview (imports.py)."""
    if not form.candidates:
        return []
    links = format_html_join(
        "; ",
        '<a href="{}">{} ({})</a>: {}',
        (
            (
                candidate.participant.get_absolute_url(),
                candidate.participant.full_name,
                candidate.participant.registration_number,
                ", ".join(candidate.reasons),
            )
            for candidate in form.candidates
        ),
    )
    issue = new_issue(
        number,
        "full_name",
        "warning",
        format_html("{} {}", _("May be someone already registered:"), links),
        code=POSSIBLE_DUPLICATE,
    )
    issue["candidates"] = [candidate.participant_id for candidate in form.candidates]
    issue["found"] = [
        {"id": c.participant_id, "score": c.score, "reasons": c.reason_codes}
        for c in form.candidates
    ]
    issue["entry"] = f"{form.cleaned_data['full_name']}, {form.cleaned_data['birth_date']:%d-%m-%Y}"
    return [issue]


def _quote(text):
    text = " ".join(str(text).split())
    return text if len(text) <= QUOTED_LENGTH else text[: QUOTED_LENGTH - 1] + "\u2026"


@dataclass
class RowInWords:
    """A row as its messages name it: its number, its person and the cells as written."""

    number: int
    cells: list
    reader: RowReader
    labels: dict = field(default_factory=dict)

    @functools.cached_property
    def written(self):
        return self.reader.written(self.cells)

    @property
    def person(self):
        """The name as written in the file, or the NIK when there is no name."""
        return _quote(self.written.get("full_name") or self.written.get("nik") or "")

    def where(self):
        if self.person:
            return _("Row %(row)s (%(person)s)") % {"row": self.number, "person": self.person}
        return _("Row %(row)s") % {"row": self.number}

    def label(self, column):
        if column in COLUMNS:
            return column_header(column)
        return self.labels.get(column, column)

    def describe(self, issue):
        """The issue's message as a sentence naming the row, its person, the column in the
        user's language and the value; the reason, as the form gave it, comes last."""
        column, code = issue["column"], issue["code"]
        if code == POSSIBLE_DUPLICATE:
            column = ""
        # The reason is escaped already (new_issue); the cells are escaped here.
        params = {
            "where": conditional_escape(self.where()),
            "reason": mark_safe(issue["message"]),  # noqa: S308 (escaped by new_issue)
        }
        if not column:
            return mark_safe(_("%(where)s: %(reason)s") % params)  # noqa: S308 (both escaped)
        value = _quote(self.written.get(column, ""))
        params["column"] = conditional_escape(self.label(column))
        params["value"] = conditional_escape(value)
        if not value:
            if code == "required":
                template = _('%(where)s: column "%(column)s" is empty, and it must be filled in.')
            else:
                template = _('%(where)s: column "%(column)s" is empty: %(reason)s')
        elif code == "invalid" and column in DATE_COLUMNS:
            template = _(
                '%(where)s: column "%(column)s" holds "%(value)s", which is not a valid '
                "date. Write it as DD-MM-YYYY, e.g. 17-08-1990."
            )
        elif code == "invalid_choice" and column == "destination_country":
            params["examples"] = conditional_escape(
                ", ".join(country_name(code) for code in EXAMPLE_COUNTRIES)
            )
            template = _(
                '%(where)s: column "%(column)s" holds "%(value)s", which is not a country '
                "this system knows. Write the country's name, e.g. %(examples)s, or its "
                "ISO code."
            )
        elif code == "invalid_choice" and column == "village":
            template = _(
                '%(where)s: column "%(column)s" holds "%(value)s", which is not a village '
                "code this system knows. Write the Kemendagri code with dots, e.g. "
                "36.03.33.2001."
            )
        elif code == "invalid_choice" and column != "problems":
            template = _(
                '%(where)s: column "%(column)s" holds "%(value)s", which is not one of the '
                'allowed values. The sheet "Explanation" of the template lists them.'
            )
        else:
            template = _('%(where)s: column "%(column)s" holds "%(value)s": %(reason)s')
        return mark_safe(template % params)  # noqa: S308 (every value is escaped)


def issue_text(issue) -> str:
    """An issue's message as plain text, for a spreadsheet."""
    return html.unescape(strip_tags(issue["message"]))


@dataclass
class ValidRow:
    participant: Participant
    problem_ids: list
    episode: MigrationEpisode
    number: int = 0
    candidates: list = field(default_factory=list)


@dataclass
class CheckResult:
    total: int
    issues: list
    rows: list
    problem_rows: dict = field(default_factory=dict)

    @property
    def error_rows(self):
        return len({issue["row"] for issue in self.issues if issue["level"] == "error"})

    @property
    def warning_count(self):
        return sum(1 for issue in self.issues if issue["level"] == "warning")


def check_file(fileobj, *, user, progress=None, checked=None) -> CheckResult:
    """Every row through the registration form's rules; nothing is written.

    `checked`: the earlier check of the same file that this one repeats (see
    ImportContext._load_candidates)."""
    progress = progress or (lambda processed, total: None)
    with Sheet(fileobj) as sheet:
        unknown = check_header(sheet.header)
        problems = list(Problem.objects.filter(is_active=True))
        reader = RowReader(sheet.header, problems)
        records = []
        cells_of = {}  # the cells as read, for the rows that turn out to have errors
        for number, cells in sheet.rows():
            if len(records) == settings.IMPORT_MAX_ROWS:
                raise too_many_rows()
            records.append((number, *reader.form_data(number, cells)))
            cells_of[number] = cells
    if not records:
        raise ImportFileError(_("The file has no rows below the header."))
    issues = [
        new_issue(
            1,
            name,
            "warning",
            _('Column "%(column)s" is not in the template and is ignored.') % {"column": name},
        )
        | {"label": name}
        for name in unknown
    ]
    problems_of = defaultdict(list)  # row -> its errors in words
    progress(0, len(records))
    context = ImportContext.load(records, user=user, problems=problems, checked=checked)
    rows = []
    for done, (number, data, notes, _birth_date) in enumerate(records, start=1):
        participant_form = ImportParticipantForm(data, user=user, context=context, row=number)
        episode_form = ImportEpisodeForm(data, context=context)
        row = RowInWords(number, cells_of[number], reader)
        row_issues = list(notes)
        if participant_form.is_valid() & episode_form.is_valid():
            rows.append(
                ValidRow(
                    participant=participant_form.instance,
                    problem_ids=[p.pk for p in participant_form.cleaned_data["problems"]],
                    episode=episode_form.instance,
                    number=number,
                    candidates=participant_form.candidates,
                )
            )
            row_issues += _candidate_issues(number, participant_form)
        row_issues += _form_issues(number, participant_form, row)
        row_issues += _form_issues(number, episode_form, row)
        row_issues += _warning_issues(number, participant_form)
        seen = set()
        for issue in row_issues:
            key = (issue["column"], issue["message"])
            if key not in seen:
                seen.add(key)
                issue["message"] = str(row.describe(issue))
                issue["label"] = row.label(issue["column"]) if issue["column"] else ""
                issues.append(issue)
                if issue["level"] == "error":
                    problems_of[number].append(issue_text(issue))
        if done % PROGRESS_EVERY == 0:
            progress(done, len(records))
    progress(len(records), len(records))
    return CheckResult(
        total=len(records),
        issues=issues,
        rows=rows,
        problem_rows=problem_rows_of(sheet, cells_of, problems_of),
    )


def group_issues(issues):
    """Issues by row, errors first, for the preview."""
    by_row = defaultdict(list)
    for issue in issues:
        by_row[issue["row"]].append(issue)
    return [
        (row, sorted(found, key=lambda issue: issue["level"] != "error"))
        for row, found in sorted(by_row.items())
    ]
