"""The bell's pages: the user's own notifications, opening one, marking them all read."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .notifications import notifications_of

PAGE_SIZE = 25


def notification_list(request):
    notifications = notifications_of(request.user).order_by("-created_at", "-pk")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {"page": page, "notifications": page.object_list}
    return render(request, "accounts/notifications.html", ctx)


def notification_open(request, pk):
    """Mark one's own notification read and go where it leads (another's is a 404)."""
    notification = get_object_or_404(notifications_of(request.user), pk=pk)
    if notification.read_at is None:
        notifications_of(request.user).unread().filter(pk=pk).update(read_at=timezone.now())
    # Only a path on this site: a stored URL never sends anyone elsewhere.
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect("notifications")
    return redirect(notification.url)


@require_POST
def notifications_read_all(request):
    notifications_of(request.user).unread().update(read_at=timezone.now())
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications")
