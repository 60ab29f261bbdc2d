"""Exports: aggregates for coordinators and auditors, rows for coordinators, no formulas."""

import csv
import io

import pytest
from openpyxl import load_workbook

from accounts.models import AccessLog
from participants.models import Problem
from reports.exports import safe_cell, suppress_small
from tests.cases.conftest import enrol, make_program
from tests.factories import ParticipantFactory
from tests.reports.conftest import refer


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+62812", "'+62812"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Siti Aminah", "Siti Aminah"),
        (42, 42),
    ],
)
def test_cells_that_would_start_a_formula_are_neutralised(value, expected):
    assert safe_cell(value) == expected


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, "<5"), (4, "<5"), (5, 5), (12, 12)])
def test_small_counts_are_suppressed(count, shown):
    assert suppress_small(count) == shown


@pytest.fixture
def people(office_a, case_worker_a):
    made = [
        ParticipantFactory(office=office_a, created_by=case_worker_a, sex="F") for _ in range(6)
    ]
    made += [
        ParticipantFactory(office=office_a, created_by=case_worker_a, sex="M") for _ in range(2)
    ]
    made.append(
        ParticipantFactory(
            office=office_a, created_by=case_worker_a, full_name='=HYPERLINK("http://x","klik")'
        )
    )
    return made


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_district_table_counts_by_sex_and_hides_small_numbers(client, coordinator_a, people):
    client.force_login(coordinator_a)

    rows = read_csv(client.get("/reports/exports/participants-by-district.csv"))

    assert rows[1] == ["Kabupaten Tangerang", "Mekar Baru", "9", "7", "<5"]
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT, user=coordinator_a).exists()


def test_auditors_get_aggregates_but_no_rows(client, auditor_a, people):
    client.force_login(auditor_a)

    assert client.get("/reports/exports/participants-by-district.xlsx").status_code == 200
    # The rows are made by the worker (tests/reports/test_export_jobs.py).
    assert client.post("/reports/exports/participants.csv").status_code == 403


@pytest.mark.parametrize("outsider", ["dinsos_officer", "case_worker_a", "health_worker_a"])
def test_agency_officers_and_other_roles_get_404(client, request, people, outsider):
    client.force_login(request.getfixturevalue(outsider))

    assert client.get("/reports/exports/").status_code == 404
    assert client.get("/reports/exports/participants-by-district.csv").status_code == 404
    assert client.post("/reports/exports/participants.csv").status_code == 404


def test_an_unknown_format_is_not_found(client, coordinator_a):
    client.force_login(coordinator_a)

    assert client.get("/reports/exports/participants-by-district.pdf").status_code == 404
    assert client.post("/reports/exports/participants.pdf").status_code == 404


def test_the_problem_table_counts_each_participant_under_each_of_their_problems(
    client, auditor_a, people
):
    unpaid, abuse = (
        Problem.objects.get(code="unpaid_wages"),
        Problem.objects.get(code="physical_abuse"),
    )
    for person in people[:3]:
        person.problems.add(unpaid)
    people[0].problems.add(abuse)
    client.force_login(auditor_a)

    rows = read_csv(client.get("/reports/exports/participants-by-problem.csv"))

    assert rows == [
        ["Masalah yang dialami", "Peserta"],
        ["Gaji tidak dibayar", "3"],
        ["Penganiayaan", "1"],
    ]
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT, user=auditor_a).exists()


def test_the_referral_table_is_per_agency_with_a_total_and_no_names(
    client, auditor_a, coordinator_a, case_worker_a, dinsos, dinsos_officer, regions
):
    program = make_program(coordinator_a.office, coordinator_a, regions["district"])
    who = {"by": case_worker_a, "coordinator": coordinator_a, "officer": dinsos_officer}
    refer(enrol(program, case_worker_a, full_name="Siti Aminah"), dinsos, "pkh_proposal", **who)
    accepted = enrol(program, case_worker_a, full_name="Dewi Lestari")
    refer(accepted, dinsos, "pkh_proposal", moves=["accepted"], **who)
    client.force_login(auditor_a)

    response = client.get("/reports/exports/referrals-by-agency.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["Instansi", "Terkirim", "Diterima"]
    assert rows[1][:6] == [dinsos.name, 2, 1, 0, 0, 0]
    assert rows[2][:3] == ["Semua instansi", 2, 1]
    assert "Siti Aminah" not in str(rows)
