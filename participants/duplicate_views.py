"""The possible-duplicates list, the side-by-side compare and merge, and undoing a merge."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access_log import reads_person_data
from accounts.redirects import safe_next
from accounts.workflow import IllegalMove

from . import access, merging
from .duplicate_forms import DifferentPeopleForm, MergeForm
from .matching import REASONS
from .models import Participant, ParticipantMerge, PossibleDuplicate

PAGE_SIZE = 25
RECENT_MERGES = 10
# What `{% person_details %}` and the compare table read beside each person.
PERSON = ("village__parent",)


def require_merger(user):
    """404 for who opens no participant pages, 403 for readers who may not merge."""
    access.require_reader(user)
    if not access.can_merge(user):
        raise PermissionDenied


def get_for_merger(user, queryset, pk):
    """The pair or merge if the user sees it (404 otherwise), then 403 for non-mergers.

    Looked up first, so that another office's pair is a 404 for everyone, as any other
    record out of reach is.
    """
    access.require_reader(user)
    found = get_object_or_404(queryset, pk=pk)
    if not access.can_merge(user):
        raise PermissionDenied
    return found


def _with_people(merges):
    return merges.select_related(
        *(f"survivor__{path}" for path in PERSON),
        *(f"merged__{path}" for path in PERSON),
        "by",
        "undone_by",
    )


def _pairs_of(user):
    # The pairs among the records the user reads: those of a merger's office are then
    # theirs to decide, a reader's are a 403 (`get_for_merger`), another office's a 404.
    people = Participant.objects.visible_to(user)
    return PossibleDuplicate.objects.filter(first__in=people, second__in=people)


def _merges_of(user):
    # A merge is the user's when its kept record is: the same rule as the records'.
    return _with_people(
        ParticipantMerge.objects.filter(survivor__in=Participant.objects.visible_to(user))
    )


@reads_person_data(detail="possible duplicates")
def duplicate_list(request):
    require_merger(request.user)
    pairs = (
        PossibleDuplicate.objects.visible_to(request.user)
        .undecided()
        # A pair with a merged or archived record cannot be merged: it waits until the
        # record is active again (an undo brings its pairs back).
        .filter(first__archived_at__isnull=True, second__archived_at__isnull=True)
        .select_related(*(f"first__{path}" for path in PERSON))
        .select_related(*(f"second__{path}" for path in PERSON))
        .order_by("-score", "pk")
    )
    page = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    merges = _merges_of(request.user).order_by("-at", "-pk")[:RECENT_MERGES]
    ctx = {
        "page": page,
        "rows": [
            (pair, [REASONS[code] for code in pair.reasons if code in REASONS]) for pair in page
        ],
        "merges": [(merge, merging.may_still_undo(merge)) for merge in merges],
    }
    return render(request, "participants/duplicates.html", ctx)


def _display(participant, name, *, can_read_narrative):
    """A field's value as the compare table shows it: numbers masked, choices named."""
    if name == "nik":
        return participant.nik_masked
    if name == "kk_number":
        return participant.kk_masked
    if name == "narrative" and not can_read_narrative:
        return _("(not shown to you)") if participant.narrative else ""
    if name == "village":
        return f"{participant.village.name}, {participant.village.parent.name}"
    if name == "civil_status_issues":
        return ", ".join(
            str(Participant.CivilStatusIssue(issue).label)
            for issue in participant.civil_status_issues
        )
    if name == "birth_date":
        return formats.date_format(participant.birth_date, "j F Y")
    field = Participant._meta.get_field(name)
    if field.choices:
        return getattr(participant, f"get_{name}_display")()
    value = getattr(participant, name)
    return "" if value is None else str(value)


def _compare_rows(form, *, can_read_narrative):
    rows = []
    for name in merging.MERGEABLE_FIELDS:
        differs = name in form.differing
        choices = form.value_field(name).subwidgets if differs else (None, None)
        rows.append(
            {
                "label": capfirst(Participant._meta.get_field(name).verbose_name),
                "left": _display(form.left, name, can_read_narrative=can_read_narrative),
                "right": _display(form.right, name, can_read_narrative=can_read_narrative),
                "differs": differs,
                "left_choice": choices[0],
                "right_choice": choices[1],
            }
        )
    return rows


def _pair_detail(request, pk):
    first, second = PossibleDuplicate.objects.values_list("first_id", "second_id").get(pk=pk)
    return f"compare participants {first} and {second}"


# Both records are read in full here: the row names the pair and both records.
@reads_person_data(PossibleDuplicate, detail=_pair_detail)
def duplicate_compare(request, pk):
    pair = get_for_merger(
        request.user,
        _pairs_of(request.user).select_related(
            *(f"first__{path}" for path in PERSON),
            *(f"second__{path}" for path in PERSON),
            "first__created_by",
            "second__created_by",
        ),
        pk,
    )
    if pair.decision != PossibleDuplicate.Decision.OPEN:
        messages.info(request, _("This pair is already decided."))
        return redirect("participants:duplicates")
    form = MergeForm(request.POST or None, first=pair.first, second=pair.second)
    if request.method == "POST" and form.is_valid():
        try:
            merge = merging.merge_participants(
                survivor=form.survivor,
                merged=form.merged,
                chosen=form.chosen,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except IllegalMove as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("%(merged)s is merged into %(survivor)s. It can be undone from this page.")
                % {
                    "merged": merge.merged.registration_number,
                    "survivor": merge.survivor.registration_number,
                },
            )
            return redirect(merge.survivor)
    can_read_narrative = access.can_read_narrative(request.user)
    counts = merging.attached_counts(form.left, form.right)
    ctx = {
        "pair": pair,
        "form": form,
        "columns": list(zip((form.left, form.right), form["keep"].subwidgets, strict=True)),
        "rows": _compare_rows(form, can_read_narrative=can_read_narrative),
        "counts": [(label, by_pk[form.left.pk], by_pk[form.right.pk]) for label, by_pk in counts],
        "reasons": [REASONS[code] for code in pair.reasons if code in REASONS],
        "different_form": DifferentPeopleForm(),
    }
    return render(request, "participants/duplicate_compare.html", ctx)


@require_POST
def duplicate_different(request, pk):
    pair = get_for_merger(request.user, _pairs_of(request.user), pk)
    form = DifferentPeopleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why these are two different people."))
        return redirect("participants:duplicate_compare", pair.pk)
    try:
        merging.mark_different(pair=pair, by=request.user, note=form.cleaned_data["note"])
    except IllegalMove as refusal:
        messages.error(request, str(refusal))
        return redirect("participants:duplicate_compare", pair.pk)
    messages.success(
        request, _("Kept as two different people. The pair will not be offered again.")
    )
    return redirect("participants:duplicates")


@require_POST
def merge_undo(request, pk):
    merge = get_for_merger(request.user, _merges_of(request.user), pk)
    try:
        merging.undo_merge(merge=merge, by=request.user)
    except IllegalMove as refusal:
        messages.error(request, str(refusal))
        return redirect(safe_next(request, merge.survivor))
    messages.success(
        request,
        _("The merge is undone: %(merged)s and %(survivor)s are two records again.")
        % {
            "merged": merge.merged.registration_number,
            "survivor": merge.survivor.registration_number,
        },
    )
    return redirect("participants:detail", merge.merged_id)


def merged_records_panel(request, participant):
    """The participant page's "merged records": the merges this record absorbed.

    Registered in the participant page's slot (apps.py), so the page spends one query
    on it; a record that absorbed nothing shows nothing."""
    merges = list(
        _with_people(ParticipantMerge.objects.filter(survivor=participant)).order_by("-at", "-pk")
    )
    if not merges:
        return None
    can_merge = access.can_merge(request.user)
    return {
        "participant": participant,
        "merges": [(merge, can_merge and merging.may_still_undo(merge)) for merge in merges],
    }
