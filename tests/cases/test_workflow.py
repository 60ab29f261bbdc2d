"""The case workflow: which moves are allowed, the history each one writes, and who may move."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.workflow import IllegalMove
from cases import services
from cases.models import Case, CaseStatusChange

from .helpers import messages_of

Status = Case.Status

LEGAL = list(Case.TRANSITIONS)
ILLEGAL = [
    (source, target)
    for source in Status.values
    for target in Status.values
    if (source, target) not in Case.TRANSITIONS
]


def put_in(case, status):
    """Put the case straight into a status, as if it had got there by earlier moves."""
    fields = {"status": status, "close_reason": "", "closed_at": None}
    if status == Status.CLOSED:
        fields.update(close_reason=Case.CloseReason.MOVED, closed_at=timezone.now())
    Case.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    return case


def history(case):
    """The moves after enrolment (enrolment writes the first row, "" -> intake)."""
    return list(case.status_changes.exclude(from_status="").order_by("pk"))


def move_url(case):
    return f"/cases/{case.pk}/move/"


# --- The service ------------------------------------------------------------------------


def test_every_status_has_its_moves_listed_and_the_pairs_cover_every_combination():
    # Every status but "closed" has a way on; nothing leaves "closed".
    assert {source for source, _target in Case.TRANSITIONS} == set(Status) - {Status.CLOSED}
    assert len(LEGAL) + len(ILLEGAL) == len(Status) ** 2


@pytest.mark.parametrize(("source", "target"), LEGAL, ids=[f"{s}->{t}" for s, t in LEGAL])
def test_a_legal_move_writes_exactly_one_history_row_with_who_from_to_and_why(
    case_a, coordinator_a, source, target
):
    put_in(case_a, source)

    moved = services.change_case_status(
        case=case_a,
        to=target,
        by=coordinator_a,
        reason="Sesuai rapat kasus",
        close_reason=Case.CloseReason.GOALS_MET if target == Status.CLOSED else "",
        outcome_summary="Usaha warung berjalan" if target == Status.CLOSED else "",
    )

    case_a.refresh_from_db()
    assert moved.status == case_a.status == target
    [change] = history(case_a)
    assert (change.from_status, change.to_status) == (source, target)
    assert change.changed_by == coordinator_a
    assert change.reason == "Sesuai rapat kasus"
    assert change.changed_at is not None


@pytest.mark.parametrize(("source", "target"), ILLEGAL, ids=[f"{s}->{t}" for s, t in ILLEGAL])
def test_an_illegal_move_is_refused_and_writes_nothing(case_a, coordinator_a, source, target):
    put_in(case_a, source)

    with pytest.raises(IllegalMove):
        services.change_case_status(
            case=case_a,
            to=target,
            by=coordinator_a,
            close_reason=Case.CloseReason.GOALS_MET,
        )

    case_a.refresh_from_db()
    assert case_a.status == source
    assert history(case_a) == []


@pytest.mark.parametrize("target", ["archived", "", "INTAKE", None])
@pytest.mark.parametrize("source", Status.values)
def test_a_move_to_an_unknown_status_is_refused_and_writes_nothing(
    case_a, coordinator_a, source, target
):
    put_in(case_a, source)

    with pytest.raises(IllegalMove):
        services.change_case_status(case=case_a, to=target, by=coordinator_a)

    case_a.refresh_from_db()
    assert case_a.status == source
    assert history(case_a) == []


@pytest.mark.parametrize("close_reason", ["", "bored", "GOALS_MET"])
def test_closing_without_a_reason_from_the_list_is_refused_and_writes_nothing(
    case_a, coordinator_a, close_reason
):
    with pytest.raises(IllegalMove):
        services.change_case_status(
            case=case_a,
            to=Status.CLOSED,
            by=coordinator_a,
            close_reason=close_reason,
            outcome_summary="Pindah ke Lampung",
        )

    case_a.refresh_from_db()
    assert case_a.status == Status.INTAKE
    assert (case_a.close_reason, case_a.closed_at) == ("", None)
    assert history(case_a) == []


def test_closing_with_a_reason_records_the_reason_and_when(case_a, coordinator_a):
    before = timezone.now()

    services.change_case_status(
        case=case_a,
        to=Status.CLOSED,
        by=coordinator_a,
        reason="Pindah ke Lampung",
        close_reason=Case.CloseReason.MOVED,
        outcome_summary="Pindah ke Lampung bersama keluarga sebelum pendampingan selesai.",
    )

    case_a.refresh_from_db()
    assert case_a.status == Status.CLOSED
    assert case_a.close_reason == Case.CloseReason.MOVED
    assert before <= case_a.closed_at <= timezone.now()
    assert not case_a.is_open
    [change] = history(case_a)
    assert (change.from_status, change.to_status, change.reason) == (
        Status.INTAKE,
        Status.CLOSED,
        "Pindah ke Lampung",
    )


def test_enrolment_writes_the_first_history_row(case_a, case_worker_a):
    [change] = case_a.status_changes.all()

    assert (change.from_status, change.to_status) == ("", Status.INTAKE)
    assert change.changed_by == case_worker_a


# --- The database -----------------------------------------------------------------------


def test_the_database_refuses_a_closed_case_without_a_reason(case_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case_a.pk).update(status=Status.CLOSED, closed_at=timezone.now())


def test_the_database_refuses_a_closed_case_without_a_closing_time(case_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case_a.pk).update(
            status=Status.CLOSED, close_reason=Case.CloseReason.MOVED
        )


def test_the_database_refuses_an_open_case_with_a_close_reason(case_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case_a.pk).update(close_reason=Case.CloseReason.MOVED)


def test_the_database_refuses_an_unknown_status(case_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case_a.pk).update(status="archived")


# --- The view ---------------------------------------------------------------------------


def test_case_worker_moves_a_case_from_intake_to_assessment(client, case_a, case_worker_a):
    client.force_login(case_worker_a)

    response = client.post(move_url(case_a), {"to": "assessment", "reason": "Data lengkap"})

    assert response.status_code == 302
    assert response.url == case_a.get_absolute_url()
    case_a.refresh_from_db()
    assert case_a.status == Status.ASSESSMENT
    [change] = history(case_a)
    assert (change.from_status, change.to_status) == (Status.INTAKE, Status.ASSESSMENT)
    assert (change.changed_by, change.reason) == (case_worker_a, "Data lengkap")
    assert [level for level, _text in messages_of(response)] == ["success"]


def test_the_case_page_shows_the_move_in_its_history(client, case_a, case_worker_a):
    client.force_login(case_worker_a)
    client.post(move_url(case_a), {"to": "assessment", "reason": "Data lengkap"})

    response = client.get(case_a.get_absolute_url())

    page = response.content.decode()
    assert "Penerimaan → Asesmen" in page
    assert "Data lengkap" in page


def test_coordinator_closes_a_case_with_a_reason(client, case_a, coordinator_a):
    put_in(case_a, Status.MONITORING)
    client.force_login(coordinator_a)

    response = client.post(
        move_url(case_a),
        {
            "to": "closed",
            "close_reason": "goals_met",
            "reason": "Usaha warung berjalan",
            "outcome_summary": "Usaha warung berjalan, utang lunas.",
            "returnee_rating": "helpful",
        },
    )

    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.status == Status.CLOSED
    assert case_a.close_reason == Case.CloseReason.GOALS_MET
    assert case_a.closed_at is not None
    [change] = history(case_a)
    assert (change.from_status, change.to_status) == (Status.MONITORING, Status.CLOSED)
    assert change.changed_by == coordinator_a


def test_coordinator_closing_without_a_reason_gets_an_error_and_nothing_is_written(
    client, case_a, coordinator_a
):
    client.force_login(coordinator_a)

    response = client.post(move_url(case_a), {"to": "closed", "close_reason": ""})

    assert response.status_code == 400
    assert "Pilih alasan kasus ditutup." in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.status == Status.INTAKE
    assert history(case_a) == []


def test_case_worker_cannot_close_a_case(client, case_a, case_worker_a):
    client.force_login(case_worker_a)

    response = client.post(move_url(case_a), {"to": "closed", "close_reason": "goals_met"})

    assert response.status_code == 403
    case_a.refresh_from_db()
    assert case_a.status == Status.INTAKE
    assert history(case_a) == []


def test_case_worker_is_not_offered_the_close_reason(client, case_a, case_worker_a):
    client.force_login(case_worker_a)

    response = client.get(case_a.get_absolute_url())

    assert response.status_code == 200
    assert 'name="close_reason"' not in response.content.decode()


@pytest.mark.parametrize("target", ["planning", "monitoring", "intake", "archived"])
def test_an_illegal_move_through_the_view_shows_an_error_and_writes_nothing(
    client, case_a, case_worker_a, target
):
    client.force_login(case_worker_a)

    response = client.post(move_url(case_a), {"to": target})

    assert response.status_code == 400
    assert response.context["form"].errors["to"]
    case_a.refresh_from_db()
    assert case_a.status == Status.INTAKE
    assert history(case_a) == []


def test_a_closed_case_cannot_be_moved_through_the_view(client, case_a, coordinator_a):
    put_in(case_a, Status.CLOSED)
    client.force_login(coordinator_a)

    response = client.post(move_url(case_a), {"to": "implementation"})

    assert response.status_code == 400
    assert response.context["form"].errors
    case_a.refresh_from_db()
    assert case_a.status == Status.CLOSED
    assert history(case_a) == []


def test_moving_needs_a_post(client, case_a, case_worker_a):
    client.force_login(case_worker_a)

    response = client.get(move_url(case_a), {"to": "assessment"})

    assert response.status_code == 405
    case_a.refresh_from_db()
    assert case_a.status == Status.INTAKE


def test_health_worker_cannot_move_a_case(client, case_a, health_worker_a):
    client.force_login(health_worker_a)

    response = client.post(move_url(case_a), {"to": "assessment"})

    assert response.status_code == 403
    case_a.refresh_from_db()
    assert case_a.status == Status.INTAKE
    assert history(case_a) == []


def test_case_worker_of_another_office_cannot_move_the_case(client, case_a, case_worker_b):
    client.force_login(case_worker_b)

    response = client.post(move_url(case_a), {"to": "assessment"})

    assert response.status_code == 404
    case_a.refresh_from_db()
    assert case_a.status == Status.INTAKE
    assert history(case_a) == []


@pytest.mark.parametrize("user", ["dinsos_officer", "auditor_a"])
def test_agency_officer_and_auditor_do_not_find_the_case_to_move(client, case_a, request, user):
    client.force_login(request.getfixturevalue(user))

    response = client.post(move_url(case_a), {"to": "assessment"})

    assert response.status_code == 404
    case_a.refresh_from_db()
    assert case_a.status == Status.INTAKE
    assert CaseStatusChange.objects.filter(case=case_a).count() == 1


def test_anonymous_visitor_is_sent_to_log_in_and_nothing_moves(client, case_a):
    response = client.post(move_url(case_a), {"to": "assessment"})

    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    case_a.refresh_from_db()
    assert case_a.status == Status.INTAKE
