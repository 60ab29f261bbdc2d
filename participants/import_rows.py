"""Checking an import file's rows: every row through the registration form's rules.

check_file reads the file (participants.spreadsheets), asks the database once for
all rows (ImportContext: duplicate NIKs, similar names, known regions), then runs
each row through ImportParticipantForm and ImportEpisodeForm, which read those
answers instead of querying. It returns the rows ready to write and the issues
found; nothing is written here.
"""

import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from regions.forms import CHAIN
from regions.models import Region

from . import nik as nik_rules
from .countries import country_choices
from .forms import (
    SIMILAR_NAME_THRESHOLD,
    MigrationEpisodeForm,
    ParticipantForm,
    duplicate_nik_message,
)
from .import_fields import (
    CodeChoiceField,
    ConstraintsCheckedInBulkMixin,
    PreloadedChoiceField,
    PreloadedMultipleChoiceField,
    with_light_choice_fields,
)
from .models import MigrationEpisode, Participant, Problem
from .spreadsheets import ImportFileError, RowReader, Sheet, check_header, new_issue, too_many_rows

# Regions in the chain are derived from the village code: their errors belong to it.
REGION_FIELDS = {name for name, _level, _label in CHAIN}
PROGRESS_EVERY = 250


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
    similar: dict = field(default_factory=dict)
    existing_people: dict = field(default_factory=dict)
    first_row_of_person: dict = field(default_factory=dict)

    @classmethod
    def load(cls, records, *, user, problems):
        context = cls(
            problems={str(problem.pk): problem for problem in problems},
            country_codes=frozenset(code for code, _name in country_choices() if code),
        )
        codes, niks, people = set(), set(), set()
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
                people.add((name, birth_date))
                context.first_row_of_person.setdefault(person_key(name, birth_date), number)
        context.regions = {
            region.code: region
            for region in Region.objects.filter(code__in=codes).only("code", "level", "parent_id")
        }
        context._load_existing_niks(niks, user)
        context._load_similar(people, user)
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

    def _load_similar(self, people, user):
        """The registration form's two look-ups by name and birth date, for every row at once."""
        visible = Participant.objects.visible_to(user).values("pk")
        if not people or visible.query.is_empty():
            return
        # Compiled by Django from the visibility rule: no user text in it, only params.
        visible_sql, visible_params = visible.query.sql_with_params()
        names = [name for name, _birth_date in people]
        dates = [birth_date for _name, birth_date in people]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT ON (wanted.name, wanted.birth_date)"  # noqa: S608 (no user text: params)
                " wanted.name, wanted.birth_date, p.id, p.full_name, p.registration_number"
                " FROM unnest(%s::text[], %s::date[]) AS wanted(name, birth_date)"
                " JOIN participants_participant p ON p.birth_date = wanted.birth_date"
                " WHERE similarity(p.full_name, wanted.name) >= %s"
                f" AND p.id IN ({visible_sql})"
                " ORDER BY wanted.name, wanted.birth_date,"
                " similarity(p.full_name, wanted.name) DESC",
                [names, dates, SIMILAR_NAME_THRESHOLD, *visible_params],
            )
            for name, birth_date, pk, full_name, number in cursor.fetchall():
                self.similar[(name, birth_date)] = Participant(
                    pk=pk, full_name=full_name, registration_number=number
                )
            keys = {person_key(name, birth_date) for name, birth_date in people}
            cursor.execute(
                "SELECT DISTINCT ON (wanted.key, wanted.birth_date)"  # noqa: S608 (no user text: params)
                " wanted.key, wanted.birth_date, p.id, p.full_name, p.registration_number"
                " FROM unnest(%s::text[], %s::date[]) AS wanted(key, birth_date)"
                " JOIN participants_participant p ON p.birth_date = wanted.birth_date"
                " AND lower(regexp_replace(btrim(p.full_name), '\\s+', ' ', 'g')) = wanted.key"
                f" WHERE p.id IN ({visible_sql})"
                " ORDER BY wanted.key, wanted.birth_date, p.id",
                [[key for key, _d in keys], [d for _key, d in keys], *visible_params],
            )
            for key, birth_date, pk, full_name, number in cursor.fetchall():
                self.existing_people[(key, birth_date)] = Participant(
                    pk=pk, full_name=full_name, registration_number=number
                )


@with_light_choice_fields
class ImportParticipantForm(ConstraintsCheckedInBulkMixin, ParticipantForm):
    """The registration form's rules for one row, with its look-ups answered by the context."""

    # Declared here so that no queryset is copied and filtered for every row.
    village = PreloadedChoiceField()
    problems = PreloadedMultipleChoiceField(required=False)

    def __init__(self, data, *, user, context, row):
        self.context = context
        self.row = row
        self.found_similar = None
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
        key = person_key(self.cleaned_data.get("full_name"), self.cleaned_data.get("birth_date"))
        if not key[0] or not key[1]:
            return
        existing = self.context.existing_people.get(key)
        if existing is not None:
            self.add_error(
                "full_name",
                ValidationError(
                    format_html(
                        '{} <a href="{}">{} ({})</a>.',
                        _(
                            "Without a NIK this row cannot be told apart from a registered "
                            "participant with the same name and date of birth:"
                        ),
                        existing.get_absolute_url(),
                        existing.full_name,
                        existing.registration_number,
                    ),
                    code="duplicate_person",
                ),
            )
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

    def _similar_participant(self, name, birth_date):
        self.found_similar = self.context.similar.get((name, birth_date))
        return self.found_similar


@with_light_choice_fields
class ImportEpisodeForm(ConstraintsCheckedInBulkMixin, MigrationEpisodeForm):
    def __init__(self, data, *, context):
        super().__init__(data)
        self.fields["destination_country"] = CodeChoiceField(
            label=self.fields["destination_country"].label,
            codes=context.country_codes,
            widget=forms.TextInput,
        )


def _form_issues(number, form):
    found = []
    for name, errors in form.errors.as_data().items():
        column = "village" if name in REGION_FIELDS else ("" if name == "__all__" else name)
        for error in errors:
            # Iterating a ValidationError gives its messages with their params filled
            # in: a private Django API pinned by tests/participants/test_import_django_apis.py.
            for message in error:
                found.append(new_issue(number, column, "error", message, error.code or ""))
    return found


def _warning_issues(number, form):
    # The form lists the NIK's warnings first and the similar name, if any, last.
    warnings = list(form.warnings)
    columns = ["nik"] * len(warnings)
    if warnings and form.found_similar is not None:
        columns[-1] = "full_name"
    return [
        new_issue(number, column, "warning", warning)
        for column, warning in zip(columns, warnings, strict=True)
    ]


@dataclass
class ValidRow:
    participant: Participant
    problem_ids: list
    episode: MigrationEpisode


@dataclass
class CheckResult:
    total: int
    issues: list
    rows: list

    @property
    def error_rows(self):
        return len({issue["row"] for issue in self.issues if issue["level"] == "error"})

    @property
    def warning_count(self):
        return sum(1 for issue in self.issues if issue["level"] == "warning")


def check_file(fileobj, *, user, progress=None) -> CheckResult:
    """Every row through the registration form's rules; nothing is written."""
    progress = progress or (lambda processed, total: None)
    with Sheet(fileobj) as sheet:
        unknown = check_header(sheet.header)
        problems = list(Problem.objects.filter(is_active=True))
        reader = RowReader(sheet.header, problems)
        records = []
        for number, cells in sheet.rows():
            if len(records) == settings.IMPORT_MAX_ROWS:
                raise too_many_rows()
            records.append((number, *reader.form_data(number, cells)))
    if not records:
        raise ImportFileError(_("The file has no rows below the header."))
    issues = [
        new_issue(1, name, "warning", _("This column is not in the template and is ignored."))
        for name in unknown
    ]
    progress(0, len(records))
    context = ImportContext.load(records, user=user, problems=problems)
    rows = []
    for done, (number, data, notes, _birth_date) in enumerate(records, start=1):
        participant_form = ImportParticipantForm(data, user=user, context=context, row=number)
        episode_form = ImportEpisodeForm(data, context=context)
        row_issues = list(notes)
        if participant_form.is_valid() & episode_form.is_valid():
            rows.append(
                ValidRow(
                    participant=participant_form.instance,
                    problem_ids=[p.pk for p in participant_form.cleaned_data["problems"]],
                    episode=episode_form.instance,
                )
            )
        row_issues += _form_issues(number, participant_form)
        row_issues += _form_issues(number, episode_form)
        row_issues += _warning_issues(number, participant_form)
        seen = set()
        for issue in row_issues:
            key = (issue["column"], issue["message"])
            if key not in seen:
                seen.add(key)
                issues.append(issue)
        if done % PROGRESS_EVERY == 0:
            progress(done, len(records))
    progress(len(records), len(records))
    return CheckResult(total=len(records), issues=issues, rows=rows)


def group_issues(issues):
    """Issues by row, errors first, for the preview."""
    by_row = defaultdict(list)
    for issue in issues:
        by_row[issue["row"]].append(issue)
    return [
        (row, sorted(found, key=lambda issue: issue["level"] != "error"))
        for row, found in sorted(by_row.items())
    ]
