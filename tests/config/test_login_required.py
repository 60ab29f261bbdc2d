"""Every page is behind login, except the login page and the health check.

The URLs come from the resolver itself, so a new view is covered without
editing this test.
"""

import itertools
import re
import uuid

import pytest
from django.urls import get_resolver

PUBLIC_PATHS = {
    "/accounts/login/",
    "/healthz",
    # The service worker and its page for no signal: the phone asks for them on its own.
    "/sw.js",
    "/offline/",
    # Forgotten passwords and invitations: reached by people who cannot log in yet.
    "/accounts/password_reset/",
    "/accounts/password_reset/done/",
    "/accounts/reset/1/1/",
    "/accounts/reset/done/",
    "/accounts/invitation/1/1/",
}
# Values tried for each URL parameter until the URL's pattern accepts them.
SAMPLE_VALUES = ["1", "x", "accounts", str(uuid.UUID(int=1)), "x/y"]


def all_url_paths():
    """One concrete path for every URL pattern, from the resolvers' reverse tables."""
    return sorted("/" + path for path in _paths(get_resolver(), prefix=""))


def _paths(resolver, prefix):
    paths = set()
    for key in list(resolver.reverse_dict):
        for possibilities, pattern, _defaults, _converters in resolver.reverse_dict.getlist(key):
            for result, params in possibilities:
                paths.add(prefix + _fill(result, params, pattern))
    # Namespaced URLs (the admin) live in their own resolvers.
    for namespace_prefix, sub_resolver in resolver.namespace_dict.values():
        assert "(" not in namespace_prefix, "namespace prefixes with parameters are not handled"
        paths |= _paths(sub_resolver, prefix + namespace_prefix)
    return paths


def _fill(result, params, pattern):
    for values in itertools.product(SAMPLE_VALUES, repeat=len(params)):
        path = result % dict(zip(params, values, strict=True))
        if re.search(f"^{pattern}", path):
            return path
    raise AssertionError(f"no sample value fits the URL pattern {pattern!r}")


def test_the_url_list_covers_the_application():
    paths = all_url_paths()
    assert {"/", "/accounts/login/", "/accounts/logout/", "/healthz", "/admin/"} <= set(paths)
    assert len(paths) > 20


@pytest.mark.parametrize("path", [p for p in all_url_paths() if p not in PUBLIC_PATHS])
def test_anonymous_visitor_is_sent_to_the_login_page(client, db, path):
    response = client.get(path, follow=True)

    assert response.redirect_chain, f"{path} answered an anonymous visitor"
    final_url, _status = response.redirect_chain[-1]
    assert final_url.startswith("/accounts/login/?next=")
    assert response.status_code == 200
    assert response.templates[0].name == "accounts/login.html"


@pytest.mark.parametrize("path", sorted(PUBLIC_PATHS))
def test_login_page_and_health_check_answer_without_login(client, db, path):
    response = client.get(path)

    assert response.status_code == 200
