"""What the cases do when a lower app tells of a change (connected in apps.py)."""

from django.utils.translation import gettext as _

from accounts.workflow import IllegalMove
from participants import merging

from . import services
from .models import Case, CaseStatusChange

# Keys of `merge.moved` that this app writes besides the moved rows.
CLOSED_BY_MERGE = "cases:closed"
# A duplicate case's status changes stay with it: they are its own timeline.
NOT_FOLDED = frozenset({CaseStatusChange})


def close_cases_left_behind(*, participant, transfer, by, **kwargs):
    """A transferred participant's open cases in the old office's programs close, with the
    reason "transferred"; the new office enrols them in its own programs."""
    left_behind = Case.objects.open().filter(
        participant=participant, program__office_id=transfer.from_office_id
    )
    for case in left_behind:
        services.change_case_status(
            case=case,
            to=Case.Status.CLOSED,
            by=by,
            reason=_("Transferred to %(office)s: %(reason)s")
            % {"office": transfer.to_office, "reason": transfer.reason},
            close_reason=Case.CloseReason.TRANSFERRED,
            outcome_summary=_(
                "Closed on transfer to %(office)s, which follows the returnee from now on."
            )
            % {"office": transfer.to_office},
        )


def _duplicate_cases(survivor, merged):
    """(the merged record's case, the survivor's case) for each program both are in."""
    kept = {case.program_id: case for case in Case.objects.filter(participant=survivor)}
    duplicates = Case.objects.filter(participant=merged, program_id__in=kept).order_by("pk")
    return [(duplicate, kept[duplicate.program_id]) for duplicate in duplicates]


def fold_duplicate_cases(*, survivor, merged, merge, by, **kwargs):
    """A case the merged record has in a program where the survivor has one too stayed
    behind (one case per person and program). Its screenings, plans, notes, visits,
    alerts and referrals move to the survivor's case, except those a unique rule of
    their own keeps (a follow-up visit of a month the survivor's case has), and the
    duplicate case, empty or nearly, stays on the tombstone, closed if it was open."""
    for duplicate, kept in _duplicate_cases(survivor, merged):
        # Both rows locked, in pk order, so that nothing is added to either meanwhile.
        for case in sorted((duplicate, kept), key=lambda case: case.pk):
            Case.objects.select_for_update().get(pk=case.pk)
        moved, stayed = merging.move_references(
            model=Case, source=duplicate, target=kept, skip=NOT_FOLDED
        )
        for label, ids in moved.items():
            merge.moved.setdefault(label, []).extend(ids)
        for label, ids in stayed.items():
            merge.moved.setdefault(merging.KEPT, {}).setdefault(label, []).extend(ids)
        if duplicate.is_open:
            services.change_case_status(
                case=duplicate,
                to=Case.Status.CLOSED,
                by=by,
                reason=_(
                    "Merged: %(number)s is the same person as %(survivor)s, whose case in "
                    "this program (no. %(case)s) holds this case's records now."
                )
                % {
                    "number": merged.registration_number,
                    "survivor": survivor.registration_number,
                    "case": kept.pk,
                },
                close_reason=Case.CloseReason.OTHER,
                outcome_summary=_(
                    "Closed on merging the records: the outcome is recorded on case no. %(case)s."
                )
                % {"case": kept.pk},
            )
            merge.moved.setdefault(CLOSED_BY_MERGE, []).append(duplicate.pk)


def unfold_duplicate_cases(*, survivor, merged, merge, by, **kwargs):
    """Undo `fold_duplicate_cases`: the rows go back to the duplicate case they came
    from, and a duplicate case the merge closed opens again where it was."""
    pairs = _duplicate_cases(survivor, merged)
    for duplicate, kept in pairs:
        for case in sorted((duplicate, kept), key=lambda case: case.pk):
            Case.objects.select_for_update().get(pk=case.pk)
    for model, key in merging.references(Case, NOT_FOLDED):
        ids = merge.moved.get(model._meta.label_lower, [])
        if not ids:
            continue
        back = 0
        for duplicate, kept in pairs:
            rows = model._base_manager.filter(pk__in=ids, **{key.attname: kept.pk})
            back += rows.update(**{key.attname: duplicate.pk})
        if back != len(ids):
            raise IllegalMove(
                _("This merge cannot be undone: some moved %(what)s are gone.")
                % {"what": model._meta.verbose_name_plural}
            )
    for duplicate in Case.objects.filter(pk__in=merge.moved.get(CLOSED_BY_MERGE, [])):
        services.reopen_case(case=duplicate, by=by, reason=_("The merge of the records is undone."))
