"""The possible-duplicates pages: /participants/duplicates/, the compare and merge page,
"different people", undoing a merge, and the "merged records" panel of a record."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone
from django.utils.text import capfirst

from accounts.models import AccessLog, Role
from participants import merging
from participants.duplicate_views import PAGE_SIZE
from participants.matching import REASONS
from participants.models import HouseholdMember, Participant, ParticipantMerge, PossibleDuplicate
from tests.factories import UserFactory, valid_nik

from .helpers import make_participant

pytestmark = pytest.mark.django_db

LIST_URL = "/participants/duplicates/"
REASON = "KTP yang sama, terdaftar dua kali."
BORN = datetime.date(1988, 6, 2)


def compare_url(pair):
    return f"/participants/duplicates/{pair.pk}/"


def different_url(pair):
    return f"/participants/duplicates/{pair.pk}/different/"


def undo_url(merge):
    return f"/participants/merges/{merge.pk}/undo/"


def detail_url(participant):
    return f"/participants/{participant.pk}/"


def messages_of(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def make_pair(first, second, score=90, reasons=("name_same", "birth_same")):
    low, high = sorted((first, second), key=lambda p: p.pk)
    return PossibleDuplicate.objects.create(first=low, second=high, score=score, reasons=reasons)


def fresh(participant):
    return Participant.objects.get(pk=participant.pk)


@pytest.fixture
def coordinator_b(office_b):
    return UserFactory(username="koordinator_b", role=Role.COORDINATOR, office=office_b)


@pytest.fixture
def older(office_a, case_worker_a):
    return make_participant(
        office_a,
        case_worker_a,
        full_name="Siti Aminah",
        birth_date=BORN,
        nik=valid_nik(BORN, "F", 7001),
        phone="",
        created_at=timezone.now() - datetime.timedelta(days=30),
    )


@pytest.fixture
def newer(office_a, case_worker_a):
    return make_participant(
        office_a,
        case_worker_a,
        full_name="Siti Aminah",
        birth_date=BORN,
        nik=valid_nik(BORN, "F", 7002),
        phone="081299999999",
    )


@pytest.fixture
def pair(older, newer):
    return make_pair(newer, older)


def merge_data(response, **overrides):
    """The compare page's merge form as it came, with `overrides`: what a click sends."""
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["reason"] = REASON
    data.update(overrides)
    return {name: "" if value is None else value for name, value in data.items()}


# --- Who may see the pages --------------------------------------------------------------


@pytest.mark.parametrize("user", ["case_worker_a", "health_worker_a"])
def test_readers_who_may_not_merge_get_403(client, request, pair, user):
    client.force_login(request.getfixturevalue(user))

    for url in [LIST_URL, compare_url(pair)]:
        assert client.get(url).status_code == 403
    assert client.post(different_url(pair), {"note": "Beda orang"}).status_code == 403
    assert PossibleDuplicate.objects.get().decision == PossibleDuplicate.Decision.OPEN


@pytest.mark.parametrize("user", ["auditor_a", "dinsos_officer"])
def test_who_opens_no_participant_page_gets_404(client, request, pair, user):
    client.force_login(request.getfixturevalue(user))

    assert client.get(LIST_URL).status_code == 404
    assert client.get(compare_url(pair)).status_code == 404


def test_another_offices_coordinator_gets_404_on_the_pair(client, coordinator_b, pair):
    client.force_login(coordinator_b)

    assert client.get(compare_url(pair)).status_code == 404
    assert client.post(compare_url(pair), {"reason": REASON}).status_code == 404
    assert client.post(different_url(pair), {"note": "Beda orang"}).status_code == 404
    assert "Siti Aminah" not in client.get(LIST_URL).content.decode()
    assert not AccessLog.objects.filter(object_type="participants.participant").exists()


def test_the_menu_shows_the_list_to_those_who_merge(client, coordinator_a, case_worker_a):
    client.force_login(coordinator_a)
    assert f'href="{LIST_URL}"' in client.get("/participants/").content.decode()

    client.force_login(case_worker_a)
    assert f'href="{LIST_URL}"' not in client.get("/participants/").content.decode()


def test_the_menu_marks_only_the_duplicates_entry_as_the_current_page(client, coordinator_a):
    client.force_login(coordinator_a)

    page = client.get(LIST_URL).content.decode()

    assert re.findall(r'<a href="([^"]+)" aria-current="page"', page) == [LIST_URL]


# --- The list ---------------------------------------------------------------------------


def test_the_list_shows_open_pairs_best_first_with_both_people_and_why(
    client, coordinator_a, office_a, case_worker_a, older, newer, pair
):
    other = make_participant(office_a, case_worker_a, full_name="Nur Halimah")
    namesake = make_participant(office_a, case_worker_a, full_name="Nur Halima")
    weaker = make_pair(other, namesake, score=55, reasons=["name_similar"])
    decided = make_pair(older, other, score=99)
    decided.decision, decided.decided_by, decided.decided_at = (
        "different",
        coordinator_a,
        timezone.now(),
    )
    decided.note = "Orang lain"
    decided.save()
    client.force_login(coordinator_a)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert [row[0] for row in response.context["rows"]] == [pair, weaker]
    page = response.content.decode()
    for person in (older, newer, other, namesake):
        assert person.registration_number in page
    assert str(REASONS["name_same"]) in page and str(REASONS["birth_same"]) in page
    assert compare_url(pair) in page and compare_url(weaker) in page
    assert compare_url(decided) not in page


def test_a_pair_with_a_merged_record_leaves_the_list(client, coordinator_a, office_a, older, newer):
    third = make_participant(office_a, coordinator_a, full_name="Siti Aminah")
    later = make_pair(newer, third)
    merging.merge_participants(
        survivor=older, merged=newer, chosen={}, reason=REASON, by=coordinator_a
    )
    client.force_login(coordinator_a)

    response = client.get(LIST_URL)

    assert later not in [row[0] for row in response.context["rows"]]
    assert [merge for merge, _ in response.context["merges"]] == [ParticipantMerge.objects.get()]


# Session, user, the office and the bell's unread count in the header; the pairs' count and
# page with both people and their villages; the recent merges with both records, their
# villages and the authors.
# And the access log's row for the read.
LIST_QUERIES = 8


@pytest.mark.parametrize("how_many", [1, PAGE_SIZE + 5])
def test_list_query_count_does_not_grow_with_the_rows(
    client, coordinator_a, office_a, case_worker_a, django_assert_num_queries, how_many
):
    people = [
        make_participant(office_a, case_worker_a, full_name=f"Warga {number}")
        for number in range(2 * how_many + 4)
    ]
    for number in range(how_many):
        make_pair(people[2 * number], people[2 * number + 1], score=50 + number % 40)
    for number in range(2):
        survivor, merged = people[-1 - 2 * number], people[-2 - 2 * number]
        merging.merge_participants(
            survivor=survivor, merged=merged, chosen={}, reason=REASON, by=case_worker_a
        )
    client.force_login(coordinator_a)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST_URL)

    assert response.status_code == 200
    assert len(response.context["rows"]) == min(how_many, PAGE_SIZE)
    assert len(response.context["merges"]) == 2


# --- Compare and merge ------------------------------------------------------------------


def test_the_compare_page_puts_both_side_by_side_and_logs_both_reads(
    client, coordinator_a, older, newer, pair
):
    HouseholdMember.objects.create(participant=newer, relationship="child", full_name="Rizki")
    client.force_login(coordinator_a)

    response = client.get(compare_url(pair))

    assert response.status_code == 200
    form = response.context["form"]
    # The older record on the left, suggested as the one kept.
    assert (form.left, form.right) == (older, newer)
    assert form["keep"].value() == older.pk
    differing = {row["label"]: row for row in response.context["rows"] if row["differs"]}
    assert set(form.differing) == {"nik", "phone"}
    assert len(differing) == 2
    # The older's value by default, unless it has none: the phone comes from the newer.
    assert form["value_nik"].value() == older.pk
    assert form["value_phone"].value() == newer.pk
    page = response.content.decode()
    assert page.count('class="differs"') == 2
    assert older.nik not in page and older.nik_masked in page
    household = str(capfirst(HouseholdMember._meta.verbose_name_plural))
    assert (household, 0, 1) in [(str(label), *both) for label, *both in response.context["counts"]]
    # One row for the pair, naming both records read.
    [logged] = AccessLog.objects.filter(action=AccessLog.Action.VIEW, user=coordinator_a)
    assert (logged.object_type, logged.object_id) == (
        "participants.possibleduplicate",
        str(pair.pk),
    )
    first, second = sorted([older.pk, newer.pk], key=[pair.first_id, pair.second_id].index)
    assert logged.detail == f"compare participants {first} and {second}"


def test_merging_from_the_page_leads_to_the_kept_record(client, coordinator_a, older, newer, pair):
    client.force_login(coordinator_a)
    data = merge_data(client.get(compare_url(pair)), value_nik=newer.pk)

    response = client.post(compare_url(pair), data)

    assert response.status_code == 302
    assert response["Location"] == detail_url(older)
    assert messages_of(response)[0][0] == "success"
    survivor, tombstone = fresh(older), fresh(newer)
    assert tombstone.merged_into == survivor
    assert survivor.nik == newer.nik and survivor.phone == "081299999999"
    assert ParticipantMerge.objects.get().reason == REASON
    pair.refresh_from_db()
    assert pair.decision == PossibleDuplicate.Decision.MERGED


def test_the_newer_record_may_be_the_one_kept(client, coordinator_a, older, newer, pair):
    client.force_login(coordinator_a)
    data = merge_data(client.get(compare_url(pair)), keep=newer.pk)

    response = client.post(compare_url(pair), data)

    assert response["Location"] == detail_url(newer)
    survivor = fresh(newer)
    # The values chosen on the page (the older's NIK, the newer's phone) are kept.
    assert survivor.nik == older.nik and survivor.phone == "081299999999"
    assert fresh(older).merged_into == survivor


def test_the_merged_records_page_redirects_and_takes_no_edit(
    client, coordinator_a, case_worker_a, older, newer, pair
):
    merging.merge_participants(
        survivor=older, merged=newer, chosen={}, reason=REASON, by=coordinator_a
    )
    client.force_login(case_worker_a)

    response = client.get(detail_url(newer))

    assert response.status_code == 302
    assert response["Location"] == detail_url(older)
    for url in ["edit/", "household/new/", "episodes/new/", "consents/new/", "documents/new/"]:
        assert client.get(detail_url(newer) + url).status_code == 404, url
    assert client.post(detail_url(newer) + "household/new/", {"full_name": "X"}).status_code == 404
    assert not HouseholdMember.objects.filter(participant=newer).exists()


def test_a_merge_without_a_reason_writes_nothing(client, coordinator_a, older, newer, pair):
    client.force_login(coordinator_a)
    data = merge_data(client.get(compare_url(pair)), reason="")

    response = client.post(compare_url(pair), data)

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert not ParticipantMerge.objects.exists()
    assert not fresh(newer).is_merged


def test_a_record_changed_after_the_page_opened_is_compared_again(
    client, coordinator_a, older, newer, pair
):
    client.force_login(coordinator_a)
    data = merge_data(client.get(compare_url(pair)))
    Participant.objects.filter(pk=newer.pk).update(phone="0857", updated_at=timezone.now())

    response = client.post(compare_url(pair), data)

    assert response.status_code == 200
    assert [error.code for error in response.context["form"].non_field_errors().as_data()] == [
        "changed"
    ]
    assert not ParticipantMerge.objects.exists()
    # The page now shows the records as they are: merging from it works.
    page = response.content.decode()
    for name in ["first_seen", "second_seen"]:
        data[name] = re.search(rf'name="{name}" value="([^"]+)"', page).group(1)

    assert client.post(compare_url(pair), data).status_code == 302
    assert fresh(newer).merged_into_id == older.pk


def test_an_archived_record_is_refused_with_the_reason_on_the_page(
    client, coordinator_a, older, newer, pair
):
    Participant.objects.filter(pk=newer.pk).update(
        archived_at=timezone.now(), archived_by=coordinator_a, archive_reason="Salah input"
    )
    client.force_login(coordinator_a)
    data = merge_data(client.get(compare_url(pair)))

    response = client.post(compare_url(pair), data)

    assert response.status_code == 200
    assert newer.registration_number in response.content.decode()
    assert response.context["form"].non_field_errors()
    assert not ParticipantMerge.objects.exists()


def test_a_decided_pair_is_not_compared_again(client, coordinator_a, older, newer, pair):
    merging.mark_different(pair=pair, by=coordinator_a, note="Ibu kandung berbeda")
    client.force_login(coordinator_a)

    response = client.get(compare_url(pair))

    assert response.status_code == 302
    assert response["Location"] == LIST_URL


# --- Different people -------------------------------------------------------------------


def test_different_people_without_a_reason_writes_nothing(client, coordinator_a, pair):
    client.force_login(coordinator_a)

    response = client.post(different_url(pair), {"note": "  "})

    assert response.status_code == 302
    assert response["Location"] == compare_url(pair)
    assert messages_of(response)[0][0] == "error"
    pair.refresh_from_db()
    assert (pair.decision, pair.decided_by, pair.note) == ("open", None, "")


def test_different_people_with_a_reason_leaves_the_list(client, coordinator_a, pair):
    client.force_login(coordinator_a)

    response = client.post(different_url(pair), {"note": "Nama ibu kandung berbeda di KK."})

    assert response["Location"] == LIST_URL
    pair.refresh_from_db()
    assert pair.decision == PossibleDuplicate.Decision.DIFFERENT
    assert (pair.decided_by, pair.note) == (coordinator_a, "Nama ibu kandung berbeda di KK.")
    assert client.get(LIST_URL).context["rows"] == []


def test_different_people_is_post_only(client, coordinator_a, pair):
    client.force_login(coordinator_a)

    assert client.get(different_url(pair)).status_code == 405


# --- Undo and the record's panel --------------------------------------------------------


@pytest.fixture
def merged(older, newer, pair, coordinator_a):
    return merging.merge_participants(
        survivor=older, merged=newer, chosen={"nik": "merged"}, reason=REASON, by=coordinator_a
    )


def test_the_kept_record_lists_its_merges_with_an_undo_button(client, coordinator_a, merged):
    client.force_login(coordinator_a)

    page = client.get(detail_url(merged.survivor)).content.decode()

    assert 'id="merged-records"' in page
    assert merged.merged.registration_number in page
    assert undo_url(merged) in page


def test_a_case_worker_reads_the_merges_without_an_undo_button(client, case_worker_a, merged):
    client.force_login(case_worker_a)

    page = client.get(detail_url(merged.survivor)).content.decode()

    assert merged.merged.registration_number in page
    assert undo_url(merged) not in page
    assert client.post(undo_url(merged)).status_code == 403
    assert ParticipantMerge.objects.get().undone_at is None


def test_undo_from_the_page_restores_the_merged_record(client, coordinator_a, older, newer, merged):
    client.force_login(coordinator_a)

    response = client.post(undo_url(merged))

    assert response.status_code == 302
    assert response["Location"] == detail_url(newer)
    assert messages_of(response)[0][0] == "success"
    assert fresh(newer).merged_into is None
    assert (fresh(older).nik, fresh(newer).nik) == (older.nik, newer.nik)
    assert client.get(detail_url(newer)).status_code == 200
    pair = PossibleDuplicate.objects.get()
    assert pair.decision == PossibleDuplicate.Decision.OPEN
    page = client.get(detail_url(older)).content.decode()
    assert undo_url(merged) not in page  # undone: no second undo


def test_undo_refused_says_why_and_goes_back(client, coordinator_a, older, newer, merged):
    survivor = fresh(older)
    survivor.address = "Kampung Baru RT 02"
    survivor.save()
    client.force_login(coordinator_a)

    response = client.post(undo_url(merged), {"next": LIST_URL})

    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    [(level, text)] = messages_of(response)
    assert level == "error" and text
    assert fresh(newer).merged_into_id == older.pk
    # The button is no longer offered once the record was edited.
    assert undo_url(merged) not in client.get(detail_url(older)).content.decode()


def test_undo_never_leaves_the_site(client, coordinator_a, older, merged):
    survivor = fresh(older)
    survivor.address = "Kampung Baru RT 02"
    survivor.save()
    client.force_login(coordinator_a)

    response = client.post(undo_url(merged), {"next": "https://example.com/"})

    assert response["Location"] == detail_url(older)


def test_another_offices_coordinator_cannot_undo(client, coordinator_b, merged):
    client.force_login(coordinator_b)

    assert client.post(undo_url(merged)).status_code == 404
    assert ParticipantMerge.objects.get().undone_at is None
