"""The follow-up year of a case: visits counted from the intake date, a corrected intake
moving the visits not made yet, and the schedule on the case page."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.workflow import IllegalMove
from cases import schedule, services
from cases.models import Case, CaseNote
from tests.factories import ParticipantFactory

from .helpers import days_ago, messages_of

D = datetime.date


def said(msgid):
    """What a user reading Indonesian is told."""
    with translation.override("id"):
        return gettext(msgid)


def open_case(program, by, intake_date, **participant_fields):
    """A case whose intake was on `intake_date`, with its visits scheduled from it."""
    participant = ParticipantFactory(office=program.office, created_by=by, **participant_fields)
    case = Case.objects.create(
        participant=participant, program=program, case_worker=by, intake_date=intake_date
    )
    services.open_schedule(case=case)
    return case


def due_dates(case):
    return dict(case.follow_ups.values_list("month", "due_on"))


def visit(case, month, on, by, summary="Kunjungan rumah"):
    return services.record_follow_up(
        follow_up=case.follow_ups.get(month=month), visited_on=on, summary=summary, by=by
    )


# --- Counting from the intake -------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 1, 31), 3, D(2025, 4, 30)),
        (D(2025, 1, 31), 12, D(2026, 1, 31)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2025, 11, 15), 3, D(2026, 2, 15)),
    ],
)
def test_a_month_later_is_the_same_day_or_the_last_day_of_a_shorter_month(day, months, expected):
    assert schedule.add_months(day, months) == expected


def test_a_new_case_has_its_four_visits_due_1_3_6_and_12_months_after_intake(
    program_a, case_worker_a
):
    case = open_case(program_a, case_worker_a, D(2025, 1, 31))

    assert due_dates(case) == {
        1: D(2025, 2, 28),
        3: D(2025, 4, 30),
        6: D(2025, 7, 31),
        12: D(2026, 1, 31),
    }
    assert not case.follow_ups.exclude(visited_on=None).exists()


def test_an_intake_on_31_january_of_a_leap_year_is_visited_on_29_february(program_a, case_worker_a):
    case = open_case(program_a, case_worker_a, D(2024, 1, 31))

    assert due_dates(case)[1] == D(2024, 2, 29)


def test_enrolment_schedules_the_visits_from_the_day_of_enrolment(case_a):
    today = timezone.localdate()

    assert due_dates(case_a) == {m: schedule.add_months(today, m) for m in (1, 3, 6, 12)}


def test_opening_the_schedule_again_leaves_the_visits_as_they_are(program_a, case_worker_a):
    case = open_case(program_a, case_worker_a, D(2025, 1, 31))
    visit(case, 1, D(2025, 3, 3), case_worker_a)

    services.open_schedule(case=case)

    assert case.follow_ups.count() == 4
    assert case.follow_ups.get(month=1).visited_on == D(2025, 3, 3)


# --- Correcting the intake date -----------------------------------------------------------


def test_a_corrected_intake_moves_the_visits_not_made_yet_and_keeps_those_made(
    program_a, case_worker_a
):
    case = open_case(program_a, case_worker_a, D(2025, 1, 31))
    visit(case, 1, D(2025, 3, 3), case_worker_a)

    services.correct_intake_date(
        case=case, intake_date=D(2025, 1, 15), by=case_worker_a, reason="Salah ketik"
    )

    case.refresh_from_db()
    assert case.intake_date == D(2025, 1, 15)
    assert due_dates(case) == {
        1: D(2025, 2, 28),
        3: D(2025, 4, 15),
        6: D(2025, 7, 15),
        12: D(2026, 1, 15),
    }
    [note] = case.notes.all()
    assert "2025-01-31" in note.text
    assert "2025-01-15" in note.text
    assert "Salah ketik" in note.text
    assert note.author == case_worker_a


def test_an_intake_in_the_future_is_refused_and_nothing_is_written(case_a, case_worker_a):
    before = due_dates(case_a)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(IllegalMove):
        services.correct_intake_date(
            case=case_a, intake_date=tomorrow, by=case_worker_a, reason="Salah ketik"
        )

    case_a.refresh_from_db()
    assert case_a.intake_date == timezone.localdate()
    assert due_dates(case_a) == before
    assert not CaseNote.objects.exists()


def test_a_closed_case_keeps_its_intake_date(case_a, coordinator_a):
    services.change_case_status(
        case=case_a,
        to=Case.Status.CLOSED,
        by=coordinator_a,
        close_reason=Case.CloseReason.MOVED,
        outcome_summary="Pindah ke Lampung.",
    )
    before = due_dates(case_a)

    with pytest.raises(IllegalMove):
        services.correct_intake_date(
            case=case_a, intake_date=D(2025, 1, 15), by=coordinator_a, reason="Salah ketik"
        )

    case_a.refresh_from_db()
    assert case_a.intake_date == timezone.localdate()
    assert due_dates(case_a) == before
    assert not CaseNote.objects.exists()


def intake_url(case):
    return f"/cases/{case.pk}/intake-date/"


def test_case_worker_corrects_the_intake_date_and_the_note_says_why(client, case_a, case_worker_a):
    client.force_login(case_worker_a)
    corrected = timezone.localdate() - datetime.timedelta(days=10)

    response = client.post(
        intake_url(case_a),
        {"intake_date": corrected.isoformat(), "reason": "Wawancara 10 hari lalu"},
    )

    assert response.status_code == 302
    assert response.url == case_a.get_absolute_url()
    assert [level for level, _text in messages_of(response)] == ["success"]
    case_a.refresh_from_db()
    assert case_a.intake_date == corrected
    assert case_a.follow_ups.get(month=1).due_on == schedule.add_months(corrected, 1)
    page = client.get(case_a.get_absolute_url()).content.decode()
    assert "Wawancara 10 hari lalu" in page
    assert corrected.isoformat() in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"intake_date": days_ago(-1), "reason": "Salah ketik"}, "intake_date", None),
        ({"intake_date": "31-02-2025", "reason": "Salah ketik"}, "intake_date", None),
        ({"intake_date": days_ago(3), "reason": ""}, "reason", "Say why the intake date changes."),
    ],
    ids=["future", "not-a-date", "no-reason"],
)
def test_a_bad_intake_correction_shows_an_error_and_writes_nothing(
    client, case_a, case_worker_a, data, field, message
):
    client.force_login(case_worker_a)
    before = due_dates(case_a)

    response = client.post(intake_url(case_a), data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    if message:
        assert said(message) in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.intake_date == timezone.localdate()
    assert due_dates(case_a) == before
    assert not CaseNote.objects.exists()


def test_a_future_intake_is_refused_in_indonesian(client, case_a, case_worker_a):
    client.force_login(case_worker_a)

    response = client.post(intake_url(case_a), {"intake_date": days_ago(-1), "reason": "x"})

    assert "Tanggal ini belum terjadi." in response.content.decode()


def test_an_intake_after_a_visit_already_made_is_refused(client, program_a, case_worker_a):
    case = open_case(program_a, case_worker_a, D(2025, 1, 31))
    visit(case, 1, D(2025, 3, 3), case_worker_a)
    client.force_login(case_worker_a)

    response = client.post(intake_url(case), {"intake_date": "2025-03-10", "reason": "Salah"})

    assert response.status_code == 200
    assert "intake_date" in response.context["form"].errors
    case.refresh_from_db()
    assert case.intake_date == D(2025, 1, 31)
    assert not CaseNote.objects.exists()


def test_health_worker_cannot_correct_the_intake_date(client, case_a, health_worker_a):
    client.force_login(health_worker_a)

    response = client.post(intake_url(case_a), {"intake_date": days_ago(3), "reason": "Salah"})

    assert response.status_code == 403
    case_a.refresh_from_db()
    assert case_a.intake_date == timezone.localdate()


@pytest.mark.parametrize("user", ["case_worker_b", "dinsos_officer", "auditor_a"])
def test_outsiders_do_not_find_the_intake_correction(client, case_a, request, user):
    client.force_login(request.getfixturevalue(user))

    response = client.post(intake_url(case_a), {"intake_date": days_ago(3), "reason": "Salah"})

    assert response.status_code == 404
    case_a.refresh_from_db()
    assert case_a.intake_date == timezone.localdate()


def test_the_correction_is_offered_to_those_who_may_edit_the_case_only(
    client, case_a, case_worker_a, health_worker_a
):
    client.force_login(case_worker_a)
    assert intake_url(case_a) in client.get(case_a.get_absolute_url()).content.decode()

    client.force_login(health_worker_a)
    response = client.get(case_a.get_absolute_url())
    assert response.context["intake_form"] is None
    assert intake_url(case_a) not in response.content.decode()


# --- The schedule on the case page --------------------------------------------------------


@pytest.fixture
def on_day(monkeypatch):
    """Make "today" a fixed day for the pages and the schedule."""
    real = timezone.localdate

    def fix(day):
        def localdate(value=None, timezone=None):
            return day if value is None else real(value, timezone)

        monkeypatch.setattr(timezone, "localdate", localdate)

    return fix


@pytest.fixture
def year_case(program_a, case_worker_a):
    """An intake on 31 January 2025 after an arrival on 20 December 2024; the 1-month
    visit made on 3 March."""
    case = open_case(program_a, case_worker_a, D(2025, 1, 31), full_name="Siti Aminah")
    case.participant.episodes.update(arrival_date=D(2024, 12, 20))
    visit(case, 1, D(2025, 3, 3), case_worker_a, summary="Usaha warung mulai berjalan")
    return case


def test_the_case_page_shows_each_step_with_its_state_on_a_fixed_day(
    client, year_case, case_worker_a, on_day
):
    on_day(D(2025, 4, 27))
    client.force_login(case_worker_a)

    response = client.get(year_case.get_absolute_url())

    steps = [
        (row["step"].due_on, row["step"].state, str(row["state_label"]))
        for row in response.context["schedule"]
    ]
    assert steps == [
        (D(2025, 2, 28), "done", said("Done")),
        (D(2025, 4, 30), "due", said("Due this week")),
        (D(2025, 7, 31), "upcoming", said("Upcoming")),
        (D(2025, 12, 20), "deadline", said("Rehabilitation deadline")),
        (D(2026, 1, 31), "upcoming", said("Upcoming")),
    ]
    html = response.content.decode()
    assert "3 Mar 2025" in html
    assert "Usaha warung mulai berjalan" in html
    assert said("Due this week") in html
    assert "1 bulan" in html


def test_a_visit_past_its_due_date_shows_overdue(client, year_case, case_worker_a, on_day):
    on_day(D(2025, 5, 5))
    client.force_login(case_worker_a)

    response = client.get(year_case.get_absolute_url())

    states = {row["step"].due_on: row["step"].state for row in response.context["schedule"]}
    assert states[D(2025, 4, 30)] == "overdue"
    assert "Terlambat" in response.content.decode()


def test_the_case_worker_is_offered_to_record_each_visit_not_made_yet(
    client, year_case, case_worker_a, on_day
):
    on_day(D(2025, 4, 27))
    client.force_login(case_worker_a)

    html = client.get(year_case.get_absolute_url()).content.decode()

    for month in (3, 6, 12):
        assert f'href="/cases/{year_case.pk}/follow-ups/{month}/"' in html
    # The visit made links to what to do at it.
    assert f'href="/cases/{year_case.pk}/follow-ups/1/"' in html
    assert html.count(said("Record the visit")) == 3


def test_a_health_worker_sees_the_schedule_without_record_buttons(
    client, year_case, health_worker_a, on_day
):
    on_day(D(2025, 4, 27))
    client.force_login(health_worker_a)

    response = client.get(year_case.get_absolute_url())

    assert len(response.context["schedule"]) == 5
    assert said("Record the visit") not in response.content.decode()


def test_a_closed_case_shows_its_schedule_without_record_buttons(client, year_case, coordinator_a):
    services.change_case_status(
        case=year_case,
        to=Case.Status.CLOSED,
        by=coordinator_a,
        close_reason=Case.CloseReason.UNREACHABLE,
        outcome_summary="Tidak dapat dihubungi sejak April.",
    )
    client.force_login(coordinator_a)

    response = client.get(year_case.get_absolute_url())

    assert len(response.context["schedule"]) == 5
    assert said("Record the visit") not in response.content.decode()
    assert response.context["intake_form"] is None
