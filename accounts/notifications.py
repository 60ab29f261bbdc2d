"""In-app notifications: telling people under the bell of what happened.

Services call `notify` inside the transaction of the write they tell of, so a rollback
takes the notifications back with it. Who is told is decided by the caller from the
rules that already say who may open the page behind the link (`who_may_open`).
"""

from django.conf import settings
from django.utils import translation
from django.utils.functional import cached_property

from .models import Notification

TEXT_LENGTH = Notification._meta.get_field("text").max_length


def notify(recipients, *, kind, event, url, message, params=None) -> None:
    """Tell each distinct active recipient of `event`, once however often it is called.

    `message` is a lazy translation; it and each of `params` (a lazy label, or an
    object whose str() follows the language) are rendered in the recipient's language.
    The text names no person and no health detail.
    """
    people = {user.pk: user for user in recipients if user is not None and user.is_active}
    rows = [
        Notification(
            user=user, kind=kind, event=event, url=url, text=_render(user, message, params)
        )
        for user in people.values()
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)


def who_may_open(people, rows, pk):
    """The people to whom `rows.visible_to(person)` shows the row `pk`, each once.

    `rows` is a model's manager or QuerySet with `visible_to`: the same rule that lets
    the page behind a notification's link open decides who is told.
    """
    seen = {}
    for person in people:
        if person is None or not person.is_active or person.pk in seen:
            continue
        seen[person.pk] = person if rows.visible_to(person).filter(pk=pk).exists() else None
    return [person for person in seen.values() if person is not None]


def notifications_of(user):
    """A user's own notifications: nobody opens or counts anyone else's."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


class UnreadCount:
    """The bell's badge: one COUNT, asked only when a page shows the bell."""

    LIMIT = 99

    def __init__(self, user):
        self.user = user

    @cached_property
    def count(self):
        return notifications_of(self.user).unread().count()

    @property
    def badge(self):
        return f"{self.LIMIT}+" if self.count > self.LIMIT else str(self.count)


def _render(user, message, params):
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = str(message)
        if params:
            text = text % {name: str(value) for name, value in params.items()}
    return text[:TEXT_LENGTH]
