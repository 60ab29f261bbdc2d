"""Login lockout: one limit for a username tried from one address, a larger one for the address.

django-axes compares every lockout parameter with the same AXES_FAILURE_LIMIT. An office
or an event hall shares one address, so the address gets its own, larger limit
(AXES_ADDRESS_FAILURE_LIMIT): a few typos by colleagues lock nobody, password spraying
across many usernames does.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum


def client_address(request):
    """The client's address: REMOTE_ADDR, or the one our own proxies put in X-Forwarded-For.

    The header is read only when TRUSTED_PROXY_COUNT says how many proxies stand in front
    of the app, and then only the entry the farthest of them wrote; a client may put
    anything at the start of the header.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


class AddressAwareHandler(AxesDatabaseHandler):
    """Expects AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]."""

    def get_failures(self, request, credentials=None):
        pair, address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if address >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(pair, get_failure_limit(request, credentials))
        return pair


def locked_until(request):
    """When the lock on this request's address ends at the latest, or None if unknown."""
    cool_off = get_cool_off(request)
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    if cool_off is None or not address:
        return None
    last = AccessAttempt.objects.filter(ip_address=address).aggregate(last=Max("attempt_time"))
    return last["last"] + cool_off if last["last"] else None
