"""Who may do what, at the level of the whole application.

Each app keeps its own rules in its own `access.py` (role sets, `can_*` predicates and
`get_*_for` helpers that return an object only to those who may see it). This module
holds the rules every app shares (who sees every office, who only counts rows, who
opens the administration site) and the rules about people and organisations (who
manages whom, and which agencies an office works with).
"""

from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404

from .models import Agency, Role, User

# The administrator is bound to no office and sees the rows of all of them.
EVERY_OFFICE = frozenset({Role.ADMIN})
# Auditors count the rows of their office for aggregate reports without opening any.
COUNT_ONLY = frozenset({Role.AUDITOR})
ADMIN_SITE_USERS = frozenset({Role.ADMIN})
# Add, edit, deactivate and invite the people of their office and of its partner agencies.
PEOPLE_MANAGERS = frozenset({Role.ADMIN, Role.COORDINATOR})
# The roles a people manager may give; only an administrator makes administrators.
ROLES_GIVEN_BY_MANAGERS = frozenset(
    {Role.COORDINATOR, Role.CASE_WORKER, Role.HEALTH_WORKER, Role.AUDITOR, Role.AGENCY_OFFICER}
)
# Set up offices and agencies.
ORGANISATION_ADMINS = frozenset({Role.ADMIN})
# Read the mail the development server would have sent.
MAILBOX_READERS = frozenset({Role.ADMIN})
# Must log in with a one-time code from an authenticator app when REQUIRE_2FA is on;
# anyone may turn it on for themselves.
TWO_FACTOR_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})

PERMISSIONS = [
    ("See the rows of every office", EVERY_OFFICE),
    ("Count the office's rows without opening them", COUNT_ONLY),
    ("Open the administration site (also needs the staff flag)", ADMIN_SITE_USERS),
    ("Add, edit, invite and deactivate the office's people and agency officers", PEOPLE_MANAGERS),
    ("Set up offices and agencies", ORGANISATION_ADMINS),
    ("Read the development mailbox (development only)", MAILBOX_READERS),
    ("Must use two-factor login (when REQUIRE_2FA is on)", TWO_FACTOR_ROLES),
]


def has_role(user, roles) -> bool:
    """True if the user is logged in, active and has one of `roles`."""
    return user.is_authenticated and user.is_active and user.role in roles


def sees_every_office(user) -> bool:
    return has_role(user, EVERY_OFFICE)


def counts_only(user) -> bool:
    return has_role(user, COUNT_ONLY)


def can_use_admin_site(user) -> bool:
    return has_role(user, ADMIN_SITE_USERS) and user.is_staff


def can_manage_people(user) -> bool:
    return has_role(user, PEOPLE_MANAGERS)


def can_manage_organisations(user) -> bool:
    return has_role(user, ORGANISATION_ADMINS)


def can_read_mailbox(user) -> bool:
    return has_role(user, MAILBOX_READERS)


def needs_two_factor(user) -> bool:
    return settings.REQUIRE_2FA and has_role(user, TWO_FACTOR_ROLES)


def can_turn_off_two_factor(user) -> bool:
    return user.is_authenticated and not needs_two_factor(user)


def people_of(user):
    """The users a people manager may see and change: their office's staff and the officers
    of the agencies in their office's province; every user, for the administrator.
    Administrators themselves are never among them (they are made on the command line)."""
    if not can_manage_people(user):
        return User.objects.none()
    people = User.objects.exclude(role=Role.ADMIN)
    if sees_every_office(user):
        return people
    return people.filter(
        Q(office_id=user.office_id) | Q(agency__regency__parent_id=user.office.province_id)
    )


def get_person_for(user, pk):
    """A user this people manager may change (404 otherwise, administrators included)."""
    return get_object_or_404(people_of(user).select_related("office", "agency"), pk=pk)


def agencies_for(user):
    """The agencies whose officers this people manager may add: those of their province."""
    agencies = Agency.objects.filter(is_active=True).select_related("regency")
    if sees_every_office(user):
        return agencies
    return agencies.filter(regency__parent_id=user.office.province_id)
