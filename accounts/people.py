"""The people of an office: the coordinator adds, changes, invites and deactivates them."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import access, services
from .people_forms import PersonForm

PAGE_SIZE = 50
DORMANT_AFTER = datetime.timedelta(days=90)
# The link shown once to the coordinator after an invitation, to pass on by hand.
SHOWN_LINK = "people.invitation_link"


def _require_manager(user):
    """Who manages no people has no people pages: 404, not 403."""
    if not access.can_manage_people(user):
        raise Http404


def user_list(request):
    _require_manager(request.user)
    people = access.people_of(request.user).select_related("office", "agency")
    query = request.GET.get("q", "").strip()
    if query:
        people = people.filter(
            Q(full_name__icontains=query) | Q(username__icontains=query) | Q(email__icontains=query)
        )
    status = request.GET.get("status", "active")
    if status == "active":
        people = people.filter(is_active=True)
    elif status == "inactive":
        people = people.filter(is_active=False)
    page = Paginator(people.order_by("agency__name", "full_name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    dormant_since = timezone.now() - DORMANT_AFTER
    for person in page.object_list:
        person.is_dormant = person.is_active and (
            (person.last_login or person.date_joined) < dormant_since
        )
        person.is_invited = person.last_login is None and not person.has_usable_password()
    params = request.GET.copy()
    params.pop("page", None)
    ctx = {"page": page, "q": query, "status": status, "query": params.urlencode()}
    return render(request, "accounts/users/list.html", ctx)


def user_new(request):
    _require_manager(request.user)
    form = PersonForm(request.POST or None, manager=request.user)
    if request.method == "POST" and form.is_valid():
        user, link = services.invite_user(form=form, by=request.user)
        request.session[SHOWN_LINK] = {"user": user.pk, "link": link}
        messages.success(
            request,
            _("%(name)s is added and invited by email to %(email)s.")
            % {"name": user.full_name, "email": user.email},
        )
        return redirect("user", pk=user.pk)
    return render(request, "accounts/users/form.html", {"form": form, "person": None})


def user_detail(request, pk):
    person = access.get_person_for(request.user, pk)
    shown = request.session.pop(SHOWN_LINK, None)
    ctx = {
        "person": person,
        "link": shown["link"] if shown and shown["user"] == person.pk else None,
        "is_invited": person.last_login is None and not person.has_usable_password(),
        "is_self": person.pk == request.user.pk,
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    return render(request, "accounts/users/detail.html", ctx)


def user_edit(request, pk):
    person = access.get_person_for(request.user, pk)
    form = PersonForm(request.POST or None, instance=person, manager=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("user", pk=person.pk)
    return render(request, "accounts/users/form.html", {"form": form, "person": person})


@require_POST
def user_invite_again(request, pk):
    person = access.get_person_for(request.user, pk)
    if person.has_usable_password():
        messages.error(request, _("%(name)s has set a password already.") % {"name": person})
        return redirect("user", pk=person.pk)
    link = services.resend_invitation(user=person, by=request.user)
    request.session[SHOWN_LINK] = {"user": person.pk, "link": link}
    messages.success(request, _("A new invitation is sent; the earlier link no longer works."))
    return redirect("user", pk=person.pk)


@require_POST
def user_deactivate(request, pk):
    person = access.get_person_for(request.user, pk)
    if person.pk == request.user.pk:
        messages.error(request, _("You cannot deactivate yourself."))
        return redirect("user", pk=person.pk)
    services.set_active(user=person, active=False)
    messages.success(
        request,
        _("%(name)s can no longer log in. Their open cases wait on your home page.")
        % {"name": person},
    )
    return redirect("user", pk=person.pk)


@require_POST
def user_reactivate(request, pk):
    person = access.get_person_for(request.user, pk)
    services.set_active(user=person, active=True)
    messages.success(request, _("%(name)s can log in again.") % {"name": person})
    return redirect("user", pk=person.pk)


class InvitationView(auth_views.PasswordResetConfirmView):
    """The invited person sets their own password, and is logged in."""

    template_name = "accounts/users/invitation.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. Welcome to Purna."))
        return response


invitation = login_not_required(InvitationView.as_view())
