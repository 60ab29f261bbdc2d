"""Two-factor login with a time-based one-time code (TOTP) from an authenticator app.

After the password, a user with a confirmed device enters a code; a user who must use
two-factor login (`access.needs_two_factor`) and has no device sets one up first.
Which of the two a session still owes is decided once, at login, and kept in the
session, so that ordinary pages cost no extra query.
"""

from base64 import b32encode
from binascii import unhexlify

import segno
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from . import access

# The session key saying what the session still owes: VERIFY or SETUP.
PENDING_SESSION_KEY = "two_factor_pending"
VERIFY = "verify"
SETUP = "setup"
# The secret shown while a device is being set up, kept until it is confirmed.
SETUP_KEY_SESSION_KEY = "two_factor_setup_key"
DEVICE_NAME = "Authenticator"


def confirmed_device(user):
    """The user's confirmed TOTP device, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def is_on(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_on_in_session(request) -> bool:
    """Whether the user logs in with a code, without a query for those who do not.

    A user with a confirmed device cannot open a page before entering a code or
    confirming the device, and either verifies the session (django-otp's OTPMiddleware
    then finds the device, or not if it has been deleted since)."""
    return request.user.is_verified()


def remember_what_is_owed(sender, request, user, **kwargs):
    """At login (connected to user_logged_in): what must this session do next?"""
    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(PENDING_SESSION_KEY, None)
    if is_on(user):
        request.session[PENDING_SESSION_KEY] = VERIFY
    elif access.needs_two_factor(user):
        request.session[PENDING_SESSION_KEY] = SETUP


def pending(request):
    """VERIFY, SETUP or None: what this session must do before other pages open.

    An error page may be drawn for a request that never reached the sessions."""
    session = getattr(request, "session", None)
    return session.get(PENDING_SESSION_KEY) if session is not None else None


def mark_verified(request, device):
    """The code was right: the session is verified and every page opens again."""
    otp_login(request, device)
    request.session.pop(PENDING_SESSION_KEY, None)
    request.session.pop(SETUP_KEY_SESSION_KEY, None)


def setup_key(session):
    """The secret (hex) of the device being set up in this session, made once."""
    key = session.get(SETUP_KEY_SESSION_KEY)
    if not key:
        key = random_hex(20)
        session[SETUP_KEY_SESSION_KEY] = key
    return key


def secret_for_typing(key):
    """The secret as authenticator apps take it when typed: base32, in groups of four."""
    text = b32encode(unhexlify(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(user, key):
    """The otpauth:// address of the secret as an inline SVG QR code."""
    url = TOTPDevice(user=user, key=key).config_url
    return segno.make(url, error="m").svg_inline(
        scale=5, title=_("QR code for the authenticator app")
    )


def _refusal(device):
    allowed, _data = device.verify_is_allowed()
    if not allowed:
        return _("Too many wrong codes in a row. Wait a moment and try again.")
    return None


def _wrong_code():
    return _("The code is wrong or has expired. Enter the code the app shows now.")


def check_code(*, device, code):
    """Check a code against a confirmed device; None if right, otherwise the message.

    Wrong codes slow further tries down (django-otp's throttling: 1, 2, 4, ... seconds)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        refusal = _refusal(device)
        if refusal:
            return refusal
        if device.verify_token(code):
            return None
    return _wrong_code()


@transaction.atomic
def confirm_device(*, user, key, code):
    """Confirm the device being set up with its first code.

    Returns (device, None) when the code is right, (None, message) otherwise. The
    unconfirmed device is kept between tries so that wrong codes are throttled."""
    device = (
        TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False, key=key).first()
    )
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key, confirmed=False)
    refusal = _refusal(device)
    if refusal:
        return None, refusal
    if not device.verify_token(code):
        return None, _wrong_code()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return device, None


@transaction.atomic
def turn_off(*, user):
    """Remove the user's devices: the password alone logs them in again."""
    TOTPDevice.objects.filter(user=user).delete()
