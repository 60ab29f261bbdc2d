"""The audit pages (/audit/): the office's access log, its CSV, and the change history
of a participant, a case or a referral in words.

Only those who read the audit (`access.can_read_audit`) find these pages; for anyone
else they do not exist (404). Office staff read the entries written by the people of
their office, the administrator every entry. Filtered by a participant of their
reach, the log shows everything done to that record, whoever did it (an agency
officer who opened a referral, the administrator). Objects are named by their
registration or row number, never by a person's name.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass

import django_filters
from django.apps import apps
from django.db.models import CharField, Q, Value
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import sees_every_office
from accounts.access_log import reads_person_data
from accounts.models import AccessLog, User
from cases import access as case_access
from cases.instruments import INSTRUMENTS
from cases.models import Case, OutcomeOccasion, Program
from participants import access as participant_access
from participants.forms import DateInput
from participants.models import Document, Participant
from referrals import access as referral_access
from referrals.models import Referral

from . import access, audit_history, exports

PAGE_SIZE = 50
EXPORT_ROWS = 5_000
LATEST_SHOWN = 10

PARTICIPANT = Participant._meta.label_lower
DOCUMENT = Document._meta.label_lower
CASE = Case._meta.label_lower
REFERRAL = Referral._meta.label_lower
PROGRAM = Program._meta.label_lower


def require_audit_reader(user):
    if not access.can_read_audit(user):
        raise Http404


def people_in_reach(user):
    """The people whose entries the user reads: the office's; everyone for the administrator."""
    users = User.objects.order_by("full_name", "pk")
    return users if sees_every_office(user) else users.filter(office_id=user.office_id)


def participant_in_reach(user, text):
    """The participant a registration number (or row number) names, if within the user's
    reach (the office's for its staff and auditors); None otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    by_pk = text.isdigit() and len(text) < 19  # a row number, within a bigint
    lookup = {"pk": int(text)} if by_pk else {"registration_number__iexact": text}
    participants = Participant.objects.countable_by(user).only("pk", "registration_number")
    return participants.filter(**lookup).first()


def objects_of(participant):
    """(object_type, object_id) of the record and of its documents, cases and referrals,
    as the log names them; in one query."""

    def ids(queryset, label):
        return queryset.annotate(kind=Value(label, output_field=CharField())).values_list(
            "kind", "pk"
        )

    parts = ids(Document.objects.filter(participant=participant), DOCUMENT).union(
        ids(Case.objects.filter(participant=participant), CASE),
        ids(Referral.objects.filter(case__participant=participant), REFERRAL),
        all=True,
    )
    return [(PARTICIPANT, str(participant.pk))] + [(label, str(pk)) for label, pk in parts]


class AccessLogFilter(django_filters.FilterSet):
    """The log's filters. Read the entries through `streams`, which adds the user's reach
    and the participant: `qs` holds the other filters only."""

    user = django_filters.ModelChoiceFilter(label=gettext_lazy("Who"), queryset=User.objects.none())
    username = django_filters.CharFilter(
        label=gettext_lazy("Username typed"),
        help_text=gettext_lazy("For failed logins, which have no user."),
    )
    action = django_filters.ChoiceFilter(
        label=gettext_lazy("Action"), choices=AccessLog.Action.choices
    )
    participant = django_filters.CharFilter(
        label=gettext_lazy("Participant"),
        method="filter_participant",
        help_text=gettext_lazy("Registration number, e.g. PMI-25-00012"),
    )
    date_from = django_filters.DateFilter(
        label=gettext_lazy("From date"), method="filter_from", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        label=gettext_lazy("To date"), method="filter_to", widget=DateInput
    )

    class Meta:
        model = AccessLog
        fields = []

    def __init__(self, data=None, *args, request, **kwargs):
        super().__init__(data, *args, request=request, **kwargs)
        self.filters["user"].queryset = people_in_reach(request.user)
        self.form.fields["user"].label_from_instance = lambda user: (
            f"{user} ({user.get_role_display()})"
        )
        self.participant_asked = bool(((data or {}).get("participant") or "").strip())
        self.participant = participant_in_reach(request.user, (data or {}).get("participant"))

    @property
    def streams(self):
        """The entries to show, as querysets that each follow one index in time order, for
        `newest` to merge: a page then reads a few rows of each, whatever the size of the
        log and however its statistics fall.

        - A participant of the user's reach: one per object of the record (the object
          index), by anyone, the agencies' officers and the administrator included.
        - Otherwise one per person of the user's office (the user index); one in all for
          the administrator, or when one person is chosen (from the office's people).
        """
        entries = self.qs
        if self.participant_asked:
            if self.participant is None:
                return []
            return [
                entries.filter(object_type=kind, object_id=pk)
                for kind, pk in objects_of(self.participant)
            ]
        chosen = getattr(self.form, "cleaned_data", {}).get("user")  # none when unbound
        if sees_every_office(self.request.user) or chosen:
            return [entries]
        people = people_in_reach(self.request.user).values_list("pk", flat=True)
        return [entries.filter(user_id=pk) for pk in people]

    def filter_participant(self, queryset, name, value):
        return queryset  # `streams` reads the record's objects one by one

    def filter_from(self, queryset, name, value):
        return queryset.filter(at__gte=_start_of(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(at__lt=_start_of(value + datetime.timedelta(days=1)))


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def newest(streams, limit, *, oldest_first=False):
    """The newest `limit` entries of all the streams, newest first (or oldest first):
    the first `limit` of each, merged in one query."""
    order = ("at", "pk") if oldest_first else ("-at", "-pk")
    parts = [stream.order_by(*order)[:limit] for stream in streams]
    if not parts:
        return []
    if len(parts) == 1:
        return list(parts[0])
    return list(parts[0].union(*parts[1:], all=True).order_by(*order)[:limit])


# Keyset pagination: a page starts after the (at, pk) of the last row of the page
# before, so page 1,000 costs what page 1 costs and nothing counts the whole log.
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def _cursor(entry) -> str:
    micros = (entry.at - EPOCH) // datetime.timedelta(microseconds=1)
    return f"{micros}_{entry.pk}"


def _parse_cursor(text):
    try:
        micros, pk = (int(part) for part in (text or "").split("_"))
        return EPOCH + datetime.timedelta(microseconds=micros), pk
    except (ValueError, OverflowError):
        return None


@dataclass
class LogPage:
    entries: list
    newer_query: str = ""  # the query string of the newer page, "" on the first page
    older_query: str = ""  # "" on the last page


def log_page(streams, params) -> LogPage:
    """PAGE_SIZE entries, newest first, after `older` or before `newer` (cursors)."""
    newer = _parse_cursor(params.get("newer"))
    older = _parse_cursor(params.get("older"))
    if newer:
        at, pk = newer
        after = Q(at__gt=at) | Q(pk__gt=pk)
        streams = [stream.filter(at__gte=at).filter(after) for stream in streams]
        rows = newest(streams, PAGE_SIZE + 1, oldest_first=True)
        has_newer, has_older = len(rows) > PAGE_SIZE, True
        rows = rows[:PAGE_SIZE][::-1]
    else:
        if older:
            at, pk = older
            before = Q(at__lt=at) | Q(pk__lt=pk)
            streams = [stream.filter(at__lte=at).filter(before) for stream in streams]
        rows = newest(streams, PAGE_SIZE + 1)
        has_newer, has_older = older is not None, len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
    page = LogPage(rows)
    if rows and has_newer:
        page.newer_query = _with(params, newer=_cursor(rows[0]))
    if rows and has_older:
        page.older_query = _with(params, older=_cursor(rows[-1]))
    return page


def _filters_only(params):
    query = params.copy()
    for key in ("newer", "older"):
        query.pop(key, None)
    return query


def _with(params, **cursor):
    query = _filters_only(params)
    query.update(cursor)
    return query.urlencode()


def _labels(model, name):
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


def log_rows(entries, *, user, participant=None):
    """Each entry as who, what, when and where. Their people come in one query and their
    objects, named by number, in one per kind of object; `participant`: the entries are
    all about this one."""
    names = _object_names(entries, participant)
    people = User.objects.in_bulk({entry.user_id for entry in entries} - {None})
    # Translated once, not once per row: the CSV has thousands.
    roles, actions, unknown = _labels(User, "role"), _labels(AccessLog, "action"), _("no user")
    # The query string of a list can hold a searched name: only for those who read names.
    full_paths = participant_access.can_open_participants(user)
    rows = []
    for entry in entries:
        thing, url = names.get((entry.object_type, entry.object_id), ("", ""))
        if entry.object_type and not thing:
            thing = f"{kind_in_words(entry.object_type)} #{entry.object_id}"
        person = people.get(entry.user_id)
        rows.append(
            {
                "entry": entry,
                "who": str(person) if person else entry.username,
                "role": roles.get(person.role, person.role) if person else unknown,
                "action": actions.get(entry.action, entry.action),
                "object": thing,
                "detail": detail_in_words(entry.detail),
                "url": url,
                "path": entry.path if full_paths else entry.path.partition("?")[0],
            }
        )
    return rows


def kind_in_words(object_type):
    """The kind of object a log entry names (`participants.participant`) as its name."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return capfirst(model._meta.verbose_name)


def _instrument(code):
    instrument = INSTRUMENTS.get(code)
    return str(instrument.name) if instrument else code


def _occasion(value):
    return str(OutcomeOccasion(value).label) if value in OutcomeOccasion.values else value


# The details the views write (in English, the same whatever the reader's language),
# as the reader's language says them: (pattern, words, how each group is named).
DETAILS = [
    (r"home page", gettext_lazy("home page"), {}),
    (r"work list", gettext_lazy("work list"), {}),
    (r"enrolled people", gettext_lazy("enrolled people"), {}),
    (r"referral form", gettext_lazy("referral form"), {}),
    (r"evidence", gettext_lazy("evidence of the outcome"), {}),
    (r"physical screening", gettext_lazy("physical screening"), {}),
    (
        r"screening (?P<instrument>\S+)",
        gettext_lazy("screening %(instrument)s"),
        {"instrument": _instrument},
    ),
    (
        r"outcome measure (?P<occasion>\S+)",
        gettext_lazy("outcome measure %(occasion)s"),
        {"occasion": _occasion},
    ),
    (r"plan item (?P<id>\d+)", gettext_lazy("plan item #%(id)s"), {}),
    (r"follow-up visit (?P<month>\d+)", gettext_lazy("follow-up visit at month %(month)s"), {}),
    (r"family member (?P<id>\d+)", gettext_lazy("family member #%(id)s"), {}),
    (r"period abroad (?P<id>\d+)", gettext_lazy("period abroad #%(id)s"), {}),
    (r"edit form", gettext_lazy("edit form"), {}),
    (r"transfers", gettext_lazy("transfers"), {}),
    (r"possible duplicates", gettext_lazy("possible duplicates"), {}),
    (
        r"compare participants (?P<first>\d+) and (?P<second>\d+)",
        gettext_lazy("comparison of participants #%(first)s and #%(second)s"),
        {},
    ),
    (r"data requests", gettext_lazy("data requests"), {}),
    (r"data request form", gettext_lazy("data request form"), {}),
    (r"change history", gettext_lazy("change history"), {}),
    (r"retention", gettext_lazy("retention periods"), {}),
    (r"anonymisation (?P<id>\d+)", gettext_lazy("anonymisation #%(id)s"), {}),
    (r"by district", gettext_lazy("participants by district"), {}),
    (r"by problem", gettext_lazy("participants by problem"), {}),
    (r"referrals by agency", gettext_lazy("referrals by agency"), {}),
    (r"participants \(rows\)", gettext_lazy("participants (one row each)"), {}),
    (r"access log(?: (?P<query>.*))?", gettext_lazy("access log %(query)s"), {}),
    (
        r"(?P<file>.+) \(with the appendix of participant names\)",
        gettext_lazy("%(file)s (with the appendix of participant names)"),
        {},
    ),
]
DETAILS = [(re.compile(pattern, re.DOTALL), words, named) for pattern, words, named in DETAILS]


def detail_in_words(detail):
    """An entry's detail in the reader's language; a detail of no known form as it is
    (a search, a file name, the reason typed for revealing a NIK)."""
    for pattern, words, named in DETAILS:
        found = pattern.fullmatch(detail)
        if found:
            values = {
                key: named[key](value) if key in named else value
                for key, value in found.groupdict(default="").items()
            }
            return (words % values).strip()
    return detail


def _object_names(entries, participant):
    """(object_type, object_id) -> (the object in words, its history page)."""
    wanted = defaultdict(set)
    for entry in entries:
        if entry.object_id.isdigit():
            wanted[entry.object_type].add(int(entry.object_id))
    names = {}
    if participant is not None:
        number, url = participant.registration_number, _url("audit:participant", participant.pk)
        rows = {
            PARTICIPANT: [(pk, number, url) for pk in wanted.pop(PARTICIPANT, ())],
            DOCUMENT: [(pk, number, url) for pk in wanted.pop(DOCUMENT, ())],
            CASE: [(pk, number, _url("audit:case", pk)) for pk in wanted.pop(CASE, ())],
            REFERRAL: [(pk, number, _url("audit:referral", pk)) for pk in wanted.pop(REFERRAL, ())],
        }
    else:
        rows = {}
    if wanted.get(PARTICIPANT):
        rows[PARTICIPANT] = [
            (pk, number, _url("audit:participant", pk))
            for pk, number in Participant.objects.filter(pk__in=wanted[PARTICIPANT]).values_list(
                "pk", "registration_number"
            )
        ]
    if wanted.get(DOCUMENT):
        rows[DOCUMENT] = [
            (pk, number, _url("audit:participant", owner))
            for pk, owner, number in Document.objects.filter(pk__in=wanted[DOCUMENT]).values_list(
                "pk", "participant_id", "participant__registration_number"
            )
        ]
    if wanted.get(CASE):
        rows[CASE] = [
            (pk, number, _url("audit:case", pk))
            for pk, number in Case.objects.filter(pk__in=wanted[CASE]).values_list(
                "pk", "participant__registration_number"
            )
        ]
    if wanted.get(REFERRAL):
        rows[REFERRAL] = [
            (pk, number, _url("audit:referral", pk))
            for pk, number in Referral.objects.filter(pk__in=wanted[REFERRAL]).values_list(
                "pk", "case__participant__registration_number"
            )
        ]
    if wanted.get(PROGRAM):
        for pk, name in Program.objects.filter(pk__in=wanted[PROGRAM]).values_list("pk", "name"):
            names[(PROGRAM, str(pk))] = (_("Program %(name)s") % {"name": name}, "")
    words = {
        PARTICIPANT: _("Participant %(number)s"),
        DOCUMENT: _("Document #%(id)s of participant %(number)s"),
        CASE: _("Case #%(id)s of participant %(number)s"),
        REFERRAL: _("Referral #%(id)s of participant %(number)s"),
    }
    for label, found in rows.items():
        for pk, number, url in found:
            names[(label, str(pk))] = (words[label] % {"id": pk, "number": number}, url)
    return names


def _url(name, pk):
    return reverse(name, args=[pk])


def latest_about(participant, *, user):
    """The last LATEST_SHOWN entries on the participant's record (the page's panel)."""
    entries = AccessLog.objects.all()
    streams = [
        entries.filter(object_type=kind, object_id=pk) for kind, pk in objects_of(participant)
    ]
    return log_rows(newest(streams, LATEST_SHOWN), user=user, participant=participant)


def audit_log(request):
    require_audit_reader(request.user)
    log_filter = AccessLogFilter(
        request.GET or None, queryset=AccessLog.objects.all(), request=request
    )
    page = log_page(log_filter.streams, request.GET)
    ctx = {
        "filter": log_filter,
        "page": page,
        "rows": log_rows(page.entries, user=request.user, participant=log_filter.participant),
        "export_query": _filters_only(request.GET).urlencode(),
        "export_rows": EXPORT_ROWS,
    }
    return render(request, "reports/audit/log.html", ctx)


def audit_export(request):
    """The filtered log as CSV, the newest EXPORT_ROWS entries; the export is logged too."""
    require_audit_reader(request.user)
    log_filter = AccessLogFilter(
        request.GET or None, queryset=AccessLog.objects.all(), request=request
    )
    rows = log_rows(
        newest(log_filter.streams, EXPORT_ROWS),
        user=request.user,
        participant=log_filter.participant,
    )
    header = [
        _("Time"),
        _("Who"),
        _("Username"),
        _("Role"),
        _("Action"),
        _("Object"),
        _("Detail"),
        _("Path"),
        _("IP address"),
    ]
    content = exports.to_csv(
        header,
        (
            [
                timezone.localtime(row["entry"].at).isoformat(timespec="seconds"),
                row["who"],
                row["entry"].username,
                row["role"],
                row["action"],
                row["object"],
                row["detail"],
                row["path"],
                row["entry"].ip_address or "",
            ]
            for row in rows
        ),
    )
    query = _filters_only(request.GET).urlencode()
    AccessLog.record(request, AccessLog.Action.EXPORT, detail=f"access log {query}".strip())
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="log-akses.csv"'
    return response


@reads_person_data(Participant, detail="change history")
def participant_history(request, pk):
    require_audit_reader(request.user)
    participant = get_object_or_404(
        Participant.objects.countable_by(request.user).only("pk", "registration_number"), pk=pk
    )
    rows = audit_history.history_of(
        participant, sees_content=participant_access.can_open_participants(request.user)
    )
    ctx = {
        "title": _("Participant %(number)s") % {"number": participant.registration_number},
        "rows": rows,
        "log_query": participant.registration_number,
    }
    return render(request, "reports/audit/history.html", ctx)


@reads_person_data(Case, detail="change history")
def case_history(request, pk):
    require_audit_reader(request.user)
    case = get_object_or_404(
        Case.objects.countable_by(request.user).select_related("participant", "program"), pk=pk
    )
    rows = audit_history.history_of(case, sees_content=case_access.can_open_cases(request.user))
    ctx = {
        "title": _("Case #%(id)s of participant %(number)s")
        % {"id": case.pk, "number": case.participant.registration_number},
        "subtitle": case.program.name,
        "up": (
            _url("audit:participant", case.participant_id),
            _("Participant %(number)s") % {"number": case.participant.registration_number},
        ),
        "rows": rows,
        "log_query": case.participant.registration_number,
    }
    return render(request, "reports/audit/history.html", ctx)


@reads_person_data(Referral, detail="change history")
def referral_history(request, pk):
    require_audit_reader(request.user)
    referrals = Referral.objects.countable_by(request.user).select_related(
        "case__participant", "service", "agency"
    )
    referral = get_object_or_404(referrals, pk=pk)
    rows = audit_history.history_of(
        referral, sees_content=referral_access.can_open_referrals(request.user)
    )
    ctx = {
        "title": _("Referral #%(id)s of participant %(number)s")
        % {"id": referral.pk, "number": referral.case.participant.registration_number},
        "subtitle": f"{referral.service} · {referral.agency}",
        "up": (_url("audit:case", referral.case_id), _("Case #%(id)s") % {"id": referral.case_id}),
        "rows": rows,
        "log_query": referral.case.participant.registration_number,
    }
    return render(request, "reports/audit/history.html", ctx)
