"""Error pages speak Indonesian, keep the layout and lead back home."""

import pytest
from django.test import RequestFactory
from django.views import defaults

from tests.factories import ParticipantFactory


@pytest.fixture(autouse=True)
def production_errors(settings):
    # Django shows its technical pages instead of ours in debug mode.
    settings.DEBUG = False


def test_a_missing_page_is_404_in_indonesian_within_the_layout(client, case_worker_a):
    client.force_login(case_worker_a)

    response = client.get("/tidak-ada-halaman-ini/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "Halaman tidak ditemukan" in page
    assert 'class="topbar"' in page
    assert case_worker_a.full_name in page
    assert 'href="/"' in page


def test_an_object_out_of_reach_shows_the_same_404_page(client, case_worker_b, office_a):
    participant = ParticipantFactory(office=office_a)
    client.force_login(case_worker_b)

    response = client.get(f"/participants/{participant.pk}/")

    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_a_forbidden_action_shows_the_403_page(client, case_worker_a, office_a):
    participant = ParticipantFactory(office=office_a, created_by=case_worker_a)
    client.force_login(case_worker_a)

    response = client.post(f"/participants/{participant.pk}/archive/", {"archive_reason": "x"})

    assert response.status_code == 403
    page = response.content.decode()
    assert "Tidak diizinkan" in page
    assert 'class="topbar"' in page
    assert 'href="/"' in page


def test_a_bad_request_shows_the_400_page(rf, case_worker_a):
    request = rf.get("/")
    request.user = case_worker_a

    response = defaults.bad_request(request, exception=None)

    assert response.status_code == 400
    assert "Permintaan tidak valid" in response.content.decode()


def test_a_server_error_shows_the_500_page_without_a_request_context(db):
    request = RequestFactory().get("/")

    response = defaults.server_error(request)

    assert response.status_code == 500
    page = response.content.decode()
    assert "Terjadi kesalahan" in page
    assert 'href="/"' in page
    assert "css/purna.css" in page
