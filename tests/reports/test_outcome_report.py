"""The outcome report: every figure against known values and against a recount row by row,
who may read it, its PDF, and its query count."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from pypdf import PdfReader

from accounts.models import AccessLog
from cases import instruments, outcomes
from cases.models import Case, FollowUp, OutcomeMeasure, Screening
from participants.models import Participant
from referrals import services as referral_services
from referrals.models import Referral, ReferralStatus, Service, Urgency
from reports import outcome_report
from tests.cases.conftest import enrol, make_program
from tests.factories import UserFactory
from tests.reports.conftest import refer

S = ReferralStatus


def today():
    # Read at each use: a suite that runs past midnight in Jakarta sees the new day.
    return timezone.localdate()


SRQ = instruments.SRQ20
FINISHED = [S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED]
NAMES = ("Ani Suryani", "Badriah", "Cucu Cahyati", "Dedeh Kurniasih", "Euis Komariah", "Fitri")


def days_ago(days):
    return today() - datetime.timedelta(days=days)


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def measure(case, occasion, scores, *, on, by):
    economic, social, psychosocial = scores
    return OutcomeMeasure.objects.create(
        case=case,
        occasion=occasion,
        taken_on=on,
        economic_score=economic,
        social_score=social,
        psychosocial_score=psychosocial,
        recorded_by=by,
    )


def srq(case, score, *, on, by, kind=Screening.Kind.SRQ20):
    band = SRQ.band_for(score).code if kind == Screening.Kind.SRQ20 else ""
    return Screening.objects.create(
        case=case, kind=kind, score=score, band=band, screened_on=on, recorded_by=by
    )


def visit(case, month, *, due, visited=None, by=None):
    FollowUp.objects.filter(case=case, month=month).update(
        due_on=due, visited_on=visited, recorded_by=by if visited else None
    )


def close(case, *, on):
    closed_at = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
    Case.objects.filter(pk=case.pk).update(
        status="closed", close_reason="moved", closed_at=closed_at
    )


@pytest.fixture
def world(
    office_a, coordinator_a, case_worker_a, regions, dinsos, dinkes, dinsos_officer, dinkes_officer
):
    """Six participants with known measures, referrals, visits and screenings, and what
    the report must leave out: an archived participant and another program."""
    program = make_program(office_a, coordinator_a, regions["district"], name="Kegiatan Hasil")
    a, b, c, d, e, f = (enrol(program, case_worker_a, full_name=name) for name in NAMES)
    worker = case_worker_a
    Occasion = OutcomeMeasure.Occasion

    # Economic, social, psychosocial. A: its closing is later than its month 6.
    measure(a, Occasion.INTAKE, (40, 50, 30), on=days_ago(300), by=worker)
    measure(a, Occasion.MONTH_6, (55, 50, 25), on=days_ago(120), by=worker)
    measure(a, Occasion.CLOSING, (60, 45, 20), on=days_ago(10), by=worker)  # +20, -5, -10
    # B: its month 12 was taken after its closing measure, so month 12 is the latest.
    measure(b, Occasion.INTAKE, (50, 50, 50), on=days_ago(320), by=worker)
    measure(b, Occasion.CLOSING, (70, 70, 70), on=days_ago(30), by=worker)
    measure(b, Occasion.MONTH_12, (59, 60, 50), on=days_ago(5), by=worker)  # +9, +10, 0
    measure(c, Occasion.INTAKE, (30, 30, 30), on=days_ago(90), by=worker)  # intake only
    measure(d, Occasion.MONTH_6, (60, 60, 60), on=days_ago(20), by=worker)  # no intake
    measure(f, Occasion.INTAKE, (80, 80, 80), on=days_ago(200), by=worker)
    measure(f, Occasion.MONTH_6, (60, 95, 71), on=days_ago(20), by=worker)  # -20, +15, -9

    officers = {dinsos: dinsos_officer, dinkes: dinkes_officer}

    def send(case, agency, code, *moves):
        return refer(
            case,
            agency,
            code,
            by=worker,
            coordinator=coordinator_a,
            officer=officers[agency],
            moves=moves,
        )

    def confirmed(referral, *, received, satisfaction):
        referral_services.confirm_with_returnee(referral=referral, by=worker)
        Referral.objects.filter(pk=referral.pk).update(
            feedback_received=received, feedback_satisfaction=satisfaction
        )

    confirmed(send(a, dinsos, "pkh_proposal", *FINISHED), received=True, satisfaction="satisfied")
    confirmed(send(b, dinsos, "pkh_proposal", *FINISHED), received=True, satisfaction="partly")
    send(c, dinsos, "pkh_proposal", *FINISHED)  # completed, not confirmed yet
    send(d, dinsos, "pkh_proposal", S.DECLINED)
    confirmed(
        send(a, dinkes, "psychological_counselling", *FINISHED),
        received=False,
        satisfaction="not",
    )
    unable = send(f, dinkes, "psychological_counselling", S.ACCEPTED, S.IN_PROGRESS)
    referral_services.move_referral(
        referral=unable, to=S.UNABLE, by=dinkes_officer, version=unable.version, note="Penuh."
    )
    declined = send(e, dinsos, "dtsen_registration", S.DECLINED)
    referral_services.move_referral(  # the coordinator confirms the decline
        referral=declined, to=S.CANCELLED, by=coordinator_a, version=declined.version, note="Ya."
    )
    back = send(b, dinsos, "pbi_jk_activation", S.DECLINED)
    referral_services.move_referral(  # sent back to the agency: not refused any more
        referral=back, to=S.SENT, by=coordinator_a, version=back.version, note="Mohon dicek."
    )
    withdrawn = send(c, dinsos, "pbi_jk_activation")
    referral_services.move_referral(
        referral=withdrawn, to=S.CANCELLED, by=worker, version=withdrawn.version
    )
    referral_services.create_referral(  # a draft: never sent, never counted
        case=e,
        agency=dinsos,
        service=Service.objects.get(code="pkh_proposal"),
        reason="Belum dikirim.",
        urgency=Urgency.NORMAL,
        by=worker,
    )

    # Visits. A: on time, 20 days late, exactly at the grace's end, not due yet.
    visit(a, 1, due=days_ago(300), visited=days_ago(295), by=worker)
    visit(a, 3, due=days_ago(240), visited=days_ago(220), by=worker)
    visit(a, 6, due=days_ago(120), visited=days_ago(106), by=worker)
    visit(a, 12, due=days_ago(-60))
    # B: on the day, overdue, due today, made early before it is due.
    visit(b, 1, due=days_ago(200), visited=days_ago(200), by=worker)
    visit(b, 3, due=days_ago(100))
    visit(b, 6, due=today())
    visit(b, 12, due=days_ago(-100), visited=days_ago(1), by=worker)
    # C closed 50 days ago: month 3 was overdue by then, month 6 fell due after it closed.
    visit(c, 1, due=days_ago(90), visited=days_ago(80), by=worker)
    visit(c, 3, due=days_ago(60))
    visit(c, 6, due=days_ago(20))
    visit(c, 12, due=days_ago(-200))
    close(c, on=days_ago(50))

    srq(a, 9, on=days_ago(300), by=worker)
    srq(a, 4, on=days_ago(100), by=worker)  # fell below 6
    srq(b, 7, on=days_ago(200), by=worker)
    srq(b, 8, on=days_ago(150), by=worker)
    srq(b, 6, on=days_ago(10), by=worker)  # down, still positive
    srq(c, 3, on=days_ago(90), by=worker)
    srq(c, 3, on=days_ago(60), by=worker)  # the same
    srq(d, 2, on=days_ago(100), by=worker)
    srq(d, 10, on=days_ago(50), by=worker)  # up
    srq(e, 12, on=days_ago(40), by=worker)  # once only: not compared
    srq(f, 6, on=days_ago(30), by=worker)
    srq(f, 5, on=days_ago(30), by=worker)  # the same day, recorded later: the latest
    srq(f, 20, on=days_ago(5), by=worker, kind=Screening.Kind.PHQ9)  # another instrument

    # Left out: an archived participant and another program, each with all of it.
    mistake = enrol(program, worker, full_name="Salah Input")
    other = make_program(office_a, coordinator_a, regions["district"], name="Kegiatan Lain")
    elsewhere = enrol(other, worker, full_name="Lain Program")
    for case in (mistake, elsewhere):
        measure(case, Occasion.INTAKE, (0, 0, 0), on=days_ago(100), by=worker)
        measure(case, Occasion.MONTH_6, (100, 100, 100), on=days_ago(10), by=worker)
        confirmed(
            send(case, dinsos, "pkh_proposal", *FINISHED), received=True, satisfaction="satisfied"
        )
        visit(case, 1, due=days_ago(30))
        srq(case, 15, on=days_ago(100), by=worker)
        srq(case, 1, on=days_ago(10), by=worker)
    Participant.objects.filter(pk=mistake.participant_id).update(
        archived_at=timezone.now(), archived_by=coordinator_a
    )
    return program


def service_name(code):
    return str(Service.objects.get(code=code))


# --- Every figure, against the values put in --------------------------------------------------


def test_each_dimension_counts_who_improved_stayed_and_worsened(world, coordinator_a):
    report = outcome_report.outcome_report(world, coordinator_a)

    assert report.participants == 6
    rows = {row.dimension: row for row in report.dimensions}
    counts = {
        d: (r.improved, r.stayed, r.worsened, r.intake_only, r.no_intake) for d, r in rows.items()
    }
    assert counts == {
        "economic": (1, 1, 1, 1, 2),
        "social": (2, 1, 0, 1, 2),
        "psychosocial": (0, 2, 1, 1, 2),
    }
    assert [str(cell) for cell in rows["social"].cells] == [
        "2 (67%)",
        "1 (33%)",
        "0 (0%)",
        "3",
        "1 (17%)",
        "2 (33%)",
    ]


def test_a_sentence_says_how_many_improved_in_each_dimension(world, coordinator_a):
    with translation.override("en"):
        report = outcome_report.outcome_report(world, coordinator_a)
        sentences = [row.sentence for row in report.dimensions]

    assert sentences == [
        "1 of 3 participants improved in the economic dimension; 1 worsened.",
        "2 of 3 participants improved in the social dimension; 0 worsened.",
        "0 of 3 participants improved in the psychosocial dimension; 1 worsened.",
    ]


def test_referral_outcomes_are_counted_per_service(world, coordinator_a):
    report = outcome_report.outcome_report(world, coordinator_a)

    fields = ("sent", "completed", "confirmed", "unable_or_declined", "received", "satisfied")
    rows = {row.service: tuple(getattr(row, name) for name in fields) for row in report.services}
    assert rows == {
        service_name("pkh_proposal"): (4, 3, 2, 1, 2, 1),
        service_name("psychological_counselling"): (2, 1, 1, 1, 0, 0),
        service_name("dtsen_registration"): (1, 0, 0, 1, 0, 0),
        service_name("pbi_jk_activation"): (2, 0, 0, 0, 0, 0),
    }
    total = report.service_total
    assert tuple(getattr(total, name) for name in fields) == (9, 4, 3, 3, 2, 1)
    assert [str(cell) for cell in total.cells] == [
        "9",
        "4 (44%)",
        "3 (75%)",
        "3 (33%)",
        "2 (67%)",
        "1 (33%)",
    ]


def test_the_services_are_named_in_the_readers_language(world, coordinator_a):
    with translation.override("en"):
        report = outcome_report.outcome_report(world, coordinator_a)

    names = {row.service for row in report.services}
    assert Service.objects.get(code="pkh_proposal").name_en in names


def test_follow_up_visits_are_counted_per_month_and_in_all(world, coordinator_a):
    report = outcome_report.outcome_report(world, coordinator_a)

    rows = [(row.label, row.due, row.done, row.late, row.overdue) for row in report.follow_ups]
    assert rows == [
        ("1 bulan", 3, 3, 0, 0),
        ("3 bulan", 3, 1, 1, 2),
        ("6 bulan", 2, 1, 0, 0),
        ("12 bulan", 0, 0, 0, 0),
    ]
    total = report.follow_up_total
    assert (total.due, total.done, total.late, total.overdue) == (8, 5, 1, 2)
    assert [str(cell) for cell in total.cells] == ["8", "5 (62%)", "1 (20%)", "2 (25%)"]
    assert outcome_report.GRACE_DAYS == 14


def test_srq20_scores_are_set_first_against_latest(world, coordinator_a):
    srq20 = outcome_report.outcome_report(world, coordinator_a).srq

    assert srq20.positive_from == 6
    assert (srq20.participants, srq20.positive_first, srq20.fell_below) == (5, 3, 2)
    assert (srq20.down, srq20.same, srq20.up) == (3, 1, 1)
    assert (srq20.mean_first, srq20.mean_latest) == (5.4, 5.6)


def test_an_empty_program_counts_zero_everywhere(program_a, coordinator_a):
    report = outcome_report.outcome_report(program_a, coordinator_a)

    assert report.participants == 0 and report.compared == 0
    assert report.services == [] and report.service_total.sent == 0
    assert report.follow_up_total.due == 0
    assert report.srq.participants == 0 and report.srq.mean_first is None
    assert [str(cell) for cell in report.dimensions[0].cells] == ["0", "0", "0", "0", "0", "0"]


# --- Every total, recounted another way: a plain loop over the rows ------------------------------


def counted_cases(program):
    return [
        case
        for case in Case.objects.filter(program=program).select_related("participant")
        if case.participant.archived_at is None
    ]


def test_the_dimension_counts_agree_with_a_recount_case_by_case(world, coordinator_a):
    report = outcome_report.outcome_report(world, coordinator_a)

    expected = {d: {"improved": 0, "stayed": 0, "worsened": 0} for d in outcomes.DIMENSIONS}
    intake_only = no_intake = 0
    for case in counted_cases(world):
        taken = list(OutcomeMeasure.objects.filter(case=case))
        intake = [m for m in taken if m.occasion == "intake"]
        later = sorted((m for m in taken if m.occasion != "intake"), key=lambda m: m.taken_on)
        if not intake:
            no_intake += 1
        elif not later:
            intake_only += 1
        else:
            before, after = outcomes.scores_of(intake[0]), outcomes.scores_of(later[-1])
            for dimension in outcomes.DIMENSIONS:
                expected[dimension][outcomes.change(before[dimension], after[dimension])] += 1

    for row in report.dimensions:
        assert expected[row.dimension] == {
            "improved": row.improved,
            "stayed": row.stayed,
            "worsened": row.worsened,
        }
        assert (row.intake_only, row.no_intake) == (intake_only, no_intake)
        assert row.compared + row.intake_only + row.no_intake == report.participants


def test_the_referral_counts_agree_with_a_recount_referral_by_referral(world, coordinator_a):
    report = outcome_report.outcome_report(world, coordinator_a)

    expected = {}
    for referral in Referral.objects.filter(case__in=counted_cases(world)).select_related(
        "service"
    ):
        if referral.sent_at is None:
            continue
        row = expected.setdefault(str(referral.service), [0] * 6)
        decline_stands = referral.status == S.CANCELLED and (
            referral.transitions.order_by("at", "pk").last().from_status == S.DECLINED
        )
        confirmed = referral.returnee_confirmed_at is not None
        for index, counts in enumerate(
            [
                True,
                referral.status == S.COMPLETED,
                confirmed,
                referral.status in (S.UNABLE, S.DECLINED) or decline_stands,
                confirmed and referral.feedback_received is True,
                confirmed and referral.feedback_satisfaction == "satisfied",
            ]
        ):
            row[index] += counts

    fields = ("sent", "completed", "confirmed", "unable_or_declined", "received", "satisfied")
    assert {row.service: [getattr(row, n) for n in fields] for row in report.services} == expected
    assert [getattr(report.service_total, n) for n in fields] == [
        sum(column) for column in zip(*expected.values(), strict=True)
    ]


def test_the_visit_counts_agree_with_a_recount_visit_by_visit(world, coordinator_a):
    report = outcome_report.outcome_report(world, coordinator_a)

    expected = {month: [0, 0, 0, 0] for month in (1, 3, 6, 12)}
    for case in counted_cases(world):
        as_of = timezone.localtime(case.closed_at).date() if case.closed_at else today()
        for follow_up in FollowUp.objects.filter(case=case):
            if follow_up.due_on > as_of:
                continue
            counts = expected[follow_up.month]
            counts[0] += 1
            if follow_up.is_done:
                counts[1] += 1
                counts[2] += (follow_up.visited_on - follow_up.due_on).days > 14
            else:
                counts[3] += follow_up.is_overdue(today=as_of)

    assert {
        month: [row.due, row.done, row.late, row.overdue]
        for month, row in zip((1, 3, 6, 12), report.follow_ups, strict=True)
    } == expected
    total = report.follow_up_total
    assert [total.due, total.done, total.late, total.overdue] == [
        sum(column) for column in zip(*expected.values(), strict=True)
    ]


def test_the_srq20_figures_agree_with_a_recount_case_by_case(world, coordinator_a):
    srq20 = outcome_report.outcome_report(world, coordinator_a).srq

    pairs = []
    for case in counted_cases(world):
        scores = [
            s.score
            for s in Screening.objects.filter(case=case, kind="srq20").order_by("screened_on", "pk")
        ]
        if len(scores) >= 2:
            pairs.append((scores[0], scores[-1]))
    positive = next(band for band in SRQ.bands if band.code == "positive")

    assert srq20.participants == len(pairs)
    assert srq20.positive_first == sum(first in positive for first, _latest in pairs)
    assert srq20.fell_below == sum(
        first in positive and latest not in positive for first, latest in pairs
    )
    assert srq20.down == sum(latest < first for first, latest in pairs)
    assert srq20.same == sum(latest == first for first, latest in pairs)
    assert srq20.up == sum(latest > first for first, latest in pairs)
    assert srq20.mean_first == round(sum(first for first, _l in pairs) / len(pairs), 1)
    assert srq20.mean_latest == round(sum(latest for _f, latest in pairs) / len(pairs), 1)


# --- The page and the PDF ----------------------------------------------------------------------


def url(program):
    return f"/reports/programs/{program.pk}/outcomes/"


def pdf_url(program):
    return f"/reports/programs/{program.pk}/outcomes.pdf"


def sign_in_with_a_staff_name(client, user):
    """The pages and the PDF show who is signed in: a name the factories made up
    ("Fitria ...") must not read as a participant's ("Fitri")."""
    user.full_name = "Koordinator Uji"
    user.save(update_fields=["full_name"])
    client.force_login(user)


def test_the_coordinator_reads_the_page_with_its_tables_and_explanations(
    client, coordinator_a, world
):
    sign_in_with_a_staff_name(client, coordinator_a)

    response = client.get(url(world))

    assert response.status_code == 200
    page = response.content.decode()
    report = response.context["report"]
    for row in report.dimensions:
        assert row.sentence in page
    assert page.count("<caption>") == 4
    assert 'scope="row"' in page and 'scope="col"' in page
    assert "2 (67%)" in page  # social: improved, of those compared
    assert service_name("dtsen_registration") in page
    assert "5 (62%)" in page  # visits made of those due
    assert "5,4" in page and "5,6" in page  # the mean SRQ-20 scores
    assert not any(name in page for name in [*NAMES, "Salah Input"])  # counts only
    assert pdf_url(world) in page
    assert f'href="{world.get_absolute_url()}"' in page
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).exists()


def test_the_pdf_is_a_pdf_with_the_figures_and_its_download_is_logged(client, coordinator_a, world):
    sign_in_with_a_staff_name(client, coordinator_a)

    response = client.get(pdf_url(world))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "RAHASIA" in text
    assert "Kegiatan Hasil" in text
    words = " ".join(text.split())
    report = outcome_report.outcome_report(world, coordinator_a)
    for row in report.dimensions:
        assert row.sentence in words  # "1 dari 3 peserta membaik dalam dimensi ekonomi; ..."
    assert "9 4 (44%) 3 (75%) 3 (33%) 2 (67%) 1 (33%)" in words  # the services' total row
    assert "8 5 (62%) 1 (20%) 2 (25%)" in words  # the visits' total row
    assert not any(name in text for name in [*NAMES, "Salah Input"])
    assert AccessLog.objects.filter(
        user=coordinator_a,
        action=AccessLog.Action.DOWNLOAD,
        object_type="cases.program",
        object_id=str(world.pk),
    ).exists()


def test_the_auditor_reads_the_counts_but_is_not_sent_to_the_program_page(client, auditor_a, world):
    client.force_login(auditor_a)

    response = client.get(url(world))

    assert response.status_code == 200
    assert response.context["report"].participants == 6
    assert f'href="{world.get_absolute_url()}"' not in response.content.decode()
    assert client.get(pdf_url(world)).content.startswith(b"%PDF")


def test_the_administrator_reads_it_too(client, admin_user, world):
    client.force_login(admin_user)

    assert client.get(url(world)).status_code == 200


@pytest.mark.parametrize("who", ["case_worker_a", "health_worker_a"])
def test_office_staff_who_see_the_program_but_take_no_reports_are_refused(
    client, request, world, who
):
    client.force_login(request.getfixturevalue(who))

    assert client.get(url(world)).status_code == 403
    assert client.get(pdf_url(world)).status_code == 403
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).exists()


@pytest.fixture
def coordinator_b(office_b):
    return UserFactory(role="coordinator", office=office_b)


@pytest.fixture
def auditor_b(office_b):
    return UserFactory(role="auditor", office=office_b)


@pytest.mark.parametrize(
    "outsider", ["dinsos_officer", "case_worker_b", "coordinator_b", "auditor_b"]
)
def test_agency_officers_and_other_offices_get_404(client, request, world, outsider):
    client.force_login(request.getfixturevalue(outsider))

    assert client.get(url(world)).status_code == 404
    assert client.get(pdf_url(world)).status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).exists()


def test_the_program_page_offers_the_outcome_report_to_those_who_may_read_it(
    client, coordinator_a, case_worker_a, world
):
    client.force_login(coordinator_a)
    assert url(world) in client.get(world.get_absolute_url()).content.decode()
    client.force_login(case_worker_a)
    assert url(world) not in client.get(world.get_absolute_url()).content.decode()


# --- Queries: the same for 3 participants as for 12 ---------------------------------------------


def full_cases(program, count, *, worker, coordinator, dinsos, officer):
    for number in range(count):
        case = enrol(program, worker)
        Occasion = OutcomeMeasure.Occasion
        measure(case, Occasion.INTAKE, (30, 40, 50), on=days_ago(200), by=worker)
        measure(case, Occasion.MONTH_6, (30 + number * 5, 40, 45), on=days_ago(20), by=worker)
        visit(case, 1, due=days_ago(170), visited=days_ago(150 - number), by=worker)
        visit(case, 3, due=days_ago(110))
        srq(case, 8, on=days_ago(200), by=worker)
        srq(case, number % 9, on=days_ago(20), by=worker)
        code = ["pkh_proposal", "dtsen_registration", "pbi_jk_activation"][number % 3]
        refer(
            case, dinsos, code, by=worker, coordinator=coordinator, officer=officer, moves=FINISHED
        )


@pytest.mark.parametrize("reader", ["coordinator_a", "auditor_a"])
def test_the_report_takes_the_same_queries_for_3_participants_as_for_12(
    client, request, office_a, regions, coordinator_a, case_worker_a, dinsos, dinsos_officer, reader
):
    user = request.getfixturevalue(reader)
    client.force_login(user)
    made = {"worker": case_worker_a, "coordinator": coordinator_a, "dinsos": dinsos}
    small = make_program(office_a, coordinator_a, regions["district"], name="Kecil")
    large = make_program(office_a, coordinator_a, regions["district"], name="Besar")
    full_cases(small, 3, officer=dinsos_officer, **made)
    full_cases(large, 12, officer=dinsos_officer, **made)

    with CaptureQueriesContext(connection) as few:
        assert client.get(url(small)).context["report"].participants == 3
    with CaptureQueriesContext(connection) as many:
        assert client.get(url(large)).context["report"].participants == 12

    assert len(few) == len(many)
    with CaptureQueriesContext(connection) as pdf_few:
        client.get(pdf_url(small))
    with CaptureQueriesContext(connection) as pdf_many:
        client.get(pdf_url(large))
    assert len(pdf_few) == len(pdf_many)


def test_the_figures_take_four_queries_whatever_the_number_of_participants(
    django_assert_num_queries,
    office_a,
    regions,
    coordinator_a,
    case_worker_a,
    dinsos,
    dinsos_officer,
):
    program = make_program(office_a, coordinator_a, regions["district"], name="Empat")
    made = {"worker": case_worker_a, "coordinator": coordinator_a, "dinsos": dinsos}
    full_cases(program, 4, officer=dinsos_officer, **made)

    with django_assert_num_queries(4):
        report = outcome_report.outcome_report(program, coordinator_a)
    assert report.participants == 4
