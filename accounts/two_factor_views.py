"""The code page after the password, the setup page, and turning two-factor login off."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import access, two_factor
from .redirects import is_local, safe_next
from .two_factor_forms import CodeForm, TurnOffForm


def _next_for_form(request):
    """The page to return to afterwards, carried through the form when it is ours."""
    value = request.POST.get("next") or request.GET.get("next") or ""
    return value if is_local(request, value) else ""


def verify(request):
    """The second step of the login: the code from the authenticator app."""
    device = two_factor.confirmed_device(request.user)
    if device is None:
        return redirect("two_factor_setup")
    if two_factor.pending(request) != two_factor.VERIFY:
        return redirect(safe_next(request, "home"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = two_factor.check_code(device=device, code=form.cleaned_data["code"])
        if error is None:
            two_factor.mark_verified(request, device)
            return redirect(safe_next(request, "home"))
        form.add_error("code", error)
    ctx = {"form": form, "next": _next_for_form(request)}
    return render(request, "accounts/two_factor_verify.html", ctx)


def setup(request):
    """Set up an authenticator app: its QR code or secret, then a first code."""
    if two_factor.pending(request) == two_factor.VERIFY:
        return redirect("two_factor_verify")
    if two_factor.is_on(request.user):
        messages.info(request, _("Two-factor login is already on."))
        return redirect("profile")
    key = two_factor.setup_key(request.session)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, error = two_factor.confirm_device(
            user=request.user, key=key, code=form.cleaned_data["code"]
        )
        if device is not None:
            two_factor.mark_verified(request, device)
            messages.success(request, _("Two-factor login is on."))
            return redirect(safe_next(request, "profile"))
        form.add_error("code", error)
    ctx = {
        "form": form,
        "next": _next_for_form(request),
        # segno writes the SVG from the secret alone; nothing of the request goes in.
        "qr_svg": mark_safe(two_factor.qr_svg(request.user, key)),  # noqa: S308 (SVG segno drew from our own data)
        "secret": two_factor.secret_for_typing(key),
        "required": access.needs_two_factor(request.user),
        "pending": two_factor.pending(request) is not None,
    }
    return render(request, "accounts/two_factor_setup.html", ctx)


@require_POST
def turn_off(request):
    """Turn two-factor login off, with the password; not for roles that must use it."""
    if not access.can_turn_off_two_factor(request.user):
        raise PermissionDenied
    form = TurnOffForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, form.errors["password"][0])
        return redirect("profile")
    two_factor.turn_off(user=request.user)
    messages.success(request, _("Two-factor login is off."))
    return redirect("profile")
