"""Registering and editing a returnee: /participants/new/ and /participants/<id>/edit/."""

import datetime
import re

import pytest
from django.utils import timezone

from accounts.models import AccessLog
from participants.models import MigrationEpisode, Participant, PossibleDuplicate, Problem
from tests.factories import valid_nik

from .helpers import (
    BIRTH_DATE,
    MEKAR_BARU_VILLAGE,
    NIK,
    NIK_MASKED,
    error_codes,
    make_participant,
    registration_data,
)

NEW_URL = "/participants/new/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

pytestmark = pytest.mark.django_db


def edit_url(participant):
    return f"/participants/{participant.pk}/edit/"


def detail_url(participant):
    return f"/participants/{participant.pk}/"


# --- The happy path -----------------------------------------------------------------------


def test_case_worker_gets_the_registration_form_with_the_region_chain(client, case_worker_a):
    client.force_login(case_worker_a)

    response = client.get(NEW_URL)

    assert response.status_code == 200
    page = response.content.decode()
    for name in ("full_name", "nik", "province", "regency", "district", "village", "narrative"):
        assert f'name="{name}"' in page
    assert 'name="destination_country"' in page


def test_registration_creates_the_participant_and_their_episode_and_opens_their_page(
    client, case_worker_a, office_a
):
    unpaid_wages = Problem.objects.get(code="unpaid_wages")
    client.force_login(case_worker_a)

    response = client.post(NEW_URL, registration_data(problems=[unpaid_wages.pk]))

    participant = Participant.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(participant)
    assert participant.full_name == "Siti Aminah"
    assert participant.nik == NIK
    assert participant.birth_date == BIRTH_DATE
    assert participant.village_id == MEKAR_BARU_VILLAGE
    assert participant.office == office_a
    assert participant.created_by == case_worker_a
    assert participant.registration_number.startswith("PMI-")
    assert list(participant.problems.all()) == [unpaid_wages]
    episode = MigrationEpisode.objects.get()
    assert episode.participant == participant
    assert episode.destination_country == "MY"
    assert episode.arrival_date == datetime.date(2025, 8, 20)
    assert episode.return_type == MigrationEpisode.ReturnType.PROBLEM


def test_coordinator_can_register_too(client, coordinator_a, office_a):
    client.force_login(coordinator_a)

    response = client.post(NEW_URL, registration_data())

    assert response.status_code == 302
    assert Participant.objects.get().office == office_a


def test_each_registration_gets_its_own_registration_number(client, case_worker_a):
    client.force_login(case_worker_a)
    client.post(NEW_URL, registration_data())
    client.post(
        NEW_URL,
        registration_data(
            full_name="Dewi Lestari",
            nik=valid_nik(datetime.date(1985, 7, 1), "F", 9002),
            birth_date="1985-07-01",
        ),
    )

    numbers = list(Participant.objects.values_list("registration_number", flat=True))
    assert len(numbers) == 2
    assert len(set(numbers)) == 2


def test_nik_typed_with_spaces_and_dots_is_saved_as_sixteen_digits(client, case_worker_a):
    # People copy the NIK from the KTP in groups; the NIK rules strip the separators.
    client.force_login(case_worker_a)
    typed = f"{NIK[:4]} {NIK[4:6]}.{NIK[6:12]} {NIK[12:]}"

    response = client.post(NEW_URL, registration_data(nik=typed))

    assert response.status_code == 302, response.context["form"].errors
    assert Participant.objects.get().nik == NIK


def test_the_nik_input_lets_a_grouped_nik_be_typed(client, case_worker_a):
    # A maxlength of 16 would make the browser cut "3603 33 550390 9001" short.
    client.force_login(case_worker_a)

    page = client.get(NEW_URL).content.decode()

    nik_input = re.search(r'<input[^>]*name="nik"[^>]*>', page).group(0)
    maxlength = re.search(r'maxlength="(\d+)"', nik_input)
    assert maxlength is None or int(maxlength.group(1)) >= len("3603 33 550390 9001")


# --- NIK errors ---------------------------------------------------------------------------


def test_a_nik_with_day_32_is_refused_next_to_the_field_and_nothing_is_written(
    client, case_worker_a
):
    client.force_login(case_worker_a)
    bad_nik = "3603333203900001"  # digits 7-8 are "32": neither a man's nor a woman's day

    response = client.post(NEW_URL, registration_data(nik=bad_nik), **EN)

    assert response.status_code == 200
    assert error_codes(response, "nik") == ["nik_day"]
    message = " ".join(response.context["form"].errors["nik"])
    assert "day of birth" in message
    assert "32" in message
    # The error is rendered under the NIK input.
    assert 'id="id_nik_error"' in response.content.decode()
    assert not Participant.objects.exists()
    assert not MigrationEpisode.objects.exists()


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        pytest.param("36033355039000", "nik_length", id="too-short"),
        pytest.param("36033355O3900001", "nik_not_digits", id="letter-o"),
        pytest.param("3603335513900001", "nik_month", id="month-13"),
        pytest.param("3603335503900000", "nik_serial", id="serial-0000"),
    ],
)
def test_a_nik_breaking_a_rule_is_refused_with_the_rule_it_breaks(client, case_worker_a, nik, code):
    client.force_login(case_worker_a)

    response = client.post(NEW_URL, registration_data(nik=nik))

    assert response.status_code == 200
    assert error_codes(response, "nik") == [code]
    assert not Participant.objects.exists()


def test_a_birth_date_disagreeing_with_the_nik_blocks_until_the_warning_is_confirmed(
    client, case_worker_a
):
    client.force_login(case_worker_a)
    data = registration_data(birth_date="1990-03-16")  # the NIK says the 15th

    response = client.post(NEW_URL, data, **EN)

    assert response.status_code == 200
    form = response.context["form"]
    assert "confirm_warnings" in form.errors
    assert any("15-03-1990" in str(warning) for warning in form.warnings)
    assert 'name="confirm_warnings"' in response.content.decode()
    assert not Participant.objects.exists()

    response = client.post(NEW_URL, {**data, "confirm_warnings": "on"})

    assert response.status_code == 302
    assert Participant.objects.get().birth_date == datetime.date(1990, 3, 16)


def test_a_sex_disagreeing_with_the_nik_is_a_warning(client, case_worker_a):
    client.force_login(case_worker_a)

    response = client.post(NEW_URL, registration_data(sex="M"))

    assert response.status_code == 200
    assert "confirm_warnings" in response.context["form"].errors
    assert not Participant.objects.exists()


# --- Without a NIK ------------------------------------------------------------------------


def test_a_returnee_without_a_nik_is_registered_and_flagged(client, case_worker_a):
    client.force_login(case_worker_a)

    response = client.post(
        NEW_URL, registration_data(nik="", nik_missing_reason="KTP hilang di Malaysia")
    )

    assert response.status_code == 302
    participant = Participant.objects.get()
    assert participant.nik == ""
    assert participant.nik_missing_reason == "KTP hilang di Malaysia"

    detail = client.get(detail_url(participant), **EN).content.decode()
    assert "No NIK" in detail
    assert "KTP hilang di Malaysia" in detail
    listing = client.get("/participants/", **EN).content.decode()
    assert "no NIK" in listing


# --- Duplicates ---------------------------------------------------------------------------


def test_a_nik_already_registered_in_the_office_is_refused_with_a_link_to_the_record(
    client, case_worker_a, participant
):
    client.force_login(case_worker_a)

    response = client.post(NEW_URL, registration_data(full_name="Siti Aminah Binti Ahmad"))

    assert response.status_code == 200
    assert error_codes(response, "nik") == ["duplicate_nik"]
    page = response.content.decode()
    assert f'href="{detail_url(participant)}"' in page
    assert participant.registration_number in page
    assert Participant.objects.count() == 1


def test_a_nik_registered_by_another_office_is_refused_without_naming_the_person(
    client, case_worker_a, case_worker_b, office_b
):
    theirs = make_participant(
        office_b, case_worker_b, full_name="Nur Halimah", nik=NIK, birth_date=BIRTH_DATE
    )
    client.force_login(case_worker_a)

    response = client.post(NEW_URL, registration_data())

    assert response.status_code == 200
    assert error_codes(response, "nik") == ["duplicate_nik"]
    page = response.content.decode()
    assert "Nur Halimah" not in page
    assert detail_url(theirs) not in page
    # The number alone lets the coordinators arrange a transfer.
    assert theirs.registration_number in page
    assert Participant.objects.count() == 1


def _second_sri_wahyuni(**fields):
    """The registration of another Sri Wahyuni of the same village, born another year."""
    return registration_data(
        full_name="Sri Wahyuni",
        nik="",
        nik_missing_reason="KTP hilang",
        birth_date="1979-02-14",
        **fields,
    )


def non_field_codes(response):
    return [error.code for error in response.context["form"].non_field_errors().as_data()]


def test_a_namesake_of_the_same_village_is_shown_side_by_side_before_saving(
    client, case_worker_a, office_a
):
    first = make_participant(
        office_a, case_worker_a, full_name="Sri Wahyuni", birth_date=datetime.date(1987, 9, 30)
    )
    client.force_login(case_worker_a)

    response = client.post(NEW_URL, _second_sri_wahyuni())

    assert response.status_code == 200
    assert non_field_codes(response) == ["possible_duplicate"]
    [candidate] = response.context["form"].candidates
    assert candidate.participant == first
    assert candidate.reason_codes == ["name_same", "village_same"]
    page = response.content.decode()
    assert first.registration_number in page
    assert f'href="{detail_url(first)}"' in page
    assert 'name="distinct_reason"' in page
    assert Participant.objects.count() == 1


def test_saying_why_it_is_a_different_person_registers_them_and_keeps_who_and_why(
    client, case_worker_a, office_a
):
    first = make_participant(
        office_a, case_worker_a, full_name="Sri Wahyuni", birth_date=datetime.date(1987, 9, 30)
    )
    client.force_login(case_worker_a)
    seen = {"distinct_from": str(first.pk)}

    without_reason = client.post(NEW_URL, _second_sri_wahyuni(**seen))
    assert error_codes(without_reason, "distinct_reason") == ["required"]
    assert Participant.objects.count() == 1

    response = client.post(
        NEW_URL, _second_sri_wahyuni(**seen, distinct_reason="Lahir 1979, suami Pak Darto")
    )

    assert response.status_code == 302
    second = Participant.objects.exclude(pk=first.pk).get()
    pair = PossibleDuplicate.objects.get()
    assert (pair.first, pair.second) == (first, second)
    assert pair.decision == PossibleDuplicate.Decision.DIFFERENT
    assert pair.decided_by == case_worker_a
    assert pair.note == "Lahir 1979, suami Pak Darto"


def test_a_candidate_the_officer_was_not_shown_stops_the_save_again(
    client, case_worker_a, office_a
):
    first = make_participant(
        office_a, case_worker_a, full_name="Sri Wahyuni", birth_date=datetime.date(1987, 9, 30)
    )
    # Registered by a colleague while the form was open.
    other = make_participant(
        office_a, case_worker_a, full_name="Sri Wahyuni", birth_date=datetime.date(1980, 1, 1)
    )
    client.force_login(case_worker_a)

    response = client.post(
        NEW_URL, _second_sri_wahyuni(distinct_from=str(first.pk), distinct_reason="Beda orang")
    )

    assert response.status_code == 200
    assert non_field_codes(response) == ["possible_duplicate"]
    assert {c.participant for c in response.context["form"].candidates} == {first, other}
    assert Participant.objects.count() == 2


def test_a_namesake_in_another_office_is_neither_shown_nor_named(
    client, case_worker_a, case_worker_b, office_b
):
    make_participant(office_b, case_worker_b, full_name="Siti Aminah", birth_date=BIRTH_DATE)
    client.force_login(case_worker_a)

    response = client.post(NEW_URL, registration_data(full_name="Siti Aminnah"))

    assert response.status_code == 302
    assert Participant.objects.count() == 2


# --- The region chain ---------------------------------------------------------------------


def test_a_village_outside_the_chosen_district_is_refused(client, case_worker_a, more_regions):
    client.force_login(case_worker_a)

    response = client.post(NEW_URL, registration_data(village="36.03.01.2001"))

    assert response.status_code == 200
    assert error_codes(response, "village") == ["invalid_choice"]
    assert not Participant.objects.exists()


def test_a_district_outside_the_chosen_regency_leaves_no_village_to_choose(
    client, case_worker_a, more_regions
):
    client.force_login(case_worker_a)

    response = client.post(NEW_URL, registration_data(regency="36.01"))

    assert response.status_code == 200
    assert "village" in response.context["form"].errors
    assert not Participant.objects.exists()


# --- Other bad input ----------------------------------------------------------------------


def test_a_birth_date_in_the_future_is_refused(client, case_worker_a):
    client.force_login(case_worker_a)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = client.post(NEW_URL, registration_data(nik="", birth_date=tomorrow.isoformat()))

    assert response.status_code == 200
    assert error_codes(response, "birth_date") == ["future"]
    assert not Participant.objects.exists()


def test_an_episode_error_keeps_the_participant_unwritten_too(client, case_worker_a):
    client.force_login(case_worker_a)

    response = client.post(
        NEW_URL, registration_data(departure_date="2025-09-01", arrival_date="2025-08-20")
    )

    assert response.status_code == 200
    assert "arrival_date" in response.context["episode_form"].errors
    assert not Participant.objects.exists()
    assert not MigrationEpisode.objects.exists()


def test_missing_required_fields_are_refused(client, case_worker_a):
    client.force_login(case_worker_a)

    response = client.post(
        NEW_URL, registration_data(full_name="", sex="", village="", destination_country="")
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"full_name", "sex", "village"} <= set(errors)
    assert "destination_country" in response.context["episode_form"].errors
    assert not Participant.objects.exists()


# --- Edit ---------------------------------------------------------------------------------


def test_edit_form_is_filled_with_the_record(client, case_worker_a, participant):
    client.force_login(case_worker_a)

    response = client.get(edit_url(participant))

    assert response.status_code == 200
    form = response.context["form"]
    assert form["full_name"].value() == "Siti Aminah"
    assert form["district"].value() == "36.03.33"
    assert response.context["episode_form"].instance == participant.episodes.get()


def test_edit_saves_the_changes_and_keeps_the_registration_number(
    client, case_worker_a, participant
):
    number = participant.registration_number
    client.force_login(case_worker_a)

    response = client.post(
        edit_url(participant),
        registration_data(
            full_name="Siti Aminah Binti Ahmad", phone="085700000001", destination_country="SA"
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(participant)
    participant.refresh_from_db()
    assert participant.full_name == "Siti Aminah Binti Ahmad"
    assert participant.phone == "085700000001"
    assert participant.registration_number == number
    # The latest episode is changed in place, not duplicated.
    assert participant.episodes.get().destination_country == "SA"


def test_edit_with_a_bad_nik_writes_nothing(client, case_worker_a, participant):
    client.force_login(case_worker_a)

    response = client.post(
        edit_url(participant), registration_data(full_name="Nama Baru", nik="3603333203900001")
    )

    assert response.status_code == 200
    assert error_codes(response, "nik") == ["nik_day"]
    participant.refresh_from_db()
    assert participant.full_name == "Siti Aminah"
    assert participant.nik == NIK


def test_opening_the_edit_form_which_shows_the_whole_nik_is_logged(
    client, case_worker_a, participant
):
    # NIKs are shown masked and each reveal is logged. The edit form puts
    # the whole NIK in the input, so opening it is a reveal like the "Show" button.
    client.force_login(case_worker_a)

    response = client.get(edit_url(participant))

    assert NIK in response.content.decode()
    assert AccessLog.objects.filter(
        user=case_worker_a,
        action=AccessLog.Action.REVEAL,
        object_id=str(participant.pk),
    ).exists()


# --- Who may ------------------------------------------------------------------------------


def test_health_worker_may_not_open_the_registration_form(client, health_worker_a):
    client.force_login(health_worker_a)

    assert client.get(NEW_URL).status_code == 403
    assert client.post(NEW_URL, registration_data()).status_code == 403
    assert not Participant.objects.exists()


def test_health_worker_may_not_edit(client, health_worker_a, participant):
    client.force_login(health_worker_a)

    assert client.get(edit_url(participant)).status_code == 403
    response = client.post(edit_url(participant), registration_data(full_name="Nama Baru"))

    assert response.status_code == 403
    participant.refresh_from_db()
    assert participant.full_name == "Siti Aminah"


@pytest.mark.parametrize("user", ["dinsos_officer", "auditor_a"])
def test_agency_officer_and_auditor_have_no_participant_pages(client, request, participant, user):
    client.force_login(request.getfixturevalue(user))

    for url in ("/participants/", NEW_URL, detail_url(participant), edit_url(participant)):
        assert client.get(url).status_code == 404, url
    assert client.post(NEW_URL, registration_data(nik="")).status_code == 404
    assert client.post(edit_url(participant), registration_data()).status_code == 404
    assert Participant.objects.count() == 1


def test_outsider_cannot_edit_another_offices_participant(client, case_worker_b, participant):
    client.force_login(case_worker_b)

    assert client.get(edit_url(participant)).status_code == 404
    response = client.post(edit_url(participant), registration_data(full_name="Nama Baru"))

    assert response.status_code == 404
    participant.refresh_from_db()
    assert participant.full_name == "Siti Aminah"


def test_registered_nik_shows_masked_on_the_new_record(client, case_worker_a):
    client.force_login(case_worker_a)

    response = client.post(NEW_URL, registration_data(), follow=True)

    page = response.content.decode()
    assert NIK_MASKED in page
    assert NIK not in page
