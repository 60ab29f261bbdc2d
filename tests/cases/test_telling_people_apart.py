"""Two women named Sri Wahyuni in one program: every list and form tells them apart."""

import datetime

import pytest
from django.urls import reverse

from regions.models import Region

from .conftest import enrol


@pytest.fixture
def two_sri_wahyuni(program_a, case_worker_a):
    first = enrol(
        program_a,
        case_worker_a,
        full_name="Sri Wahyuni",
        sex="F",
        birth_date=datetime.date(1990, 3, 4),
        village=Region.objects.get(code="36.03.33.2004"),  # Waliwis
    )
    second = enrol(
        program_a,
        case_worker_a,
        full_name="Sri Wahyuni",
        sex="F",
        birth_date=datetime.date(1978, 11, 20),
        village=Region.objects.get(code="36.03.33.2002"),  # Kedaung
    )
    return first, second


def details_of(case):
    person = case.participant
    return [person.registration_number, person.village.name, person.nik_masked]


def test_the_roster_shows_what_tells_them_apart(client, coordinator_a, two_sri_wahyuni):
    client.force_login(coordinator_a)

    page = client.get(two_sri_wahyuni[0].program.get_absolute_url()).content.decode()

    for case in two_sri_wahyuni:
        for detail in details_of(case):
            assert detail in page
        assert f"{case.participant.age()} th" in page


@pytest.mark.parametrize("form", ["questionnaire", "physical", "referral"])
def test_a_form_for_one_of_them_warns_and_names_both(
    client, health_worker_a, case_worker_a, two_sri_wahyuni, form
):
    first, second = two_sri_wahyuni
    url = {
        "questionnaire": reverse("cases:questionnaire", args=[first.pk, "srq20"]),
        "physical": reverse("cases:physical", args=[first.pk]),
        "referral": reverse("referrals:new", args=[first.pk]),
    }[form]
    client.force_login(case_worker_a if form == "referral" else health_worker_a)

    page = client.get(url).content.decode()

    assert "nama yang sama" in page
    for detail in details_of(first) + details_of(second):
        assert detail in page


def test_a_person_with_a_name_of_their_own_gets_no_warning(
    client, health_worker_a, program_a, case_worker_a
):
    case = enrol(program_a, case_worker_a, full_name="Sugiyem", sex="F")
    client.force_login(health_worker_a)

    page = client.get(reverse("cases:questionnaire", args=[case.pk, "srq20"])).content.decode()

    assert "nama yang sama" not in page
    assert case.participant.registration_number in page


def test_the_alerts_on_the_home_page_name_the_person_with_their_details(
    client, coordinator_a, health_worker_a, two_sri_wahyuni
):
    first, _second = two_sri_wahyuni
    client.force_login(health_worker_a)
    answers = {f"item_{number}": "0" for number in range(1, 21)} | {"item_17": "1"}
    client.post(reverse("cases:questionnaire", args=[first.pk, "srq20"]), answers)
    client.force_login(coordinator_a)

    page = client.get("/").content.decode()

    assert first.participant.registration_number in page
    assert "Waliwis" in page
