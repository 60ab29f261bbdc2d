"""The main menu: which sections each role sees."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Role


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str] | None = None  # None: every role
    staff_only: bool = False

    def visible_to(self, user) -> bool:
        if self.staff_only and not user.is_staff:
            return False
        return self.roles is None or user.role in self.roles


OFFICE_READERS = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASE_WORKER, Role.HEALTH_WORKER})

MENU = [
    MenuItem(_("Home"), "home"),
    MenuItem(_("Participants"), "participants:list", roles=OFFICE_READERS),
    MenuItem(_("Programs"), "cases:programs", roles=OFFICE_READERS),
    MenuItem(
        _("Referrals"),
        "referrals:list",
        roles=frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASE_WORKER, Role.AGENCY_OFFICER}),
    ),
    MenuItem(
        _("Reports"),
        "reports:exports",
        roles=frozenset({Role.ADMIN, Role.COORDINATOR, Role.AUDITOR}),
    ),
    MenuItem(_("Administration"), "admin:index", roles=frozenset({Role.ADMIN}), staff_only=True),
]


def menu_for(user, current_path: str) -> list[dict]:
    items = []
    for item in MENU:
        if not item.visible_to(user):
            continue
        url = reverse(item.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active})
    return items
