from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from . import access, login_lockout, mailbox, two_factor
from .forms import ProfileForm
from .two_factor_forms import TurnOffForm


def locked_out(request, original_response=None, credentials=None):
    """django-axes lockout page: say what happened and when to try again."""
    cooloff = settings.AXES_COOLOFF_TIME
    ctx = {
        "cooloff_minutes": int(cooloff.total_seconds() // 60) if cooloff else None,
        "locked_until": login_lockout.locked_until(request),
    }
    return render(request, "accounts/locked_out.html", ctx, status=429)


def profile(request):
    """The user's own name, contact details and language."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save(commit=False)
        # Only these columns: a manager may change the role or office meanwhile.
        user.save(update_fields=ProfileForm.Meta.fields)
        if user.language:
            translation.activate(user.language)
        messages.success(request, _("Your profile is saved."))
        response = redirect("profile")
        _remember_language(response, user.language)
        return response
    ctx = {
        "form": form,
        "two_factor_on": two_factor.is_on_in_session(request),
        "can_turn_off_two_factor": access.can_turn_off_two_factor(request.user),
        "turn_off_form": TurnOffForm(user=request.user),
    }
    return render(request, "accounts/profile.html", ctx)


def _remember_language(response, language):
    """Keep the chosen language for later requests, as Django's set_language does."""
    if not language:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _require_mailbox(user):
    # Not there at all unless mail goes to files and the user may read it.
    if not (mailbox.is_enabled() and access.can_read_mailbox(user)):
        raise Http404


def mailbox_list(request):
    _require_mailbox(request.user)
    ctx = {
        "messages_sent": mailbox.latest(),
        "limit": mailbox.LIST_LIMIT,
        "directory": mailbox.directory(),
    }
    return render(request, "accounts/mailbox.html", ctx)


def mailbox_message(request, file, number):
    _require_mailbox(request.user)
    message = mailbox.get(file, number)
    if message is None:
        raise Http404
    ctx = {"message": message, "directory": mailbox.directory()}
    return render(request, "accounts/mailbox_message.html", ctx)
