"""The name django-axes counts failed logins under."""

from django.conf import settings

# AccessAttempt.username is a varchar(255); PostgreSQL text never holds NUL.
STORED_LENGTH = 255


def lockout_username(request, credentials=None):
    """The typed username, cut to what the attempt tables can store.

    Every attempt still counts: an overlong name is counted under its first
    255 characters, so repeating it locks that name as any other.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    if username is None:
        return None
    return str(username).replace("\x00", "")[:STORED_LENGTH]
