"""The demo event: `manage.py seed_demo` runs the Mekar Baru program of 5-6 November 2025."""

import datetime
import io
import itertools

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.demo import PROGRAM_NAME
from cases.models import (
    Alert,
    Case,
    CaseNote,
    CaseStatusChange,
    FollowUp,
    PlanItem,
    Program,
    Screening,
)
from tests.factories import banten_regions


def seed_demo():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True  # pytest-django runs with DEBUG off; seed_demo is for development
    banten_regions()
    return seed_demo()


@pytest.fixture
def program(seeded):
    # The demo also runs a second program, of returnees who came home weeks ago.
    return Program.objects.get(name=PROGRAM_NAME)


def test_seed_demo_creates_the_mekar_baru_program_of_5_and_6_november_2025(program, seeded):
    assert "Mekar Baru" in program.name
    assert program.venue == "Aula Kecamatan Mekar Baru"
    assert program.district_id == "36.03.33"
    assert (program.start_date, program.end_date) == (
        datetime.date(2025, 11, 5),
        datetime.date(2025, 11, 6),
    )
    assert program.office.name == "BP3MI Banten"
    assert program.created_by.username == "koordinator"
    assert program.partner_agencies.count() == 4
    assert program.name in seeded


def test_seed_demo_enrols_the_twenty_returnees_in_several_stages(program):
    cases = program.cases.all()

    assert cases.count() == 20
    assert cases.values("participant").distinct().count() == 20
    statuses = set(cases.values_list("status", flat=True))
    assert len(statuses) >= 4
    assert Case.Status.INTAKE in statuses
    closed = cases.filter(status=Case.Status.CLOSED)
    assert closed.exists()
    for case in closed:
        assert case.close_reason in Case.CloseReason.values
        assert case.closed_at is not None


def test_every_seeded_case_has_a_history_that_follows_the_workflow(program):
    for case in program.cases.all():
        changes = list(case.status_changes.order_by("changed_at", "pk"))
        assert (changes[0].from_status, changes[0].to_status) == ("", Case.Status.INTAKE)
        for change in changes[1:]:
            assert (change.from_status, change.to_status) in Case.TRANSITIONS, change
        assert changes[-1].to_status == case.status
        for earlier, later in itertools.pairwise(changes):
            assert earlier.to_status == later.from_status
            assert earlier.changed_at <= later.changed_at


def test_every_seeded_move_falls_within_the_year_after_the_event_and_not_in_the_future(program):
    # The stages are where each case stands "a year on" (cases/demo.py).
    year_on = timezone.make_aware(datetime.datetime(2026, 11, 5, 23, 59))
    latest = min(year_on, timezone.now())

    changes = CaseStatusChange.objects.filter(case__program=program)
    late = changes.filter(changed_at__gt=latest).values_list("to_status", "changed_at")
    assert list(late) == []
    assert not program.cases.filter(closed_at__gt=latest).exists()


def test_seeded_alerts_are_resolved_after_they_were_raised(program):
    for alert in Alert.objects.filter(case__program=program):
        assert alert.raised_at <= alert.resolved_at, (alert.raised_at, alert.resolved_at)


def test_seed_demo_records_physical_and_srq20_screenings(program):
    screenings = Screening.objects.filter(case__program=program)

    physical = screenings.filter(kind=Screening.PHYSICAL)
    assert physical.exists()
    assert all(s.bmi and s.bmi_class_kemenkes and s.blood_pressure_class for s in physical)
    srq = screenings.filter(kind="srq20")
    assert srq.exists()
    assert all(len(s.answers) == 20 and s.score == sum(s.answers.values()) for s in srq)
    assert srq.filter(band="positive").exists()
    assert srq.filter(band="negative").exists()


def test_seed_demo_has_a_suicide_risk_alert_already_resolved_with_an_action(program):
    alert = Alert.objects.filter(case__program=program, code=Alert.Code.SUICIDE_RISK).first()

    assert alert is not None
    assert alert.screening.answers["17"] == 1
    assert alert.resolved_at is not None
    assert alert.resolved_by is not None
    assert alert.action_taken
    # The running program's newest returnee has an alert still open, as a new one would.
    assert not Alert.objects.unresolved().filter(case__program=program).exists()


def test_seed_demo_writes_plan_items_and_notes(program):
    assert PlanItem.objects.filter(case__program=program).exists()
    assert CaseNote.objects.filter(case__program=program).exists()
    dimensions = set(PlanItem.objects.values_list("dimension", flat=True))
    assert dimensions == set(PlanItem.Dimension.values)


def test_seed_demo_twice_adds_nothing(seeded):
    models = [Program, Case, CaseStatusChange, Screening, Alert, PlanItem, CaseNote, FollowUp]
    before = {model: model.objects.count() for model in models}

    output = seed_demo()

    assert {model: model.objects.count() for model in models} == before
    assert "already seeded" in output
