"""Which moves a referral may make, and who makes them."""

from django.utils.translation import gettext_lazy as _

from accounts.models import Role

from .models import ReferralStatus as S

SENDERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASE_WORKER})
REVIEWERS = frozenset({Role.ADMIN, Role.COORDINATOR})
AGENCY = frozenset({Role.AGENCY_OFFICER})

# (from, to) -> (who may make the move, what the move needs written)
MOVES = {
    (S.DRAFT, S.SENT): (SENDERS, None),
    (S.DRAFT, S.CANCELLED): (SENDERS, None),
    (S.SENT, S.ACCEPTED): (AGENCY, None),
    (S.SENT, S.DECLINED): (AGENCY, "decline_reason"),
    (S.ACCEPTED, S.IN_PROGRESS): (AGENCY, None),
    (S.IN_PROGRESS, S.COMPLETED): (AGENCY, "outcome"),
    (S.IN_PROGRESS, S.UNABLE): (AGENCY, "note"),
    # A declined referral goes to the coordinator, who sends it back to the agency...
    (S.DECLINED, S.SENT): (REVIEWERS, "note"),
    # ...or confirms the decline, which closes it.
    (S.DECLINED, S.CANCELLED): (REVIEWERS, "note"),
    (S.SENT, S.CANCELLED): (SENDERS, None),
    (S.ACCEPTED, S.CANCELLED): (SENDERS, None),
    (S.IN_PROGRESS, S.CANCELLED): (SENDERS, None),
}

VERBS = {
    S.SENT: _("Send"),
    S.ACCEPTED: _("Accept"),
    S.DECLINED: _("Decline"),
    S.IN_PROGRESS: _("Start"),
    S.COMPLETED: _("Complete"),
    S.UNABLE: _("Unable to help"),
    S.CANCELLED: _("Cancel"),
}


# Where the same target means something else from a given status.
VERBS_FROM = {
    (S.DECLINED, S.SENT): _("Send back to the agency"),
    (S.DECLINED, S.CANCELLED): _("Confirm the decline"),
}


def verb(frm, to):
    return VERBS_FROM.get((frm, to), VERBS[to])


def allowed_moves(referral, user):
    """The statuses this user may move this referral to now."""
    return [
        to
        for (frm, to), (roles, _needs) in MOVES.items()
        if frm == referral.status and user.role in roles
    ]


def requirement(frm, to):
    move = MOVES.get((frm, to))
    return move[1] if move else None
