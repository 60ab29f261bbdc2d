"""While the database is down, every page answers 503 with a page that needs no database.

Nothing is kept between requests: once the database answers again, so do the pages.
"""

import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 60
_MARK = "_purna_database_unavailable"


def database_unavailable_response():
    # Rendered without a request, so no context processor runs (they query the database).
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def _mark_database_errors(sender, request=None, **kwargs):
    # Django turns an exception raised in any middleware into a 500 response before
    # the next one sees it; the signal is sent while the exception is still at hand.
    if request is not None and isinstance(sys.exception(), DATABASE_DOWN_ERRORS):
        setattr(request, _MARK, True)


got_request_exception.connect(_mark_database_errors, dispatch_uid="purna_database_unavailable")


class DatabaseUnavailableMiddleware:
    """First in MIDDLEWARE, so it also sees failures of the session and auth middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except DATABASE_DOWN_ERRORS:
            return database_unavailable_response()
        if getattr(request, _MARK, False) and response.status_code == 500:
            return database_unavailable_response()
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Load the session and user here, where a failure can still be answered, rather
        # than in LoginRequiredMiddleware. Views open to all may never need them.
        if not getattr(view_func, "login_required", True):
            return None
        user = getattr(request, "user", None)
        if user is None:
            return None
        try:
            user.is_authenticated  # noqa: B018 (reading it loads the user: a query that may fail)
        except DATABASE_DOWN_ERRORS:
            return database_unavailable_response()
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN_ERRORS):
            return database_unavailable_response()
        return None


def _permissions_policy_header(policy: dict) -> str:
    def origins(values):
        return " ".join(value if value in ("self", "*") else f'"{value}"' for value in values)

    return ", ".join(f"{feature}=({origins(values)})" for feature, values in policy.items())


class PermissionsPolicyMiddleware:
    """Sends settings.PERMISSIONS_POLICY (feature -> allowed origins) as Permissions-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        header = _permissions_policy_header(getattr(settings, "PERMISSIONS_POLICY", {}))
        if header:
            response.headers.setdefault("Permissions-Policy", header)
        return response
