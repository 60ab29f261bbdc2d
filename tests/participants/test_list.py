"""The participant list: office scope, masked NIKs, search, filters, archive, pages."""

import datetime

import pytest
from django.utils import timezone

from participants.models import Participant, Problem
from participants.views import PAGE_SIZE
from tests.factories import valid_nik

from .helpers import NIK, NIK_MASKED, make_participant

LIST_URL = "/participants/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

pytestmark = pytest.mark.django_db


def listed(response):
    """The participants on the page shown."""
    return list(response.context["page"].object_list)


def names(response):
    return {participant.full_name for participant in listed(response)}


def years_ago(years, days=0):
    today = timezone.localdate()
    if (today.month, today.day) == (2, 29):
        today -= datetime.timedelta(days=1)
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


@pytest.fixture
def ours(office_a, case_worker_a):
    def build(**fields):
        return make_participant(office_a, case_worker_a, **fields)

    return build


# --- Scope and masking --------------------------------------------------------------------


def test_list_shows_only_the_offices_participants(
    client, case_worker_a, participant, outsiders_participant
):
    client.force_login(case_worker_a)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert listed(response) == [participant]
    assert "Nur Halimah" not in response.content.decode()


def test_health_worker_sees_the_list_too(client, health_worker_a, participant):
    client.force_login(health_worker_a)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert listed(response) == [participant]


def test_list_shows_the_nik_masked_and_never_whole(client, case_worker_a, participant):
    client.force_login(case_worker_a)

    page = client.get(LIST_URL).content.decode()

    assert NIK_MASKED in page
    assert NIK not in page


def test_participant_without_nik_is_flagged_in_the_list(client, case_worker_a, ours):
    ours(full_name="Tanpa Nomor", nik="")
    client.force_login(case_worker_a)

    page = client.get(LIST_URL, **EN).content.decode()

    assert "no NIK" in page


# --- Search -------------------------------------------------------------------------------


def test_a_misspelt_name_finds_the_person(client, case_worker_a, participant, ours):
    ours(full_name="Budi Santoso")
    client.force_login(case_worker_a)

    response = client.get(LIST_URL, {"q": "Siti Aminnah"})

    assert names(response) == {"Siti Aminah"}


def test_one_misspelt_word_finds_a_longer_name(client, case_worker_a, ours):
    ours(full_name="Siti Aminah Binti Sulaiman")
    ours(full_name="Budi Santoso")
    client.force_login(case_worker_a)

    response = client.get(LIST_URL, {"q": "Sulaimen"})

    assert names(response) == {"Siti Aminah Binti Sulaiman"}


def test_the_closest_name_comes_first(client, case_worker_a, ours):
    ours(full_name="Siti Aminah Binti Sulaiman")
    ours(full_name="Siti Aminah")
    client.force_login(case_worker_a)

    response = client.get(LIST_URL, {"q": "Siti Aminah"})

    assert listed(response)[0].full_name == "Siti Aminah"


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param(NIK, id="plain"),
        pytest.param(f"{NIK[:4]} {NIK[4:6]} {NIK[6:12]} {NIK[12:]}", id="spaces"),
        pytest.param(f"{NIK[:4]}.{NIK[4:6]}.{NIK[6:12]}.{NIK[12:]}", id="dots"),
    ],
)
def test_an_exact_nik_finds_exactly_that_person(client, case_worker_a, participant, ours, typed):
    # A NIK that differs only in the serial must not come along.
    ours(
        full_name="Siti Aminah",
        birth_date=participant.birth_date,
        nik=NIK[:-4] + "9999",
    )
    client.force_login(case_worker_a)

    response = client.get(LIST_URL, {"q": typed})

    assert listed(response) == [participant]


def test_a_nik_of_another_office_finds_nobody(client, case_worker_a, outsiders_participant):
    client.force_login(case_worker_a)

    response = client.get(LIST_URL, {"q": outsiders_participant.nik})

    assert listed(response) == []


def test_the_registration_number_finds_the_person(client, case_worker_a, participant, ours):
    ours(full_name="Budi Santoso")
    client.force_login(case_worker_a)

    response = client.get(LIST_URL, {"q": participant.registration_number.lower()})

    assert listed(response) == [participant]


# --- Filters ------------------------------------------------------------------------------


def test_regency_and_district_filters_narrow_to_villages_under_them(
    client, case_worker_a, ours, more_regions
):
    ours(full_name="Warga Mekar Baru")
    ours(full_name="Warga Balaraja", village=more_regions["balaraja_village"])
    ours(full_name="Warga Labuan", village=more_regions["labuan_village"])
    client.force_login(case_worker_a)

    by_regency = client.get(LIST_URL, {"regency": "36.03"})
    by_district = client.get(LIST_URL, {"regency": "36.03", "district": "36.03.01"})
    other_regency = client.get(LIST_URL, {"regency": "36.01"})

    assert names(by_regency) == {"Warga Mekar Baru", "Warga Balaraja"}
    assert names(by_district) == {"Warga Balaraja"}
    assert names(other_regency) == {"Warga Labuan"}


def test_problem_filter_keeps_those_who_experienced_it(client, case_worker_a, ours):
    unpaid = Problem.objects.get(code="unpaid_wages")
    abuse = Problem.objects.get(code="physical_abuse")
    ours(full_name="Gaji Ditahan").problems.add(unpaid, abuse)
    ours(full_name="Dianiaya").problems.add(abuse)
    ours(full_name="Tanpa Masalah")
    client.force_login(case_worker_a)

    response = client.get(LIST_URL, {"problem": unpaid.pk})

    assert names(response) == {"Gaji Ditahan"}


def test_sex_filter(client, case_worker_a, ours):
    ours(full_name="Ibu Sari", sex="F")
    ours(full_name="Pak Joko", sex="M")
    client.force_login(case_worker_a)

    assert names(client.get(LIST_URL, {"sex": "M"})) == {"Pak Joko"}
    assert names(client.get(LIST_URL, {"sex": "F"})) == {"Ibu Sari"}


def test_age_band_filter_counts_whole_years(client, case_worker_a, ours):
    ours(full_name="Dua Puluh Empat", birth_date=years_ago(25, days=-1))  # 25 tomorrow
    ours(full_name="Dua Puluh Lima", birth_date=years_ago(25))  # 25 today
    ours(full_name="Tiga Puluh Empat", birth_date=years_ago(35, days=-1))
    ours(full_name="Tiga Puluh Lima", birth_date=years_ago(35))
    ours(full_name="Enam Puluh", birth_date=years_ago(60))
    client.force_login(case_worker_a)

    assert names(client.get(LIST_URL, {"age_band": "under_25"})) == {"Dua Puluh Empat"}
    assert names(client.get(LIST_URL, {"age_band": "25_34"})) == {
        "Dua Puluh Lima",
        "Tiga Puluh Empat",
    }
    assert names(client.get(LIST_URL, {"age_band": "35_44"})) == {"Tiga Puluh Lima"}
    assert names(client.get(LIST_URL, {"age_band": "55_plus"})) == {"Enam Puluh"}


def test_destination_country_filter_looks_at_every_episode(client, case_worker_a, ours):
    ours(full_name="Dari Malaysia", episode__destination_country="MY")
    twice = ours(full_name="Dari Taiwan Lalu Malaysia", episode__destination_country="MY")
    twice.episodes.create(destination_country="TW", arrival_date=datetime.date(2015, 1, 1))
    ours(full_name="Dari Hong Kong", episode__destination_country="HK")
    client.force_login(case_worker_a)

    response = client.get(LIST_URL, {"destination_country": "TW"})

    assert names(response) == {"Dari Taiwan Lalu Malaysia"}


def test_return_type_filter(client, case_worker_a, ours):
    ours(full_name="Dideportasi", episode__return_type="deported")
    ours(full_name="Kontrak Habis", episode__return_type="contract_ended")
    client.force_login(case_worker_a)

    response = client.get(LIST_URL, {"return_type": "deported"})

    assert names(response) == {"Dideportasi"}


def test_missing_nik_filter(client, case_worker_a, participant, ours):
    ours(full_name="Tanpa NIK", nik="")
    client.force_login(case_worker_a)

    response = client.get(LIST_URL, {"missing_nik": "on"})

    assert names(response) == {"Tanpa NIK"}


def test_filters_combine(client, case_worker_a, ours):
    ours(full_name="Cocok", sex="M", episode__destination_country="SA")
    ours(full_name="Beda Negara", sex="M", episode__destination_country="MY")
    ours(full_name="Beda Kelamin", sex="F", episode__destination_country="SA")
    client.force_login(case_worker_a)

    response = client.get(LIST_URL, {"sex": "M", "destination_country": "SA"})

    assert names(response) == {"Cocok"}


# --- Archive ------------------------------------------------------------------------------


def test_archived_participants_leave_the_list_but_show_with_the_archived_filter(
    client, case_worker_a, coordinator_a, participant, ours
):
    ours(full_name="Masih Aktif")
    Participant.objects.filter(pk=participant.pk).update(
        archived_at=timezone.now(), archived_by=coordinator_a, archive_reason="Pindah"
    )
    client.force_login(case_worker_a)

    assert names(client.get(LIST_URL)) == {"Masih Aktif"}
    assert names(client.get(LIST_URL, {"q": "Siti Aminah"})) == set()
    assert names(client.get(LIST_URL, {"archived": "on"})) == {"Siti Aminah"}


# --- Pages --------------------------------------------------------------------------------


def test_the_list_is_paginated(client, case_worker_a, ours):
    for number in range(PAGE_SIZE + 3):
        ours(full_name=f"Peserta {number:02d}")
    client.force_login(case_worker_a)

    first = client.get(LIST_URL)
    second = client.get(LIST_URL, {"page": 2})

    assert first.context["page"].paginator.count == PAGE_SIZE + 3
    assert len(listed(first)) == PAGE_SIZE
    assert len(listed(second)) == 3
    assert not set(listed(first)) & set(listed(second))
    assert "page=2" in first.content.decode()


def test_the_next_page_link_keeps_the_filters(client, case_worker_a, ours):
    for number in range(PAGE_SIZE + 1):
        ours(full_name=f"Peserta {number:02d}", sex="M")
    client.force_login(case_worker_a)

    page = client.get(LIST_URL, {"sex": "M"}).content.decode()

    assert "sex=M&amp;page=2" in page


def test_htmx_request_gets_only_the_results(client, case_worker_a, participant):
    client.force_login(case_worker_a)

    response = client.get(LIST_URL, {"q": "Siti"}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert page.lstrip().startswith('<section id="results"')
    assert "Siti Aminah" in page


# --- Query count --------------------------------------------------------------------------

# Session, user, office, the bell's unread count; the chosen regency, district and problem;
# the three selects' choices; the countries recorded, asked of the cache table twice
# (checking the filters, drawing the select) and, as the cache starts empty, read and
# stored there (the count of entries, a savepoint, the look-up, the insert and its
# release); the count, the page's ids and its rows: the same however many rows there are.
# And the access log's row for the read.
LIST_QUERIES = 22


@pytest.mark.parametrize("how_many", [5, 60])
def test_list_query_count_does_not_grow_with_the_rows(
    client, case_worker_a, ours, django_assert_num_queries, how_many
):
    unpaid = Problem.objects.get(code="unpaid_wages")
    abuse = Problem.objects.get(code="physical_abuse")
    born = years_ago(30)
    for number in range(how_many):
        person = ours(
            full_name=f"Peserta {number:02d}",
            birth_date=born - datetime.timedelta(days=number),
            nik=valid_nik(born - datetime.timedelta(days=number), "F", 5000 + number)
            if number % 3
            else "",
        )
        person.problems.add(unpaid, abuse)
    filters = {
        "regency": "36.03",
        "district": "36.03.33",
        "problem": unpaid.pk,
        "sex": "F",
        "age_band": "25_34",
        "destination_country": "MY",
        "return_type": "problem",
    }
    client.force_login(case_worker_a)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST_URL, filters)

    assert response.status_code == 200
    assert response.context["page"].paginator.count == how_many
    assert len(listed(response)) == min(how_many, PAGE_SIZE)


def test_a_search_of_many_words_answers_with_the_first_words_of_it(client, case_worker_a, ours):
    ours(full_name="Siti Nur Aminah Rahmat Sari")
    client.force_login(case_worker_a)
    typed = "Siti Nur Aminah Rahmat Sari " + " ".join(["Mekar"] * 40)

    response = client.get(LIST_URL, {"q": typed})

    assert [p.full_name for p in response.context["page"].object_list] == [
        "Siti Nur Aminah Rahmat Sari"
    ]
