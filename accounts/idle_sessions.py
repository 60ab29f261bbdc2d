"""Sessions end after SESSION_COOKIE_AGE without a request.

A session's expiry moves forward whenever the session is saved. Saving it on every
request would cost a write per page, so a request saves it only when the last save
is a minute old or more: the session ends between 30 and 31 idle minutes after the
last request.
"""

import time

SEEN = "_purna_seen"
REFRESH_SECONDS = 60


def _now():
    return int(time.time())


def mark_seen(session, at=None):
    session[SEEN] = _now() if at is None else at


def remember_login(sender, request, user, **kwargs):
    """The login saves the session anyway: its time counts as the last save."""
    mark_seen(request.session)


class IdleSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session somebody holds (not one the request just started or ended).
        held = session is not None and session.session_key and not session.is_empty()
        if held and _now() - session.get(SEEN, 0) >= REFRESH_SECONDS:
            mark_seen(session)
        return response
