"""The service worker that keeps Purna's shell and the pages in use on the phone."""

from django.templatetags.static import static
from django.urls import reverse


def test_the_service_worker_is_served_from_the_root_and_names_the_static_files(client, db):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    # The browser asks again on each visit, so a new version reaches phones at once.
    assert "no-cache" in response["Cache-Control"]
    script = response.content.decode()
    for name in ("css/purna.css", "js/purna.js", "js/offline.js", "vendor/htmx/htmx.min.js"):
        assert f'"{static(name)}"' in script
    assert f'const OFFLINE_URL = "{reverse("offline")}"' in script
    assert "__VERSION__" not in script


def test_pages_that_hand_out_files_or_end_sessions_are_never_kept(client, db):
    script = client.get("/sw.js").content.decode()

    for prefix in ("/accounts/", "/reports/", "/audit/", "/admin/"):
        assert f'"{prefix}"' in script


def test_the_version_changes_with_the_files_it_names(client, db, settings):
    first = client.get("/sw.js").content.decode()
    settings.STATIC_URL = "/static-v2/"

    second = client.get("/sw.js").content.decode()

    version = next(line for line in first.splitlines() if line.startswith("const VERSION"))
    assert version not in second


def test_the_page_for_no_signal_speaks_indonesian(client, db):
    response = client.get(reverse("offline"), HTTP_ACCEPT_LANGUAGE="id")

    assert response.status_code == 200
    assert "Tidak ada sinyal" in response.content.decode()
