"""Anonymising a participant for good: two people decide, one transaction does it.

A coordinator proposes it with a reason (`propose`); a different coordinator of the
office, or the administrator, confirms it (`confirm`); until then nothing changes, and
either may cancel it (`cancel`). On confirmation, in one transaction, every identity
field and every free text about the person is blanked wherever the person appears
(`PARTS`, the one list), in the live rows and, through the database function
`purna_blank_history`, in their history rows; stored files are deleted once the
transaction commits. What the program figures, the outcome report and the home page
count stays (`KEPT`, with the reason of each), so every figure is the same afterwards.
History rows are never deleted: who changed what and when stays.
"""

import datetime
import secrets
import string
from dataclasses import dataclass

import pghistory.models
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AccessLog
from cases.models import Case
from participants.models import Participant

from . import access, retention
from .models import Anonymisation

# The participant's name becomes this word and a random code, never derived from who
# they were; the code tells two anonymised records apart on a page.
LABEL = "Anonim"
CODE_ALPHABET = string.ascii_uppercase + string.digits
CODE_LENGTH = 6
# A blanked text that a database constraint may require to be non-empty.
REQUIRED_TEXT = "-"


@dataclass(frozen=True)
class Part:
    """Where the person appears: a model, its lookups to the participant, its blanked fields."""

    model: str
    to_participant: tuple
    fields: tuple


# Every row about the person and the fields blanked in it. The participant's own name
# and birth date are replaced rather than blanked (`_replace_identity`).
PARTS = (
    Part(
        "participants.Participant",
        ("pk",),
        (
            "full_name",
            "birth_date",
            "nik",
            "nik_missing_reason",
            "kk_number",
            "birth_place",
            "phone",
            "passport_number",
            "address",
            "narrative",
            "archive_reason",
        ),
    ),
    Part(
        "participants.MigrationEpisode",
        ("participant",),
        ("occupation", "employer", "p3mi_agency", "siskop2mi_id"),
    ),
    Part(
        "participants.HouseholdMember",
        ("participant",),
        ("full_name", "nik", "birth_date", "needs"),
    ),
    Part("participants.Consent", ("participant",), ("giver_name",)),
    Part("participants.Document", ("participant",), ("file", "original_name", "description")),
    Part("participants.ParticipantTransfer", ("participant",), ("reason",)),
    Part("participants.PossibleDuplicate", ("first", "second"), ("note",)),
    Part(
        "participants.ParticipantMerge",
        ("survivor", "merged"),
        ("reason", "chosen", "survivor_before", "merged_before"),
    ),
    Part("cases.Case", ("participant",), ("outcome_summary", "returnee_view")),
    Part("cases.CaseStatusChange", ("case__participant",), ("reason",)),
    Part("cases.Screening", ("case__participant",), ("decision", "complaints", "findings")),
    Part("cases.Alert", ("case__participant",), ("action_taken",)),
    Part("cases.PlanItem", ("case__participant",), ("intervention", "notes")),
    Part("cases.CaseNote", ("case__participant",), ("text",)),
    Part("cases.FollowUp", ("case__participant",), ("summary",)),
    Part(
        "referrals.Referral",
        ("case__participant",),
        (
            "reason",
            "shared_chronology",
            "shared_snapshot",
            "consent_override_reason",
            "decline_reason",
            "outcome",
            "outcome_evidence",
            "outcome_evidence_name",
            "feedback_note",
        ),
    ),
    Part("referrals.ReferralTransition", ("referral__case__participant",), ("note",)),
    # The office's proof that it answered a request, and when, stays; what was asked and
    # told, and by whom, may name the person or their family.
    Part(
        "rights.DataRequest",
        ("participant",),
        (
            "requester_name",
            "identity_checked",
            "details",
            "review_note",
            "refusal_explanation",
            "answer",
        ),
    ),
)

# The text fields of those rows that stay, and why: what the figures count, or codes
# and numbers that name nobody.
KEPT = {
    "participants.Participant": {
        "sex": "program report: participants by sex",
        "registration_number": "the record's own number from a sequence, not from identity",
        "marital_status": "a category",
        "education": "a category",
        "religion": "a category",
        "civil_status_issues": "categories",
        "jkn_segment": "a category",
        "jkn_status": "a category",
        "bpjs_tk_status": "a category",
        "name_key": "emptied with the name: an anonymised record matches nobody",
        "name_fragments": "emptied with the name: an anonymised record matches nobody",
        "phone_key": "emptied with the phone",
    },
    "participants.MigrationEpisode": {
        "destination_country": "program report: participants by destination country",
        "sector": "a category",
        "placement_scheme": "a category",
        "return_type": "program report: participants by return type",
    },
    "participants.HouseholdMember": {
        "relationship": "a category",
        "sex": "a category",
        "school_status": "a category",
    },
    "participants.Consent": {
        "decision": "a category",
        "given_by": "a category",
        "purposes": "categories",
        "method": "a category",
    },
    "participants.Document": {
        "type": "what kind of document was held",
        "content_type": "the file's format",
    },
    "participants.PossibleDuplicate": {
        "reasons": "codes of the matching rules",
        "decision": "a category",
    },
    "participants.ParticipantMerge": {"moved": "ids of the rows moved, no values"},
    "cases.Case": {
        "status": "home page: open cases by stage; program figures",
        "close_reason": "a category",
        "returnee_rating": "a category the outcome report counts",
    },
    "cases.CaseStatusChange": {"from_status": "a status", "to_status": "a status"},
    "cases.Screening": {
        "kind": "program report: screenings by kind",
        "answers": "the instrument's item scores, no text",
        "band": "program report: SRQ-20 positive at first and latest",
        "bmi_class_kemenkes": "a classification",
        "bmi_class_asia_pacific": "a classification",
        "blood_pressure_class": "program report: blood pressure classes",
        "glucose_sample": "a category",
        "glucose_class": "a classification",
        "icd10": "a classification code",
    },
    "cases.Alert": {"code": "program report: the alerts raised"},
    "cases.PlanItem": {"dimension": "a category", "status": "a status"},
    "cases.OutcomeMeasure": {
        "occasion": "outcome report: which measures are compared",
        "answers": "the measure's item answers, codes only",
    },
    "referrals.Referral": {
        "number": "the letter's own number from a sequence",
        "urgency": "a category",
        "status": "program, outcome and home page figures: referrals by status",
        "outcome_evidence_type": "the file's format",
        "feedback_satisfaction": "outcome report: satisfaction with the service",
    },
    "referrals.ReferralTransition": {"from_status": "a status", "to_status": "a status"},
    "rights.DataRequest": {
        "kind": "what kind of right was asked for: a category",
        "requested_by": "who asked: a category",
        "channel": "how it came in: a category",
        "status": "a status",
        "outcome": "granted, partly or refused: a category",
        "refusal_ground": "the ground of a refusal: a category",
    },
}

# Rows that hang off the person but are another part's to decide, with the reason.
LEFT_TO_THEIR_OWNER = {
    "reports.anonymisation": "this record of the anonymising itself (a reason, who, when)",
}


def part_rows(part, participant):
    model = apps.get_model(part.model)
    condition = Q()
    for lookup in part.to_participant:
        condition |= Q(**{lookup: participant.pk})
    return model._default_manager.filter(condition)


def blank_value(field):
    """What a blanked field holds in the live row."""
    if field.null:
        return None
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.FileField):
        return ""
    default = field.get_default()
    if isinstance(default, list):
        return []
    return REQUIRED_TEXT if _needs_text(field) else ""


def _needs_text(field):
    """Whether a check constraint of the model may refuse the field empty (a resolved
    alert needs its action, a transfer its reason): it then holds REQUIRED_TEXT."""
    return any(
        isinstance(constraint, models.CheckConstraint)
        and _refuses_empty(constraint.condition, field.name, constraint.condition.negated)
        for constraint in field.model._meta.constraints
    )


def _refuses_empty(condition, name, negated):
    for child in condition.children:
        if isinstance(child, Q):
            if _refuses_empty(child, name, negated ^ child.negated):
                return True
        elif negated and tuple(child) == (name, ""):
            return True
    return False


def history_columns(part):
    """{event table: [columns]}: the columns of the blanked fields in each history table
    of the part's model (only those that the history keeps)."""
    model = apps.get_model(part.model)
    columns = [model._meta.get_field(name).column for name in part.fields]
    tables = {}
    for event_model in apps.get_models():
        if (
            issubclass(event_model, pghistory.models.Event)
            and not event_model._meta.abstract
            and getattr(event_model, "pgh_tracked_model", None) is model
        ):
            kept = {field.column for field in event_model._meta.concrete_fields}
            present = [column for column in columns if column in kept]
            if present:
                tables[event_model._meta.db_table] = present
    return tables


def random_label():
    return f"{LABEL} {''.join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))}"


def coarse_birth_date(born, on_days):
    """The first day of the birth year on which a person born then is as old, on each of
    `on_days`, as one born on `born`: the year is kept, and so is every age the reports
    count (the age at each program's first day)."""
    day = datetime.date(born.year, 1, 1)
    wanted = [_age(born, on) for on in on_days]
    while day < born:
        if [_age(day, on) for on in on_days] == wanted:
            return day
        day += datetime.timedelta(days=1)
    return born


def _age(born, on):
    return Participant(birth_date=born).age(on=on)


# --- The two-person decision -------------------------------------------------------------


@transaction.atomic
def propose(*, participant, reason, by) -> Anonymisation:
    """One coordinator's proposal; changes nothing else. Raises ValidationError, writing
    nothing, without a reason, for an anonymised record, for one with open work, or
    while another proposal waits."""
    if not access.can_anonymise(by):
        raise ValidationError(_("You may not anonymise records."))
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for anonymising this record."))
    if participant.anonymised_at is not None:
        raise ValidationError(_("This record is anonymised already."))
    if retention.has_open_work(participant):
        raise ValidationError(
            _("This person still has an open case or referral: close them first.")
        )
    if Anonymisation.objects.pending().filter(participant=participant).exists():
        raise ValidationError(_("Anonymising this record is proposed already."))
    return Anonymisation.objects.create(participant=participant, reason=reason, proposed_by=by)


def _lock_pending(anonymisation):
    anonymisation = (
        Anonymisation.objects.select_for_update()
        .select_related("participant")
        .get(pk=anonymisation.pk)
    )
    if not anonymisation.is_pending:
        raise ValidationError(_("This proposal was confirmed or cancelled already."))
    return anonymisation


@transaction.atomic
def cancel(*, anonymisation, by) -> Anonymisation:
    """Whoever proposed it, or another coordinator of the office, drops the proposal."""
    if not access.can_anonymise(by):
        raise ValidationError(_("You may not anonymise records."))
    anonymisation = _lock_pending(anonymisation)
    anonymisation.cancelled_by = by
    anonymisation.cancelled_at = timezone.now()
    anonymisation.save(update_fields=["cancelled_by", "cancelled_at"])
    return anonymisation


@transaction.atomic
def confirm(*, anonymisation, by, request) -> Anonymisation:
    """A second person confirms: the record is anonymised, all of it or nothing.

    Raises ValidationError, writing nothing, when `by` proposed it, when it is no
    longer waiting, or when the person has open work again.
    """
    if not access.can_anonymise(by):
        raise ValidationError(_("You may not anonymise records."))
    anonymisation = _lock_pending(anonymisation)
    if anonymisation.proposed_by_id == by.pk:
        raise ValidationError(
            _("A different coordinator must confirm: you proposed anonymising this record.")
        )
    participant = Participant.objects.select_for_update().get(pk=anonymisation.participant_id)
    if participant.anonymised_at is not None:
        raise ValidationError(_("This record is anonymised already."))
    if retention.has_open_work(participant):
        raise ValidationError(
            _("This person still has an open case or referral: close them first.")
        )
    now = timezone.now()
    anonymise(participant, by=by, at=now)
    anonymisation.confirmed_by = by
    anonymisation.confirmed_at = now
    anonymisation.save(update_fields=["confirmed_by", "confirmed_at"])
    AccessLog.record(
        request,
        AccessLog.Action.ANONYMISE,
        obj=participant,
        detail=f"anonymisation {anonymisation.pk}",
    )
    return anonymisation


# --- The anonymising itself --------------------------------------------------------------


def anonymise(participant, *, by, at):
    """Blank every part of the person (`PARTS`) in the live rows and their history rows.

    Called inside `confirm`'s transaction; the stored files go once it commits.
    """
    for part in PARTS:
        rows = part_rows(part, participant)
        ids = list(rows.values_list("pk", flat=True))
        if not ids:
            continue
        if part.model == "participants.Participant":
            _replace_identity(participant, part, by=by, at=at)
        else:
            _blank_rows(part, rows)
        for table, columns in history_columns(part).items():
            blank_history(table, ids, columns)


def _replace_identity(participant, part, *, by, at):
    model = apps.get_model(part.model)
    for name in part.fields:
        setattr(participant, name, blank_value(model._meta.get_field(name)))
    program_days = Case.objects.filter(participant=participant).values_list(
        "program__start_date", flat=True
    )
    born = Participant.objects.values_list("birth_date", flat=True).get(pk=participant.pk)
    participant.birth_date = coarse_birth_date(born, sorted(program_days))
    participant.full_name = random_label()
    participant.anonymised_at = at
    participant.anonymised_by = by
    participant.save()
    # An anonymised record matches nobody: its match keys are emptied, not derived.
    Participant.objects.filter(pk=participant.pk).update(
        name_key="", name_fragments=[], phone_key=""
    )


def _blank_rows(part, rows):
    model = rows.model
    fields = [model._meta.get_field(name) for name in part.fields]
    for field in fields:
        if isinstance(field, models.FileField):
            stored = [name for name in rows.values_list(field.name, flat=True) if name]
            transaction.on_commit(_deleter(field.storage, stored))
    rows.update(**{field.name: blank_value(field) for field in fields})


def _deleter(storage, names):
    # Files leave no trace in a rollback: they are deleted only once the blanking commits.
    def delete():
        for name in names:
            storage.delete(name)

    return delete


def blank_history(table, object_ids, columns):
    """Blank `columns` of the history rows of these objects, through the owner's function
    (the app role may not UPDATE a history table itself)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT purna_blank_history(%s::regclass, %s::bigint[], %s::text[])",
            [table, list(object_ids), list(columns)],
        )
        return cursor.fetchone()[0]
