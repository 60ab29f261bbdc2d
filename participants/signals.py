"""Hooks that higher apps connect to, so that they act in the same transaction."""

from django.dispatch import Signal

# Sent by `services.transfer_participant` inside its transaction, after the record has
# moved, with `participant`, `transfer` (the ParticipantTransfer row) and `by`. A
# receiver that raises rolls the whole transfer back.
participant_transferred = Signal()

# Sent by `merging.merge_participants` inside its transaction, with `survivor` (the record
# kept), `merged` (the tombstone), `merge` (the ParticipantMerge, saved after the
# receivers) and `by`. Every row that references the merged record has moved to the
# survivor by then, except the rows a unique rule kept behind (listed in
# `merge.moved["kept"]`). A receiver folds what its own rules kept behind and adds every
# id it moves to `merge.moved` under the model's label ({"app_label.model": [ids]}), and
# anything else it must know to undo its part under a key of its own ("cases:closed").
# A receiver that raises rolls the whole merge back.
participants_merged = Signal()

# Sent by `merging.undo_merge` inside its transaction, with `survivor`, `merged`, `merge`
# and `by`, once it has checked that nothing was written since the merge and before the
# rows that moved off the merged record move back. A receiver reverses exactly what it
# did on `participants_merged`, from what it recorded in `merge.moved`; one that raises
# (IllegalMove, to say why) rolls the whole undo back.
merge_undone = Signal()

# Sent by `services.record_consent` and `services.withdraw_consent` inside their
# transaction, with `participant`, `consent` (the row just saved) and `by`, once the
# person's decisions may have changed what may be shared with whom. A receiver that
# raises rolls the write back.
consent_changed = Signal()
