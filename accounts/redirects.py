"""Where a "next" or "back" value from a request may send the user."""

from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

# Longer than any page of this site: anything beyond is not one of ours.
MAX_LENGTH = 2000


def safe_next(request, default, *, field="next"):
    """The request's `field` (POST first, then GET) if it is a page of this site, else `default`.

    `default` is anything `redirect()` takes: a URL, a URL name or a model instance.
    """
    value = request.POST.get(field) or request.GET.get(field) or ""
    if is_local(request, value):
        return value
    return resolve_url(default)


def is_local(request, url):
    """True for a path on this site that is safe to put into a Location header."""
    if not isinstance(url, str) or not url or len(url) > MAX_LENGTH:
        return False
    # Control characters anywhere (a newline would split the header) and backslashes,
    # which browsers read as slashes ("/\\evil" is "//evil").
    if "\\" in url or any(ord(c) < 32 or ord(c) == 127 for c in url):
        return False
    if not url.startswith("/") or url.startswith("//"):
        return False
    return url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
