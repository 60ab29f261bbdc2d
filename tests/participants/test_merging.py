"""Merging two records of one person (participants.merging), and undoing a merge."""

import datetime
import threading
import time

import pytest
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst

from accounts.workflow import IllegalMove
from cases.models import Alert, Case, CaseNote, CaseStatusChange, FollowUp, PlanItem, Screening
from participants import merging, services
from participants.models import (
    Consent,
    Document,
    HouseholdMember,
    MigrationEpisode,
    Participant,
    ParticipantMerge,
    ParticipantProblem,
    PossibleDuplicate,
    Problem,
)
from participants.signals import participants_merged
from referrals.models import Referral, Service
from referrals.services import create_referral
from tests.cases.conftest import make_program
from tests.factories import load_reference_data, valid_nik

from .helpers import make_participant, pdf_upload

pytestmark = pytest.mark.django_db

REASON = "KTP yang sama, terdaftar dua kali di kegiatan kedua."
BORN = datetime.date(1988, 6, 2)

# Every kind of row that hangs off a person, as counted on each record.
KINDS = {
    "household": lambda p: HouseholdMember.objects.filter(participant=p),
    "episodes": lambda p: MigrationEpisode.objects.filter(participant=p),
    "consents": lambda p: Consent.objects.filter(participant=p),
    "documents": lambda p: Document.objects.filter(participant=p),
    "problems": lambda p: ParticipantProblem.objects.filter(participant=p),
    "cases": lambda p: Case.objects.filter(participant=p),
    "screenings": lambda p: Screening.objects.filter(case__participant=p),
    "referrals": lambda p: Referral.objects.filter(case__participant=p),
    "plan_items": lambda p: PlanItem.objects.filter(case__participant=p),
    "follow_ups": lambda p: FollowUp.objects.filter(case__participant=p),
    "alerts": lambda p: Alert.objects.filter(case__participant=p),
    "notes": lambda p: CaseNote.objects.filter(case__participant=p),
}
TOTALS = {
    "household": HouseholdMember,
    "episodes": MigrationEpisode,
    "consents": Consent,
    "documents": Document,
    "problems": ParticipantProblem,
    "cases": Case,
    "screenings": Screening,
    "referrals": Referral,
    "plan_items": PlanItem,
    "follow_ups": FollowUp,
    "alerts": Alert,
    "notes": CaseNote,
}


def counts(participant):
    return {kind: rows(participant).count() for kind, rows in KINDS.items()}


def totals():
    return {kind: model.objects.count() for kind, model in TOTALS.items()}


def fresh(participant):
    return Participant.objects.get(pk=participant.pk)


# --- Builders ---------------------------------------------------------------------------


@pytest.fixture
def reference_data(db):
    # The problems and services lists, which a threaded test's flush empties.
    load_reference_data()


@pytest.fixture
def problems(reference_data):
    return list(Problem.objects.order_by("position")[:3])


@pytest.fixture
def service(reference_data):
    return Service.objects.get(code="social_rehabilitation")


@pytest.fixture
def program_a(office_a, coordinator_a, regions):
    return make_program(office_a, coordinator_a, regions["district"], name="Kegiatan Mekar Baru")


@pytest.fixture
def program_a2(office_a, coordinator_a, regions):
    return make_program(office_a, coordinator_a, regions["district"], name="Kegiatan Kedua")


@pytest.fixture
def older(office_a, case_worker_a):
    """Siti Aminah as registered first."""
    return make_participant(
        office_a,
        case_worker_a,
        full_name="Siti Aminah",
        birth_date=BORN,
        nik=valid_nik(BORN, "F", 7001),
        phone="081200000001",
    )


@pytest.fixture
def newer(office_a, case_worker_a):
    """The same woman registered again at a later event, with another NIK typed."""
    return make_participant(
        office_a,
        case_worker_a,
        full_name="Siti Aminah",
        birth_date=BORN,
        nik=valid_nik(BORN, "F", 7002),
        phone="081299999999",
        birth_place="Tangerang",
    )


def enrol(participant, program, by):
    case = Case.objects.create(participant=participant, program=program, case_worker=by)
    CaseStatusChange.objects.create(case=case, from_status="", to_status="intake", changed_by=by)
    return case


def screen(case, by, follow_up=None):
    return Screening.objects.create(
        case=case, kind=Screening.Kind.PHYSICAL, recorded_by=by, follow_up=follow_up
    )


def add_member(participant, name):
    return HouseholdMember.objects.create(
        participant=participant, relationship="child", full_name=name
    )


def add_document(participant, by, name="surat.pdf"):
    return Document.objects.create(
        participant=participant,
        type=Document.Type.HEALTH_LETTER,
        file="documents/test/" + name,
        original_name=name,
        content_type="application/pdf",
        size=10,
        uploaded_by=by,
    )


def add_consent(participant, by, evidence=None):
    return Consent.objects.create(
        participant=participant,
        given_by=Consent.GivenBy.PARTICIPANT,
        purposes=["rehabilitation", "share_dinsos"],
        method=Consent.Method.SIGNED_FORM,
        evidence=evidence,
        given_at=datetime.date(2025, 11, 5),
        recorded_by=by,
    )


def refer(case, by, dinsos, service, member=None):
    return create_referral(
        case=case,
        agency=dinsos,
        service=service,
        reason="Perlu rehabilitasi sosial.",
        urgency="normal",
        by=by,
        household_member=member,
    )


def merge(survivor, merged, by, chosen=None):
    return merging.merge_participants(
        survivor=fresh(survivor), merged=fresh(merged), chosen=chosen or {}, reason=REASON, by=by
    )


def furnish(older, newer, by, problems):
    """Both records' own rows: family, periods abroad, consents (one with its signed
    form), documents and problems, one of them listed on both."""
    add_member(older, "Anak Pertama")
    add_consent(older, by, evidence=add_document(older, by, "a.pdf"))
    add_document(older, by, "b.pdf")
    older.problems.add(problems[0], problems[1])
    member = add_member(newer, "Anak Kedua")
    add_member(newer, "Anak Ketiga")
    newer.episodes.create(destination_country="TW", arrival_date=datetime.date(2019, 1, 1))
    add_consent(newer, by)
    add_document(newer, by, "c.pdf")
    newer.problems.add(problems[1], problems[2])
    return member


@pytest.fixture
def two_records(older, newer, case_worker_a, problems, program_a, program_a2, dinsos, service):
    """Both records furnished, and a case each: the older in the first program, the
    newer in the second, each with screenings and a referral."""
    member = furnish(older, newer, case_worker_a, problems)
    older_case = enrol(older, program_a, case_worker_a)
    screen(older_case, case_worker_a)
    refer(older_case, case_worker_a, dinsos, service)
    newer_case = enrol(newer, program_a2, case_worker_a)
    screen(newer_case, case_worker_a)
    screen(newer_case, case_worker_a)
    refer(newer_case, case_worker_a, dinsos, service, member=member)
    return older, newer


@pytest.fixture
def same_program(older, newer, case_worker_a, program_a, dinsos, service):
    """Both enrolled in one program. The newer's case has a 1-month visit (the older's
    has one too), with a screening and an alert on it, and more that can move."""
    kept = enrol(older, program_a, case_worker_a)
    FollowUp.objects.create(
        case=kept,
        month=1,
        due_on=datetime.date(2025, 12, 5),
        visited_on=datetime.date(2025, 12, 5),
        recorded_by=case_worker_a,
    )
    screen(kept, case_worker_a)
    PlanItem.objects.create(
        case=kept, dimension="economic", intervention="Pelatihan usaha", created_by=case_worker_a
    )

    duplicate = enrol(newer, program_a, case_worker_a)
    month_one = FollowUp.objects.create(
        case=duplicate,
        month=1,
        due_on=datetime.date(2025, 12, 6),
        visited_on=datetime.date(2025, 12, 6),
        recorded_by=case_worker_a,
    )
    FollowUp.objects.create(
        case=duplicate,
        month=3,
        due_on=datetime.date(2026, 2, 6),
        visited_on=datetime.date(2026, 2, 6),
        recorded_by=case_worker_a,
    )
    at_visit = screen(duplicate, case_worker_a, follow_up=month_one)
    Alert.objects.create(case=duplicate, screening=at_visit, code="urgent_blood_pressure")
    plain = screen(duplicate, case_worker_a)
    Alert.objects.create(case=duplicate, screening=plain, code="suicide_risk")
    PlanItem.objects.create(
        case=duplicate, dimension="social", intervention="Konseling", created_by=case_worker_a
    )
    CaseNote.objects.create(case=duplicate, text="Kunjungan rumah", author=case_worker_a)
    refer(duplicate, case_worker_a, dinsos, service)
    return kept, duplicate, {"visit": month_one, "at_visit": at_visit, "plain": plain}


# --- The merge --------------------------------------------------------------------------


def test_every_row_of_the_merged_record_moves_to_the_survivor(two_records, coordinator_a, problems):
    older, newer = two_records
    before = {"older": counts(older), "newer": counts(newer)}
    everything = totals()
    shared = ParticipantProblem.objects.get(participant=newer, problem=problems[1])
    own = ParticipantProblem.objects.get(participant=newer, problem=problems[2])

    result = merge(older, newer, coordinator_a)

    after = {"older": counts(older), "newer": counts(newer)}
    # The survivor has the sum of both, except the problem both had listed once...
    for kind in KINDS:
        expected = before["older"][kind] + before["newer"][kind] - (kind == "problems")
        assert after["older"][kind] == expected, kind
    # ...which is the only row left on the tombstone.
    assert after["newer"] == dict.fromkeys(KINDS, 0) | {"problems": 1}
    assert totals() == everything
    assert set(older.problems.all()) == set(problems)
    assert result.moved["participants.participantproblem"] == [own.pk]
    assert result.moved[merging.KEPT] == {"participants.participantproblem": [shared.pk]}
    newer_family = HouseholdMember.objects.filter(full_name__in=["Anak Kedua", "Anak Ketiga"])
    assert set(result.moved["participants.householdmember"]) == set(
        newer_family.values_list("pk", flat=True)
    )
    assert len(result.moved["cases.case"]) == 1
    # The referral of the newer's family member still names her, now on the survivor.
    assert Referral.objects.filter(household_member__participant=older).count() == 1


def test_the_tombstone_points_at_the_survivor_and_gives_up_its_numbers(older, newer, coordinator_a):
    newer_nik = newer.nik

    result = merge(older, newer, coordinator_a, chosen={"nik": "merged", "phone": "merged"})

    tombstone, survivor = fresh(newer), fresh(older)
    assert tombstone.merged_into == survivor
    assert tombstone.is_archived and tombstone.archived_by == coordinator_a
    assert survivor.registration_number in tombstone.archive_reason
    assert (tombstone.nik, tombstone.kk_number, tombstone.passport_number) == ("", "", "")
    # The survivor took the tombstone's NIK: unique among participants, so cleared first.
    assert survivor.nik == newer_nik
    assert survivor.phone == "081299999999"
    assert survivor.birth_place == ""  # not chosen: the survivor's value stays
    assert result.merged_before["nik"] == newer_nik
    assert result.merged_before["birth_date"] == BORN.isoformat()
    assert result.survivor_before["village"] == older.village_id
    assert not Participant.objects.active().filter(pk=newer.pk).exists()


def test_the_pair_is_marked_merged(older, newer, coordinator_a):
    first, second = sorted((older, newer), key=lambda p: p.pk)
    pair = PossibleDuplicate.objects.create(
        first=first, second=second, score=95, reasons=["name_same", "birth_same"]
    )

    merge(older, newer, coordinator_a)

    pair.refresh_from_db()
    assert pair.decision == PossibleDuplicate.Decision.MERGED
    assert pair.decided_by == coordinator_a
    assert pair.decided_at is not None


def test_cases_in_the_same_program_fold_into_one_without_losing_a_row(
    same_program, older, newer, coordinator_a
):
    kept, duplicate, rows = same_program
    everything = totals()

    result = merge(older, newer, coordinator_a)

    assert totals() == everything
    assert Case.objects.filter(participant=older).get() == kept
    # Moved to the survivor's case: all but the 1-month visit (the survivor's case has
    # one) and what hangs on that visit (its screening, and that screening's alert).
    assert set(kept.follow_ups.values_list("month", flat=True)) == {1, 3}
    assert kept.follow_ups.get(month=1).visited_on == datetime.date(2025, 12, 5)
    assert kept.screenings.count() == 2 and kept.screenings.filter(pk=rows["plain"].pk).exists()
    assert kept.alerts.get().screening == rows["plain"]
    assert kept.plan_items.count() == 2
    assert kept.notes.count() == 1
    assert kept.referrals.count() == 1
    # Left on the duplicate case, on the tombstone: the visit and what hangs on it.
    duplicate.refresh_from_db()
    assert duplicate.participant_id == newer.pk
    assert list(duplicate.follow_ups.all()) == [rows["visit"]]
    assert list(duplicate.screenings.all()) == [rows["at_visit"]]
    assert duplicate.alerts.get().screening == rows["at_visit"]
    assert result.moved[merging.KEPT]["cases.followup"] == [rows["visit"].pk]
    assert result.moved[merging.KEPT]["cases.screening"] == [rows["at_visit"].pk]
    # The duplicate case is closed, through the status service, saying why.
    assert duplicate.status == Case.Status.CLOSED
    assert duplicate.close_reason == Case.CloseReason.OTHER
    closing = duplicate.status_changes.order_by("-changed_at", "-pk").first()
    assert closing.changed_by == coordinator_a
    assert newer.registration_number in closing.reason
    assert result.moved["cases:closed"] == [duplicate.pk]
    # Its status history stays its own.
    assert duplicate.status_changes.count() == 2


def test_a_receiver_that_fails_rolls_the_whole_merge_back(two_records, coordinator_a):
    older, newer = two_records
    before = (counts(older), counts(newer), merging.snapshot(fresh(older)))

    def refuse(sender, **kwargs):
        raise RuntimeError("a higher app could not follow the merge")

    participants_merged.connect(refuse)
    try:
        with pytest.raises(RuntimeError):
            merge(older, newer, coordinator_a, chosen={"phone": "merged"})
    finally:
        participants_merged.disconnect(refuse)

    assert (counts(older), counts(newer), merging.snapshot(fresh(older))) == before
    assert not fresh(newer).is_merged
    assert not ParticipantMerge.objects.exists()


# --- Refusals: nothing written ----------------------------------------------------------


def assert_nothing_written(older, newer, before):
    assert not ParticipantMerge.objects.exists()
    assert (counts(older), counts(newer)) == before
    assert not fresh(older).is_merged and not fresh(newer).is_merged


def test_a_record_is_not_merged_with_itself(two_records, coordinator_a):
    older, newer = two_records
    before = (counts(older), counts(newer))

    with pytest.raises(IllegalMove):
        merge(older, older, coordinator_a)

    assert_nothing_written(older, newer, before)


def test_records_of_two_offices_are_not_merged(two_records, coordinator_a, office_b):
    older, newer = two_records
    Participant.objects.filter(pk=newer.pk).update(office=office_b)
    before = (counts(older), counts(newer))

    with pytest.raises(IllegalMove):
        merge(older, newer, coordinator_a)

    assert_nothing_written(older, newer, before)


def test_an_archived_record_is_not_merged(two_records, coordinator_a):
    older, newer = two_records
    Participant.objects.filter(pk=newer.pk).update(
        archived_at=timezone.now(), archived_by=coordinator_a, archive_reason="Salah input"
    )
    before = (counts(older), counts(newer))

    with pytest.raises(IllegalMove):
        merge(older, newer, coordinator_a)

    assert_nothing_written(older, newer, before)


def test_a_record_already_merged_is_not_merged_again(older, newer, office_a, coordinator_a):
    third = make_participant(office_a, coordinator_a, full_name="Siti Aminah")
    merge(older, newer, coordinator_a)

    for survivor, merged in [(third, newer), (newer, third)]:
        with pytest.raises(IllegalMove):
            merge(survivor, merged, coordinator_a)

    assert ParticipantMerge.objects.count() == 1


def test_a_record_changed_since_it_was_read_is_not_merged(older, newer, coordinator_a):
    as_read = fresh(newer)
    Participant.objects.filter(pk=newer.pk).update(phone="0813", updated_at=timezone.now())

    with pytest.raises(IllegalMove):
        merging.merge_participants(
            survivor=fresh(older), merged=as_read, chosen={}, reason=REASON, by=coordinator_a
        )

    assert not ParticipantMerge.objects.exists()
    assert fresh(newer).phone == "0813"


def test_unknown_choices_are_refused(older, newer, coordinator_a):
    for chosen in [{"office": "merged"}, {"phone": "both"}]:
        with pytest.raises(IllegalMove):
            merge(older, newer, coordinator_a, chosen=chosen)

    assert not ParticipantMerge.objects.exists()


# --- Undo -------------------------------------------------------------------------------


def test_undo_restores_every_row_and_both_records_exactly(
    older, newer, same_program, problems, program_a2, case_worker_a, coordinator_a
):
    furnish(older, newer, case_worker_a, problems)
    screen(enrol(newer, program_a2, case_worker_a), case_worker_a)  # moves plainly
    _kept, duplicate, _rows = same_program
    first, second = sorted((older, newer), key=lambda p: p.pk)
    pair = PossibleDuplicate.objects.create(
        first=first, second=second, score=95, reasons=["name_same"]
    )
    before = {
        "counts": (counts(older), counts(newer)),
        "fields": (merging.snapshot(fresh(older)), merging.snapshot(fresh(newer))),
        "where": {
            label: dict(model.objects.values_list("pk", key))
            for label, model, key in [
                ("cases", Case, "participant_id"),
                ("screenings", Screening, "case_id"),
                ("follow_ups", FollowUp, "case_id"),
                ("alerts", Alert, "case_id"),
                ("referrals", Referral, "case_id"),
                ("household", HouseholdMember, "participant_id"),
                ("problems", ParticipantProblem, "participant_id"),
            ]
        },
        "duplicate": (duplicate.status, duplicate.close_reason, duplicate.closed_at),
    }
    done = merge(older, newer, coordinator_a, chosen={"nik": "merged", "birth_place": "merged"})
    assert fresh(older).nik == before["fields"][1]["nik"]

    undone = merging.undo_merge(merge=done, by=coordinator_a)

    assert (counts(older), counts(newer)) == before["counts"]
    assert (merging.snapshot(fresh(older)), merging.snapshot(fresh(newer))) == before["fields"]
    for label, model, key in [
        ("cases", Case, "participant_id"),
        ("screenings", Screening, "case_id"),
        ("follow_ups", FollowUp, "case_id"),
        ("alerts", Alert, "case_id"),
        ("referrals", Referral, "case_id"),
        ("household", HouseholdMember, "participant_id"),
        ("problems", ParticipantProblem, "participant_id"),
    ]:
        assert dict(model.objects.values_list("pk", key)) == before["where"][label], label
    tombstone = fresh(newer)
    assert tombstone.merged_into is None
    assert (tombstone.archived_at, tombstone.archived_by, tombstone.archive_reason) == (
        None,
        None,
        "",
    )
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.close_reason, duplicate.closed_at) == before["duplicate"]
    reopening = duplicate.status_changes.order_by("-changed_at", "-pk").first()
    assert (reopening.from_status, reopening.to_status) == (Case.Status.CLOSED, "intake")
    pair.refresh_from_db()
    assert (pair.decision, pair.decided_by, pair.decided_at) == ("open", None, None)
    assert undone.undone_by == coordinator_a and undone.undone_at is not None
    with pytest.raises(IllegalMove):
        merging.undo_merge(merge=undone, by=coordinator_a)


def test_undo_is_refused_after_an_edit_of_the_survivor(two_records, coordinator_a):
    older, newer = two_records
    done = merge(older, newer, coordinator_a)
    survivor = fresh(older)
    survivor.phone = "081311112222"
    survivor.save()
    moved_to_survivor = counts(older)

    with pytest.raises(IllegalMove) as refusal:
        merging.undo_merge(merge=done, by=coordinator_a)

    assert str(capfirst(Participant._meta.verbose_name_plural)) in str(refusal.value)
    assert fresh(newer).merged_into_id == older.pk
    assert counts(older) == moved_to_survivor
    assert ParticipantMerge.objects.get().undone_at is None


# --- Written since the merge: stamped by the database clock of later transactions -------


@pytest.mark.django_db(transaction=True)
def test_undo_is_refused_after_a_new_screening_on_the_survivor(
    reference_data, same_program, older, newer, coordinator_a, case_worker_a
):
    kept, _duplicate, _rows = same_program
    done = merge(older, newer, coordinator_a)
    moved_to_survivor = counts(older)
    screen(kept, case_worker_a)

    with pytest.raises(IllegalMove) as refusal:
        merging.undo_merge(merge=done, by=coordinator_a)

    assert str(capfirst(Screening._meta.verbose_name_plural)) in str(refusal.value)
    assert counts(older) == moved_to_survivor | {"screenings": moved_to_survivor["screenings"] + 1}
    assert fresh(newer).is_merged
    assert ParticipantMerge.objects.get().undone_at is None


@pytest.mark.django_db(transaction=True)
def test_undo_is_refused_after_a_moved_row_changed(
    reference_data, older, newer, coordinator_a, case_worker_a
):
    member = add_member(newer, "Anak Kedua")
    done = merge(older, newer, coordinator_a)
    HouseholdMember.objects.filter(pk=member.pk).update(needs="Biaya sekolah")

    with pytest.raises(IllegalMove):
        merging.undo_merge(merge=done, by=coordinator_a)

    assert HouseholdMember.objects.get(pk=member.pk).participant_id == older.pk


@pytest.mark.django_db(transaction=True)
def test_undo_is_allowed_when_nothing_was_written_since(
    reference_data, same_program, older, newer, coordinator_a
):
    before = (counts(older), counts(newer))
    done = merge(older, newer, coordinator_a)

    merging.undo_merge(merge=done, by=coordinator_a)

    assert (counts(older), counts(newer)) == before


# --- Two people at once -----------------------------------------------------------------


def in_thread(work):
    """Run `work` on its own database connection; returns the thread and its outcome."""
    outcome = {}

    def run():
        try:
            outcome["result"] = work()
        except Exception as error:  # reported by the test, whatever it is
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.mark.django_db(transaction=True)
def test_an_edit_of_the_merged_record_during_the_merge_is_never_lost(
    reference_data, older, newer, coordinator_a, case_worker_a
):
    survivor_as_read, merged_as_read = fresh(older), fresh(newer)
    locked = threading.Event()

    def edit_while_holding_the_row():
        with transaction.atomic():
            record = Participant.objects.select_for_update().get(pk=newer.pk)
            record.phone = "085711112222"
            record.save()
            locked.set()
            time.sleep(0.5)  # the merge starts meanwhile and waits for the row

    thread, outcome = in_thread(edit_while_holding_the_row)
    assert locked.wait(10)
    started = time.monotonic()
    try:
        merging.merge_participants(
            survivor=survivor_as_read,
            merged=merged_as_read,
            chosen={"phone": "survivor"},
            reason=REASON,
            by=coordinator_a,
        )
        merged = True
    except IllegalMove:
        merged = False
    waited = time.monotonic() - started
    thread.join(10)

    assert "error" not in outcome
    assert waited > 0.3  # the merge did wait for the edit's row lock
    if merged:
        assert fresh(older).phone == "085711112222"
    else:
        assert fresh(newer).phone == "085711112222"
        assert not fresh(newer).is_merged
        assert not ParticipantMerge.objects.exists()


class StaleForm:
    """A form that saves the whole row as it was read, as a ModelForm does."""

    def __init__(self, instance):
        self.instance = instance

    def save(self, commit=True):
        if commit:
            self.instance.save()
        return self.instance


@pytest.mark.django_db(transaction=True)
def test_an_edit_that_waited_for_the_merge_cannot_bring_the_tombstone_back(
    reference_data, older, newer, coordinator_a
):
    stale = fresh(newer)
    stale.phone = "085711112222"
    episode = stale.episodes.get()
    merging_now = threading.Event()

    def slow_receiver(sender, **kwargs):
        merging_now.set()
        time.sleep(0.5)  # the edit arrives meanwhile and waits for the merge's lock

    participants_merged.connect(slow_receiver)
    try:
        thread, outcome = in_thread(lambda: merge(older, newer, coordinator_a))
        assert merging_now.wait(10)
        with pytest.raises(Http404):
            services.update_participant(
                participant_form=StaleForm(stale), episode_form=StaleForm(episode)
            )
        thread.join(10)
    finally:
        participants_merged.disconnect(slow_receiver)

    assert "error" not in outcome
    tombstone = fresh(newer)
    assert tombstone.merged_into_id == older.pk
    assert tombstone.nik == "" and tombstone.phone != "085711112222"


# --- Different people -------------------------------------------------------------------


def test_different_people_needs_a_reason_and_writes_nothing_without_one(
    older, newer, coordinator_a
):
    first, second = sorted((older, newer), key=lambda p: p.pk)
    pair = PossibleDuplicate.objects.create(first=first, second=second, score=60, reasons=[])

    for note in ["", "   "]:
        with pytest.raises(IllegalMove):
            merging.mark_different(pair=pair, by=coordinator_a, note=note)
    pair.refresh_from_db()
    assert pair.decision == PossibleDuplicate.Decision.OPEN

    merging.mark_different(pair=pair, by=coordinator_a, note="Nama ibu kandung berbeda di KK.")

    pair.refresh_from_db()
    assert pair.decision == PossibleDuplicate.Decision.DIFFERENT
    assert (pair.decided_by, pair.note) == (coordinator_a, "Nama ibu kandung berbeda di KK.")
    with pytest.raises(IllegalMove):
        merging.mark_different(pair=pair, by=coordinator_a, note="Lagi")


# --- The generic move -------------------------------------------------------------------


def test_the_move_finds_every_foreign_key_to_a_participant_but_history_and_bookkeeping():
    found = {
        (model._meta.label_lower, key.name)
        for model, key in merging.references(Participant, merging.NOT_MOVED)
    }

    assert found == {
        ("participants.participantproblem", "participant"),
        ("participants.migrationepisode", "participant"),
        ("participants.householdmember", "participant"),
        ("participants.consent", "participant"),
        ("participants.document", "participant"),
        ("cases.case", "participant"),
        # A person's requests about their data follow the record kept.
        ("rights.datarequest", "participant"),
        # A proposal to anonymise follows too; the reports cancel one still waiting.
        ("reports.anonymisation", "participant"),
    }
    # Keys declared with related_name="+" are found too (the duplicates' pair).
    hidden = {
        key.name for model, key in merging.references(Participant) if model is PossibleDuplicate
    }
    assert hidden == {"first", "second"}


def test_a_family_member_document_or_consent_sent_to_a_record_merged_meanwhile_is_a_404(
    client, older, newer, case_worker_a, coordinator_a, media_root
):
    # The case worker opened the second record's page before the coordinator merged it.
    stale = fresh(newer)
    merge(older, newer, coordinator_a)
    members_before = HouseholdMember.objects.count()

    with pytest.raises(Http404):
        services.add_document(
            participant=stale,
            uploaded=pdf_upload(),
            type=Document.Type.HEALTH_LETTER,
            content_type="application/pdf",
            extension=".pdf",
            by=case_worker_a,
        )
    client.force_login(case_worker_a)
    response = client.post(
        f"/participants/{newer.pk}/household/new/",
        {"relationship": "child", "full_name": "Rizky"},
    )

    assert response.status_code == 404
    assert HouseholdMember.objects.count() == members_before
    assert not Document.objects.filter(participant=newer).exists()
