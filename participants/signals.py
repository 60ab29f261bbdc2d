"""Hooks that higher apps connect to, so that they act in the same transaction."""

from django.dispatch import Signal

# Sent by `services.transfer_participant` inside its transaction, after the record has
# moved, with `participant`, `transfer` (the ParticipantTransfer row) and `by`. A
# receiver that raises rolls the whole transfer back.
participant_transferred = Signal()
