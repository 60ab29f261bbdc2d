"""While the database is down, pages answer 503 in Indonesian; once it is back, 200 again."""

from unittest import mock

import pytest
from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpResponse
from django.test import Client
from django.urls import path, reverse
from django.utils import translation

from config.middleware import database_unavailable_response


def database_down():
    # What every query meets when the server is stopped or unreachable.
    return mock.patch.object(
        BaseDatabaseWrapper,
        "ensure_connection",
        side_effect=OperationalError("connection refused: is the server running?"),
    )


def unavailable_title():
    with translation.override("id"):
        return translation.gettext("Temporarily unavailable")


@login_not_required
def raises(request, error):
    raise {"operational": OperationalError, "interface": InterfaceError, "other": ValueError}[
        error
    ]("boom")


@login_not_required
def touches_the_session(request):
    request.session["seen"] = True
    return HttpResponse("ok")


urlpatterns = [
    path("raises/<str:error>/", raises),
    path("session/", touches_the_session),
]


@pytest.fixture
def browser():
    # Like a browser, it gets the response, not the exception Django logged on the way.
    return Client(raise_request_exception=False)


def assert_unavailable_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "no-cache" in response["Cache-Control"]
    page = response.content.decode()
    assert unavailable_title() in page
    assert 'lang="id"' in page


def test_a_case_worker_gets_the_503_page_while_the_database_is_down_and_the_home_page_after(
    browser, case_worker_a
):
    browser.force_login(case_worker_a)
    assert browser.get(reverse("home")).status_code == 200

    with database_down():
        response = browser.get(reverse("home"))

    assert_unavailable_page(response)
    assert browser.get(reverse("home")).status_code == 200


def test_a_list_page_answers_503_while_the_database_is_down(browser, case_worker_a):
    browser.force_login(case_worker_a)

    with database_down():
        response = browser.get(reverse("participants:list"))

    assert_unavailable_page(response)


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("error", ["operational", "interface"])
def test_a_database_error_raised_in_a_view_answers_503(client, error):
    response = client.get(f"/raises/{error}/")

    assert_unavailable_page(response)


@pytest.mark.urls(__name__)
def test_other_errors_still_answer_the_500_page(browser):
    response = browser.get("/raises/other/")

    assert response.status_code == 500
    assert "Retry-After" not in response


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_session_that_cannot_be_saved_answers_503(browser):
    with database_down():
        response = browser.get("/session/")

    assert_unavailable_page(response)
    assert browser.get("/session/").status_code == 200


def test_healthz_answers_503_while_the_database_is_down(client, db):
    with database_down():
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert client.get(reverse("healthz")).status_code == 200


def test_the_503_page_asks_nothing_of_the_database(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        response = database_unavailable_response()

    assert unavailable_title() in response.content.decode()
