"""Login, logout and failed-login entries in the access log."""

from .models import AccessLog


def log_login(sender, request, user, **kwargs):
    AccessLog.record(request, AccessLog.Action.LOGIN, user=user)


def log_logout(sender, request, user, **kwargs):
    if user is not None:
        AccessLog.record(request, AccessLog.Action.LOGOUT, user=user)


def log_login_failed(sender, credentials, request=None, **kwargs):
    if request is not None:
        username = str(credentials.get("username", ""))[:150]
        AccessLog.record(request, AccessLog.Action.LOGIN_FAILED, username=username)
