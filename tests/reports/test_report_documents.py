"""The PDFs as documents an office sends: letterhead, signature, what they may name."""

import io
import re
from base64 import b64encode

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from accounts.models import AccessLog, Office
from cases.models import Case, Screening
from tests.reports import test_program_report

pdf_text = test_program_report.pdf_text
# The program with a mix of participants, screenings, alerts and referrals.
program = test_program_report.program

# A blood pressure written down for one participant: it must never reach a report.
BLOOD_PRESSURE = "163/107"
# What only a health record says of a person: an annex of names must carry none of it.
HEALTH_WORDS = [
    "SRQ",
    "skor",
    "Tekanan darah",
    "Hipertensi",
    "Normal tinggi",
    "Risiko bunuh diri",
    "Diagnosis",
]
ANNEX_HEADING = "Lampiran: nama peserta"


def png_bytes(size=(40, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 95, 107)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def letterhead(office_a, settings, tmp_path):
    """Office A with its full letterhead: parent line, address, contacts, city, logo."""
    settings.MEDIA_ROOT = tmp_path
    office_a.letterhead_line = "Kementerian Pelindungan Pekerja Migran Indonesia"
    office_a.address = "Jl. Trip Jamaksari No. 12, Kota Serang"
    office_a.phone = "(0254) 220123"
    office_a.email = "bp3mi.banten@example.go.id"
    office_a.website = "bp3mi-banten.example.go.id"
    office_a.city = "Serang"
    office_a.logo.save("logo.png", ContentFile(png_bytes()), save=False)
    office_a.save()
    return office_a


@pytest.fixture
def measured(program, health_worker_a):
    """One participant's blood pressure, as numbers."""
    case = Case.objects.filter(program=program, participant__full_name="Asep Saepudin").get()
    Screening.objects.create(
        case=case,
        kind=Screening.PHYSICAL,
        recorded_by=health_worker_a,
        systolic_1=163,
        diastolic_1=107,
        blood_pressure_class="grade_2",
    )
    return program


def participants_of(program):
    return [case.participant for case in Case.objects.filter(program=program)]


def report(client, program, **data):
    """The report's text, its lines joined: a sentence may wrap anywhere."""
    response = client.post(f"/reports/programs/{program.pk}/report/", data)
    assert response.status_code == 200
    return " ".join(pdf_text(response.content).split())


def test_the_program_report_names_nobody_and_shows_no_ones_health(client, coordinator_a, measured):
    client.force_login(coordinator_a)

    text = report(client, measured)

    for person in participants_of(measured):
        assert person.full_name not in text
        assert person.registration_number not in text
    assert BLOOD_PRESSURE not in text
    assert ANNEX_HEADING not in text
    # Its figures, in sentences a Bupati reads on the first page.
    assert "Kegiatan ini diikuti 6 peserta: 4 perempuan dan 2 laki-laki." in text
    assert "Dari 6 peserta, 6 telah dirujuk ke instansi mitra." in text
    assert "Dari 7 rujukan yang dikirim, 4 telah selesai, 1 ditolak, dan 1 melewati" in text
    log = AccessLog.objects.get(user=coordinator_a, action=AccessLog.Action.DOWNLOAD)
    assert "lampiran" not in log.detail


def test_the_annex_names_the_participants_but_no_health_value_and_is_logged(
    client, coordinator_a, measured
):
    client.force_login(coordinator_a)

    text = report(client, measured, names="1")

    annex = text[text.index(ANNEX_HEADING) :]
    assert "penggunaan internal" in annex
    for person in participants_of(measured):
        if person.archived_at is None:
            assert person.full_name in annex
            assert person.registration_number in annex
    assert "Salah Input" not in text  # archived as registered by mistake
    assert BLOOD_PRESSURE not in text
    for word in HEALTH_WORDS:
        assert word.lower() not in annex.lower(), word
    log = AccessLog.objects.get(user=coordinator_a, action=AccessLog.Action.DOWNLOAD)
    assert log.object_id == str(measured.pk)
    assert "lampiran-nama" in log.detail and "appendix of participant names" in log.detail


def test_the_program_page_offers_the_annex_as_a_second_button_said_plainly(
    client, coordinator_a, program
):
    client.force_login(coordinator_a)

    page = client.get(program.get_absolute_url()).content.decode()

    assert 'name="names" value="1"' in page
    assert "Lampiran nama peserta \u2013 untuk penggunaan internal" in page


def test_a_large_programs_annex_goes_through_the_worker(
    client, settings, coordinator_a, program, django_capture_on_commit_callbacks, tmp_path
):
    from reports.models import ReportJob

    settings.REPORT_BACKGROUND_PARTICIPANTS = 5
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(coordinator_a)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/reports/programs/{program.pk}/report/", {"names": "1"})

    job = ReportJob.objects.get()
    assert job.with_names and job.filename.endswith("-lampiran-nama.pdf")
    download = client.get(f"/reports/jobs/{job.pk}/download/")
    text = " ".join(pdf_text(b"".join(download.streaming_content)).split())
    assert "Siti Aminah" in text[text.index(ANNEX_HEADING) :]
    log = AccessLog.objects.get(action=AccessLog.Action.DOWNLOAD)
    assert "appendix of participant names" in log.detail


def test_the_letterhead_and_the_signature_are_on_the_report(
    client, coordinator_a, letterhead, program
):
    coordinator_a.nip = "198703142010121002"
    coordinator_a.save(update_fields=["nip"])
    client.force_login(coordinator_a)

    response = client.post(f"/reports/programs/{program.pk}/report/")
    text = " ".join(pdf_text(response.content).split())

    first_lines = pdf_text(response.content).split("\n")[:6]
    assert "KEMENTERIAN PELINDUNGAN PEKERJA MIGRAN INDONESIA" in first_lines
    assert letterhead.name.upper() in first_lines
    assert "Jl. Trip Jamaksari No. 12, Kota Serang" in text
    assert "(0254) 220123" in text and "bp3mi.banten@example.go.id" in text
    assert re.search(r"Serang, \d{1,2} \w+ \d{4}", text)
    assert coordinator_a.full_name in text
    assert "NIP. 198703142010121002" in text


def test_the_signature_shares_its_page_with_the_last_section_of_the_report(
    client, coordinator_a, program
):
    client.force_login(coordinator_a)
    response = client.post(f"/reports/programs/{program.pk}/report/")

    pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]

    [signed] = [page for page in pages if "NIP." in page]
    assert signed == pages[-1]
    assert "Rujukan selesai per instansi" in signed  # the last chart, not the signature alone
    assert "Demikian laporan ini kami sampaikan" in signed


def test_the_logo_is_drawn_into_the_pdf_from_the_file(client, coordinator_a, letterhead, program):
    client.force_login(coordinator_a)

    response = client.post(f"/reports/programs/{program.pk}/report/")

    assert b"/Subtype /Image" in response.content


def test_a_signer_without_nip_gets_a_line_to_fill_in_by_hand(client, coordinator_a, program):
    client.force_login(coordinator_a)

    text = report(client, program)

    assert "NIP. ......" in text


# --- The office's letterhead, set by the administrator ---------------------------------


def office_data(office, **changes):
    return {"name": office.name, "province": office.province_id, **changes}


def test_the_administrator_sets_the_letterhead_and_uploads_a_logo(
    client, admin_user, office_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(admin_user)
    logo = io.BytesIO(png_bytes())
    logo.name = "lambang.png"

    response = client.post(
        reverse("office_edit", args=[office_a.pk]),
        office_data(
            office_a,
            letterhead_line="Kementerian Pelindungan Pekerja Migran Indonesia",
            city="Serang",
            website="bp3mi-banten.example.go.id",
            logo=logo,
        ),
    )

    assert response.status_code == 302
    office_a.refresh_from_db()
    assert office_a.city == "Serang"
    assert office_a.logo.name.startswith("offices/logos/") and office_a.logo.name.endswith(".png")
    assert (tmp_path / office_a.logo.name).exists()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"%PDF-1.4 not an image", "logo.png"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "logo.svg"),
        (b"\x89PNG\r\n\x1a\n but broken inside", "logo.png"),
    ],
)
def test_a_logo_that_is_not_a_png_or_jpeg_is_refused_and_nothing_is_written(
    client, admin_user, office_a, settings, tmp_path, content, name
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(admin_user)
    upload = io.BytesIO(content)
    upload.name = name

    response = client.post(
        reverse("office_edit", args=[office_a.pk]),
        office_data(office_a, city="Kota Baru", logo=upload),
    )

    assert response.status_code == 200
    assert "Logo harus berupa gambar PNG atau JPEG" in response.content.decode()
    office_a.refresh_from_db()
    assert not office_a.logo and office_a.city == ""
    assert not any(tmp_path.rglob("*.*"))


def test_a_logo_over_the_limit_is_refused_with_its_size(
    client, admin_user, office_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(admin_user)
    upload = io.BytesIO(png_bytes() + b"\0" * (1024 * 1024))
    upload.name = "besar.png"

    response = client.post(
        reverse("office_edit", args=[office_a.pk]), office_data(office_a, logo=upload)
    )

    assert "paling besar 1,0\xa0MB" in response.content.decode()
    assert not Office.objects.get(pk=office_a.pk).logo
    assert not any(tmp_path.rglob("*.*"))


def test_removing_the_logo_deletes_its_file(client, admin_user, letterhead, tmp_path):
    client.force_login(admin_user)
    path = tmp_path / letterhead.logo.name

    client.post(
        reverse("office_edit", args=[letterhead.pk]), office_data(letterhead, remove_logo="on")
    )

    letterhead.refresh_from_db()
    assert not letterhead.logo and not path.exists()


def test_a_pdf_fetches_nothing_but_what_it_carries(tmp_path):
    from reports.pdf import write_pdf

    picture = tmp_path / "elsewhere.png"
    picture.write_bytes(png_bytes())

    fetched = write_pdf(f'<img src="{picture.as_uri()}"><img src="http://127.0.0.1:9/x.png">')
    carried = write_pdf(f'<img src="data:image/png;base64,{b64encode(png_bytes()).decode()}">')

    assert b"/Subtype /Image" not in fetched
    assert b"/Subtype /Image" in carried
