"""What a health worker reads of a returnee: the problems whose care is clinical, and
no case notes but their own, on the participant page, the case page and the PDF alike."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases.models import CaseNote
from participants.models import Problem
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

HIDDEN = ["sexual_violence", "trafficking", "legal_problems", "unpaid_wages", "physical_abuse"]
CLINICAL = ["physical_illness", "mental_illness", "work_accident", "pregnant_or_child"]
CASE_WORKER_NOTE = "Diperkosa agen penyalur sebelum dipulangkan; takut melapor."
HEALTH_WORKER_NOTE = "Tekanan darah diukur ulang di ruang tertutup."


def names(code):
    problem = Problem.objects.get(code=code)
    return [problem.name, problem.name_en]


def shows(text, code):
    return any(name in text for name in names(code))


def pdf_text(response):
    """The report's words, with the lines it wraps joined again."""
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def story(case_a, case_worker_a):
    """Siti Aminah's case: every kind of problem above, and a note by her case worker."""
    case_a.participant.problems.set(Problem.objects.filter(code__in=HIDDEN + CLINICAL))
    CaseNote.objects.create(case=case_a, author=case_worker_a, text=CASE_WORKER_NOTE)
    return case_a


def pages(client, user, case):
    client.force_login(user)
    participant = case.participant
    participant_page = client.get(reverse("participants:detail", args=[participant.pk]))
    case_page = client.get(case.get_absolute_url())
    report = client.get(reverse("reports:participant", args=[participant.pk]))
    assert participant_page.status_code == case_page.status_code == report.status_code == 200
    return {
        "participant page": participant_page.content.decode(),
        "case page": case_page.content.decode(),
        "participant report": pdf_text(report),
    }


def test_clinical_problems_are_marked_on_the_reference_list():
    marked = set(Problem.objects.filter(clinical=True).values_list("code", flat=True))

    assert marked == set(CLINICAL)


def test_health_worker_sees_the_clinical_problems_and_none_of_the_others(
    client, health_worker_a, story
):
    for where, text in pages(client, health_worker_a, story).items():
        for code in CLINICAL:
            assert shows(text, code), (where, code)
        for code in HIDDEN:
            assert not shows(text, code), (where, code)


def test_health_worker_reads_no_note_written_by_the_case_worker(client, health_worker_a, story):
    for where, text in pages(client, health_worker_a, story).items():
        assert "Diperkosa" not in text, where


def test_health_worker_reads_the_notes_they_wrote(client, health_worker_a, story):
    CaseNote.objects.create(case=story, author=health_worker_a, text=HEALTH_WORKER_NOTE)
    client.force_login(health_worker_a)

    page = client.get(story.get_absolute_url()).content.decode()

    assert HEALTH_WORKER_NOTE in page
    assert "Diperkosa" not in page


@pytest.mark.parametrize("user", ["coordinator_a", "case_worker_a"])
def test_coordinator_and_case_worker_see_every_problem_and_note(client, request, user, story):
    everything = pages(client, request.getfixturevalue(user), story)

    for where, text in everything.items():
        for code in CLINICAL + HIDDEN:
            assert shows(text, code), (where, code)
    assert CASE_WORKER_NOTE in everything["case page"]


def test_health_worker_cannot_find_people_by_a_hidden_problem(
    client, health_worker_a, coordinator_a, story, office_a, case_worker_a
):
    ParticipantFactory(office=office_a, created_by=case_worker_a, full_name="Dewi Lestari")
    violence = Problem.objects.get(code="sexual_violence")
    url = reverse("participants:list") + f"?problem={violence.pk}"

    client.force_login(coordinator_a)
    found_by_coordinator = client.get(url).content.decode()
    client.force_login(health_worker_a)
    found_by_health_worker = client.get(url).content.decode()

    # The coordinator narrows the list to her; the health worker has no such choice,
    # so the list stays whole and tells nothing about who had that problem.
    assert "Siti Aminah" in found_by_coordinator
    assert "Dewi Lestari" not in found_by_coordinator
    assert "Dewi Lestari" in found_by_health_worker
    assert "Siti Aminah" in found_by_health_worker
    assert not shows(found_by_health_worker, "sexual_violence")
    assert shows(found_by_health_worker, "mental_illness")
