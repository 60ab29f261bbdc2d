"""A form sent back with errors opens with their summary: each error a link to its
field, so that on a phone the one mistake 800 px down is a tap away."""

import html
import re

import pytest
from django.urls import reverse

from cases.models import Screening

pytestmark = pytest.mark.django_db


def summary_of(response):
    """The error summary box of the page, or None."""
    html = response.content.decode()
    match = re.search(
        r'<div class="alert alert-error" role="alert" tabindex="-1" data-error-summary.*?</div>',
        html,
        re.S,
    )
    return match.group(0) if match else None


def test_the_physical_screening_lists_each_field_error_with_a_link_to_its_field(
    client, case_a, health_worker_a
):
    client.force_login(health_worker_a)

    response = client.post(
        reverse("cases:physical", args=[case_a.pk]),
        {"screened_on": "2025-11-05", "height_cm": "tinggi", "waist_cm": "2000", "decision": ""},
    )

    assert response.status_code == 200
    summary = summary_of(response)
    assert summary is not None
    assert 'role="alert"' in summary
    assert "data-error-summary" in summary  # purna.js moves the focus to it
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    anchors = [anchor for anchor, _ in links]
    assert list(dict.fromkeys(anchors)) == ["id_height_cm", "id_waist_cm"]
    form = response.context["form"]
    expected = [
        (f"id_{name}", f"{form[name].label}: {error}")
        for name in ("height_cm", "waist_cm")
        for error in form[name].errors
    ]
    assert [(anchor, html.unescape(text)) for anchor, text in links] == expected
    # Each link lands on an input of the page.
    page = response.content.decode()
    assert 'id="id_height_cm"' in page and 'id="id_waist_cm"' in page
    heading = re.search(r"<h2[^>]*>(.*?)</h2>", summary, re.S).group(1)
    assert str(summary.count("<li>")) in heading
    assert not Screening.objects.filter(case=case_a).exists()


def test_a_non_field_error_is_in_the_summary_too(client, case_a, health_worker_a):
    client.force_login(health_worker_a)

    response = client.post(
        reverse("cases:physical", args=[case_a.pk]), {"screened_on": "2025-11-05"}
    )

    summary = summary_of(response)
    [message] = response.context["form"].non_field_errors()
    assert message in summary
    assert "<a " not in summary  # nothing to point at: the message is the whole story


def test_a_radio_question_links_to_its_first_choice(client, case_a, health_worker_a):
    client.force_login(health_worker_a)

    response = client.post(
        reverse("cases:questionnaire", args=[case_a.pk, "srq20"]), {"item_1": "0"}
    )

    summary = summary_of(response)
    anchors = re.findall(r'<a href="#([^"]+)">', summary)
    assert anchors == [f"id_item_{number}_0" for number in range(2, 21)]
    page = response.content.decode()
    for anchor in anchors:
        assert f'id="{anchor}"' in page


def test_a_form_without_errors_has_no_summary(client, case_a, health_worker_a):
    client.force_login(health_worker_a)

    response = client.get(reverse("cases:physical", args=[case_a.pk]))

    assert summary_of(response) is None
