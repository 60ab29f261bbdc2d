"""Every page forbids inline script and style (Content-Security-Policy) and the browser
features Purna never uses (Permissions-Policy); no template brings an inline one back."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse

from reports import charts
from tests.referrals.conftest import (  # noqa: F401 (fixtures)
    case_a,
    consent,
    draft,
    participant,
    program_a,
    sent,
    social_rehabilitation,
)

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Rendered by WeasyPrint into PDFs, never served to a browser: their inline styles stay.
PDF_BASE = "reports/pdf_base.html"
PDF_ONLY = {"referrals/letter.html", "reports/agency_row.html", "reports/consent_form.html"}

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"\son[a-z]+\s*=\s*[\"'{]", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


def is_pdf_template(name, text):
    return name == PDF_BASE or name in PDF_ONLY or f'extends "{PDF_BASE}"' in text


def browser_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        text = path.read_text(encoding="utf-8")
        if not is_pdf_template(name, text):
            yield name, text


@pytest.fixture
def pages(case_a, sent, program_a):  # noqa: F811
    return {
        "home": reverse("home"),
        "tasks": reverse("tasks"),
        "notifications": reverse("notifications"),
        "participant list": reverse("participants:list"),
        "participant": reverse("participants:detail", args=[case_a.participant.pk]),
        "case": reverse("cases:case", args=[case_a.pk]),
        "program": reverse("cases:program", args=[program_a.pk]),
        "referral list": reverse("referrals:list"),
        "referral": reverse("referrals:detail", args=[sent.pk]),
        "exports": reverse("reports:exports"),
        "outcome report": reverse("reports:program_outcomes", args=[program_a.pk]),
    }


def test_every_page_of_a_coordinators_day_carries_both_policies(client, coordinator_a, pages):
    client.force_login(coordinator_a)

    for name, url in pages.items():
        response = client.get(url)

        assert response.status_code == 200, name
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy, name
        assert "style-src 'self'" in policy, name
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, name
        assert "camera=()" in response.headers["Permissions-Policy"], name


def test_the_case_workers_pages_carry_both_policies(client, case_worker_a, pages):
    client.force_login(case_worker_a)

    for name in ("home", "tasks", "case", "referral", "participant"):
        response = client.get(pages[name])

        assert response.status_code == 200, name
        assert "Content-Security-Policy" in response.headers, name
        assert "Permissions-Policy" in response.headers, name


def test_the_login_page_carries_the_whole_policy(client):
    response = client.get(reverse("login"))

    policy = dict(
        part.strip().split(" ", 1)
        for part in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    features = response.headers["Permissions-Policy"].split(", ")
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in features


def test_the_policy_is_enforced_not_only_reported(client):
    response = client.get(reverse("login"))

    assert "Content-Security-Policy-Report-Only" not in response.headers


def test_the_scan_finds_the_pages_and_skips_only_the_pdfs():
    names = {name for name, _ in browser_templates()}

    assert "base.html" in names
    assert "cases/case_detail.html" in names
    assert "reports/chart.html" in names
    assert "reports/pdf_base.html" not in names
    assert "reports/program.html" not in names
    assert "referrals/letter.html" not in names


@pytest.mark.parametrize(
    ("kind", "pattern"),
    [
        ("an inline script", INLINE_SCRIPT),
        ("an inline style block", INLINE_STYLE),
        ("a style attribute", STYLE_ATTRIBUTE),
        ("an on* handler attribute", HANDLER_ATTRIBUTE),
        ("a javascript: URL", JAVASCRIPT_URL),
    ],
)
def test_no_browser_template_holds(kind, pattern):
    found = [
        f"{name}:{text.count(chr(10), 0, match.start()) + 1}"
        for name, text in browser_templates()
        for match in pattern.finditer(text)
    ]

    assert not found, f"{kind} in {', '.join(found)}: move it to static/js or static/css"


def test_the_scan_would_catch_each_kind():
    sample = '<p style="color: red" onclick="go()"><script>x()</script><style>p{}</style>'

    assert INLINE_SCRIPT.search(sample)
    assert INLINE_STYLE.search(sample)
    assert STYLE_ATTRIBUTE.search(sample)
    assert HANDLER_ATTRIBUTE.search(sample)
    assert not INLINE_SCRIPT.search('<script src="/static/js/purna.js" defer></script>')
    assert not HANDLER_ATTRIBUTE.search('<p data-shown-when="status=closed">')


def test_htmx_is_told_not_to_evaluate_code_or_inject_styles(client):
    html = client.get(reverse("login")).content.decode()

    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html).group(1)
    assert '"allowEval": false' in config
    assert '"includeIndicatorStyles": false' in config


def test_chart_bars_are_drawn_with_classes_the_stylesheet_defines():
    chart = charts.bars("Rujukan", [("Dinsos", 1), ("Dinkes", 3)])
    stylesheet = Path(finders.find("css/charts.css")).read_text()

    html = render_to_string("reports/chart.html", {"chart": chart})

    assert "style=" not in html
    assert "chart-p-33" in html and "chart-p-100" in html
    assert ".chart-bars-table .chart-p-33 { width: 22.44%; }" in stylesheet
    assert f".chart-bars-table .chart-p-100 {{ width: {charts.BAR_TRACK}%; }}" in stylesheet


def test_chart_columns_are_drawn_with_classes_the_stylesheet_defines():
    chart = charts.columns("Kasus baru", [("Okt", 2), ("Nov", 8)])
    stylesheet = Path(finders.find("css/charts.css")).read_text()

    html = render_to_string("reports/chart.html", {"chart": chart})

    assert "style=" not in html
    assert "chart-p-25" in html and "chart-p-100" in html
    assert ".chart-column-bars .chart-p-25 { height: 1.75em; }" in stylesheet
    assert (
        f".chart-column-bars .chart-p-100 {{ height: {charts.COLUMN_HEIGHT_EM}em; }}" in stylesheet
    )
