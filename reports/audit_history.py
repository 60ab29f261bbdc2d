"""The change history in words: django-pghistory's events as rows an auditor can read.

Every tracked model keeps a row per insert and update in its `<Model>Event` table,
with the user and URL of the request in its context. `history_of(obj)` reads the
events of `obj` and of every tracked row that points to it (a participant's family,
periods abroad, consents, documents and cases; a case's screenings, plans, notes and
referrals) in one query, and turns each into who, when, and what changed from what to
what.

What a value may show depends on who reads it:

- the narrative never shows (a history would keep every word ever removed from it);
- NIK and KK numbers show masked, as on the participant's page;
- whoever may not open the record itself (the auditor) reads coded values only:
  choices, yes/no, dates, and staff, offices, agencies, programs and reference lists.
  Free text, names, numbers and health details only show that they changed.
"""

import json
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from pghistory.models import Events

from accounts.models import Agency, Office, User
from cases.models import Program
from participants import nik as nik_rules
from participants.countries import country_name
from participants.models import Participant, Problem
from referrals.models import Service
from regions.models import Region

ROWS_SHOWN = 500
EMPTY = "-"
LONGEST_VALUE = 300

ADDED = frozenset({"insert", "added", "created"})
REMOVED = frozenset({"delete", "removed"})
# Bookkeeping that changes on every save and says nothing.
IGNORED = frozenset({"id", "updated_at", "version"})

# Never shown, whoever reads.
NEVER_SHOWN = frozenset({("participants.participant", "narrative")})
# Shown masked to those who may read them (a reveal of the whole number is logged).
MASKED = frozenset(
    {
        ("participants.participant", "nik"),
        ("participants.participant", "kk_number"),
        ("participants.householdmember", "nik"),
    }
)
# Personal or health details that look like codes or dates: only "changed" for those
# who may not open the record. Free text and numbers never show to them anyway.
SENSITIVE = {
    "participants.participant": {
        "narrative",
        "nik",
        "kk_number",
        "phone",
        "address",
        "full_name",
        "birth_date",
        "birth_place",
        "village",
    },
    "participants.householdmember": {"full_name", "nik", "birth_date", "needs"},
    "participants.consent": {"giver_name"},
    "cases.casenote": {"text"},
    "cases.screening": {
        "answers",
        "score",
        "band",
        "complaints",
        "findings",
        "decision",
        "glucose_sample",
        "glucose_fasting",
        "central_obesity",
    },
    "cases.alert": {"code", "action_taken"},
    "referrals.referral": {"reason", "outcome", "shared_chronology", "decline_reason"},
}
# What a new or removed row shows besides "added" or "removed".
SHOWN_WHOLE = {
    "participants.participantproblem": ["problem"],
    "participants.householdmember": ["relationship"],
    "participants.consent": ["decision", "purposes"],
    "participants.document": ["type"],
    "cases.case": ["program", "status"],
    "cases.screening": ["kind"],
    "cases.planitem": ["dimension"],
    "cases.followup": ["month"],
    "referrals.referral": ["agency", "service", "status"],
}
# Rows named by a foreign key in words, each in one query per page; any other
# related row is named by its number.
NAMED = {
    User: lambda user: str(user),
    Office: str,
    Agency: str,
    Region: lambda region: region.name,
    Program: lambda program: program.name,
    Service: str,
    Problem: str,
    Participant: lambda participant: participant.registration_number,
}


@dataclass
class Change:
    label: str
    before: str = ""
    after: str = ""
    hidden: bool = False  # only "changed": the values are not for this reader


@dataclass
class Row:
    at: object
    who: object  # a User, or None when no user was recorded (a script, a migration)
    role: str
    what: str
    verb: str
    url: str = ""
    changes: list = field(default_factory=list)


def history_of(obj, *, sees_content, limit=ROWS_SHOWN):
    """The newest `limit` changes of `obj` and of the tracked rows that refer to it.

    `sees_content`: the reader may open the record itself (values show); otherwise only
    coded values show. The query count is fixed: the events, their users, and one
    query per kind of named row.
    """
    events = list(
        Events.objects.references(obj).order_by("-pgh_created_at", "-pgh_model", "-pgh_id")[:limit]
    )
    pending = []  # (event, model, [(field, before, after)])
    wanted = {}  # related model -> ids to name
    for event in events:
        model = apps.get_model(event.pgh_obj_model)
        fields = _fields_of(event, model)
        if event.pgh_label not in ADDED | REMOVED and not fields:
            continue
        pending.append((event, model, fields))
        for model_field, before, after in fields:
            if model_field.is_relation and model_field.related_model in NAMED:
                ids = wanted.setdefault(model_field.related_model, set())
                ids.update(value for value in (before, after) if value is not None)
    names = {
        related: {pk: NAMED[related](row) for pk, row in related.objects.in_bulk(ids).items()}
        for related, ids in wanted.items()
    }
    users = User.objects.in_bulk({_user_id(event) for event, _model, _fields in pending} - {None})
    labels = Labels()
    rows = []
    for event, model, fields in pending:
        label = model._meta.label_lower
        whole = event.pgh_label in ADDED | REMOVED
        who = users.get(_user_id(event))
        rows.append(
            Row(
                at=event.pgh_created_at,
                who=who,
                role=labels.of(User._meta.get_field("role"), who.role) if who else "",
                what=_what(model, event),
                verb=_verb(event.pgh_label),
                url=_history_url(label, event.pgh_obj_id) if event.pgh_obj_id else "",
                changes=[
                    _change(label, model_field, before, after, names, labels, sees_content, whole)
                    for model_field, before, after in fields
                ],
            )
        )
    return rows


def _fields_of(event, model):
    """(field, before, after) for what the event changed, or what a new or removed row
    shows (as "after")."""
    if event.pgh_label in ADDED | REMOVED:
        data = event.pgh_data or {}
        names = SHOWN_WHOLE.get(model._meta.label_lower, [])
        shown = [model._meta.get_field(name) for name in names]
        return [(model_field, None, data.get(model_field.column)) for model_field in shown]
    by_column = {f.column: f for f in model._meta.concrete_fields}
    changed = []
    for column, (before, after) in sorted((event.pgh_diff or {}).items()):
        model_field = by_column.get(column)
        if model_field is None or model_field.name in IGNORED or model_field.primary_key:
            continue
        changed.append((model_field, before, after))
    return changed


def _user_id(event):
    user = (event.pgh_context or {}).get("user")
    try:
        return int(user)
    except (TypeError, ValueError):
        return None


def _verb(label):
    if label in ADDED:
        return _("added")
    if label in REMOVED:
        return _("removed")
    return _("changed")


def _what(model, event):
    """The row in words, never by a person's name."""
    if model is Participant:
        number = (event.pgh_data or {}).get("registration_number", event.pgh_obj_id)
        return _("Participant %(number)s") % {"number": number}
    return _("%(thing)s #%(number)s") % {
        "thing": capfirst(model._meta.verbose_name),
        "number": event.pgh_obj_id,
    }


def _history_url(label, pk):
    names = {
        "participants.participant": "audit:participant",
        "cases.case": "audit:case",
        "referrals.referral": "audit:referral",
    }
    return reverse(names[label], args=[pk]) if label in names else ""


def may_show(label, model_field, *, sees_content) -> bool:
    """Whether this reader may read the field's values in a history, or only that it changed."""
    if (label, model_field.name) in NEVER_SHOWN:
        return False
    if isinstance(model_field, (models.JSONField, models.FileField)):
        return False
    if sees_content:
        return True
    if model_field.name in SENSITIVE.get(label, ()):
        return False
    return _is_coded(model_field)


def _is_coded(model_field) -> bool:
    if isinstance(model_field, ArrayField):
        return bool(model_field.base_field.choices)
    if model_field.is_relation:
        return model_field.related_model in NAMED
    return bool(model_field.choices) or isinstance(
        model_field, (models.BooleanField, models.DateField)
    )


class Labels:
    """The labels of choices, translated once per history rather than once per value."""

    def __init__(self):
        self.by_field = {}

    def of(self, model_field, value):
        if model_field not in self.by_field:
            self.by_field[model_field] = {key: str(label) for key, label in model_field.flatchoices}
        return self.by_field[model_field].get(value, value)


def _change(label, model_field, before, after, names, labels, sees_content, whole):
    """The field's change; a new row's value has no "before" (empty, not a dash)."""
    change = Change(capfirst(model_field.verbose_name))
    if not may_show(label, model_field, sees_content=sees_content):
        change.hidden = True
        return change
    masked = (label, model_field.name) in MASKED
    if not whole:
        change.before = _in_words(model_field, before, names, labels, masked=masked)
    change.after = _in_words(model_field, after, names, labels, masked=masked)
    return change


def _in_words(model_field, value, names, labels, *, masked=False):
    """A value as the event's JSON holds it, as a person reads it."""
    if value is None or value == "" or value == []:
        return EMPTY
    if masked:
        return nik_rules.mask(str(value))
    if isinstance(model_field, ArrayField):
        return ", ".join(str(labels.of(model_field.base_field, item)) for item in value)
    if model_field.is_relation:
        named = names.get(model_field.related_model, {})
        return named.get(value) or f"#{value}"
    if model_field.choices:
        return str(labels.of(model_field, value))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(str(value))
        if moment is None:
            return str(value)
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "j M Y H:i")
    if isinstance(model_field, models.DateField):
        day = parse_date(str(value))
        return formats.date_format(day, "j M Y") if day else str(value)
    if model_field.name == "destination_country":
        return country_name(value) or str(value)
    if not isinstance(value, str):
        value = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
    return Truncator(value).chars(LONGEST_VALUE)
