"""The bell: notify() itself, the list of one's own notifications, opening them, the count."""

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from accounts.models import Notification, NotificationKind
from accounts.notifications import notify
from tests.factories import UserFactory

MESSAGE = gettext_lazy("Referral %(number)s (%(service)s) is now: %(status)s")
STATUS = gettext_lazy("Accepted")


def make_notifications(user, count, *, read=False, start=0):
    now = timezone.now()
    return Notification.objects.bulk_create(
        Notification(
            user=user,
            kind=NotificationKind.REFERRAL_STATUS,
            text=f"Rujukan {number:05d}/RUJ kini: Diterima",
            url=f"/referrals/{number}/",
            event=f"referral:{number}:move:1",
            created_at=now - datetime.timedelta(minutes=number),
            read_at=now if read else None,
        )
        for number in range(start, start + count)
    )


def tell(recipients, event="referral:1:move:2", **overrides):
    fields = {
        "kind": NotificationKind.REFERRAL_STATUS,
        "event": event,
        "url": "/referrals/1/",
        "message": MESSAGE,
        "params": {"number": "00001/RUJ", "service": "Rehabilitasi sosial", "status": STATUS},
    }
    fields.update(overrides)
    notify(recipients, **fields)


def indonesian(msgid):
    with translation.override("id"):
        return gettext(msgid)


def badge(response):
    found = re.search(r'class="bell-badge">([^<]*)<', response.content.decode())
    return found and found.group(1)


# --- notify() -----------------------------------------------------------------------------


def test_each_distinct_active_recipient_is_told_once(case_worker_a, coordinator_a, office_a):
    gone = UserFactory(username="pergi", office=office_a, role="case_worker", is_active=False)

    tell([case_worker_a, coordinator_a, case_worker_a, None, gone])

    assert sorted(Notification.objects.values_list("user__username", flat=True)) == [
        "koordinator_a",
        "petugas_a",
    ]


def test_the_same_event_told_twice_is_one_notification(case_worker_a):
    tell([case_worker_a])
    tell([case_worker_a])

    assert Notification.objects.filter(user=case_worker_a).count() == 1


def test_two_events_are_two_notifications(case_worker_a):
    tell([case_worker_a], event="referral:1:move:2")
    tell([case_worker_a], event="referral:1:move:3")

    assert Notification.objects.filter(user=case_worker_a).count() == 2


def test_the_text_is_in_the_recipients_language(case_worker_a, coordinator_a):
    case_worker_a.language = "en"
    coordinator_a.language = ""

    tell([case_worker_a, coordinator_a])

    english = Notification.objects.get(user=case_worker_a).text
    indonesian = Notification.objects.get(user=coordinator_a).text
    assert english == "Referral 00001/RUJ (Rehabilitasi sosial) is now: Accepted"
    assert indonesian.endswith(": Diterima")


def test_a_long_text_is_cut_to_fit(case_worker_a):
    tell([case_worker_a], message=gettext_lazy("Notes"), params=None)
    tell(
        [case_worker_a],
        event="long",
        message="%(word)s",
        params={"word": "x" * 400},
    )

    assert len(Notification.objects.get(event="long").text) == 300


# --- The list -----------------------------------------------------------------------------


def test_the_list_shows_only_ones_own_newest_first(client, case_worker_a, coordinator_a):
    make_notifications(case_worker_a, 3)
    Notification.objects.create(
        user=coordinator_a,
        kind=NotificationKind.ALERT_RAISED,
        text="Peringatan milik koordinator",
        url="/cases/1/",
        event="alert:1:raised",
    )
    client.force_login(case_worker_a)

    response = client.get("/notifications/")

    assert response.status_code == 200
    shown = [notification.text for notification in response.context["notifications"]]
    assert shown == [f"Rujukan {number:05d}/RUJ kini: Diterima" for number in range(3)]
    assert "Peringatan milik koordinator" not in response.content.decode()


def test_unread_notifications_are_marked_for_eyes_and_screen_readers(client, case_worker_a):
    make_notifications(case_worker_a, 1)
    make_notifications(case_worker_a, 1, read=True, start=1)
    client.force_login(case_worker_a)

    page = client.get("/notifications/").content.decode()

    assert page.count("notification-unread") == 1
    assert page.count(f'<span class="visually-hidden">{indonesian("Unread:")} </span>') == 1


def test_an_empty_list_says_so(client, case_worker_a):
    client.force_login(case_worker_a)

    response = client.get("/notifications/")

    assert response.context["page"].paginator.count == 0
    assert 'class="empty"' in response.content.decode()
    assert "/notifications/read/" not in response.content.decode()


def test_the_list_is_paginated(client, case_worker_a):
    make_notifications(case_worker_a, 30)
    client.force_login(case_worker_a)

    first = client.get("/notifications/")
    second = client.get("/notifications/?page=2")

    assert len(first.context["notifications"]) == 25
    assert len(second.context["notifications"]) == 5
    assert 'rel="next"' in first.content.decode()


def test_the_list_needs_a_login(client):
    response = client.get("/notifications/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- Opening one, marking all read --------------------------------------------------------


def test_opening_a_notification_marks_it_read_and_goes_where_it_leads(client, case_worker_a):
    [notification, other] = make_notifications(case_worker_a, 2)
    client.force_login(case_worker_a)

    response = client.get(f"/notifications/{notification.pk}/")

    assert response.status_code == 302
    assert response["Location"] == notification.url
    notification.refresh_from_db()
    other.refresh_from_db()
    assert notification.read_at is not None
    assert other.read_at is None


def test_opening_a_read_notification_keeps_when_it_was_first_read(client, case_worker_a):
    [notification] = make_notifications(case_worker_a, 1, read=True)
    first_read = notification.read_at
    client.force_login(case_worker_a)

    client.get(f"/notifications/{notification.pk}/")

    notification.refresh_from_db()
    assert notification.read_at == first_read


def test_another_users_notification_is_a_404(client, case_worker_a, coordinator_a):
    [notification] = make_notifications(coordinator_a, 1)
    client.force_login(case_worker_a)

    response = client.get(f"/notifications/{notification.pk}/")

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/x", "http://testserver/cases/1/", ""]
)
def test_a_link_off_the_site_leads_back_to_the_list(client, case_worker_a, url):
    [notification] = make_notifications(case_worker_a, 1)
    Notification.objects.filter(pk=notification.pk).update(url=url)
    client.force_login(case_worker_a)

    response = client.get(f"/notifications/{notification.pk}/")

    assert response["Location"] == "/notifications/"


def test_mark_all_as_read_marks_only_ones_own(client, case_worker_a, coordinator_a):
    make_notifications(case_worker_a, 3)
    make_notifications(coordinator_a, 2)
    client.force_login(case_worker_a)

    response = client.post("/notifications/read/")

    assert response.status_code == 302
    assert response["Location"] == "/notifications/"
    assert Notification.objects.filter(user=case_worker_a).unread().count() == 0
    assert Notification.objects.filter(user=coordinator_a).unread().count() == 2


def test_mark_all_as_read_is_a_post(client, case_worker_a):
    make_notifications(case_worker_a, 3)
    client.force_login(case_worker_a)

    response = client.get("/notifications/read/")

    assert response.status_code == 405
    assert Notification.objects.filter(user=case_worker_a).unread().count() == 3


# --- The bell -----------------------------------------------------------------------------


def test_the_bell_leads_to_the_list_with_a_label(client, case_worker_a):
    client.force_login(case_worker_a)

    page = client.get("/accounts/profile/").content.decode()

    assert 'class="bell" href="/notifications/"' in page
    assert f'<span class="visually-hidden">{indonesian("Notifications")}</span>' in page


def test_the_bell_has_no_badge_when_all_is_read(client, case_worker_a):
    make_notifications(case_worker_a, 2, read=True)
    client.force_login(case_worker_a)

    assert badge(client.get("/accounts/profile/")) is None


@pytest.mark.parametrize(("unread", "shown"), [(1, "1"), (99, "99"), (100, "99+"), (150, "99+")])
def test_the_bell_counts_the_unread(client, case_worker_a, coordinator_a, unread, shown):
    make_notifications(case_worker_a, unread)
    make_notifications(case_worker_a, 4, read=True, start=unread)
    make_notifications(coordinator_a, 5)
    client.force_login(case_worker_a)

    assert badge(client.get("/accounts/profile/")) == shown


def test_the_bell_is_not_on_the_login_page(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/accounts/login/")

    assert "unread_notifications" not in response.context
    assert 'class="bell"' not in response.content.decode()


def test_the_menu_has_no_notifications_entry(client, case_worker_a):
    client.force_login(case_worker_a)

    response = client.get("/accounts/profile/")

    assert "/notifications/" not in [item["url"] for item in response.context["menu"]]


# --- Query counts -------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_takes_the_same_queries_however_many_rows(
    client, case_worker_a, django_assert_num_queries, rows
):
    make_notifications(case_worker_a, rows)
    client.force_login(case_worker_a)

    # Session, user, the bell's count, the header's office, the page count, the page's rows.
    with django_assert_num_queries(6):
        response = client.get("/notifications/")

    assert response.status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_the_bell_costs_one_query_however_many_rows(
    client, case_worker_a, django_assert_num_queries, rows
):
    make_notifications(case_worker_a, rows)
    client.force_login(case_worker_a)

    # Session, user, the bell's count, the header's office.
    with django_assert_num_queries(4) as captured:
        client.get("/accounts/profile/")

    counts = [q["sql"] for q in captured.captured_queries if '"accounts_notification"' in q["sql"]]
    assert len(counts) == 1
    assert counts[0].startswith("SELECT COUNT(*)")
