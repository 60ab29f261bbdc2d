"""The requests' button on the participant page."""

from participants.pages import PARTICIPANT_ACTIONS

from . import access


def participant_request_button(request, participant):
    """Those who handle requests record one from the person's page."""
    if not access.can_handle_requests(request.user):
        return None
    return {"participant": participant}


def register():
    PARTICIPANT_ACTIONS.add("rights/participant_button.html", participant_request_button)
