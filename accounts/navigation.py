"""The main menu. Each app adds its own sections from its AppConfig.ready(), with the
access rule that decides who sees them, so the menu restates no app's rules."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import access


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url_name: str
    visible_to: Callable  # user -> bool, from the app's access module
    order: int


MENU: list[MenuItem] = []


def add(label, url_name, *, visible_to, order):
    """Add a section to the menu (once per URL), shown to the users `visible_to` accepts."""
    if not any(item.url_name == url_name for item in MENU):
        MENU.append(MenuItem(label, url_name, visible_to, order))
        MENU.sort(key=lambda item: item.order)


def register():
    add(_("Home"), "home", visible_to=lambda user: user.is_authenticated, order=0)
    add(_("People"), "users", visible_to=access.can_manage_people, order=50)
    add(_("Offices and agencies"), "agencies", visible_to=access.can_manage_organisations, order=60)
    add(_("Administration"), "admin:index", visible_to=access.can_use_admin_site, order=90)


def menu_for(user, current_path: str) -> list[dict]:
    items = []
    for item in MENU:
        if not item.visible_to(user):
            continue
        url = reverse(item.url_name)
        matches = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "active": False, "matches": matches})
    # The longest matching entry is the current one: /participants/duplicates/ is
    # "Possible duplicates", not "Participants" as well.
    current = max((i for i in items if i["matches"]), key=lambda i: len(i["url"]), default=None)
    for item in items:
        item["active"] = item is current
        del item["matches"]
    return items
