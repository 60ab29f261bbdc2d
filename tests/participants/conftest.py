"""The participant pages' corner of the test world."""

import pytest

from tests.factories import region

from .helpers import BIRTH_DATE, NIK, make_participant


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files land in a temporary folder, never in the project's .data/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def more_regions(regions):
    """A second district in Kab. Tangerang and a second regency in Banten."""
    tangerang = regions["regency"]
    balaraja = region("36.03.01", "Balaraja", tangerang)
    pandeglang = region("36.01", "Kabupaten Pandeglang", regions["province"])
    labuan = region("36.01.10", "Labuan", pandeglang)
    return {
        "balaraja": balaraja,
        "balaraja_village": region("36.03.01.2001", "Talagasari", balaraja),
        "pandeglang": pandeglang,
        "labuan": labuan,
        "labuan_village": region("36.01.10.2001", "Caringin", labuan),
    }


@pytest.fixture
def participant(office_a, case_worker_a):
    """Siti Aminah of office A, with one period in Malaysia and a narrative."""
    return make_participant(
        office_a,
        case_worker_a,
        full_name="Siti Aminah",
        nik=NIK,
        birth_date=BIRTH_DATE,
        kk_number="3603330101100007",
        narrative="Dianiaya majikan di Johor dan gaji tidak dibayar delapan bulan.",
    )


@pytest.fixture
def outsiders_participant(office_b, case_worker_b):
    """A participant of office B, out of reach of office A's staff."""
    return make_participant(office_b, case_worker_b, full_name="Nur Halimah")
