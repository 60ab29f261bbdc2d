"""Two records of one person made one, and undone while nothing was written since.

`merge_participants` keeps one record (the survivor) and folds the other into it: the
chosen field values go to the survivor, every row that references the merged record
moves to the survivor, and the merged record stays as a tombstone (`merged_into`,
archived, its numbers cleared) whose page leads to the survivor.

The move is generic (`move_references`): every foreign key to the record is found
from the model registry, so a model added later moves too. A row that would break a
unique rule beside the survivor's rows stays where it is (a problem both records have
listed, a case in a program the survivor is enrolled in), and so does every row tied
to it by a foreign key, so nothing is dropped and nothing points across. Higher apps
then fold what stayed behind, by their own rules, from `signals.participants_merged`
(the cases app gives a duplicate case's screenings, plans and referrals to the
survivor's case in that program). Every id that moved is kept in `merge.moved`.

`undo_merge` reverses exactly that, and only while nothing was written since about
either record (their history tables say so), since afterwards "back as it was" would
drop or misplace the new writes.
"""

import datetime
from collections import defaultdict

import pghistory.models
from django.apps import apps
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.workflow import IllegalMove

from .forms import ParticipantForm
from .models import Participant, ParticipantMerge, ParticipantTransfer, PossibleDuplicate
from .signals import merge_undone, participants_merged

# The person fields a merge chooses between: the registration form's, in its order
# (the problems experienced are rows of their own, and move).
MERGEABLE_FIELDS = tuple(name for name in ParticipantForm.Meta.fields if name != "problems")
SURVIVOR, MERGED = "survivor", "merged"

# The numbers a tombstone gives up, so that they cannot collide with the survivor's
# (the NIK is unique) nor make the matcher find the person twice.
TOMBSTONE_CLEARS = ("nik", "kk_number", "passport_number")

# Rows that reference a participant and stay with the tombstone: its transfers are its
# own history, the pairs and merges are the bookkeeping of this very work.
STAYS_WITH_TOMBSTONE = (ParticipantTransfer, PossibleDuplicate, ParticipantMerge)
# `merged_into` points at the survivor; the tombstone's own pointer never moves.
NOT_MOVED = frozenset({*STAYS_WITH_TOMBSTONE, Participant._meta.get_field("merged_into")})

# `moved` holds {"app_label.model": [ids]}; these keys are notes beside it.
KEPT = "kept"  # {"app_label.model": [ids]}: rows a unique rule kept where they were


# --- Following the foreign keys ---------------------------------------------------------


def references(model, skip=frozenset()):
    """(model, foreign key) for every foreign key to `model`, from the model registry.

    `get_fields(include_hidden=True)` also finds the keys declared with
    `related_name="+"`, which `_meta.related_objects` leaves out. History (pghistory
    event) tables are never among them: an event keeps the row it was written for.
    `skip` holds models or foreign keys to leave out.
    """
    found = []
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        if not (relation.one_to_many or relation.one_to_one):
            continue  # many-to-many: its rows are the through model's, found by their key
        other, field = relation.related_model, relation.field
        if issubclass(other, pghistory.models.Event) or other._meta.proxy:
            continue
        if not other._meta.managed or other in skip or field in skip:
            continue
        if field.remote_field.parent_link:
            continue  # a subclass's row is the same row: it is not "attached" to it
        found.append((other, field))
    return found


def _label(model):
    return model._meta.label_lower


def _unique_rules(model, key):
    """The unique rules that name `key`, as (other fields, condition); None for a rule
    this code cannot read (expressions, NULLs not distinct): it keeps every row."""
    rules = []
    if key.unique:  # a one-to-one: the target may hold one row at most
        rules.append(((), None))
    for fields in model._meta.unique_together:
        if key.name in fields:
            rules.append((tuple(f for f in fields if f != key.name), None))
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint):
            continue
        if constraint.expressions or constraint.nulls_distinct is False:
            rules.append(None)
        elif key.name in constraint.fields or key.attname in constraint.fields:
            others = tuple(f for f in constraint.fields if f not in (key.name, key.attname))
            rules.append((others, constraint.condition))
    return rules


def move_references(*, model, source, target, skip=frozenset()):
    """Point every row that references `source` at `target` (both rows of `model`).

    A row that would break a unique rule beside `target`'s rows stays on `source`, and
    so does every row tied to a staying row by a foreign key in either direction (an
    alert and its screening, a screening and its follow-up visit): rows that belong
    together stay together, nothing is dropped and nothing points across.
    Returns (moved, kept), each {"app_label.model": [ids]}.
    """
    keys = references(model, skip)
    rows = {}  # (model, key name) -> ids of the rows that reference source
    for other, key in keys:
        ids = other._base_manager.filter(**{key.attname: source.pk}).values_list("pk", flat=True)
        rows[other, key.name] = set(ids)
    staying = {group: set() for group in rows}
    for other, key in keys:
        group = (other, key.name)
        if rows[group]:
            staying[group] |= _conflicting(other, key, rows[group], target)
    _keep_ties_together(rows, staying)

    moved, kept = defaultdict(list), defaultdict(list)
    for other, key in keys:
        group = (other, key.name)
        moving = rows[group] - staying[group]
        if moving:
            other._base_manager.filter(pk__in=moving).update(**{key.attname: target.pk})
            moved[_label(other)] += sorted(moving)
        if staying[group]:
            kept[_label(other)] += sorted(staying[group])
    return dict(moved), dict(kept)


def _conflicting(model, key, ids, target):
    """The ids among `ids` that a unique rule forbids beside `target`'s rows."""
    conflicting = set()
    for rule in _unique_rules(model, key):
        if rule is None:
            return set(ids)
        others, condition = rule
        beside = model._base_manager.filter(**{key.attname: target.pk})
        beside = beside.filter(**{field: OuterRef(field) for field in others})
        candidates = model._base_manager.filter(pk__in=ids)
        if condition is not None:
            beside, candidates = beside.filter(condition), candidates.filter(condition)
        conflicting |= set(candidates.filter(Exists(beside)).values_list("pk", flat=True))
    return conflicting


def _keep_ties_together(rows, staying):
    """Grow `staying` with every row linked by a foreign key to a staying row."""
    by_model = defaultdict(set)  # model -> every id in the move, whatever its key
    for (other, _key), ids in rows.items():
        by_model[other] |= ids
    ties = []  # ((model, id), (model, id)) for each foreign key between moving rows
    for other in by_model:
        for field in other._meta.concrete_fields:
            linked = field.related_model if field.is_relation else None
            if linked not in by_model or not by_model[other]:
                continue
            pairs = other._base_manager.filter(
                pk__in=by_model[other], **{f"{field.attname}__in": by_model[linked]}
            ).values_list("pk", field.attname)
            ties += [((other, pk), (linked, linked_pk)) for pk, linked_pk in pairs]
    if not ties:
        return
    stays = {(other, pk) for (other, _key), ids in staying.items() for pk in ids}
    grown = True
    while grown:
        grown = False
        for a, b in ties:
            if (a in stays) != (b in stays):
                stays |= {a, b}
                grown = True
    for (other, key), ids in rows.items():
        staying[other, key] |= {pk for pk in ids if (other, pk) in stays}


# --- What changed since -----------------------------------------------------------------


def _event_models(model):
    """The history tables of `model`'s rows (none for an untracked model)."""
    # Read from the class itself: a subclass does not share its parent's history.
    return tuple(set(vars(model).get("pgh_event_models", {}).values()))


def _written(model, since, **lookup):
    """Whether the history of `model` has an event after `since` matching `lookup`
    (written on the event table, whose columns repeat the row's)."""
    for event_model in _event_models(model):
        names = {field.attname for field in event_model._meta.concrete_fields}
        if not {name.split("__")[0] for name in lookup} <= names:
            continue  # this history leaves out the key: nothing to ask it
        if event_model.objects.filter(pgh_created_at__gt=since, **lookup).exists():
            return True
    return False


def merge_time(merge):
    """When the merge's transaction wrote, as its history rows are stamped (the database
    clock at the transaction's start), to compare with the history of later writes."""
    [event_model] = [m for m in _event_models(ParticipantMerge) if hasattr(m, "pgh_obj")]
    stamp = (
        event_model.objects.filter(pgh_obj_id=merge.pk, pgh_label="insert")
        .values_list("pgh_created_at", flat=True)
        .first()
    )
    return stamp or merge.at


def moved_rows(merge):
    """(model, ids) for each model whose rows the merge moved (the notes left out)."""
    for key, ids in merge.moved.items():
        if key.count(".") == 1 and ":" not in key and isinstance(ids, list):
            yield apps.get_model(key), ids


def written_since(merge):
    """What was written since the merge about either record, by name; empty when nothing.

    The two records, every row that references them, every row that references those
    (a screening on one of their cases), every row the merge moved and every row that
    references a moved row: a history event after the merge on any of them counts.
    """
    since = merge_time(merge)
    people = [merge.survivor_id, merge.merged_id]
    found = []

    def note(model):
        name = capfirst(model._meta.verbose_name_plural)
        if name not in found:
            found.append(name)

    if merge.survivor.updated_at > merge.at or merge.merged.updated_at > merge.at:
        note(Participant)
    if _written(Participant, since, pgh_obj_id__in=people):
        note(Participant)
    for other, key in references(Participant, NOT_MOVED - {ParticipantTransfer}):
        if _written(other, since, **{f"{key.attname}__in": people}):
            note(other)
        theirs = other._base_manager.filter(**{f"{key.attname}__in": people}).values("pk")
        for further, further_key in references(other):
            if _written(further, since, **{f"{further_key.attname}__in": theirs}):
                note(further)
    for model, ids in moved_rows(merge):
        if _written(model, since, pgh_obj_id__in=ids):
            note(model)
        for further, further_key in references(model):
            if _written(further, since, **{f"{further_key.attname}__in": ids}):
                note(further)
    return found


def may_still_undo(merge) -> bool:
    """Whether the undo button is worth showing: not undone, and neither record edited
    since (read from the rows already loaded). `undo_merge` checks everything else."""
    return (
        not merge.is_undone
        and merge.survivor.updated_at <= merge.at
        and merge.merged.updated_at <= merge.at
    )


# --- What each record has ---------------------------------------------------------------


def attached_counts(*people):
    """[(what, {participant pk: count})] of the rows that hang off each person, through
    their own rows and one step further (the screenings of their cases), for the rows
    that have a history of their own; the kinds nobody has are left out."""
    paths = defaultdict(list)  # model -> lookups from its rows to a participant's pk
    for other, key in references(Participant, NOT_MOVED):
        paths[other].append(key.name)
        for further, further_key in references(other):
            if further is not other:
                paths[further].append(f"{further_key.name}__{key.name}")
    pks = [person.pk for person in people]
    rows = []
    for model, lookups in paths.items():
        if not _event_models(model):
            continue  # a log written beside a tracked row (a status change) adds nothing
        # One indexed query per path; a row reached twice (a referral through the case
        # and through the family member) counts once.
        found = defaultdict(set)
        for lookup in lookups:
            pairs = model._base_manager.filter(**{f"{lookup}__in": pks}).values_list("pk", lookup)
            for pk, person in pairs:
                found[person].add(pk)
        if found:
            label = capfirst(model._meta.verbose_name_plural)
            rows.append((label, {pk: len(found[pk]) for pk in pks}))
    return rows


# --- Snapshots --------------------------------------------------------------------------


def snapshot(participant):
    """The mergeable fields as JSON: dates as ISO strings, the village as its id."""
    values = {}
    for name in MERGEABLE_FIELDS:
        value = getattr(participant, Participant._meta.get_field(name).attname)
        values[name] = value.isoformat() if isinstance(value, datetime.date) else value
    return values


def _restore(participant, values):
    for name, value in values.items():
        field = Participant._meta.get_field(name)
        setattr(participant, field.attname, field.to_python(value))


def _lock(*pks):
    # Always in pk order: two merges or an undo over the same two records take turns
    # instead of each holding one row and waiting for the other.
    return {pk: Participant.objects.select_for_update().get(pk=pk) for pk in sorted(pks)}


# --- The services -----------------------------------------------------------------------


def _checked_choices(chosen):
    unknown = set(chosen) - set(MERGEABLE_FIELDS)
    if unknown or set(chosen.values()) - {SURVIVOR, MERGED}:
        raise IllegalMove(_("The values to keep are not understood. Compare the records again."))
    return {name: chosen[name] for name in MERGEABLE_FIELDS if name in chosen}


def _refuse_unmergeable(survivor, merged, seen):
    for participant in (survivor, merged):
        number = participant.registration_number
        if participant.is_merged:
            raise IllegalMove(
                _("%(number)s is already merged into another record.") % {"number": number}
            )
        if participant.is_archived:
            raise IllegalMove(
                _("%(number)s is archived. Make it active before merging it.") % {"number": number}
            )
        if participant.updated_at != seen[participant.pk]:
            raise IllegalMove(
                _("%(number)s was changed while you were comparing. Compare the records again.")
                % {"number": number}
            )
    if survivor.office_id != merged.office_id:
        raise IllegalMove(_("Only records of the same office can be merged."))


@transaction.atomic
def merge_participants(*, survivor, merged, chosen, reason, by) -> ParticipantMerge:
    """Fold `merged` into `survivor`, keeping the values `chosen` ({field: "survivor" |
    "merged"}, the survivor's value for a field not named), and return the merge.

    `survivor` and `merged` are the records as the caller read them: if either changed
    before the rows are locked, nothing is written, so that no edit made meanwhile is
    silently left behind. Raises IllegalMove, writing nothing, for the same record
    twice, a record already merged or archived, records of two offices, or a change.
    """
    if survivor.pk == merged.pk:
        raise IllegalMove(_("Choose two different records to merge."))
    chosen = _checked_choices(chosen)
    seen = {survivor.pk: survivor.updated_at, merged.pk: merged.updated_at}
    locked = _lock(survivor.pk, merged.pk)
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    _refuse_unmergeable(survivor, merged, seen)

    merge = ParticipantMerge(
        survivor=survivor,
        merged=merged,
        reason=reason.strip(),
        chosen=chosen,
        survivor_before=snapshot(survivor),
        merged_before=snapshot(merged),
        by=by,
    )
    moved, kept = move_references(model=Participant, source=merged, target=survivor, skip=NOT_MOVED)
    merge.moved = {**moved, KEPT: kept} if kept else moved

    values = {
        field.attname: getattr(
            merged if chosen.get(field.name) == MERGED else survivor, field.attname
        )
        for field in map(Participant._meta.get_field, MERGEABLE_FIELDS)
    }
    # The tombstone first: it gives up its NIK before the survivor may take it.
    for name in TOMBSTONE_CLEARS:
        setattr(merged, name, "")
    merged.merged_into = survivor
    merged.archived_at = timezone.now()
    merged.archived_by = by
    merged.archive_reason = _("Merged into %(number)s") % {"number": survivor.registration_number}
    merged.save(
        update_fields=[
            *TOMBSTONE_CLEARS,
            "merged_into",
            "archived_at",
            "archived_by",
            "archive_reason",
            "updated_at",
        ]
    )
    for attname, value in values.items():
        setattr(survivor, attname, value)
    survivor.save(update_fields=[*MERGEABLE_FIELDS, "updated_at"])

    PossibleDuplicate.objects.pair(survivor, merged).update(
        decision=PossibleDuplicate.Decision.MERGED, decided_by=by, decided_at=timezone.now()
    )
    participants_merged.send(
        sender=Participant, survivor=survivor, merged=merged, merge=merge, by=by
    )
    # Stamped last: every write of the merge (and `updated_at` of both records) is
    # then at or before `at`, and anything later is a write since the merge.
    merge.at = timezone.now()
    merge.save()
    return merge


@transaction.atomic
def undo_merge(*, merge, by) -> ParticipantMerge:
    """Put both records back as they were before `merge`, with every row where it was.

    Raises IllegalMove, writing nothing, once the merge is undone or when anything was
    written since about either record (the message names what).
    """
    merge = ParticipantMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.is_undone:
        raise IllegalMove(_("This merge is already undone."))
    locked = _lock(merge.survivor_id, merge.merged_id)
    survivor, merged = locked[merge.survivor_id], locked[merge.merged_id]
    merge.survivor, merge.merged = survivor, merged
    if merged.merged_into_id != survivor.pk:
        raise IllegalMove(_("This merge cannot be undone: the records no longer match it."))
    since = written_since(merge)
    if since:
        raise IllegalMove(
            _(
                "This merge can no longer be undone: since it was made, there were changes "
                "to %(what)s. Correct the records by hand instead."
            )
            % {"what": ", ".join(str(name) for name in since)}
        )

    # Higher apps first: they put back what they folded on top of the move below.
    merge_undone.send(sender=Participant, survivor=survivor, merged=merged, merge=merge, by=by)
    for other, key in references(Participant, NOT_MOVED):
        ids = merge.moved.get(_label(other), [])
        if not ids:
            continue
        back = other._base_manager.filter(pk__in=ids, **{key.attname: survivor.pk})
        if back.update(**{key.attname: merged.pk}) != len(ids):
            raise IllegalMove(
                _("This merge cannot be undone: some moved %(what)s are gone.")
                % {"what": other._meta.verbose_name_plural}
            )

    # The survivor first: it gives back the tombstone's NIK before the tombstone takes it.
    _restore(survivor, merge.survivor_before)
    survivor.save(update_fields=[*MERGEABLE_FIELDS, "updated_at"])
    _restore(merged, merge.merged_before)
    merged.merged_into = None
    merged.archived_at = None
    merged.archived_by = None
    merged.archive_reason = ""
    merged.save(
        update_fields=[
            *MERGEABLE_FIELDS,
            "merged_into",
            "archived_at",
            "archived_by",
            "archive_reason",
            "updated_at",
        ]
    )
    PossibleDuplicate.objects.pair(survivor, merged).filter(
        decision=PossibleDuplicate.Decision.MERGED
    ).update(decision=PossibleDuplicate.Decision.OPEN, decided_by=None, decided_at=None)
    merge.undone_at = timezone.now()
    merge.undone_by = by
    merge.save(update_fields=["undone_at", "undone_by"])
    return merge


@transaction.atomic
def mark_different(*, pair, by, note) -> PossibleDuplicate:
    """Record that the pair are two people: who, when and why; the pair stays decided."""
    note = (note or "").strip()
    if not note:
        raise IllegalMove(_("Say why these are two different people."))
    pair = PossibleDuplicate.objects.select_for_update().get(pk=pair.pk)
    if pair.decision != PossibleDuplicate.Decision.OPEN:
        raise IllegalMove(_("This pair is already decided."))
    pair.decision = PossibleDuplicate.Decision.DIFFERENT
    pair.decided_by = by
    pair.decided_at = timezone.now()
    pair.note = note
    pair.save(update_fields=["decision", "decided_by", "decided_at", "note"])
    return pair
