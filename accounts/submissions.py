"""A form is acted on once, however many times it reaches the server.

On a weak connection a phone may send a form, lose the answer and send it again; a form
kept on the phone while offline is sent when the signal returns, perhaps from two tabs at
once. Each form the browser sends carries a `submission_key` (a UUID the page makes when
the form opens). The first request with a key does the work; a later one with the same
key is answered with where the first one led, and nothing is saved a second time.

A key is kept only for a form the server accepted (it answered with a redirect): a form
sent back with errors may come again, corrected, under the same key.
"""

import datetime
import uuid

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, models, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.defaults import bad_request

FIELD = "submission_key"
# Sent by the page's script: answer a redirect with its address instead of following it,
# so the page (or the phone's outbox) can go there itself.
SCRIPT_HEADER = "Purna-Outbox"
LOCATION_HEADER = "Purna-Location"
KEEP_FOR = datetime.timedelta(days=30)
FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


class Submission(models.Model):
    """A form the server accepted, by the key its page gave it."""

    key = models.UUIDField(gettext_lazy("key"), primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    path = models.CharField(gettext_lazy("address"), max_length=500)
    # Blank while the first request is still at work.
    location = models.CharField(gettext_lazy("led to"), max_length=500, blank=True)
    created_at = models.DateTimeField(gettext_lazy("received"), default=timezone.now)

    class Meta:
        app_label = "accounts"
        verbose_name = gettext_lazy("form submission")
        verbose_name_plural = gettext_lazy("form submissions")

    def __str__(self):
        return f"{self.path} {self.created_at:%Y-%m-%d %H:%M}"


def submitted_key(request) -> uuid.UUID | None:
    if request.method != "POST" or request.content_type not in FORM_CONTENT_TYPES:
        return None
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None


def _is_redirect(response) -> bool:
    return 300 <= response.status_code < 400 and response.has_header("Location")


def _answer(request, location: str):
    """Where an accepted form leads: a redirect, or its address for the page's script."""
    if request.headers.get(SCRIPT_HEADER):
        response = HttpResponse(status=204)
        response[LOCATION_HEADER] = location
        return response
    return HttpResponseRedirect(location, status=303)


class SubmissionKeyMiddleware:
    """Acts on a keyed form once. Goes after authentication, two-factor and messages.

    The key's row and the work of the form commit together: a second request with the
    same key waits on the row until the first is done, then finds where it led.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from . import two_factor

        key = submitted_key(request)
        if (
            key is None
            or not request.user.is_authenticated
            or two_factor.pending(request) is not None
        ):
            return self.get_response(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    Submission.objects.create(key=key, user=request.user, path=request.path)
            except IntegrityError:
                return self._again(request, key)
            response = self.get_response(request)
            if _is_redirect(response):
                location = response["Location"]
                Submission.objects.filter(key=key).update(location=location[:500])
                if request.headers.get(SCRIPT_HEADER):
                    return _answer(request, location)
            else:
                Submission.objects.filter(key=key).delete()
        return response

    def _again(self, request, key):
        earlier = Submission.objects.filter(key=key, user=request.user).first()
        if earlier is None:
            # Another person's key: never tell them where that form led.
            return bad_request(request, None)
        messages.info(request, _("This form had already been received; it was not saved twice."))
        location = earlier.location or "/"
        if not url_has_allowed_host_and_scheme(location, allowed_hosts={request.get_host()}):
            location = "/"
        return _answer(request, location)


def discard_old() -> int:
    """Keys of forms received long ago: no phone still holds those forms."""
    deleted, _by_model = Submission.objects.filter(
        created_at__lt=timezone.now() - KEEP_FOR
    ).delete()
    return deleted
