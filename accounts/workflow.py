"""The one shape of every status machine (cases, referrals, import and report jobs).

A model lists its moves in `TRANSITIONS`: `(from, to) -> Move(by=..., needs=...)`,
where `by` is the set of roles that may make the move (empty: only the system, such
as the background worker) and `needs` names what must be written with it. The
model's `WorkflowMixin` answers which moves a user may make and refuses the others
with `IllegalMove`; the service that makes the move takes the row lock, writes the
history row in the same transaction and sends the notifications.
"""

from typing import NamedTuple

import pghistory
from django.utils.translation import gettext_lazy as _

from . import access

SYSTEM = frozenset()


class Move(NamedTuple):
    by: frozenset = SYSTEM
    needs: str = ""


class IllegalMove(Exception):
    """A status change that the workflow does not allow now; nothing was written."""


class WorkflowMixin:
    """Status-machine answers for a model with `status` and a `TRANSITIONS` map."""

    TRANSITIONS: dict = {}
    # Said when a move is refused; it may name %(current)s and %(target)s.
    ILLEGAL_MOVE = _("This cannot be moved from %(current)s to %(target)s.")

    def move_to(self, to):
        """The Move from the current status to `to`, or None if there is none."""
        return self.TRANSITIONS.get((self.status, to))

    def may_move(self, to, user=None) -> bool:
        """May `user` (None: the system) make this move now?"""
        move = self.move_to(to)
        if move is None:
            return False
        return user is None or access.has_role(user, move.by)

    def allowed_moves(self, user=None) -> list:
        """The statuses `user` may move this to now, in the order the choices list them."""
        order = [value for value, _label in self._meta.get_field("status").choices]
        targets = {to for (frm, to) in self.TRANSITIONS if frm == self.status}
        return sorted((to for to in targets if self.may_move(to, user)), key=order.index)

    def check_move(self, to, user=None) -> Move:
        """The Move, or IllegalMove saying why it cannot be made."""
        if not self.may_move(to, user):
            field = self._meta.get_field("status")
            labels = dict(field.choices)
            raise IllegalMove(
                self.ILLEGAL_MOVE
                % {"current": labels.get(self.status, self.status), "target": labels.get(to, to)}
            )
        return self.move_to(to)


def track_status_changes(*, model_name, fields=("status",)):
    """History for a status machine that has no history table of its own (the jobs):
    a row when it is made and one for each status change, written by a database
    trigger in the same transaction as the change. `job.status_events` lists them."""
    return pghistory.track(
        pghistory.InsertEvent("created"),
        pghistory.UpdateEvent("status_changed", condition=pghistory.AnyChange("status")),
        fields=list(fields),
        model_name=model_name,
        obj_field=pghistory.ObjForeignKey(related_name="status_events"),
    )
