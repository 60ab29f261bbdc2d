"""The NIP (civil servant number) printed under a signer's name: set by them or a manager."""

import pytest
from django.urls import reverse

NIP = "198703142010121002"


def person_data(person, **changes):
    data = {
        "full_name": person.full_name,
        "email": person.email or "orang@example.go.id",
        "phone": person.phone,
        "role": person.role,
    }
    return {**data, **changes}


def test_a_user_writes_their_own_nip_on_the_profile(client, case_worker_a):
    client.force_login(case_worker_a)

    client.post(
        "/accounts/profile/",
        {"full_name": case_worker_a.full_name, "email": case_worker_a.email, "nip": NIP},
    )

    case_worker_a.refresh_from_db()
    assert case_worker_a.nip == NIP


def test_a_nip_written_with_spaces_is_kept_as_its_digits(client, case_worker_a):
    client.force_login(case_worker_a)

    client.post(
        "/accounts/profile/",
        {
            "full_name": case_worker_a.full_name,
            "email": case_worker_a.email,
            "nip": "19870314 201012 1 002",
        },
    )

    case_worker_a.refresh_from_db()
    assert case_worker_a.nip == NIP


@pytest.mark.parametrize("nip", ["1987031420101210", "19870314201012100X", "1987-0314-2010-1210"])
def test_a_nip_that_is_not_18_digits_is_refused_with_a_message(client, case_worker_a, nip):
    client.force_login(case_worker_a)

    response = client.post(
        "/accounts/profile/",
        {"full_name": "Nama Baru", "email": case_worker_a.email, "nip": nip},
    )

    assert "NIP terdiri atas tepat 18 angka" in response.content.decode()
    case_worker_a.refresh_from_db()
    assert case_worker_a.nip == "" and case_worker_a.full_name != "Nama Baru"


def test_a_coordinator_sets_the_nip_of_a_person_of_the_office(client, coordinator_a, case_worker_a):
    client.force_login(coordinator_a)

    page = client.get(reverse("user_edit", args=[case_worker_a.pk])).content.decode()
    client.post(reverse("user_edit", args=[case_worker_a.pk]), person_data(case_worker_a, nip=NIP))

    assert 'name="nip"' in page
    case_worker_a.refresh_from_db()
    assert case_worker_a.nip == NIP
