"""A form sent twice under one submission key is acted on once.

A phone on a weak signal resends a form whose answer it lost; a form kept on the phone
while offline may be sent from two tabs at once when the signal returns.
"""

import datetime
import threading
import uuid

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts import submissions
from accounts.submissions import LOCATION_HEADER, SCRIPT_HEADER, Submission
from cases.models import Screening
from tests.cases.helpers import srq_data


def srq_url(case):
    return reverse("cases:questionnaire", args=[case.pk, "srq20"])


def test_the_same_key_twice_saves_one_screening_and_leads_to_the_same_page(
    client, case_a, health_worker_a
):
    client.force_login(health_worker_a)
    data = srq_data(yes=[1, 2], submission_key=str(uuid.uuid4()))

    first = client.post(srq_url(case_a), data)
    again = client.post(srq_url(case_a), data)

    assert first.status_code == 302
    assert again.status_code == 303
    assert again.url == first.url == case_a.get_absolute_url()
    assert Screening.objects.count() == 1
    told = [str(message) for message in get_messages(again.wsgi_request)]
    assert "Formulir ini sudah diterima sebelumnya; tidak disimpan dua kali." in told


def test_without_a_key_each_sending_is_its_own(client, case_a, health_worker_a):
    client.force_login(health_worker_a)

    client.post(srq_url(case_a), srq_data())
    client.post(srq_url(case_a), srq_data())

    assert Screening.objects.count() == 2
    assert not Submission.objects.exists()


def test_a_form_sent_back_with_errors_keeps_no_key_so_the_corrected_form_goes_through(
    client, case_a, health_worker_a
):
    client.force_login(health_worker_a)
    key = str(uuid.uuid4())
    incomplete = srq_data(submission_key=key)
    del incomplete["item_12"]

    refused = client.post(srq_url(case_a), incomplete)
    corrected = client.post(srq_url(case_a), srq_data(submission_key=key))

    assert refused.status_code == 200
    assert corrected.status_code == 302
    assert Screening.objects.count() == 1
    assert Submission.objects.get().location == case_a.get_absolute_url()


def test_the_page_script_gets_the_address_instead_of_a_redirect(client, case_a, health_worker_a):
    client.force_login(health_worker_a)
    key = str(uuid.uuid4())

    from_script = {f"HTTP_{SCRIPT_HEADER.upper().replace('-', '_')}": "1"}

    sent = client.post(srq_url(case_a), srq_data(submission_key=key), **from_script)
    again = client.post(srq_url(case_a), {"submission_key": key}, **from_script)

    assert (sent.status_code, sent[LOCATION_HEADER]) == (204, case_a.get_absolute_url())
    assert (again.status_code, again[LOCATION_HEADER]) == (204, case_a.get_absolute_url())
    assert Screening.objects.count() == 1


def test_a_logged_out_script_is_sent_to_the_login_page_not_told_it_was_saved(client, case_a):
    response = client.post(
        srq_url(case_a),
        srq_data(submission_key=str(uuid.uuid4())),
        HTTP_PURNA_OUTBOX="1",
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert LOCATION_HEADER not in response
    assert not Screening.objects.exists()


def test_another_persons_key_is_refused_and_tells_nothing(
    client, case_a, health_worker_a, coordinator_a
):
    key = str(uuid.uuid4())
    client.force_login(health_worker_a)
    client.post(srq_url(case_a), srq_data(submission_key=key))

    client.force_login(coordinator_a)
    response = client.post(srq_url(case_a), srq_data(submission_key=key))

    assert response.status_code == 400
    assert "Location" not in response
    assert Screening.objects.count() == 1


def test_a_key_that_is_not_a_uuid_is_ignored(client, case_a, health_worker_a):
    client.force_login(health_worker_a)

    response = client.post(srq_url(case_a), srq_data(submission_key="'; DROP TABLE"))

    assert response.status_code == 302
    assert Screening.objects.count() == 1
    assert not Submission.objects.exists()


def test_old_keys_are_discarded(case_a, health_worker_a):
    old = Submission.objects.create(
        key=uuid.uuid4(),
        user=health_worker_a,
        path="/",
        location="/",
    )
    Submission.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - submissions.KEEP_FOR - datetime.timedelta(minutes=1)
    )
    recent = Submission.objects.create(key=uuid.uuid4(), user=health_worker_a, path="/")

    assert submissions.discard_old() == 1
    assert list(Submission.objects.all()) == [recent]


@pytest.mark.django_db(transaction=True)
def test_two_tabs_sending_at_once_save_one_screening(case_a, health_worker_a):
    from django.test import Client

    key = str(uuid.uuid4())
    data = srq_data(submission_key=key)
    answers = []
    start = threading.Barrier(2)

    def send():
        tab = Client()
        tab.force_login(health_worker_a)
        start.wait()
        try:
            answers.append(tab.post(srq_url(case_a), data).status_code)
        finally:
            connection.close()

    tabs = [threading.Thread(target=send) for _ in range(2)]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join()

    assert sorted(answers) == [302, 303]
    assert Screening.objects.count() == 1
