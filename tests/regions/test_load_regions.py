import io

import pytest
from django.core.management import call_command

from regions.models import Region


def load_regions():
    out = io.StringIO()
    call_command("load_regions", stdout=out)
    return out.getvalue()


def level_counts():
    return {level: Region.objects.filter(level=level).count() for level in Region.Level}


@pytest.mark.django_db
def test_load_regions_loads_every_level_of_kemendagri_codes():
    load_regions()

    assert level_counts() == {
        Region.Level.PROVINCE: 38,
        Region.Level.REGENCY: 514,
        Region.Level.DISTRICT: 7285,
        Region.Level.VILLAGE: 83762,
    }
    mekar_baru = Region.objects.select_related("parent__parent").get(code="36.03.33")
    assert mekar_baru.name == "Mekar Baru"
    assert mekar_baru.level == Region.Level.DISTRICT
    assert mekar_baru.parent.name == "Kabupaten Tangerang"
    assert mekar_baru.parent.parent.name == "Banten"
    assert mekar_baru.nik_prefix == "360333"


@pytest.mark.django_db
def test_loading_twice_adds_no_duplicates_and_changes_nothing():
    load_regions()

    second = load_regions()

    assert Region.objects.count() == 38 + 514 + 7285 + 83762
    assert "0 added or updated" in second


@pytest.mark.django_db
def test_loading_again_repairs_a_renamed_region_and_keeps_the_rest():
    load_regions()
    Region.objects.filter(code="36.03.33").update(name="Salah Nama")

    output = load_regions()

    assert Region.objects.get(code="36.03.33").name == "Mekar Baru"
    assert "1 added or updated" in output


@pytest.mark.django_db
def test_the_database_refuses_a_code_that_does_not_match_its_level():
    from django.db import IntegrityError

    banten = Region.objects.create(code="36", name="Banten", level=Region.Level.PROVINCE)

    with pytest.raises(IntegrityError):
        Region.objects.create(code="36.03.33", name="X", level=Region.Level.REGENCY, parent=banten)
