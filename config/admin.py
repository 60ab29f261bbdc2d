from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from accounts.redirects import safe_next


class PurnaAdminSite(admin.AdminSite):
    site_header = _("Purna administration")
    site_title = _("Purna")
    index_title = _("Reference data and users")

    def login(self, request, extra_context=None):
        """One login page for the whole application, with its lockout protection.

        Anonymous visitors never reach this view (LoginRequiredMiddleware sends
        them to the application's login page first).
        """
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise PermissionDenied
        return redirect(safe_next(request, "admin:index"))
