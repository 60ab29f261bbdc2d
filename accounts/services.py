"""Writes about people: inviting them, and letting them in or not."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import User


def invitation_link(user) -> str:
    """A link with which the person sets their own password; it works once, for 72 hours.

    It is Django's password-reset token: the password it sets changes what the token is
    made of, and PASSWORD_RESET_TIMEOUT ends it.
    """
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("invitation", args=[uid, token])


@transaction.atomic
def invite_user(*, form, by) -> tuple[User, str]:
    """Save a new user from the people form, without a password, and send the invitation."""
    user = form.save(commit=False)
    user.set_unusable_password()
    user.invited_at = timezone.now()
    user.invited_by = by
    user.save()
    link = invitation_link(user)
    transaction.on_commit(lambda: _send_invitation(user, link, by))
    return user, link


@transaction.atomic
def resend_invitation(*, user, by) -> str:
    """A fresh link for someone who has not set a password yet; earlier links stop working."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_unusable_password()
    user.invited_at = timezone.now()
    user.invited_by = by
    user.save(update_fields=["password", "invited_at", "invited_by"])
    link = invitation_link(user)
    transaction.on_commit(lambda: _send_invitation(user, link, by))
    return link


def _send_invitation(user, link, by):
    if not user.email:
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        body = render_to_string(
            "accounts/users/invitation_email.txt",
            {
                "user": user,
                "link": link,
                "by": by,
                "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            },
        )
    subject, _blank, message = body.partition("\n\n")
    send_mail(subject.strip(), message.strip(), None, [user.email])


def set_active(*, user, active) -> User:
    """Let a person log in again, or stop them: an inactive user cannot log in."""
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user
