from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import two_factor

# The pages a session that still owes its code may open.
OPEN_WHILE_PENDING = frozenset({"two_factor_verify", "two_factor_setup", "logout", "set_language"})


class TwoFactorMiddleware:
    """Until a logged-in session has entered its one-time code (or set up its device,
    when its role must use one), every other page leads to the code page.

    Goes after django-otp's OTPMiddleware and Django's LoginRequiredMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        owed = two_factor.pending(request)
        if owed is None:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_WHILE_PENDING:
            return None
        name = "two_factor_verify" if owed == two_factor.VERIFY else "two_factor_setup"
        target = reverse(name)
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
