"""Small builders shared by the participant view tests."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from participants.models import Consent, ConsentPurpose, Document
from tests.factories import ParticipantFactory, valid_nik

MEKAR_BARU_VILLAGE = "36.03.33.2001"
BIRTH_DATE = datetime.date(1990, 3, 15)
# A woman born on 15 March 1990 in Mekar Baru: 360333 55 0390 9001.
NIK = valid_nik(BIRTH_DATE, "F", 9001)
NIK_MASKED = NIK[:4] + "*" * 10 + NIK[-2:]

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def registration_data(**overrides):
    """A valid registration POST: a woman of Mekar Baru back from Malaysia.

    The form's field names are the model field names, plus the region chain
    (province, regency, district) and `confirm_warnings`.
    """
    data = {
        "full_name": "Siti Aminah",
        "nik": NIK,
        "nik_missing_reason": "",
        "kk_number": "3603330101100007",
        "sex": "F",
        "birth_date": BIRTH_DATE.isoformat(),
        "birth_place": "Tangerang",
        "phone": "081234567890",
        "address": "Kampung Mekar RT 01 RW 02",
        "province": "36",
        "regency": "36.03",
        "district": "36.03.33",
        "village": MEKAR_BARU_VILLAGE,
        "marital_status": "married",
        "education": "smp",
        "religion": "",
        "jkn_segment": "unknown",
        "jkn_status": "unknown",
        "bpjs_tk_status": "unknown",
        "dtsen_decile": "",
        "narrative": "Dianiaya majikan dan gaji tidak dibayar selama delapan bulan.",
        # The latest period abroad.
        "destination_country": "MY",
        "occupation": "Asisten rumah tangga",
        "sector": "informal",
        "placement_scheme": "p_to_p",
        "employer": "Keluarga Tan",
        "p3mi_agency": "PT Maju Jaya",
        "departure_date": "2022-01-10",
        "arrival_date": "2025-08-20",
        "return_type": "problem",
        "siskop2mi_id": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def episode_data(**overrides):
    data = {
        "destination_country": "TW",
        "occupation": "Perawat lansia",
        "sector": "informal",
        "placement_scheme": "p_to_p",
        "employer": "",
        "p3mi_agency": "",
        "departure_date": "2019-02-01",
        "arrival_date": "2021-02-01",
        "return_type": "contract_ended",
        "siskop2mi_id": "",
    }
    data.update(overrides)
    return data


def household_data(**overrides):
    data = {
        "relationship": "child",
        "full_name": "Rizki Ramadhan",
        "nik": valid_nik(datetime.date(2012, 8, 17), "M", 9101),
        "sex": "M",
        "birth_date": "2012-08-17",
        "school_status": "in_school",
        "needs": "Biaya sekolah",
    }
    data.update(overrides)
    return data


def consent_data(**overrides):
    data = {
        "decision": Consent.Decision.GIVEN,
        "given_by": Consent.GivenBy.PARTICIPANT,
        "giver_name": "",
        "purposes": ["rehabilitation", "share_dinsos"],
        "method": Consent.Method.SIGNED_FORM,
        "given_at": "2025-11-05",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def pdf_upload(name="surat.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_participant(office, created_by, **fields):
    return ParticipantFactory(office=office, created_by=created_by, **fields)


def make_document(participant, by, **fields):
    """A document row with a file on the (temporary) media storage."""
    fields.setdefault("type", Document.Type.HEALTH_LETTER)
    upload = fields.pop("upload", None) or pdf_upload()
    return Document.objects.create(
        participant=participant,
        file=upload,
        original_name=upload.name,
        content_type="application/pdf",
        size=upload.size,
        uploaded_by=by,
        **fields,
    )


def error_codes(response, field, form="form"):
    """The codes of the errors a form in the response's context has on `field`."""
    return [error.code for error in response.context[form].errors.as_data().get(field, [])]


def consent_states(response):
    """purpose -> "given" | "refused" | None, as the detail page's consent glance shows it."""
    rows = response.context["consent_rows"]
    return dict(zip(ConsentPurpose.values, (state for _, state in rows), strict=True))
