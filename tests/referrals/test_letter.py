"""The referral letter in the form of an official Indonesian letter (surat dinas)."""

import re

import pytest
from django.urls import reverse

from accounts.models import AccessLog

from .test_pages import pdf_text

NIP = "198703142010121002"


def letter(client, referral, reader):
    client.force_login(reader)
    response = client.get(reverse("reports:referral_letter", args=[referral.pk]))
    assert response["Content-Type"] == "application/pdf"
    return " ".join(pdf_text(response).split())


@pytest.fixture
def addressed(dinsos, office_a):
    dinsos.address = "Jl. Raya Tigaraksa No. 1, Kabupaten Tangerang"
    dinsos.save(update_fields=["address"])
    office_a.letterhead_line = "Kementerian Pelindungan Pekerja Migran Indonesia"
    office_a.address = "Jl. Trip Jamaksari No. 12, Kota Serang"
    office_a.city = "Serang"
    office_a.save()
    return dinsos


def test_the_letter_has_number_enclosure_subject_addressee_and_the_signers_nip(
    client, addressed, sent, case_worker_a, dinsos_officer
):
    case_worker_a.nip = NIP
    case_worker_a.save(update_fields=["nip"])

    text = letter(client, sent, dinsos_officer)

    assert "KEMENTERIAN PELINDUNGAN PEKERJA MIGRAN INDONESIA" in text
    assert "Jl. Trip Jamaksari No. 12, Kota Serang" in text
    assert f"Nomor : {sent.number}" in text
    assert "Lampiran : 1 (satu) lembar balasan" in text
    assert f"Perihal : Rujukan {sent.service}" in text
    assert f"Yth. Kepala {addressed.name} Jl. Raya Tigaraksa No. 1" in text
    assert "Dengan hormat," in text
    assert "Demikian surat rujukan ini kami sampaikan" in text
    assert re.search(r"Serang, \d{1,2} \w+ \d{4}", text)
    # Signed by who sent it: here the case worker, whose consent-covered send needs no override.
    assert f"{case_worker_a.full_name} NIP. {NIP}" in text
    assert AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD, user=dinsos_officer).exists()


def test_a_signer_without_nip_leaves_a_line_to_fill_in_by_hand(
    client, sent, case_worker_a, dinsos_officer
):
    assert not case_worker_a.nip

    text = letter(client, sent, dinsos_officer)

    assert f"{case_worker_a.full_name} NIP. ......" in text


def test_the_place_is_the_offices_province_until_a_city_is_set(
    client, sent, office_a, dinsos_officer
):
    text = letter(client, sent, dinsos_officer)

    assert f"{office_a.province.name}, " in text
