"""A year in progress: the case worker's work list and bell, a 6-month visit with its repeat
SRQ-20 and outcome measure, a PKH referral completed at Dinsos that marks its plan step
done, and the coordinator's outcome report.

The world is the whole demo (`seed_demo`): the Mekar Baru event of November 2025 and the
office's running program, which started weeks before today.
"""

import io
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases import demo as cases_demo
from cases.models import Case, OutcomeMeasure, PlanItem, Screening
from participants import demo as participants_demo
from referrals import demo as referrals_demo
from referrals.models import Referral
from tests.factories import load_reference_data

PKH_OUTCOME = "Diusulkan sebagai penerima PKH; ditetapkan dalam SK bulan ini."
# The 6-month answers, 0 (worst) to 3 (best), for each dimension's four questions.
SIX_MONTH_ANSWERS = {"economic": 2, "social": 2, "psychosocial": 1}


@pytest.fixture
def a_year_in_progress(demo_world):
    load_reference_data()
    for module in (participants_demo, cases_demo, referrals_demo):
        module.seed(io.StringIO())


def tap(item, position):
    """Tap the answer at `position` (0 = first) of a questionnaire item."""
    item.locator("label.tap").nth(position).click()
    expect(item.locator("input[type=radio]").nth(position)).to_be_checked()


def say(item, label):
    """Tap the answer of a questionnaire item that reads `label`."""
    item.locator("label.tap").filter(has_text=re.compile(rf"^\s*{label}\s*$")).click()
    expect(item.get_by_role("radio", name=label)).to_be_checked()


def test_a_year_in_progress_from_the_case_workers_work_list_to_the_program_report(
    page, phone_page, live_server, a_year_in_progress, log_in
):
    worker = phone_page
    log_in(worker, "petugas")

    # The first panel of the home page says what is due.
    summary = worker.locator(".work-summary")
    expect(summary).to_contain_text("3 kunjungan lanjutan jatuh tempo minggu ini")
    expect(summary).to_contain_text("1 hasil perlu dikonfirmasi")
    overdue = worker.locator("#work-follow_ups_overdue")
    expect(overdue).to_contain_text("Nurhayati")
    expect(overdue).to_contain_text("Kunjungan lanjutan 6 bulan")

    # The 6-month visit of Nurhayati, a year after the event, from the work list.
    nurhayati = Case.objects.get(
        participant__full_name="Nurhayati", program__name=cases_demo.PROGRAM_NAME
    )
    visit = nurhayati.follow_ups.get(month=6)
    row = overdue.locator("tr").filter(has_text="Kunjungan lanjutan 6 bulan")
    row.get_by_role("link", name="Nurhayati").click()
    expect(worker).to_have_url(
        live_server.url + reverse("cases:follow_up_record", args=[nurhayati.pk, 6])
    )
    worker.get_by_label("Tanggal kunjungan").fill(visit.due_on.isoformat())
    worker.get_by_label("Temuan saat kunjungan").fill("Tidur lebih baik; mulai berjualan kue.")
    worker.get_by_role("button", name="Simpan kunjungan").click()

    tasks = worker.locator("section.visit-tasks")
    expect(tasks).to_contain_text("SRQ-20")
    expect(tasks).to_contain_text("Ukuran hasil reintegrasi")
    visit.refresh_from_db()
    assert visit.visited_on == visit.due_on

    # The repeat SRQ-20: two "Ya" where there were eight at the event.
    tasks.locator("li").filter(has_text="SRQ-20").get_by_role("link", name="Mulai").click()
    items = worker.locator("li.item")
    expect(items).to_have_count(20)
    for number in range(1, 21):
        say(items.nth(number - 1), "Ya" if number in (1, 3) else "Tidak")
    worker.locator("form.questionnaire button[type=submit]").first.click()
    expect(worker).to_have_url(
        live_server.url + reverse("cases:follow_up_record", args=[nurhayati.pk, 6])
    )
    repeat = Screening.objects.get(follow_up=visit, kind="srq20")
    assert repeat.score == 2

    # The outcome measure at 6 months, and the change since intake.
    measure_task = tasks.locator("li").filter(has_text="Ukuran hasil reintegrasi")
    measure_task.get_by_role("link", name="Mulai").click()
    for dimension, position in SIX_MONTH_ANSWERS.items():
        questions = worker.locator(f"#dimension-{dimension} li.item")
        expect(questions).to_have_count(4)
        for number in range(4):
            tap(questions.nth(number), position)
    worker.get_by_role("button", name="Simpan", exact=True).click()
    expect(worker.locator("li.message-success")).to_contain_text("Ekonomi: 17 → 67, membaik")
    measure = OutcomeMeasure.objects.get(case=nurhayati, occasion="month_6")
    scores = (measure.economic_score, measure.social_score, measure.psychosocial_score)
    assert scores == (67, 67, 33)

    worker.goto(live_server.url + nurhayati.get_absolute_url())
    changes = worker.locator("ul.outcome-changes")
    expect(changes.locator("li").filter(has_text="Ekonomi")).to_contain_text("Membaik")
    expect(changes.locator("li").filter(has_text="Psikososial")).to_contain_text("Tetap")
    expect(worker.locator(".srq-change")).to_contain_text("sekarang 2 (membaik, -6)")

    # Dinas Sosial completes the PKH proposal of the running program.
    pkh = Referral.objects.get(plan_item__intervention="Usulan PKH")
    assert pkh.plan_item.status == PlanItem.Status.IN_PROGRESS
    unread_before = int(worker.locator(".bell-badge").inner_text())
    officer = page
    log_in(officer, "dinsos")
    officer.goto(live_server.url + pkh.get_absolute_url())
    officer.fill("#id_outcome", PKH_OUTCOME)
    officer.get_by_role("button", name="Selesaikan", exact=True).click()
    expect(officer.get_by_text("Rujukan sekarang berstatus Selesai.")).to_be_visible()
    pkh.refresh_from_db()
    assert pkh.plan_item.status == PlanItem.Status.DONE

    # The case worker's bell tells of it; the case page shows the plan step done.
    worker.goto(live_server.url + "/")
    expect(worker.locator(".bell-badge")).to_have_text(str(unread_before + 1))
    expect(worker.locator(".work-summary")).to_contain_text("2 hasil perlu dikonfirmasi")
    worker.locator("a.bell").click()
    news = worker.locator(".notification").first
    expect(news).to_contain_text(pkh.number)
    expect(news).to_contain_text("perlu dikonfirmasi")
    news.get_by_role("link").first.click()
    expect(worker).to_have_url(live_server.url + pkh.get_absolute_url())
    worker.goto(live_server.url + pkh.case.get_absolute_url())
    step = worker.locator("tr").filter(has_text="Usulan PKH")
    expect(step.locator("td[data-label='Status']")).to_have_text("Selesai")
    expect(step.locator(f"a[href='{pkh.get_absolute_url()}']")).to_be_visible()
    expect(step.locator("td[data-label='Dipenuhi oleh']")).to_contain_text("Selesai")

    # The coordinator's report of the Mekar Baru program: who is better off.
    coordinator = page
    coordinator.context.clear_cookies()
    log_in(coordinator, "koordinator")
    coordinator.goto(live_server.url + nurhayati.program.get_absolute_url())
    coordinator.get_by_role("link", name=re.compile("Laporan hasil")).click()
    measured = OutcomeMeasure.objects.filter(case__program=nurhayati.program)
    improved = _improved_in_economy(measured)
    expect(coordinator.locator("main")).to_contain_text(
        f"{improved} dari {len(_compared(measured))} peserta membaik dalam dimensi ekonomi"
    )


def _compared(measures):
    """Per case with an intake and a later measure: (intake, latest later) economic scores."""
    by_case = {}
    for measure in measures.order_by("taken_on", "pk"):
        by_case.setdefault(measure.case_id, {})[measure.occasion == "intake"] = measure
    return {
        case: (pair[True].economic_score, pair[False].economic_score)
        for case, pair in by_case.items()
        if True in pair and False in pair
    }


def _improved_in_economy(measures):
    return sum(after - before >= 10 for before, after in _compared(measures).values())
