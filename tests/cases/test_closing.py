"""Closing a case with its outcome and the returnee's own view of the help received."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from accounts.workflow import IllegalMove
from cases import services
from cases.models import Case, HelpRating, OutcomeMeasure
from participants.services import transfer_participant

from .helpers import messages_of

Status = Case.Status
OUTCOME = "Usaha warung berjalan dengan modal UEP; utang penempatan lunas."
VIEW = "Pendampingan membantu, tetapi modal usaha masih kurang."


def said(msgid):
    with translation.override("id"):
        return gettext(msgid)


def move_url(case):
    return f"/cases/{case.pk}/move/"


def close_data(**overrides):
    data = {
        "to": "closed",
        "close_reason": "goals_met",
        "reason": "Rapat kasus 12 bulan",
        "outcome_summary": OUTCOME,
        "returnee_view": VIEW,
        "returnee_rating": "helpful",
    }
    data.update(overrides)
    return data


def closes(case):
    return list(case.status_changes.filter(to_status=Status.CLOSED))


def assert_still_open(case):
    case.refresh_from_db()
    assert case.status == Status.INTAKE
    assert (case.close_reason, case.closed_at) == ("", None)
    assert (case.outcome_summary, case.returnee_view, case.returnee_rating) == ("", "", "")
    assert closes(case) == []


# --- The service --------------------------------------------------------------------------


def test_closing_keeps_the_outcome_the_returnees_view_and_rating(case_a, coordinator_a):
    services.change_case_status(
        case=case_a,
        to=Status.CLOSED,
        by=coordinator_a,
        close_reason=Case.CloseReason.GOALS_MET,
        outcome_summary=f"  {OUTCOME}  ",
        returnee_view=VIEW,
        returnee_rating=HelpRating.HELPFUL,
    )

    case_a.refresh_from_db()
    assert case_a.status == Status.CLOSED
    assert case_a.outcome_summary == OUTCOME
    assert case_a.returnee_view == VIEW
    assert case_a.returnee_rating == HelpRating.HELPFUL
    assert len(closes(case_a)) == 1


@pytest.mark.parametrize("outcome", ["", "   \n "], ids=["empty", "blank"])
def test_closing_without_an_outcome_is_refused_and_writes_nothing(case_a, coordinator_a, outcome):
    with pytest.raises(IllegalMove) as refusal:
        services.change_case_status(
            case=case_a,
            to=Status.CLOSED,
            by=coordinator_a,
            close_reason=Case.CloseReason.GOALS_MET,
            outcome_summary=outcome,
            returnee_view=VIEW,
            returnee_rating=HelpRating.HELPFUL,
        )

    assert str(refusal.value) == said(
        "Closing a case needs its outcome: write what came of the year."
    )
    assert_still_open(case_a)


def test_closing_with_a_rating_off_the_list_is_refused_and_writes_nothing(case_a, coordinator_a):
    with pytest.raises(IllegalMove):
        services.change_case_status(
            case=case_a,
            to=Status.CLOSED,
            by=coordinator_a,
            close_reason=Case.CloseReason.GOALS_MET,
            outcome_summary=OUTCOME,
            returnee_rating="excellent",
        )

    assert_still_open(case_a)


def test_a_move_that_does_not_close_keeps_no_outcome(case_a, case_worker_a):
    services.change_case_status(
        case=case_a,
        to=Status.ASSESSMENT,
        by=case_worker_a,
        outcome_summary=OUTCOME,
        returnee_rating=HelpRating.HELPFUL,
    )

    case_a.refresh_from_db()
    assert case_a.status == Status.ASSESSMENT
    assert (case_a.outcome_summary, case_a.returnee_rating) == ("", "")


def test_a_transfer_closes_the_case_with_an_outcome_of_its_own(case_a, coordinator_a, office_b):
    transfer_participant(
        participant=case_a.participant, to_office=office_b, reason="Pindah", by=coordinator_a
    )

    case_a.refresh_from_db()
    assert case_a.status == Status.CLOSED
    assert office_b.name in case_a.outcome_summary
    assert case_a.returnee_rating == ""


# --- The page -----------------------------------------------------------------------------


def test_coordinator_closes_a_case_with_its_outcome_and_the_returnees_view(
    client, case_a, coordinator_a
):
    client.force_login(coordinator_a)

    response = client.post(move_url(case_a), close_data())

    assert response.status_code == 302
    assert [level for level, _text in messages_of(response)] == ["success"]
    case_a.refresh_from_db()
    assert (case_a.status, case_a.close_reason) == (Status.CLOSED, Case.CloseReason.GOALS_MET)
    assert (case_a.outcome_summary, case_a.returnee_view) == (OUTCOME, VIEW)
    assert case_a.returnee_rating == HelpRating.HELPFUL
    [change] = closes(case_a)
    assert (change.changed_by, change.reason) == (coordinator_a, "Rapat kasus 12 bulan")


def test_could_not_be_asked_is_an_answer_and_the_view_may_stay_empty(client, case_a, coordinator_a):
    client.force_login(coordinator_a)

    client.post(move_url(case_a), close_data(returnee_view="", returnee_rating="not_asked"))

    case_a.refresh_from_db()
    assert case_a.status == Status.CLOSED
    assert (case_a.returnee_view, case_a.returnee_rating) == ("", HelpRating.NOT_ASKED)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"outcome_summary": ""}, "Write the outcome of the case."),
        ({"outcome_summary": "   "}, "Write the outcome of the case."),
        (
            {"returnee_rating": ""},
            "Choose how helpful the returnee found it, or that it could not be asked.",
        ),
        ({"returnee_rating": "excellent"}, None),
    ],
    ids=["no-outcome", "blank-outcome", "no-rating", "rating-off-the-list"],
)
def test_closing_through_the_page_without_what_it_needs_is_refused_and_writes_nothing(
    client, case_a, coordinator_a, overrides, message
):
    client.force_login(coordinator_a)

    data = close_data(**overrides)
    response = client.post(move_url(case_a), data)

    # The form comes back with its errors and what was typed, so nothing is lost.
    assert response.status_code == 400
    html = response.content.decode()
    assert response.context["form"].errors
    if message:
        assert said(message) in html
    if data["returnee_view"]:
        assert data["returnee_view"] in html
    assert_still_open(case_a)


def test_the_closing_questions_are_shown_only_with_the_close(client, case_a, coordinator_a):
    client.force_login(coordinator_a)

    html = client.get(case_a.get_absolute_url()).content.decode()

    assert 'data-shown-when="to=closed"' in html
    for name in ("close_reason", "outcome_summary", "returnee_view", "returnee_rating"):
        assert f'name="{name}"' in html
    assert "js/purna.js" in html
    assert said("Could not be asked") in html


def test_a_case_worker_is_not_asked_the_closing_questions(client, case_a, case_worker_a):
    client.force_login(case_worker_a)

    html = client.get(case_a.get_absolute_url()).content.decode()

    assert 'name="outcome_summary"' not in html
    assert 'data-shown-when="to=closed"' not in html


def test_a_case_worker_closing_with_an_outcome_is_still_forbidden(client, case_a, case_worker_a):
    client.force_login(case_worker_a)

    response = client.post(move_url(case_a), close_data())

    assert response.status_code == 403
    assert_still_open(case_a)


def test_the_close_form_points_to_the_closing_outcome_measure_when_it_is_missing(
    client, case_a, coordinator_a
):
    client.force_login(coordinator_a)
    closing_measure = f"/cases/{case_a.pk}/outcomes/closing/new/"

    response = client.get(case_a.get_absolute_url())

    assert response.context["closing_measure_missing"] is True
    assert f'href="{closing_measure}"' in response.content.decode()

    OutcomeMeasure.objects.create(
        case=case_a,
        occasion=OutcomeMeasure.Occasion.CLOSING,
        answers={},
        economic_score=60,
        social_score=60,
        psychosocial_score=60,
        recorded_by=coordinator_a,
    )
    response = client.get(case_a.get_absolute_url())

    assert response.context["closing_measure_missing"] is False
    assert response.context["status_form"] is not None


def test_a_case_closes_without_the_closing_outcome_measure(client, case_a, coordinator_a):
    client.force_login(coordinator_a)

    client.post(move_url(case_a), close_data())

    case_a.refresh_from_db()
    assert case_a.status == Status.CLOSED
    assert not case_a.outcome_measures.exists()


def test_a_closed_case_shows_its_outcome_the_returnees_view_and_rating(
    client, case_a, coordinator_a, case_worker_a
):
    client.force_login(coordinator_a)
    client.post(move_url(case_a), close_data(returnee_rating="very_helpful"))
    client.force_login(case_worker_a)

    response = client.get(case_a.get_absolute_url())

    html = response.content.decode()
    assert OUTCOME in html
    assert VIEW in html
    assert said("Very helpful") in html
    assert response.context["status_form"] is None
