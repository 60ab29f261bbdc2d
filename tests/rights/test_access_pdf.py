"""The answer to an access request: every record Purna holds and every share, as a PDF."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from accounts.models import AccessLog
from cases.instruments import SRQ20
from cases.models import PlanItem
from cases.services import record_questionnaire
from participants.models import Document, HouseholdMember, ParticipantProblem, Problem
from referrals import services as referral_services
from referrals.models import Service, Urgency
from tests.cases.conftest import enrol, make_program
from tests.cases.helpers import srq_answers
from tests.factories import consent_to_dinsos

from .conftest import register

pytestmark = pytest.mark.django_db


def pdf_text(response):
    reader = PdfReader(io.BytesIO(response.content))
    # Table cells wrap: compare words, not lines.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def record(office_a, coordinator, case_worker_a, dinsos, dinsos_officer, regions, client):
    """Siti's whole record, shared with Dinas Sosial and opened by staff and the agency."""
    program = make_program(office_a, coordinator, regions["district"], name="Kegiatan Mekar Baru")
    case = enrol(program, case_worker_a, full_name="Siti Aminah", sex="F")
    person = case.participant
    problem = Problem.objects.order_by("pk").first()
    ParticipantProblem.objects.create(participant=person, problem=problem)
    HouseholdMember.objects.create(
        participant=person,
        relationship=HouseholdMember.Relationship.CHILD,
        full_name="Budi Santoso",
        birth_date=datetime.date(2015, 3, 1),
    )
    consent_to_dinsos(person, case_worker_a)
    screening = record_questionnaire(
        case=case, instrument=SRQ20, answers=srq_answers(yes=[1, 2, 3, 4, 5, 6, 7, 8]),
        by=case_worker_a,
    )  # fmt: skip
    PlanItem.objects.create(
        case=case,
        dimension=PlanItem.Dimension.values[0],
        intervention="Pelatihan menjahit",
        created_by=case_worker_a,
    )
    document = Document(
        participant=person,
        type=Document.Type.HEALTH_LETTER,
        original_name="surat-sehat-puskesmas.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=case_worker_a,
    )
    document.file.save("x.pdf", ContentFile(b"%PDF-1.4 RAHASIA ISI\n%%EOF\n"), save=True)
    referral = referral_services.create_referral(
        case=case,
        agency=dinsos,
        service=Service.objects.get(code="social_rehabilitation"),
        reason="Keluarga tidak punya penghasilan.",
        urgency=Urgency.NORMAL,
        by=case_worker_a,
    )
    referral = referral_services.send_referral(
        referral=referral, by=case_worker_a, version=referral.version
    )
    # Who opened what: the case worker the person's page and the case, the agency the
    # referral; another person's page leaves no trace here.
    client.force_login(case_worker_a)
    assert client.get(reverse("participants:detail", args=[person.pk])).status_code == 200
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 200
    client.force_login(dinsos_officer)
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 200
    data_request = register(person, coordinator)
    return {
        "person": person,
        "case": case,
        "problem": problem,
        "screening": screening,
        "referral": referral,
        "data_request": data_request,
    }


def download(client, user, data_request):
    client.force_login(user)
    return client.get(reverse("reports:data_request_pdf", args=[data_request.pk]))


def test_the_pdf_holds_every_record_of_the_person(client, coordinator, record):
    response = download(client, coordinator, record["data_request"])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    person = record["person"]
    with translation.override("en"):
        band = record["screening"].band_label
        problem = str(record["problem"])
    for expected in [
        "Siti Aminah",
        person.registration_number,
        person.nik_masked,
        "Budi Santoso",  # the family
        "Malaysia",  # the period abroad
        "Asisten rumah tangga",
        problem,
        "Rehabilitation",  # the consent's purposes, in words
        "Kegiatan Mekar Baru",  # the case
        "SRQ-20",
        band,  # the score in words
        "Pelatihan menjahit",  # the plan
        "1 month",  # the follow-up visits
        "Dinas Sosial Kabupaten Tangerang",  # the referral
        record["referral"].number,
        "surat-sehat-puskesmas.pdf",  # the document's name
    ]:
        assert expected in text, expected
    # A document's name, never its content; whole numbers stay masked.
    assert "RAHASIA ISI" not in text
    assert person.nik not in text


def test_the_pdf_lists_every_share_and_every_access(
    client, coordinator, case_worker_a, dinsos_officer, record
):
    response = download(client, coordinator, record["data_request"])

    text = pdf_text(response)
    shared = text.split("Who your data was shared with", 1)[1].split("Who opened your data")[0]
    sent = record["referral"].sent_at.astimezone(datetime.timezone(datetime.timedelta(hours=7)))
    assert "Dinas Sosial Kabupaten Tangerang" in shared
    assert sent.strftime("%Y") in shared and str(sent.day) in shared
    # Dinas Sosial's sharing rule, in words.
    for section in ["identity", "the family", "welfare data"]:
        assert section in shared, section
    opened = text.split("Who opened your data", 1)[1]
    assert opened.count("Viewed") == 3
    assert str(case_worker_a) in opened and str(dinsos_officer) in opened
    assert "Agency officer" in opened and "Dinas Sosial Kabupaten Tangerang" in opened
    assert "The person's record" in opened
    assert "Case in Kegiatan Mekar Baru" in opened
    assert f"Referral {record['referral'].number}" in opened


def test_downloading_the_pdf_is_logged(client, coordinator, record):
    download(client, coordinator, record["data_request"])

    entry = AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).get()
    assert entry.user == coordinator
    assert (entry.object_type, entry.object_id) == (
        "participants.participant",
        str(record["person"].pk),
    )


def test_the_request_page_links_to_the_pdf_for_an_access_request_only(
    client, coordinator, person_a
):
    access = register(person_a, coordinator)
    erasure = register(person_a, coordinator, kind="erasure")
    client.force_login(coordinator)

    pdf = reverse("reports:data_request_pdf", args=[access.pk])
    assert pdf in client.get(access.get_absolute_url()).content.decode()
    page = client.get(erasure.get_absolute_url()).content.decode()
    assert "access.pdf" not in page
    assert download(client, coordinator, erasure).status_code == 404
