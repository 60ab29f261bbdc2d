"""The administrator sets up offices and agencies in the app, with the region pickers."""

import pytest
from django.urls import reverse

from accounts.models import Agency, Office


def test_the_administrator_adds_an_agency_picking_province_then_regency(client, admin_user):
    client.force_login(admin_user)

    response = client.post(
        reverse("agency_new"),
        {
            "name": "Dinas Sosial Kabupaten Bogor",
            "type": Agency.Type.DINSOS,
            "province": "32",
            "regency": "32.01",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    agency = Agency.objects.get(name="Dinas Sosial Kabupaten Bogor")
    assert (agency.type, agency.regency_id) == ("dinsos", "32.01")
    assert "Dinas Sosial Kabupaten Bogor" in client.get(reverse("agencies")).content.decode()


def test_a_regency_of_another_province_is_not_taken(client, admin_user):
    client.force_login(admin_user)

    response = client.post(
        reverse("agency_new"),
        {"name": "Dinas X", "type": Agency.Type.DINSOS, "province": "36", "regency": "32.01"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["regency"]
    assert not Agency.objects.filter(name="Dinas X").exists()


def test_an_agency_name_is_used_once_in_a_regency(client, admin_user, dinsos):
    client.force_login(admin_user)

    response = client.post(
        reverse("agency_new"),
        {"name": dinsos.name, "type": Agency.Type.DINSOS, "province": "36", "regency": "36.03"},
    )

    assert response.status_code == 200
    assert Agency.objects.filter(name=dinsos.name).count() == 1


def test_the_administrator_adds_and_edits_an_office(client, admin_user):
    client.force_login(admin_user)

    client.post(reverse("office_new"), {"name": "BP3MI Jawa Barat Baru", "province": "32"})
    office = Office.objects.get(name="BP3MI Jawa Barat Baru")
    page = client.get(reverse("office_edit", args=[office.pk])).content.decode()
    client.post(
        reverse("office_edit", args=[office.pk]),
        {"name": "BP3MI Jawa Barat Baru", "province": "32", "phone": "022-1234"},
    )

    assert 'value="32" selected' in page
    office.refresh_from_db()
    assert (office.province_id, office.phone) == ("32", "022-1234")


@pytest.mark.parametrize("who", ["coordinator_a", "case_worker_a", "auditor_a", "dinsos_officer"])
def test_only_the_administrator_sets_up_offices_and_agencies(client, request, who, dinsos):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("agencies")).status_code == 404
    assert client.get(reverse("agency_edit", args=[dinsos.pk])).status_code == 404
    assert client.post(reverse("office_new"), {"name": "X", "province": "36"}).status_code == 404
    assert not Office.objects.filter(name="X").exists()


def test_the_region_picker_narrows_to_the_regencies_of_the_chosen_province(client, admin_user):
    client.force_login(admin_user)

    html = client.get("/regions/chain/", {"depth": "2", "province": "32"}).content.decode()

    assert "Kabupaten Bogor" in html
    assert "Kabupaten Tangerang" not in html
    assert 'name="district"' not in html
