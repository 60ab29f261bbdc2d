from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import User
from .people_forms import NipField


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The username or password is wrong. Both are case-sensitive. "
            "After %(limit)s failed attempts the account is locked for a while."
        ),
    }

    def get_invalid_login_error(self):
        return ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"limit": settings.AXES_FAILURE_LIMIT},
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A NUL in the username is one more wrong username, answered and counted as such.
        username = self.fields["username"]
        username.validators = [
            v for v in username.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]

    def clean(self):
        username = self.cleaned_data.get("username")
        if username is not None and "\x00" in username:
            # No account has such a name, and PostgreSQL can neither compare nor store it.
            typed = username.replace("\x00", "\ufffd")
            user_login_failed.send(
                sender=__name__, credentials={"username": typed}, request=self.request
            )
            raise self.get_invalid_login_error()
        return super().clean()


class ResetRequestForm(PasswordResetForm):
    """Django's reset form, with links to SITE_URL in the user's own language.

    Django already answers the same whether or not the address belongs to an
    account, and sends nothing to inactive users or to accounts without a password.
    """

    def save(self, **kwargs):
        context = kwargs.get("extra_email_context") or {}
        kwargs["extra_email_context"] = {**context, "site_url": settings.SITE_URL}
        return super().save(**kwargs)

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        language = context["user"].language or translation.get_language()
        with translation.override(language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "email", "phone", "nip", "language", "wants_daily_digest"]
        field_classes = {"nip": NipField}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("wants_daily_digest") and not cleaned.get("email"):
            self.add_error(
                "wants_daily_digest", _("Write your email address to receive the daily email.")
            )
        return cleaned
