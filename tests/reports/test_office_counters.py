"""The home page's office figures come from counters that the database keeps exact.

Whatever the services (and bulk writes) do, the counters must give the same figures as
counting the rows themselves, for each office and for the administrator's every office.
"""

import datetime

import pytest
from django.db import ProgrammingError, connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case
from config.database_roles import append_only_tables
from participants import merging
from participants import services as participant_services
from participants.models import Participant, ParticipantProblem, Problem
from referrals import services as referral_services
from referrals.models import OfficeReferralCount, Referral, ReferralStatus, Service, Urgency
from reports import figures, views
from reports.models import OfficeCaseStatusCount, OfficeMonthCount, OfficeProblemCount
from tests.cases.conftest import enrol
from tests.factories import UserFactory
from tests.reports.conftest import refer

DONE = ["accepted", "in_progress", "completed"]


def problems(*codes):
    return list(Problem.objects.filter(code__in=codes))


def live_figures(user):
    """The figures counted from the rows, by the reports' own functions, in the user's scope."""
    return {
        "referrals": [
            (row.agency, row.sent, row.accepted, row.completed, row.declined)
            for row in figures.referrals_by_agency(Referral.objects.visible_to(user))
        ],
        "problems": figures.problem_counts(Participant.objects.visible_to(user).active()),
        "months": figures.monthly_cases(Case.objects.visible_to(user)),
        "statuses": dict(
            Case.objects.visible_to(user)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        ),
    }


def counted_figures(office):
    return {
        "referrals": [
            (row.agency, row.sent, row.accepted, row.completed, row.declined)
            for row in figures.office_referrals_by_agency(office)
        ],
        "problems": figures.office_problem_counts(office),
        "months": figures.office_monthly_cases(office),
        "statuses": figures.office_cases_by_status(office),
    }


def dashboard_charts(client, user):
    client.force_login(user)
    ctx = client.get("/").context
    return {name: ctx[name].values for name in ("completion", "problems", "trend")}


def live_charts(user):
    live = live_figures(user)
    rows = figures.referrals_by_agency(Referral.objects.visible_to(user))
    return {
        "completion": figures.completion_chart(rows).values,
        "problems": figures.problems_chart(live["problems"]).values,
        "trend": figures.trend_chart(live["months"]).values,
    }


@pytest.fixture
def coordinator_b(office_b):
    return UserFactory(username="coordinator_b", role="coordinator", office=office_b)


@pytest.fixture
def busy_offices(
    program_a,
    case_a,
    program_b,
    case_b,
    case_worker_a,
    case_worker_b,
    coordinator_a,
    coordinator_b,
    office_b,
    dinsos,
    dinkes,
    dinsos_officer,
    dinkes_officer,
):
    """Two offices after a day's work through the services, and some bulk writes."""
    case_a.participant.problems.add(*problems("unpaid_wages"))
    dewi = enrol(program_a, case_worker_a, full_name="Dewi Lestari")
    dewi.participant.problems.add(*problems("unpaid_wages", "physical_abuse"))
    # Registered by mistake, then archived: no longer counted.
    mistake = enrol(program_a, case_worker_a, full_name="Rina Salah Daftar")
    mistake.participant.problems.add(*problems("physical_abuse", "mental_illness"))
    participant_services.archive_participant(
        participant=mistake.participant, by=coordinator_a, reason="Salah daftar."
    )
    # Registered twice, then merged: the tombstone's problems move to the survivor.
    ani_case = enrol(program_a, case_worker_a, full_name="Ani Suryani")
    ani = ani_case.participant
    ani.problems.add(*problems("unpaid_wages"))
    twice = enrol(program_a, case_worker_a, full_name="Ani Suryani").participant
    twice.problems.add(*problems("unpaid_wages", "mental_illness", "work_accident"))
    merging.merge_participants(
        survivor=Participant.objects.get(pk=ani.pk),
        merged=Participant.objects.get(pk=twice.pk),
        chosen={},
        reason="Terdaftar dua kali.",
        by=coordinator_a,
    )
    # Moved to office B: their problems go with them, their case stays in A's program.
    moving = enrol(program_a, case_worker_a, full_name="Budi Pindah")
    moving.participant.problems.add(*problems("legal_problems", "unpaid_wages"))
    participant_services.transfer_participant(
        participant=moving.participant, to_office=office_b, reason="Pindah.", by=coordinator_a
    )
    # One problem taken off again, some added at once.
    dewi.participant.problems.remove(*problems("physical_abuse"))
    ParticipantProblem.objects.bulk_create(
        ParticipantProblem(participant=case_b.participant, problem=problem)
        for problem in problems("deported", "lost_contact")
    )
    # Recorded on the wrong person, moved to the right one (of the other office).
    ParticipantProblem.objects.filter(
        participant=case_a.participant, problem__code="unpaid_wages"
    ).update(participant=case_b.participant)

    a = {"by": case_worker_a, "coordinator": coordinator_a}
    refer(case_a, dinsos, "pkh_proposal", officer=dinsos_officer, moves=DONE, **a)
    refer(dewi, dinsos, "dtsen_registration", officer=dinsos_officer, moves=["declined"], **a)
    refer(dewi, dinkes, "follow_up_examination", officer=dinkes_officer, moves=["accepted"], **a)
    refer(moving, dinsos, "pbi_jk_activation", **a)
    refer(case_b, dinsos, "pkh_proposal", by=case_worker_b, coordinator=coordinator_b)
    draft = referral_services.create_referral(
        case=dewi,
        agency=dinkes,
        service=Service.objects.get(agency_type=dinkes.type, code="follow_up_examination"),
        reason="Belum jadi.",
        urgency=Urgency.NORMAL,
        by=case_worker_a,
    )
    draft.transitions.all().delete()
    draft.delete()
    # Written in bulk, then moved by a queryset update.
    now = timezone.now()
    service = Service.objects.get(agency_type=dinkes.type, code="follow_up_examination")
    bulk = Referral.objects.bulk_create(
        Referral(
            case=case,
            agency=dinkes,
            service=service,
            reason="Pemeriksaan lanjutan.",
            status=ReferralStatus.SENT,
            sent_at=now,
            due_at=now + datetime.timedelta(days=14),
            consent_override_reason="Mendesak.",
            consent_override_by=coordinator_a,
            created_by=case_worker_a,
        )
        for case in (case_a, dewi, case_b)
    )
    Referral.objects.filter(pk__in=[bulk[0].pk, bulk[2].pk]).update(
        status=ReferralStatus.COMPLETED, accepted_at=now, completed_at=now, outcome="Selesai."
    )
    # A case opened at half past midnight in Jakarta, still the day before in UTC: it
    # counts in this month, as the month is read in the site's time zone.
    first_day = timezone.localdate().replace(day=1)
    midnight = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time(0, 30)))
    Case.objects.filter(pk=case_b.pk).update(opened_at=midnight)
    # One case made months ago, and one moved to another program (and so office).
    Case.objects.filter(pk=dewi.pk).update(opened_at=midnight - datetime.timedelta(days=70))
    Case.objects.filter(pk=mistake.pk).update(program=program_b)
    # Cases moved along, one alone and two at once (the transfer and the merge above
    # closed Budi's case and the twin's).
    Case.objects.filter(pk=dewi.pk).update(status=Case.Status.ASSESSMENT)
    Case.objects.filter(pk__in=[case_a.pk, ani_case.pk]).update(status=Case.Status.PLANNING)
    return {"dewi": dewi}


def test_the_counters_give_each_office_the_figures_its_rows_give(
    busy_offices, coordinator_a, coordinator_b, office_a, office_b, dinsos, dinkes
):
    for coordinator, office in ((coordinator_a, office_a), (coordinator_b, office_b)):
        assert counted_figures(office.pk) == live_figures(coordinator)

    a = counted_figures(office_a.pk)
    # Dewi and Ani (with her twin's problems); nobody archived or moved away.
    assert dict(a["problems"]) == {
        "Gaji tidak dibayar": 2,
        "Gangguan kesehatan jiwa": 1,
        "Kecelakaan kerja": 1,
    }
    assert a["referrals"] == [
        (dinkes.name, 3, 2, 1, 0),  # one accepted through the inbox, one in bulk
        (dinsos.name, 3, 1, 1, 1),
    ]
    b = counted_figures(office_b.pk)
    assert dict(b["problems"]) == {
        "Masalah hukum": 1,
        "Gaji tidak dibayar": 2,
        "Dideportasi atau dipulangkan paksa": 1,
        "Hilang kontak": 1,
    }
    this_month = timezone.localdate().replace(day=1)
    assert dict(b["months"])[this_month] == 2  # Nur Halimah's case and the one moved over
    # Dewi's case moved on, two planned at once; Budi's closed when he moved away, and
    # the twin's when merged into Ani's; Rina's went to B's program.
    assert a["statuses"] == {"assessment": 1, "planning": 2, "closed": 2}


def test_the_administrator_sees_the_sum_of_every_office(busy_offices, admin_user):
    assert counted_figures(None) == live_figures(admin_user)
    assert sum(n for _problem, n in counted_figures(None)["problems"]) == 9


def test_the_home_page_shows_each_scope_the_figures_the_reports_count(
    client, busy_offices, coordinator_a, coordinator_b, admin_user
):
    for user in (coordinator_a, coordinator_b, admin_user):
        assert dashboard_charts(client, user) == live_charts(user)


def test_the_office_figures_take_three_queries_however_many_rows(
    busy_offices, coordinator_a, case_worker_a, program_a, dinsos, dinsos_officer
):
    with CaptureQueriesContext(connection) as few:
        before = views._office_figures(coordinator_a)
    for n in range(4):
        case = enrol(program_a, case_worker_a, full_name=f"Peserta {n}")
        case.participant.problems.add(*problems("job_fraud", "trafficking"))
        refer(case, dinsos, "pkh_proposal", by=case_worker_a, coordinator=coordinator_a,
              officer=dinsos_officer, moves=DONE)  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        after = views._office_figures(coordinator_a)

    # Referrals per agency, problems, cases per month.
    assert len(few) == len(many) == 3
    assert after["problems"].values["Penipuan lowongan kerja"] == 4
    assert after["completion"].values != before["completion"].values
    assert after["trend"].bars[-1].value == before["trend"].bars[-1].value + 4


@pytest.mark.django_db
def test_the_app_role_writes_the_counters_and_cannot_switch_their_triggers_off():
    counters = [
        model._meta.db_table
        for model in (
            OfficeReferralCount,
            OfficeProblemCount,
            OfficeMonthCount,
            OfficeCaseStatusCount,
        )
    ]
    assert not set(counters) & set(append_only_tables())
    with connection.cursor() as cursor:
        # The triggers run as the writer, the app role: it reads and writes the counters.
        cursor.execute(
            "SELECT bool_and(has_table_privilege(name, 'SELECT, INSERT, UPDATE'))"
            " FROM unnest(%s::text[]) AS name",
            [counters],
        )
        assert cursor.fetchone()[0] is True
        with pytest.raises(ProgrammingError), transaction.atomic():
            cursor.execute("ALTER TABLE referrals_referral DISABLE TRIGGER reports_count_update")
