"""Every URL under /reports/ is a 404 for agency officers and for other offices' staff.

The URLs are read from reports/urls.py, so a report added later is covered without
anyone remembering to add it here.
"""

import pytest
from django.urls import URLPattern

from accounts.models import AccessLog
from reports import program_report, urls
from reports.models import ReportJob
from tests.reports.conftest import refer
from tests.rights.conftest import register

POST_ONLY = {
    "program",
    "export_participants",
    "anonymise_propose",
    "anonymise_confirm",
    "anonymise_cancel",
}
# Writes that answer with a redirect (and a message or a job page), whatever was posted.
REDIRECTS = {"export_participants", "anonymise_propose", "anonymise_confirm", "anonymise_cancel"}


@pytest.fixture
def objects(case_a, case_worker_a, coordinator_a, dinsos, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    referral = refer(case_a, dinsos, "pkh_proposal", by=case_worker_a, coordinator=coordinator_a)
    job = ReportJob.objects.create(
        office=case_a.program.office, program=case_a.program, created_by=coordinator_a
    )
    program_report.run_job(job.pk)
    data_request = register(case_a.participant, coordinator_a)
    return {
        "participant": case_a.participant.pk,
        "consent_form": case_a.participant.pk,
        "data_request_pdf": data_request.pk,
        "anonymise_propose": case_a.participant.pk,
        "anonymise_confirm": case_a.participant.pk,
        "anonymise_cancel": case_a.participant.pk,
        "referral_letter": referral.pk,
        "program": case_a.program.pk,
        "program_outcomes": case_a.program.pk,
        "program_outcomes_pdf": case_a.program.pk,
        "job": job.pk,
        "job_download": job.pk,
    }


def report_urls(objects):
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        kwargs = {}
        if "pk" in pattern.pattern.converters:
            kwargs["pk"] = objects[pattern.name]
        if "fmt" in pattern.pattern.converters:
            kwargs["fmt"] = "csv"
        route = str(pattern.pattern).replace("<int:pk>", str(kwargs.get("pk", "")))
        route = route.replace("<str:fmt>", "csv")
        yield pattern.name, "/reports/" + route


def test_every_report_url_is_known_to_this_test(objects):
    names = {name for name, _url in report_urls(objects)}

    assert names >= {"participant", "program", "job", "job_download", "referral_letter"}


# The referral went to Dinsos: Dinkes' officer is an outsider to all of it.
@pytest.mark.parametrize("outsider", ["dinkes_officer", "case_worker_b"])
def test_agency_officers_and_outsiders_get_404_on_every_report_url(
    client, request, objects, outsider
):
    user = request.getfixturevalue(outsider)
    client.force_login(user)

    answers = {}
    for name, url in report_urls(objects):
        response = client.post(url) if name in POST_ONLY else client.get(url)
        answers[url] = response.status_code

    assert {url: code for url, code in answers.items() if code != 404} == {}
    assert not AccessLog.objects.filter(
        user=user, action__in=[AccessLog.Action.DOWNLOAD, AccessLog.Action.EXPORT]
    ).exists()


def test_the_receiving_agency_takes_only_its_referral_letter(client, dinsos_officer, objects):
    client.force_login(dinsos_officer)

    answers = {}
    for name, url in report_urls(objects):
        response = client.post(url) if name in POST_ONLY else client.get(url)
        answers[name] = response.status_code

    # The Surat Rujukan is written to the agency, from what it may see (referrals app).
    assert answers.pop("referral_letter") == 200
    assert set(answers.values()) == {404}


def test_the_coordinator_of_the_office_reaches_every_report_url(client, coordinator_a, objects):
    client.force_login(coordinator_a)

    for name, url in report_urls(objects):
        response = client.post(url) if name in POST_ONLY else client.get(url)
        assert response.status_code == (302 if name in REDIRECTS else 200), url
