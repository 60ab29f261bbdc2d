import hashlib

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
@never_cache
def healthz(request):
    """For load balancers and monitoring: does the database answer?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


# Pages of these addresses never go into the phone's store: they change what they show
# on every visit, hand out files, or end a session.
NOT_KEPT_OFFLINE = (
    "/accounts/",
    "/admin/",
    "/audit/",
    "/reports/",
    "/i18n/",
    "/healthz",
    "/sw.js",
)


@login_not_required
@require_safe
def service_worker(request):
    """The script that keeps the app's shell and the pages in use on the phone.

    Served from the root so that it may look after every page of the site. Rendered, so
    that it names the static files as they are served, and its version changes with them.
    """
    response = render(
        request,
        "offline/sw.js",
        {"excluded": NOT_KEPT_OFFLINE},
        content_type="application/javascript; charset=utf-8",
    )
    body = response.content
    version = hashlib.sha256(body).hexdigest()[:12]
    response.content = body.replace(b"__VERSION__", version.encode())
    # The browser looks for a new version on every visit rather than keeping this one.
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


@login_not_required
@require_safe
def offline(request):
    """What the phone shows for a page it has not kept, while there is no signal."""
    return render(request, "offline/offline.html")
