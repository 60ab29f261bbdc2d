"""The consent form printed from the participant page: what the returnee reads and
fills in, who may print it, and that each print is logged."""

import io

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from pypdf import PdfReader

from accounts.models import AccessLog, AgencyType, Role
from participants.models import Consent, ConsentPurpose
from referrals import sharing
from reports.consent_form import SECTION_WORDS, purpose_line, purpose_rows
from tests.factories import ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

NO_TO_SHARING = "Saying no to sharing does not stop your services at BP3MI. You are still helped."


def pdf_words(response):
    """The PDF's text with every run of spaces and line breaks made one space."""
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split()), reader


def words(text):
    return " ".join(str(text).split())


@pytest.fixture
def participant(office_a, case_worker_a):
    office_a.address = "Jl. Trip Jamaksari No. 3, Serang"
    office_a.phone = "0254-200123"
    office_a.save()
    return ParticipantFactory(office=office_a, full_name="Siti Aminah", created_by=case_worker_a)


def form_url(participant):
    return f"/reports/participants/{participant.pk}/consent-form.pdf"


def test_the_form_names_the_person_every_purpose_and_the_boxes_to_sign(
    client, case_worker_a, participant
):
    client.force_login(case_worker_a)

    text, reader = pdf_words(client.get(form_url(participant)))

    assert participant.full_name in text
    assert participant.registration_number in text
    assert participant.village.name in text
    assert "Jl. Trip Jamaksari No. 3, Serang" in text
    assert "0254-200123" in text
    with translation.override("id"):
        for label, sentence in purpose_rows():
            assert words(label) in text
            assert words(sentence) in text
        for _value, label in Consent.GivenBy.choices:
            assert words(label) in text
        assert words(_("Signature of the person giving consent")) in text
        assert words(_("Thumbprint (if unable to sign)")) in text
        assert words(_("Witness / officer")) in text
        assert words(_(NO_TO_SHARING)) in text
    assert len(reader.pages) <= 2


def test_each_sharing_line_names_what_that_agency_is_shown_and_no_more():
    with translation.override("id"):
        dinsos = purpose_line(ConsentPurpose.SHARE_DINSOS)
        dinkes = purpose_line(ConsentPurpose.SHARE_DINKES)

        assert str(AgencyType.DINSOS.label) in dinsos
        assert str(SECTION_WORDS[sharing.HOUSEHOLD]) in dinsos
        assert str(SECTION_WORDS[sharing.SCREENING]) not in dinsos
        assert str(SECTION_WORDS[sharing.SCREENING]) in dinkes
        assert str(SECTION_WORDS[sharing.HOUSEHOLD]) not in dinkes


def test_every_purpose_has_its_own_line():
    rows = purpose_rows()

    assert [label for label, _sentence in rows] == [label for _v, label in ConsentPurpose.choices]
    assert len({sentence for _label, sentence in rows}) == len(ConsentPurpose.choices)


def test_printing_the_form_is_logged_as_a_download(client, case_worker_a, participant):
    client.force_login(case_worker_a)

    client.get(form_url(participant))

    assert AccessLog.objects.filter(
        user=case_worker_a,
        action=AccessLog.Action.DOWNLOAD,
        object_id=str(participant.pk),
        detail=f"persetujuan-{participant.registration_number}.pdf",
    ).exists()


def test_another_offices_coordinator_gets_404(client, office_b, participant):
    client.force_login(UserFactory(role=Role.COORDINATOR, office=office_b))

    assert client.get(form_url(participant)).status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).exists()


@pytest.mark.parametrize("outsider", ["dinsos_officer", "auditor_a"])
def test_agency_officers_and_auditors_get_404(client, request, participant, outsider):
    client.force_login(request.getfixturevalue(outsider))

    assert client.get(form_url(participant)).status_code == 404


def test_a_health_worker_who_records_no_consent_is_refused(client, health_worker_a, participant):
    client.force_login(health_worker_a)

    assert client.get(form_url(participant)).status_code == 403


def test_the_participant_page_links_the_form_beside_the_consents(
    client, case_worker_a, health_worker_a, participant
):
    client.force_login(case_worker_a)
    page = client.get(participant.get_absolute_url()).content.decode()
    assert f'href="{form_url(participant)}"' in page

    client.force_login(health_worker_a)
    page = client.get(participant.get_absolute_url()).content.decode()
    assert form_url(participant) not in page
