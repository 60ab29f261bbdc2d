"""The pages of the site each demo role can reach, found as a person would find them.

The demo world is the one `manage.py seed_demo` makes. From the home page, the same-origin
links are followed breadth-first; the URL patterns that take no argument are added, so a
page no link leads to yet is visited too. A few pages of each URL pattern are opened
(their rows differ, and so do their links: one record has a period abroad to edit, the
next has none); `first_of_each_pattern` keeps one of each, for checks that look at the
template rather than at the rows.
"""

import collections
import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from importlib import import_module
from urllib.parse import urljoin, urlsplit

from django.apps import apps
from django.urls import (
    NoReverseMatch,
    Resolver404,
    URLPattern,
    URLResolver,
    get_resolver,
    resolve,
    reverse,
)

from accounts import demo
from tests.factories import banten_regions, load_reference_data

# Each demo login, by the role it stands for.
ROLES = list(demo.USERS)
# Enough for every pattern a role can reach; a crawl that grows past it is a loop.
MAX_PAGES = 300
PAGES_PER_PATTERN = 3
# Whatever a GET of these would do, it is not a page to read: it ends the session,
# switches the language or is a file.
SKIPPED_NAMES = {"logout", "set_language", "healthz", "javascript-catalog"}
FILE_SUFFIXES = (".pdf", ".xlsx", ".csv", ".zip", ".docx", ".png", ".jpg", ".eml")


def seed_demo_world():
    """The demo data of every app, in the order of INSTALLED_APPS (as `seed_demo`)."""
    banten_regions()
    load_reference_data()
    out = io.StringIO()
    for app_config in apps.get_app_configs():
        try:
            module = import_module(f"{app_config.name}.demo")
        except ModuleNotFoundError:
            continue
        module.seed(out)


@dataclass
class Page:
    url: str
    pattern: str  # the URL pattern's route, or its name
    html: str

    @property
    def is_document(self):
        """A whole page, not a fragment htmx puts into one (/regions/chain/)."""
        return "<html" in self.html[:500].lower()


def _routes(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            namespace = entry.namespace
            for name, sub in _routes(entry.url_patterns, route):
                yield (f"{namespace}:{name}" if namespace and name else name), sub
        elif isinstance(entry, URLPattern):
            yield entry.name, route


def argument_free_urls():
    """The URL of every named pattern that needs no argument (the admin site excepted)."""
    urls = []
    for name, route in _routes(get_resolver().url_patterns):
        if not name or "<" in route or name.split(":")[-1] in SKIPPED_NAMES:
            continue
        try:
            urls.append(reverse(name))
        except NoReverseMatch:
            continue
    return sorted(set(urls))


def pattern_of(path):
    """The route of the pattern a path resolves to, or None for a path of no view."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name in SKIPPED_NAMES or match.namespace == "admin":
        return None
    return match.route or match.view_name


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href") and "download" not in attrs:
            self.hrefs.append(attrs["href"])


def links(html, base):
    parser = _Links()
    parser.feed(html)
    for href in parser.hrefs:
        url = urljoin(base, href)
        parts = urlsplit(url)
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
            continue
        yield parts.path, parts.query


def is_page(response):
    content_type = response.get("Content-Type", "")
    return (
        response.status_code == 200
        and content_type.startswith("text/html")
        and "attachment" not in response.get("Content-Disposition", "")
    )


def discover(client, *, max_pages=MAX_PAGES, per_pattern=PAGES_PER_PATTERN, **headers):
    """The pages the client's user reaches, breadth-first from home: a path once (whatever
    its query), at most `per_pattern` paths of a URL pattern."""
    queue = collections.deque([("/", "")] + [(url, "") for url in argument_free_urls()])
    seen_paths, opened, pages = set(), collections.Counter(), []
    while queue and len(pages) < max_pages:
        path, query = queue.popleft()
        if path in seen_paths or path.lower().endswith(FILE_SUFFIXES):
            continue
        seen_paths.add(path)
        pattern = pattern_of(path)
        if pattern is None or opened[pattern] >= per_pattern:
            continue
        url = f"{path}?{query}" if query else path
        response = client.get(url, headers=headers)
        if not is_page(response):
            continue
        opened[pattern] += 1
        html = response.content.decode()
        pages.append(Page(url=url, pattern=pattern, html=html))
        queue.extend(links(html, path))
    return pages


def first_of_each_pattern(pages):
    seen, first = set(), []
    for page in pages:
        if page.pattern not in seen:
            seen.add(page.pattern)
            first.append(page)
    return first


# --- Visible text ------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
TEXT_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "aria-description")


class _Text(HTMLParser):
    """Text nodes and the attributes a person reads or hears, outside <script>/<style>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden_depth = 0
        self.phrases = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self.hidden_depth += 1
            return
        for name in TEXT_ATTRIBUTES:
            if attrs.get(name):
                self.phrases.append(attrs[name])
        if (
            tag == "input"
            and attrs.get("type") in ("submit", "button", "reset")
            and attrs.get("value")
        ):
            self.phrases.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.hidden_depth = max(0, self.hidden_depth - 1)

    def handle_data(self, data):
        if not self.hidden_depth and data.strip():
            self.phrases.append(data)


def visible_phrases(html):
    parser = _Text()
    parser.feed(html)
    return [" ".join(phrase.split()) for phrase in parser.phrases]


# Whole words only: the letters of a code such as "3AT7" or "month_6" are not words.
WORD = re.compile(r"(?<!\w)[^\W\d_]+(?:['\u2019][^\W\d_]+)?(?!\w)")
# Addresses and paths are not words of a language.
NOT_WORDS = re.compile(r"\S+@\S+|\S*://\S+|/\S*|\S+\.(?:example|id|org|com)\b")


def words(text):
    return {word.lower() for word in WORD.findall(NOT_WORDS.sub(" ", text))}


def page_key(url):
    return pattern_of(urlsplit(url).path) or url
