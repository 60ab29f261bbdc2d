"""The error pages speak the visitor's language: Indonesian by default, English on request.

The 404 and 403 pages are drawn in the layout with the request; the 500 page without any
context, yet in the language the request asked for.
"""

import pytest
from django.conf import settings as django_settings
from django.urls import include, path

from tests.factories import ParticipantFactory


def broken_view(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("rusak/", broken_view),
    path("", include("config.urls")),
]

INDONESIAN, ENGLISH = "id", "en"
TEXTS = {
    404: {
        INDONESIAN: ["Halaman tidak ditemukan", "Kembali ke beranda"],
        ENGLISH: ["Page not found", "Back to the home page"],
    },
    403: {
        INDONESIAN: ["Tidak diizinkan", "Kembali ke beranda"],
        ENGLISH: ["Not allowed", "Back to the home page"],
    },
    500: {
        INDONESIAN: ["Terjadi kesalahan", "Kembali ke beranda"],
        ENGLISH: ["Something went wrong", "Back to the home page"],
    },
}


@pytest.fixture(autouse=True)
def production_errors(settings):
    # Django shows its technical pages instead of ours in debug mode.
    settings.DEBUG = False


def in_language(client, language, how):
    if how == "cookie":
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
        return {}
    return {"accept-language": language}


def assert_speaks(response, status, language):
    other = ENGLISH if language == INDONESIAN else INDONESIAN
    page = response.content.decode()
    assert response.status_code == status
    assert f'<html lang="{language}"' in page
    for text in TEXTS[status][language]:
        assert text in page
    for text in TEXTS[status][other]:
        assert text not in page


@pytest.mark.parametrize("how", ["cookie", "accept-language"])
@pytest.mark.parametrize("language", [INDONESIAN, ENGLISH])
def test_the_404_page_is_in_the_language_asked_for(client, case_worker_a, language, how):
    client.force_login(case_worker_a)
    headers = in_language(client, language, how)

    response = client.get("/tidak-ada-halaman-ini/", headers=headers)

    assert_speaks(response, 404, language)


@pytest.mark.parametrize("how", ["cookie", "accept-language"])
@pytest.mark.parametrize("language", [INDONESIAN, ENGLISH])
def test_the_403_page_is_in_the_language_asked_for(client, case_worker_a, office_a, language, how):
    participant = ParticipantFactory(office=office_a, created_by=case_worker_a)
    client.force_login(case_worker_a)
    headers = in_language(client, language, how)

    response = client.post(
        f"/participants/{participant.pk}/archive/", {"archive_reason": "x"}, headers=headers
    )

    assert_speaks(response, 403, language)


def test_a_browser_asking_for_no_language_of_ours_gets_indonesian(client, case_worker_a):
    client.force_login(case_worker_a)

    response = client.get("/tidak-ada-halaman-ini/", headers={"accept-language": "fr"})

    assert_speaks(response, 404, INDONESIAN)


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("language", [INDONESIAN, ENGLISH])
def test_the_500_page_is_in_the_language_asked_for(client, case_worker_a, language):
    client.raise_request_exception = False
    client.force_login(case_worker_a)

    response = client.get("/rusak/", headers={"accept-language": language})

    assert_speaks(response, 500, language)
