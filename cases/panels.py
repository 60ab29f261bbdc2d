"""The cases' part on the participant page: the way to each case and its screenings."""

from participants.pages import PARTICIPANT_ACTIONS

from . import access
from .instruments import SRQ20
from .models import Case


def participant_cases(request, participant):
    """Each case of the participant this user may open, open ones first, with the
    screenings they may record in it (the physical screening and the SRQ-20, the
    questionnaire repeated at every visit; the others are on the case page)."""
    if not access.can_open_cases(request.user):
        return None
    cases = list(
        Case.objects.visible_to(request.user)
        .filter(participant=participant)
        .select_related("program")
        .order_by("-opened_at", "-pk")
    )
    if not cases:
        return None
    cases.sort(key=lambda case: not case.is_open)
    return {
        "cases": cases,
        "can_screen": access.can_screen(request.user),
        "questionnaire": SRQ20,
    }


def register():
    PARTICIPANT_ACTIONS.add("cases/participant_actions.html", participant_cases, order=20)
