"""Referrals: drafting, sending under a consent, who may make which move, and what it writes."""

import datetime

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AgencyType, Role
from accounts.workflow import IllegalMove
from participants.models import Consent, ConsentPurpose, HouseholdMember
from referrals import sharing
from referrals.models import RESPONSE_TIME, Referral, ReferralTransition, Urgency
from referrals.models import ReferralStatus as S
from referrals.services import (
    ReferralChanged,
    confirm_with_returnee,
    create_referral,
    move_referral,
    send_referral,
)
from tests.factories import UserFactory

MOVES = Referral.TRANSITIONS
LEGAL = list(MOVES)
ILLEGAL = [(source, target) for source in S for target in S if (source, target) not in MOVES]

# Everybody who might try a move; only the first three can reach a referral of office A
# to Dinsos at all. The others must be refused whatever their role says.
PEOPLE = [
    "case_worker_a",
    "coordinator_a",
    "dinsos_officer",
    "dinkes_officer",
    "health_worker_a",
    "case_worker_b",
]
IN_REACH = {"case_worker_a", "coordinator_a", "dinsos_officer"}

WRITTEN = {
    "note": "Sudah dibahas di rapat kasus.",
    "decline_reason": "Domisili di luar wilayah kerja kami.",
    "outcome": "Sudah terdaftar di DTSEN, desil 2.",
}


def moves_of(referral):
    return list(ReferralTransition.objects.filter(referral=referral).order_by("pk"))


def snapshot(referral):
    """What a refused move must leave untouched."""
    referral = Referral.objects.get(pk=referral.pk)
    return {
        "status": referral.status,
        "version": referral.version,
        "moves": len(moves_of(referral)),
        "decline_reason": referral.decline_reason,
        "outcome": referral.outcome,
        "sent_at": referral.sent_at,
        "consent": referral.consent_id,
    }


def make_move(referral, target, by, **written):
    """The move as a page would make it: send a draft, or move anything else."""
    if (referral.status, target) == (S.DRAFT, S.SENT):
        return send_referral(referral=referral, by=by, version=referral.version)
    return move_referral(referral=referral, to=target, by=by, version=referral.version, **written)


def ids(pairs):
    return [f"{source}->{target}" for source, target in pairs]


# --- Drafting and who sees a draft ------------------------------------------------------


def test_creating_a_referral_makes_a_draft_with_one_move_written(draft, case_worker_a):
    assert draft.status == S.DRAFT
    assert draft.version == 1
    assert draft.sent_at is None and draft.due_at is None and draft.number == ""
    [created] = moves_of(draft)
    assert (created.from_status, created.to_status) == ("", S.DRAFT)
    assert created.by == case_worker_a


@pytest.mark.parametrize("who", ["case_worker_a", "coordinator_a"])
def test_a_draft_is_visible_to_the_office_staff_who_run_referrals(request, draft, who):
    user = request.getfixturevalue(who)
    assert draft in Referral.objects.visible_to(user)


@pytest.mark.parametrize(
    "who", ["dinsos_officer", "dinkes_officer", "case_worker_b", "health_worker_a", "auditor_a"]
)
def test_a_draft_is_invisible_to_agencies_other_offices_health_workers_and_auditors(
    request, draft, who
):
    user = request.getfixturevalue(who)
    assert draft not in Referral.objects.visible_to(user)


def test_once_sent_the_referral_is_visible_to_its_agency_and_to_no_other(
    sent, dinsos_officer, dinkes_officer
):
    assert sent in Referral.objects.visible_to(dinsos_officer)
    assert sent not in Referral.objects.visible_to(dinkes_officer)


# --- Sending ----------------------------------------------------------------------------


@pytest.mark.parametrize("urgency", [Urgency.EMERGENCY, Urgency.HIGH, Urgency.NORMAL])
def test_sending_under_a_covering_consent_records_the_consent_number_and_due_date(
    draft, consent, case_worker_a, urgency
):
    Referral.objects.filter(pk=draft.pk).update(urgency=urgency)
    before = timezone.now()

    referral = send_referral(referral=draft, by=case_worker_a, version=1)

    referral.refresh_from_db()
    assert referral.status == S.SENT
    assert referral.consent == consent
    assert referral.consent_override_reason == ""
    assert referral.number.startswith(f"{referral.pk:05d}/RUJ/")
    assert before <= referral.sent_at <= timezone.now()
    assert referral.due_at == referral.sent_at + RESPONSE_TIME[urgency]
    assert referral.version == 2
    [_created, sending] = moves_of(referral)
    assert (sending.from_status, sending.to_status) == (S.DRAFT, S.SENT)
    assert sending.by == case_worker_a


def test_the_due_dates_are_24_hours_72_hours_and_14_days():
    assert RESPONSE_TIME[Urgency.EMERGENCY] == datetime.timedelta(hours=24)
    assert RESPONSE_TIME[Urgency.HIGH] == datetime.timedelta(hours=72)
    assert RESPONSE_TIME[Urgency.NORMAL] == datetime.timedelta(days=14)


def test_sending_emails_the_agency_officers_who_have_an_email_and_no_personal_detail(
    draft,
    participant,
    dinsos,
    dinsos_officer,
    dinkes_officer,
    case_worker_a,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    dinsos_officer.email = "rehsos@dinsos.tangerangkab.go.id"
    dinsos_officer.save(update_fields=["email"])
    UserFactory(username="dinsos_no_email", role=Role.AGENCY_OFFICER, agency=dinsos, office=None)
    UserFactory(
        username="dinsos_left",
        role=Role.AGENCY_OFFICER,
        agency=dinsos,
        office=None,
        email="pensiun@dinsos.tangerangkab.go.id",
        is_active=False,
    )
    dinkes_officer.email = "p2p@dinkes.tangerangkab.go.id"
    dinkes_officer.save(update_fields=["email"])

    with django_capture_on_commit_callbacks(execute=True):
        referral = send_referral(referral=draft, by=case_worker_a, version=1)

    [mail] = mailoutbox
    assert mail.to == ["rehsos@dinsos.tangerangkab.go.id"]
    assert referral.number in mail.subject
    assert settings.SITE_URL in mail.body
    text = f"{mail.subject}\n{mail.body}"
    assert participant.full_name not in text
    assert participant.nik not in text
    assert draft.reason not in text


def test_a_case_worker_cannot_send_to_an_agency_no_consent_covers(
    dinkes_draft, case_worker_a, mailoutbox, django_capture_on_commit_callbacks
):
    before = snapshot(dinkes_draft)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(IllegalMove):
        send_referral(referral=dinkes_draft, by=case_worker_a, version=1)

    assert snapshot(dinkes_draft) == before
    assert before["status"] == S.DRAFT and before["moves"] == 1
    assert mailoutbox == []


def withdraw(consent):
    consent.withdrawn_at = datetime.date(2025, 12, 1)
    consent.save(update_fields=["withdrawn_at"])


def refuse_later(consent):
    """A signed refusal, after the consent, of sharing with Dinsos."""
    Consent.objects.create(
        participant=consent.participant,
        decision=Consent.Decision.REFUSED,
        given_by=Consent.GivenBy.PARTICIPANT,
        purposes=[ConsentPurpose.SHARE_DINSOS],
        method=Consent.Method.SIGNED_FORM,
        given_at=consent.given_at + datetime.timedelta(days=10),
        recorded_by=consent.recorded_by,
    )


@pytest.mark.parametrize("change", [withdraw, refuse_later], ids=["withdrawn", "refused"])
def test_a_case_worker_cannot_send_when_the_dinsos_consent_is_no_longer_given(
    draft, consent, case_worker_a, mailoutbox, django_capture_on_commit_callbacks, change
):
    change(consent)
    before = snapshot(draft)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(IllegalMove):
        send_referral(referral=draft, by=case_worker_a, version=1)

    assert snapshot(draft) == before
    assert before["status"] == S.DRAFT and before["moves"] == 1
    assert mailoutbox == []


@pytest.mark.parametrize("override_reason", ["", "   "], ids=["empty", "blank"])
def test_a_coordinator_cannot_send_without_consent_unless_the_reason_is_written(
    dinkes_draft, coordinator_a, override_reason
):
    before = snapshot(dinkes_draft)

    with pytest.raises(IllegalMove):
        send_referral(
            referral=dinkes_draft, by=coordinator_a, version=1, override_reason=override_reason
        )

    assert snapshot(dinkes_draft) == before


def test_a_coordinator_sends_without_consent_with_the_reason_and_their_name_recorded(
    dinkes_draft, coordinator_a
):
    reason = "Hipertensi berat, peserta setuju lisan; formulir menyusul."

    referral = send_referral(
        referral=dinkes_draft, by=coordinator_a, version=1, override_reason=reason
    )

    referral.refresh_from_db()
    assert referral.status == S.SENT
    assert referral.consent is None
    assert referral.consent_override_reason == reason
    assert referral.consent_override_by == coordinator_a
    assert referral.due_at == referral.sent_at + RESPONSE_TIME[Urgency.HIGH]
    sending = moves_of(referral)[-1]
    assert (sending.from_status, sending.to_status, sending.by) == (S.DRAFT, S.SENT, coordinator_a)


# --- Who may make which move ------------------------------------------------------------


def test_the_table_and_the_pairs_outside_it_cover_every_combination():
    assert len(LEGAL) + len(ILLEGAL) == len(S) ** 2


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize(("source", "target"), LEGAL, ids=ids(LEGAL))
def test_each_person_makes_exactly_their_own_moves(request, draft, put_in, source, target, who):
    user = request.getfixturevalue(who)
    roles, needs = MOVES[(source, target)]
    referral = put_in(draft, source)
    written = {needs: WRITTEN[needs]} if needs else {}
    before = snapshot(referral)

    if user.role in roles and who in IN_REACH:
        moved = make_move(referral, target, user, **written)

        moved.refresh_from_db()
        assert moved.status == target
        assert moved.version == before["version"] + 1
        [move] = moves_of(moved)[before["moves"] :]
        assert (move.from_status, move.to_status, move.by) == (source, target, user)
    else:
        # An outsider may also be told the referral does not exist (a 404 for the page).
        with pytest.raises((IllegalMove, Referral.DoesNotExist)):
            make_move(referral, target, user, **written)

        assert snapshot(referral) == before


@pytest.mark.parametrize(("source", "target"), ILLEGAL, ids=ids(ILLEGAL))
def test_a_move_outside_the_table_is_refused_to_everyone_and_writes_nothing(
    request, draft, put_in, source, target
):
    referral = put_in(draft, source)
    before = snapshot(referral)

    for who in [*PEOPLE, "admin_user"]:
        user = request.getfixturevalue(who)
        with pytest.raises((IllegalMove, Referral.DoesNotExist)):
            move_referral(referral=referral, to=target, by=user, version=1, **WRITTEN)

        assert snapshot(referral) == before, who


def test_a_draft_is_sent_only_through_sending_which_checks_the_consent(dinkes_draft, case_worker_a):
    # move_referral knows nothing of consent, due dates or letter numbers.
    before = snapshot(dinkes_draft)

    with pytest.raises(IllegalMove):
        move_referral(referral=dinkes_draft, to=S.SENT, by=case_worker_a, version=1)

    assert snapshot(dinkes_draft) == before


@pytest.mark.parametrize(
    ("source", "target", "who", "missing"),
    [
        (S.SENT, S.DECLINED, "dinsos_officer", "decline_reason"),
        (S.IN_PROGRESS, S.COMPLETED, "dinsos_officer", "outcome"),
        (S.IN_PROGRESS, S.UNABLE, "dinsos_officer", "note"),
        (S.DECLINED, S.SENT, "coordinator_a", "note"),
    ],
    ids=["decline-without-reason", "complete-without-outcome", "unable-without-note", "resend"],
)
@pytest.mark.parametrize("text", ["", "  \n "], ids=["empty", "blank"])
def test_a_move_that_needs_something_written_is_refused_without_it(
    request, draft, put_in, source, target, who, missing, text
):
    referral = put_in(draft, source)
    before = snapshot(referral)
    written = {**WRITTEN, missing: text}

    with pytest.raises(IllegalMove):
        move_referral(
            referral=referral,
            to=target,
            by=request.getfixturevalue(who),
            version=referral.version,
            **written,
        )

    assert snapshot(referral) == before


def test_declining_stores_the_reason(sent, dinsos_officer):
    referral = move_referral(
        referral=sent,
        to=S.DECLINED,
        by=dinsos_officer,
        version=sent.version,
        decline_reason="  Domisili di luar wilayah kerja kami. ",
    )

    referral.refresh_from_db()
    assert referral.status == S.DECLINED
    assert referral.decline_reason == "Domisili di luar wilayah kerja kami."
    assert moves_of(referral)[-1].note == "Domisili di luar wilayah kerja kami."


def test_completing_stores_the_outcome(draft, put_in, dinsos_officer):
    referral = put_in(draft, S.IN_PROGRESS)

    referral = move_referral(
        referral=referral,
        to=S.COMPLETED,
        by=dinsos_officer,
        version=referral.version,
        outcome="Sudah terdaftar di DTSEN, desil 2.",
    )

    referral.refresh_from_db()
    assert referral.status == S.COMPLETED
    assert referral.outcome == "Sudah terdaftar di DTSEN, desil 2."


def test_unable_to_help_keeps_the_note(draft, put_in, dinsos_officer):
    referral = put_in(draft, S.IN_PROGRESS)

    move_referral(
        referral=referral,
        to=S.UNABLE,
        by=dinsos_officer,
        version=referral.version,
        note="Kuota rehabilitasi sosial tahun ini habis.",
    )

    referral.refresh_from_db()
    assert referral.status == S.UNABLE
    assert moves_of(referral)[-1].note == "Kuota rehabilitasi sosial tahun ini habis."


def test_the_coordinator_sends_a_declined_referral_back_and_the_decline_reason_goes(
    sent, dinsos_officer, coordinator_a
):
    declined = move_referral(
        referral=sent,
        to=S.DECLINED,
        by=dinsos_officer,
        version=sent.version,
        decline_reason="Domisili di luar wilayah kerja kami.",
    )

    resent = move_referral(
        referral=declined,
        to=S.SENT,
        by=coordinator_a,
        version=declined.version,
        note="Domisili sesuai KTP di Mekar Baru, mohon ditinjau ulang.",
    )

    resent.refresh_from_db()
    assert resent.status == S.SENT
    assert resent.decline_reason == ""
    back = moves_of(resent)[-1]
    assert (back.from_status, back.to_status, back.by) == (S.DECLINED, S.SENT, coordinator_a)
    assert back.note == "Domisili sesuai KTP di Mekar Baru, mohon ditinjau ulang."


def test_the_referral_keeps_when_it_was_first_accepted_and_when_it_was_completed(
    sent, dinsos_officer
):
    assert (sent.accepted_at, sent.completed_at) == (None, None)
    referral = sent
    for to, extra in ((S.ACCEPTED, {}), (S.IN_PROGRESS, {}), (S.COMPLETED, {"outcome": "OK"})):
        referral = move_referral(
            referral=referral, to=to, by=dinsos_officer, version=referral.version, **extra
        )

    timeline = {move.to_status: move.at for move in moves_of(referral)}
    assert referral.accepted_at == timeline[S.ACCEPTED]
    assert referral.completed_at == timeline[S.COMPLETED]


def test_a_declined_referral_sent_back_has_no_acceptance_until_it_is_accepted(
    sent, dinsos_officer, coordinator_a
):
    declined = move_referral(
        referral=sent, to=S.DECLINED, by=dinsos_officer, version=sent.version,
        decline_reason="Di luar wilayah.",
    )  # fmt: skip
    resent = move_referral(
        referral=declined, to=S.SENT, by=coordinator_a, version=declined.version, note="Tinjau."
    )
    assert resent.accepted_at is None

    accepted = move_referral(
        referral=resent, to=S.ACCEPTED, by=dinsos_officer, version=resent.version
    )

    assert accepted.accepted_at == moves_of(accepted)[-1].at


# --- Two people, one referral: the version the page showed ------------------------------


def test_a_move_made_on_the_version_an_old_page_showed_is_refused_and_names_the_status(
    sent, dinsos_officer
):
    page_version = sent.version
    accepted = move_referral(referral=sent, to=S.ACCEPTED, by=dinsos_officer, version=page_version)
    before = snapshot(accepted)

    with pytest.raises(ReferralChanged) as refused:
        move_referral(
            referral=sent,
            to=S.DECLINED,
            by=dinsos_officer,
            version=page_version,
            decline_reason="Domisili di luar wilayah kerja kami.",
        )

    assert str(S.ACCEPTED.label) in str(refused.value)
    assert snapshot(accepted) == before
    assert before["status"] == S.ACCEPTED and before["decline_reason"] == ""


def test_sending_a_draft_on_an_old_version_is_refused(draft, case_worker_a, coordinator_a):
    send_referral(referral=draft, by=coordinator_a, version=1)
    before = snapshot(draft)

    with pytest.raises(ReferralChanged):
        send_referral(referral=draft, by=case_worker_a, version=1)

    assert snapshot(draft) == before


# --- Confirming with the returnee -------------------------------------------------------


@pytest.mark.parametrize("status", [S.SENT, S.ACCEPTED, S.IN_PROGRESS, S.UNABLE, S.DECLINED])
def test_only_a_completed_referral_is_confirmed_with_the_returnee(
    draft, put_in, case_worker_a, status
):
    referral = put_in(draft, status)

    with pytest.raises(IllegalMove):
        confirm_with_returnee(referral=referral, by=case_worker_a)

    referral.refresh_from_db()
    assert referral.returnee_confirmed_at is None


def test_confirming_with_the_returnee_records_the_moment_once(draft, put_in, case_worker_a):
    referral = put_in(draft, S.COMPLETED)

    first = confirm_with_returnee(referral=referral, by=case_worker_a)
    again = confirm_with_returnee(referral=referral, by=case_worker_a)

    referral.refresh_from_db()
    assert first.returnee_confirmed_at is not None
    assert referral.returnee_confirmed_at == first.returnee_confirmed_at
    assert again.returnee_confirmed_at == first.returnee_confirmed_at


def test_an_agency_officer_cannot_confirm_the_outcome_with_the_returnee(
    draft, put_in, dinsos_officer
):
    # The case worker confirms the outcome with the returnee.
    referral = put_in(draft, S.COMPLETED)

    with pytest.raises(IllegalMove):
        confirm_with_returnee(referral=referral, by=dinsos_officer)

    referral.refresh_from_db()
    assert referral.returnee_confirmed_at is None


# --- The database is the last guard -----------------------------------------------------


def test_the_database_refuses_a_declined_referral_without_a_reason(sent):
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=sent.pk).update(status=S.DECLINED, decline_reason="")


def test_the_database_refuses_a_completed_referral_without_an_outcome(sent):
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=sent.pk).update(status=S.COMPLETED, outcome="")


def test_the_database_refuses_a_sent_referral_with_neither_consent_nor_override(draft):
    now = timezone.now()
    unsent = Referral.objects.filter(pk=draft.pk)

    with pytest.raises(IntegrityError), transaction.atomic():
        unsent.update(status=S.SENT, sent_at=now, due_at=now, consent=None)

    # The same row with the coordinator's reason is accepted.
    unsent.update(status=S.SENT, sent_at=now, due_at=now, consent_override_reason="Darurat.")
    draft.refresh_from_db()
    assert draft.status == S.SENT


# --- Overdue ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "overdue"),
    [
        (S.SENT, True),
        (S.ACCEPTED, True),
        (S.IN_PROGRESS, True),
        (S.COMPLETED, False),
        (S.DECLINED, False),
        (S.UNABLE, False),
        (S.CANCELLED, False),
    ],
)
def test_a_referral_past_its_due_date_is_overdue_only_while_the_agency_still_owes_an_answer(
    draft, put_in, status, overdue
):
    yesterday = timezone.now() - datetime.timedelta(days=1)
    referral = put_in(draft, status, due_at=yesterday)

    assert (referral in Referral.objects.overdue()) is overdue
    assert referral.is_overdue is overdue


def test_a_sent_referral_not_yet_due_is_not_overdue(sent):
    assert sent not in Referral.objects.overdue()
    assert sent.is_overdue is False
    later = sent.due_at + datetime.timedelta(minutes=1)
    assert sent in Referral.objects.overdue(now=later)


def test_a_draft_is_never_overdue(draft):
    assert draft not in Referral.objects.overdue()
    assert draft.is_overdue is False


# --- What each agency sees --------------------------------------------------------------


def test_disdukcapil_gets_identity_and_civil_documents_never_health_or_what_happened():
    sections = sharing.sections_for(AgencyType.DISDUKCAPIL)
    assert {sharing.IDENTITY, sharing.CIVIL} <= sections
    assert sharing.SCREENING not in sections
    assert sharing.CHRONOLOGY not in sections


def test_dinsos_never_gets_screening_results():
    sections = sharing.sections_for(AgencyType.DINSOS)
    assert sharing.IDENTITY in sections
    assert sharing.SCREENING not in sections
    assert sharing.CHRONOLOGY not in sections


@pytest.mark.parametrize("agency_type", [AgencyType.DINKES, AgencyType.HEALTH_FACILITY])
def test_health_agencies_get_the_screening_results_but_not_what_happened(agency_type):
    sections = sharing.sections_for(agency_type)
    assert sharing.SCREENING in sections
    assert sharing.CHRONOLOGY not in sections


def test_uptd_ppa_gets_the_chronology_the_case_worker_shared():
    assert sharing.CHRONOLOGY in sharing.sections_for(AgencyType.UPTD_PPA)


@pytest.mark.parametrize("agency_type", list(AgencyType))
def test_every_agency_gets_identity_and_only_health_agencies_get_screening(agency_type):
    sections = sharing.sections_for(agency_type)
    assert sharing.IDENTITY in sections
    health = {AgencyType.DINKES, AgencyType.HEALTH_FACILITY}
    assert (sharing.SCREENING in sections) is (agency_type in health)


@pytest.mark.parametrize("agency_type", ["kejaksaan", "", None])
def test_an_unknown_kind_of_agency_gets_identity_only(agency_type):
    assert sharing.sections_for(agency_type) == {sharing.IDENTITY}


def test_creating_a_referral_for_a_family_member_keeps_the_member(
    case_a, dinsos, social_rehabilitation, case_worker_a
):
    child = HouseholdMember.objects.create(
        participant=case_a.participant,
        relationship=HouseholdMember.Relationship.CHILD,
        full_name="Putri Aminah",
    )

    referral = create_referral(
        case=case_a,
        agency=dinsos,
        service=social_rehabilitation,
        reason="Anak putus sekolah sejak ibunya bekerja di luar negeri.",
        urgency=Urgency.NORMAL,
        by=case_worker_a,
        household_member=child,
    )

    referral.refresh_from_db()
    assert referral.household_member == child
