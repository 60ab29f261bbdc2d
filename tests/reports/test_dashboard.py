"""The dashboard by role, and the charts it shares with the PDFs."""

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from cases.models import Case, PlanItem
from participants.models import Problem
from referrals import services as referral_services
from referrals.models import Referral
from reports import charts, figures
from tests.cases.conftest import enrol
from tests.factories import UserFactory
from tests.reports.conftest import refer

# --- Charts ---------------------------------------------------------------------------------


def test_bars_are_scaled_to_the_largest_and_keep_zero_rows():
    chart = charts.bars("Masalah", [("Gaji tidak dibayar", 4), ("Penganiayaan", 2), ("PHK", 0)])

    assert [bar.percent for bar in chart.bars] == [100, 50, 0]
    assert [bar.text for bar in chart.bars] == ["4", "2", "0"]
    assert chart.values == {"Gaji tidak dibayar": 4, "Penganiayaan": 2, "PHK": 0}
    assert not chart.is_empty


def test_shares_in_percent_are_drawn_against_the_whole_not_the_largest():
    chart = charts.bars("Selesai", [("Dinsos", 33), ("Dinkes", 0)], full=100)

    assert [bar.percent for bar in chart.bars] == [33, 0]


def test_a_chart_of_zeros_says_so_instead_of_drawing_nothing():
    chart = charts.bars("Masalah", [("PHK", 0)], empty_text="Belum ada masalah yang dicatat.")

    html = render_to_string("reports/chart.html", {"chart": chart})

    assert chart.is_empty
    assert "Belum ada masalah yang dicatat." in html
    assert '<span class="chart-bar' not in html


def test_the_chart_writes_its_numbers_and_lengths_the_same_in_every_language():
    chart = charts.bars("Rujukan", [("Dinsos", 1, "1 dari 3 (33%)", "success"), ("Dinkes", 3)])
    with translation.override("id"):
        html = render_to_string("reports/chart.html", {"chart": chart})

    # Lengths are classes of whole percents of the longest bar (no inline style, which
    # the Content-Security-Policy refuses), the same in every language.
    assert "chart-p-33" in html
    assert "chart-p-100" in html
    assert "style=" not in html
    assert "1 dari 3 (33%)" in html
    assert "chart-success" in html


def test_columns_are_drawn_as_heights_oldest_first():
    chart = charts.columns("Kasus baru", [("Okt", 2), ("Nov", 8)])

    html = render_to_string("reports/chart.html", {"chart": chart})

    assert html.index("Okt") < html.index("Nov")
    assert "chart-p-25" in html
    assert "chart-p-100" in html
    assert "style=" not in html


def test_monthly_counts_fill_empty_months_with_zero(case_a):
    today = datetime.date(2026, 3, 15)
    Case.objects.filter(pk=case_a.pk).update(
        opened_at=timezone.make_aware(datetime.datetime(2026, 1, 20, 10))
    )

    series = figures.monthly_cases(Case.objects.all(), today=today)

    assert len(series) == 13
    assert series[0] == (datetime.date(2025, 3, 1), 0)
    assert series[-1] == (datetime.date(2026, 3, 1), 0)
    assert dict(series)[datetime.date(2026, 1, 1)] == 1


# --- The dashboard --------------------------------------------------------------------------


def send(case, agency, by, coordinator, code="pkh_proposal"):
    return refer(case, agency, code, by=by, coordinator=coordinator)


def make_overdue(referral, days=3):
    Referral.objects.filter(pk=referral.pk).update(
        due_at=timezone.now() - datetime.timedelta(days=days)
    )


@pytest.fixture
def office_work(program_a, case_a, case_worker_a, coordinator_a, dinsos, dinkes, dinsos_officer):
    dewi = enrol(program_a, case_worker_a, full_name="Dewi Lestari")
    unpaid = Problem.objects.get(code="unpaid_wages")
    case_a.participant.problems.add(unpaid)
    dewi.participant.problems.add(unpaid, Problem.objects.get(code="physical_abuse"))
    late_dinsos = send(case_a, dinsos, case_worker_a, coordinator_a)
    make_overdue(late_dinsos)
    late_dinkes = send(dewi, dinkes, case_worker_a, coordinator_a, code="follow_up_examination")
    make_overdue(late_dinkes, days=1)
    done = send(dewi, dinsos, case_worker_a, coordinator_a, code="dtsen_registration")
    for to, extra in (("accepted", {}), ("in_progress", {}), ("completed", {"outcome": "OK"})):
        done = referral_services.move_referral(
            referral=done, to=to, by=dinsos_officer, version=done.version, **extra
        )
    return {"late_dinsos": late_dinsos, "late_dinkes": late_dinkes, "done": done, "dewi": dewi}


def test_the_coordinator_sees_overdue_referrals_completion_problems_and_the_trend(
    client, coordinator_a, office_work, dinsos, dinkes, case_b
):
    client.force_login(coordinator_a)

    response = client.get("/")

    ctx = response.context
    assert [r.pk for r in ctx["overdue"]] == [
        office_work["late_dinsos"].pk,
        office_work["late_dinkes"].pk,
    ]
    completion = {bar.label: bar.text for bar in ctx["completion"].bars}
    assert completion == {dinsos.name: "1 dari 2 (50%)", dinkes.name: "0 dari 1 (0%)"}
    problems = ctx["problems"].values
    assert problems == {"Gaji tidak dibayar": 2, "Penganiayaan": 1}
    assert ctx["trend"].bars[-1].value == 2  # both cases opened this month; not office B's
    page = response.content.decode()
    assert "Rujukan selesai per instansi" in page
    assert "Masalah yang dialami" in page
    assert "Kasus baru per bulan" in page
    assert office_work["late_dinsos"].number in page


def test_an_agency_officer_sees_their_inbox_and_only_their_own_overdue_referrals(
    client, dinsos_officer, office_work
):
    client.force_login(dinsos_officer)

    response = client.get("/")

    ctx = response.context
    assert ctx["referral_counts"] == {"new": 1, "in_progress": 0, "overdue": 1, "declined": 0}
    assert [r.pk for r in ctx["overdue"]] == [office_work["late_dinsos"].pk]
    page = response.content.decode()
    assert office_work["late_dinkes"].number not in page
    # An officer sees no office-wide figures and no case names.
    for name in ("completion", "problems", "trend", "stages", "alerts"):
        assert name not in ctx
    assert "Dewi Lestari" not in page


def test_a_case_worker_sees_their_cases_and_the_plan_steps_due(
    client, case_worker_a, coordinator_a, case_a, office_work
):
    today = timezone.localdate()
    make = PlanItem.objects.create
    late = make(
        case=case_a,
        dimension="social",
        intervention="Urus KK baru",
        due_date=today - datetime.timedelta(days=2),
        created_by=case_worker_a,
    )
    soon = make(
        case=case_a,
        dimension="economic",
        intervention="Pelatihan menjahit",
        due_date=today + datetime.timedelta(days=5),
        created_by=case_worker_a,
    )
    make(
        case=case_a,
        dimension="economic",
        intervention="Modal usaha",
        due_date=today + datetime.timedelta(days=60),
        created_by=case_worker_a,
    )
    make(
        case=case_a,
        dimension="social",
        intervention="Sudah selesai",
        due_date=today - datetime.timedelta(days=9),
        status="done",
        created_by=case_worker_a,
    )
    someone_else = UserFactory(role="case_worker", office=case_a.program.office)
    Case.objects.filter(pk=office_work["dewi"].pk).update(case_worker=someone_else)
    make(
        case=office_work["dewi"],
        dimension="social",
        intervention="Bukan kasus saya",
        due_date=today,
        created_by=case_worker_a,
    )
    client.force_login(case_worker_a)

    response = client.get("/")

    sections = response.context["work_sections"]
    plan_items = next(section for section in sections if section.code == "plan_items")
    assert [row.item for row in plan_items.rows] == [late, soon]
    page = response.content.decode()
    assert "Urus KK baru" in page and "terlambat" in page
    assert "Modal usaha" not in page and "Bukan kasus saya" not in page
    assert case_a.participant.full_name in page


def test_the_dashboard_takes_the_same_queries_for_more_referrals(
    client, coordinator_a, case_worker_a, program_a, dinsos, office_work
):
    client.force_login(coordinator_a)
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for _ in range(5):
        make_overdue(send(enrol(program_a, case_worker_a), dinsos, case_worker_a, coordinator_a))
    with CaptureQueriesContext(connection) as many:
        response = client.get("/")

    assert len(response.context["overdue"]) == 7
    assert len(many) == len(few)


def test_a_case_worker_with_many_cases_sees_the_latest_and_the_count(
    client, case_worker_a, program_a, monkeypatch
):
    from reports import views

    monkeypatch.setattr(views, "MY_CASES_SHOWN", 2)
    cases = [enrol(program_a, case_worker_a, full_name=f"Peserta {n}") for n in range(3)]
    Case.objects.update(case_worker=case_worker_a)
    client.force_login(case_worker_a)

    response = client.get("/")

    assert [case.pk for case in response.context["my_cases"]] == [cases[2].pk, cases[1].pk]
    page = response.content.decode()
    assert "Kasus Anda (3)" in page
    assert "Ditampilkan 2 kasus terbaru" in page


def test_the_office_figures_are_counted_afresh_and_agree_with_the_reports_that_minute(
    client, coordinator_a, office_work, dinsos, dinsos_officer, case_b, case_worker_b
):
    client.force_login(coordinator_a)
    first = client.get("/")
    done = refer(office_work["dewi"], dinsos, "pbi_jk_activation", by=coordinator_a,
                 coordinator=coordinator_a, officer=dinsos_officer,
                 moves=["accepted", "in_progress", "completed"])  # fmt: skip

    with CaptureQueriesContext(connection) as again:
        second = client.get("/")

    assert done.status == "completed"
    # The referral completed a moment ago is counted, as the export and the reports count it.
    assert second.context["completion"].values != first.context["completion"].values
    rows = figures.referrals_by_agency(Referral.objects.countable_by(coordinator_a))
    assert second.context["completion"].values == figures.completion_chart(rows).values
    assert "Angka kantor per" not in second.content.decode()
    # Session, user, office and the bell's unread count; the work list's eight sections
    # (alerts, personal data requests, visits overdue, declined referrals, visits due,
    # outcomes to confirm, plan steps, cases without a case worker) and who can no longer
    # log in; stages, alerts and
    # their count; the referral counts and the overdue ones; the office figures from their
    # counters (referrals per agency, problems, cases per month); the access log's row for
    # the names shown.
    assert len(again) == 22
    # Another office's coordinator gets that office's own figures.
    coordinator_b = UserFactory(role="coordinator", office=case_b.program.office)
    client.force_login(coordinator_b)
    assert client.get("/").context["completion"].values == {}
