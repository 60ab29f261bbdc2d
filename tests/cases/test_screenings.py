"""Screenings through their pages: questionnaires, physical checks, alerts, roster, follow-ups."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import Role
from cases import services
from cases.instruments import SRQ20
from cases.models import Alert, FollowUp, Screening
from tests.factories import UserFactory

from .conftest import enrol
from .helpers import (
    days_ago,
    messages_of,
    physical_data,
    questionnaire_data,
    srq_answers,
    srq_data,
)

COORDINATOR_EMAIL = "koordinator.a@bp3mi-banten.example"


def srq_url(case, code="srq20"):
    return f"/cases/{case.pk}/screenings/{code}/"


def physical_url(case):
    return f"/cases/{case.pk}/screenings/physical/"


def resolve_url(alert):
    return f"/alerts/{alert.pk}/resolve/"


@pytest.fixture
def coordinator_with_email(coordinator_a):
    coordinator_a.email = COORDINATOR_EMAIL
    coordinator_a.save(update_fields=["email"])
    return coordinator_a


@pytest.fixture
def suicide_risk_alert(client, case_a, health_worker_a, django_capture_on_commit_callbacks):
    """The alert a health worker raises by recording "Ya" at SRQ-20 item 17."""
    client.force_login(health_worker_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(srq_url(case_a), srq_data(yes=[17]))
    client.logout()
    return Alert.objects.get()


# --- SRQ-20 -------------------------------------------------------------------------------


def test_srq20_form_shows_the_twenty_indonesian_items(client, case_a, health_worker_a):
    client.force_login(health_worker_a)

    response = client.get(srq_url(case_a))

    assert response.status_code == 200
    page = response.content.decode()
    for item in SRQ20.items:
        assert f"{item.number}. {item.text.id}" in page
    assert page.count('type="radio"') == 40
    assert "Tidak" in page and "Ya" in page
    assert "Siti Aminah" in page


def test_srq20_with_every_item_answered_keeps_every_answer_the_score_and_the_band(
    client, case_a, health_worker_a
):
    yes = [1, 3, 4, 5, 9, 10, 16]
    client.force_login(health_worker_a)

    response = client.post(srq_url(case_a), srq_data(yes=yes, decision="Konseling psikolog"))

    assert response.status_code == 302
    assert response.url == case_a.get_absolute_url()
    screening = Screening.objects.get()
    assert screening.case == case_a
    assert screening.kind == "srq20"
    assert screening.answers == {str(n): int(n in yes) for n in range(1, 21)}
    assert screening.score == 7
    assert screening.band == "positive"
    assert screening.decision == "Konseling psikolog"
    assert screening.recorded_by == health_worker_a
    assert not Alert.objects.exists()


def test_srq20_with_five_yes_is_negative(client, case_a, health_worker_a):
    client.force_login(health_worker_a)

    client.post(srq_url(case_a), srq_data(yes=[1, 2, 3, 4, 5]))

    screening = Screening.objects.get()
    assert (screening.score, screening.band) == (5, "negative")


def test_srq20_with_an_item_unanswered_shows_an_error_and_saves_nothing(
    client, case_a, health_worker_a
):
    data = srq_data(yes=[1, 2])
    del data["item_12"]
    client.force_login(health_worker_a)

    response = client.post(srq_url(case_a), data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["item_12"]
    page = response.content.decode()
    assert "Semua pertanyaan harus dijawab." in page
    assert "Jawab pertanyaan ini." in page
    assert not Screening.objects.exists()


@pytest.mark.parametrize("value", ["2", "ya", "-1"])
def test_srq20_with_an_answer_off_the_scale_shows_an_error_and_saves_nothing(
    client, case_a, health_worker_a, value
):
    client.force_login(health_worker_a)

    response = client.post(srq_url(case_a), srq_data(item_3=value))

    assert response.status_code == 200
    assert "item_3" in response.context["form"].errors
    assert not Screening.objects.exists()


# --- Alerts -------------------------------------------------------------------------------


def test_srq20_item_17_yes_alone_raises_a_suicide_risk_alert(
    client, case_a, health_worker_a, django_capture_on_commit_callbacks
):
    client.force_login(health_worker_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(srq_url(case_a), srq_data(yes=[17]))

    assert response.status_code == 302
    screening = Screening.objects.get()
    assert (screening.score, screening.band) == (1, "negative")
    alert = Alert.objects.get()
    assert (alert.case, alert.screening, alert.code) == (case_a, screening, "suicide_risk")
    assert alert.resolved_at is None
    assert "warning" in [level for level, _text in messages_of(response)]


def test_a_suicide_risk_alert_emails_the_office_coordinators_that_have_an_email(
    client,
    case_a,
    health_worker_a,
    coordinator_with_email,
    office_a,
    office_b,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    UserFactory(role=Role.COORDINATOR, office=office_a, email="")
    UserFactory(role=Role.COORDINATOR, office=office_a, email="lama@example.org", is_active=False)
    UserFactory(role=Role.COORDINATOR, office=office_b, email="koordinator.b@example.org")
    UserFactory(role=Role.CASE_WORKER, office=office_a, email="petugas@example.org")
    client.force_login(health_worker_a)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(srq_url(case_a), srq_data(yes=[17]))

    [email] = mailoutbox
    assert email.to == [COORDINATOR_EMAIL]
    assert email.subject == "[Purna] Peringatan perlu tindakan: Risiko bunuh diri"
    assert case_a.get_absolute_url() in email.body


def test_the_alert_email_carries_no_name_nik_or_answers(
    client,
    case_a,
    health_worker_a,
    coordinator_with_email,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    participant = case_a.participant
    assert participant.nik
    client.force_login(health_worker_a)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(srq_url(case_a), srq_data(yes=[17]))

    [email] = mailoutbox
    for text in (email.subject, email.body):
        assert participant.full_name not in text
        assert participant.full_name.split()[0] not in text
        assert participant.nik not in text
        assert SRQ20.items[16].text.id not in text


def test_no_email_is_sent_when_no_coordinator_has_an_email(
    client, case_a, health_worker_a, coordinator_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(health_worker_a)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(srq_url(case_a), srq_data(yes=[17]))

    assert Alert.objects.count() == 1
    assert mailoutbox == []


def test_an_srq20_without_item_17_sends_no_email(
    client,
    case_a,
    health_worker_a,
    coordinator_with_email,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(health_worker_a)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(srq_url(case_a), srq_data(yes=[1, 2, 3, 4, 5, 6, 7, 8]))

    assert not Alert.objects.exists()
    assert mailoutbox == []


def test_an_open_alert_shows_on_the_case_page(client, case_a, coordinator_a, suicide_risk_alert):
    client.force_login(coordinator_a)

    response = client.get(case_a.get_absolute_url())

    assert list(response.context["alerts"]) == [suicide_risk_alert]
    page = response.content.decode()
    assert "alert-banner" in page
    assert "Risiko bunuh diri" in page
    assert f'action="{resolve_url(suicide_risk_alert)}"' in page


def test_an_open_alert_shows_on_the_program_roster(
    client, case_a, coordinator_a, suicide_risk_alert
):
    client.force_login(coordinator_a)

    response = client.get(case_a.program.get_absolute_url())

    assert list(response.context["alerts"]) == [suicide_risk_alert]
    [row] = response.context["cases"]
    assert row.open_alert_count == 1
    page = response.content.decode()
    assert "alert-banner" in page
    assert "row-alert" in page


def test_an_open_alert_shows_on_the_coordinators_dashboard(
    client, case_a, coordinator_a, suicide_risk_alert
):
    client.force_login(coordinator_a)

    response = client.get("/")

    assert list(response.context["alerts"]) == [suicide_risk_alert]
    page = response.content.decode()
    assert "alert-banner" in page
    assert "Siti Aminah" in page


def test_an_alert_of_another_office_stays_off_the_dashboard(
    client, case_b, coordinator_a, health_worker_a
):
    screening = services.record_questionnaire(
        case=case_b, instrument=SRQ20, answers=srq_answers(yes=[17]), by=health_worker_a
    )
    assert screening.alerts.exists()
    client.force_login(coordinator_a)

    response = client.get("/")

    assert list(response.context["alerts"]) == []
    assert "Nur Halimah" not in response.content.decode()


def test_resolving_an_alert_records_who_when_and_what(client, coordinator_a, suicide_risk_alert):
    client.force_login(coordinator_a)

    response = client.post(
        resolve_url(suicide_risk_alert),
        {"action_taken": "Psikolog mendampingi; keluarga diberi tahu; rujukan ke RSJ."},
    )

    assert response.status_code == 302
    assert response.url == suicide_risk_alert.case.get_absolute_url()
    suicide_risk_alert.refresh_from_db()
    assert suicide_risk_alert.resolved_by == coordinator_a
    assert suicide_risk_alert.resolved_at is not None
    assert suicide_risk_alert.action_taken.startswith("Psikolog mendampingi")


def test_a_resolved_alert_leaves_the_case_page_the_roster_and_the_dashboard(
    client, case_a, coordinator_a, suicide_risk_alert
):
    client.force_login(coordinator_a)
    client.post(resolve_url(suicide_risk_alert), {"action_taken": "Dirujuk ke RSJ"})

    for url in (case_a.get_absolute_url(), case_a.program.get_absolute_url(), "/"):
        response = client.get(url)
        assert list(response.context["alerts"]) == [], url
        assert "alert-banner" not in response.content.decode(), url
    response = client.get(case_a.program.get_absolute_url())
    assert "row-alert" not in response.content.decode()


def test_case_worker_may_resolve_an_alert_and_is_sent_back_where_they_were(
    client, case_worker_a, suicide_risk_alert
):
    client.force_login(case_worker_a)
    roster = suicide_risk_alert.case.program.get_absolute_url()

    response = client.post(
        resolve_url(suicide_risk_alert), {"action_taken": "Dirujuk ke RSJ", "next": roster}
    )

    assert response.status_code == 302
    assert response.url == roster
    suicide_risk_alert.refresh_from_db()
    assert suicide_risk_alert.resolved_by == case_worker_a


@pytest.mark.parametrize("action", ["", "   "])
def test_resolving_an_alert_without_saying_what_was_done_is_refused(
    client, coordinator_a, suicide_risk_alert, action
):
    client.force_login(coordinator_a)

    response = client.post(resolve_url(suicide_risk_alert), {"action_taken": action})

    assert response.status_code == 302
    [(level, _text)] = messages_of(response)
    assert level == "error"
    suicide_risk_alert.refresh_from_db()
    assert suicide_risk_alert.resolved_at is None
    assert suicide_risk_alert.resolved_by is None
    assert suicide_risk_alert.action_taken == ""


def test_resolving_an_alert_never_redirects_off_site(client, coordinator_a, suicide_risk_alert):
    client.force_login(coordinator_a)

    response = client.post(
        resolve_url(suicide_risk_alert),
        {"action_taken": "Dirujuk ke RSJ", "next": "https://evil.example/phish"},
    )

    assert response.status_code == 302
    assert not response.url.startswith("https://evil.example")
    assert response.url == suicide_risk_alert.case.get_absolute_url()


def test_health_worker_cannot_resolve_an_alert(client, health_worker_a, suicide_risk_alert):
    client.force_login(health_worker_a)

    response = client.post(resolve_url(suicide_risk_alert), {"action_taken": "Dirujuk ke RSJ"})

    assert response.status_code == 403
    suicide_risk_alert.refresh_from_db()
    assert suicide_risk_alert.resolved_at is None


@pytest.mark.parametrize("user", ["case_worker_b", "dinsos_officer", "auditor_a"])
def test_outsiders_agency_officers_and_auditors_do_not_find_the_alert(
    client, suicide_risk_alert, request, user
):
    client.force_login(request.getfixturevalue(user))

    response = client.post(resolve_url(suicide_risk_alert), {"action_taken": "Dirujuk ke RSJ"})

    assert response.status_code == 404
    suicide_risk_alert.refresh_from_db()
    assert suicide_risk_alert.resolved_at is None


@pytest.mark.parametrize("value", [1, 2, 3])
def test_phq9_item_9_above_zero_raises_a_suicide_risk_alert(client, case_a, health_worker_a, value):
    client.force_login(health_worker_a)

    response = client.post(srq_url(case_a, "phq9"), questionnaire_data("phq9", {9: value}))

    assert response.status_code == 302
    screening = Screening.objects.get()
    assert (screening.kind, screening.score, screening.band) == ("phq9", value, "minimal")
    assert list(Alert.objects.values_list("code", flat=True)) == ["suicide_risk"]


def test_phq9_item_9_at_zero_raises_no_alert(client, case_a, health_worker_a):
    answers = dict.fromkeys(range(1, 9), 3)
    client.force_login(health_worker_a)

    client.post(srq_url(case_a, "phq9"), questionnaire_data("phq9", answers))

    screening = Screening.objects.get()
    assert (screening.score, screening.band) == (24, "severe")
    assert not Alert.objects.exists()


def test_gad7_raises_no_alert_even_at_its_highest_score(client, case_a, health_worker_a):
    client.force_login(health_worker_a)

    client.post(srq_url(case_a, "gad7"), questionnaire_data("gad7", dict.fromkeys(range(1, 8), 3)))

    screening = Screening.objects.get()
    assert (screening.kind, screening.score, screening.band) == ("gad7", 21, "severe")
    assert not Alert.objects.exists()


# --- Who may screen -----------------------------------------------------------------------


@pytest.mark.parametrize("code", ["bdi2", "SRQ20", "srq-20"])
def test_an_unknown_instrument_is_not_found(client, case_a, health_worker_a, code):
    client.force_login(health_worker_a)

    assert client.get(srq_url(case_a, code)).status_code == 404
    assert client.post(srq_url(case_a, code), srq_data()).status_code == 404
    assert not Screening.objects.exists()


@pytest.mark.parametrize("user", ["health_worker_a", "case_worker_a", "coordinator_a"])
def test_office_staff_who_screen_can_record_an_srq20(client, case_a, request, user):
    screener = request.getfixturevalue(user)
    client.force_login(screener)

    assert client.get(srq_url(case_a)).status_code == 200
    response = client.post(srq_url(case_a), srq_data(yes=[1]))

    assert response.status_code == 302
    assert Screening.objects.get().recorded_by == screener


@pytest.mark.parametrize("user", ["dinsos_officer", "auditor_a", "case_worker_b"])
def test_agency_officers_auditors_and_outsiders_do_not_find_the_questionnaire(
    client, case_a, request, user
):
    client.force_login(request.getfixturevalue(user))

    assert client.get(srq_url(case_a)).status_code == 404
    assert client.post(srq_url(case_a), srq_data(yes=[17])).status_code == 404
    assert not Screening.objects.exists()
    assert not Alert.objects.exists()


@pytest.mark.parametrize("user", ["dinsos_officer", "auditor_a", "case_worker_b"])
def test_agency_officers_auditors_and_outsiders_do_not_find_the_physical_form(
    client, case_a, request, user
):
    client.force_login(request.getfixturevalue(user))

    assert client.get(physical_url(case_a)).status_code == 404
    assert client.post(physical_url(case_a), physical_data()).status_code == 404
    assert not Screening.objects.exists()


# --- Physical screening -------------------------------------------------------------------


def test_physical_screening_saves_the_bmi_and_both_of_its_classes(client, case_a, health_worker_a):
    client.force_login(health_worker_a)

    response = client.post(physical_url(case_a), physical_data())

    assert response.status_code == 302
    assert response.url == case_a.get_absolute_url()
    screening = Screening.objects.get()
    assert screening.kind == Screening.PHYSICAL
    assert screening.recorded_by == health_worker_a
    assert screening.bmi == Decimal("23.4")
    assert screening.bmi_class_kemenkes == "normal"
    assert screening.bmi_class_asia_pacific == "overweight"


def test_physical_screening_classes_the_mean_of_the_two_blood_pressure_readings(
    client, case_a, health_worker_a
):
    # 142/92 alone is grade 1; the mean with 136/86 is 139/89, high normal.
    client.force_login(health_worker_a)

    client.post(physical_url(case_a), physical_data())

    screening = Screening.objects.get()
    assert (screening.systolic_1, screening.diastolic_1) == (142, 92)
    assert (screening.systolic_2, screening.diastolic_2) == (136, 86)
    assert screening.blood_pressure_class == "high_normal"
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    ("glucose", "fasting", "expected"),
    [("210", False, "diabetes"), ("150", False, "high"), ("110", True, "prediabetes")],
)
def test_physical_screening_classes_the_glucose_by_fasting_or_not(
    client, case_a, health_worker_a, glucose, fasting, expected
):
    client.force_login(health_worker_a)
    data = physical_data(glucose_mg_dl=glucose)
    if fasting:
        data["glucose_fasting"] = "on"

    client.post(physical_url(case_a), data)

    screening = Screening.objects.get()
    assert screening.glucose_fasting is fasting
    assert screening.glucose_class == expected


@pytest.mark.parametrize(
    ("sex", "waist", "expected"),
    [("F", "80", True), ("F", "79.9", False), ("M", "85", False), ("M", "90", True)],
)
def test_physical_screening_reads_central_obesity_by_sex(
    client, program_a, case_worker_a, health_worker_a, sex, waist, expected
):
    case = enrol(program_a, case_worker_a, full_name="Peserta Uji", sex=sex)
    client.force_login(health_worker_a)

    client.post(physical_url(case), physical_data(waist_cm=waist))

    assert Screening.objects.get().central_obesity is expected


def test_physical_screening_of_185_over_95_raises_an_urgent_blood_pressure_alert(
    client,
    case_a,
    health_worker_a,
    coordinator_with_email,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(health_worker_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            physical_url(case_a),
            physical_data(systolic_1="185", diastolic_1="95", systolic_2="", diastolic_2=""),
        )

    assert response.status_code == 302
    screening = Screening.objects.get()
    assert screening.blood_pressure_class == "grade_3"
    alert = Alert.objects.get()
    assert (alert.code, alert.screening, alert.case) == ("urgent_blood_pressure", screening, case_a)
    [email] = mailoutbox
    assert email.to == [COORDINATOR_EMAIL]
    assert "Siti Aminah" not in email.body


def test_the_physical_form_shows_its_fields(client, case_a, health_worker_a):
    client.force_login(health_worker_a)

    response = client.get(physical_url(case_a))

    assert response.status_code == 200
    page = response.content.decode()
    for name in ("height_cm", "weight_kg", "systolic_1", "diastolic_2", "glucose_mg_dl"):
        assert f'name="{name}"' in page


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"weight_kg": "0"}, "weight_kg"),
        ({"weight_kg": "-60"}, "weight_kg"),
        ({"systolic_1": "80", "diastolic_1": "120"}, "systolic_1"),
        ({"systolic_2": "90", "diastolic_2": "90"}, "systolic_2"),
        ({"weight_kg": ""}, "weight_kg"),
        ({"height_cm": ""}, "weight_kg"),
        ({"diastolic_1": ""}, "diastolic_1"),
        ({"glucose_sample": ""}, "glucose_sample"),
        ({"height_cm": "16"}, "height_cm"),
        ({"screened_on": days_ago(-1)}, "screened_on"),
    ],
    ids=[
        "weight-zero",
        "weight-negative",
        "systolic-below-diastolic",
        "systolic-equal-diastolic",
        "height-without-weight",
        "weight-without-height",
        "systolic-without-diastolic",
        "glucose-without-sample",
        "height-implausible",
        "date-in-future",
    ],
)
def test_physical_screening_with_bad_input_shows_an_error_and_saves_nothing(
    client, case_a, health_worker_a, overrides, field
):
    client.force_login(health_worker_a)

    response = client.post(physical_url(case_a), physical_data(**overrides))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Screening.objects.exists()
    assert not Alert.objects.exists()


def test_physical_screening_with_nothing_measured_is_refused(client, case_a, health_worker_a):
    empty = dict.fromkeys(physical_data(), "")
    empty["screened_on"] = days_ago(0)
    client.force_login(health_worker_a)

    response = client.post(physical_url(case_a), empty)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Screening.objects.exists()


# --- Screening one participant after another from the roster ------------------------------


@pytest.fixture
def roster(program_a, case_a, case_worker_a):
    """Three cases, by name: Ani Rahayu, Siti Aminah (case_a), Wulan Sari."""
    ani = enrol(program_a, case_worker_a, full_name="Ani Rahayu")
    wulan = enrol(program_a, case_worker_a, full_name="Wulan Sari")
    return [ani, case_a, wulan]


def test_srq20_from_the_roster_goes_on_to_the_next_participant_by_name(
    client, roster, health_worker_a
):
    ani, siti, _wulan = roster
    client.force_login(health_worker_a)

    response = client.post(f"{srq_url(ani)}?from=roster", srq_data(yes=[1]))

    assert response.status_code == 302
    assert response.url == f"{srq_url(siti)}?from=roster"
    assert Screening.objects.get().case == ani


def test_physical_screening_from_the_roster_goes_on_to_the_next_participant_by_name(
    client, roster, health_worker_a
):
    _ani, siti, wulan = roster
    client.force_login(health_worker_a)

    response = client.post(f"{physical_url(siti)}?from=roster", physical_data())

    assert response.status_code == 302
    assert response.url == f"{physical_url(wulan)}?from=roster"


def test_after_the_last_participant_the_roster_leads_back_to_the_program(
    client, roster, program_a, health_worker_a
):
    *_others, wulan = roster
    client.force_login(health_worker_a)

    srq = client.post(f"{srq_url(wulan)}?from=roster", srq_data())
    physical = client.post(f"{physical_url(wulan)}?from=roster", physical_data())

    assert srq.url == physical.url == program_a.get_absolute_url()
    assert "info" in [level for level, _text in messages_of(physical)]


def test_the_roster_links_each_participant_to_the_screenings_in_roster_mode(
    client, roster, health_worker_a
):
    client.force_login(health_worker_a)

    response = client.get(roster[0].program.get_absolute_url())

    page = response.content.decode()
    names = [case.participant.full_name for case in response.context["cases"]]
    assert names == ["Ani Rahayu", "Siti Aminah", "Wulan Sari"]
    for case in roster:
        assert f"{srq_url(case)}?from=roster" in page
        assert f"{physical_url(case)}?from=roster" in page


def test_a_bad_answer_from_the_roster_stays_on_the_same_participant(
    client, roster, health_worker_a
):
    ani = roster[0]
    data = srq_data()
    del data["item_1"]
    client.force_login(health_worker_a)

    response = client.post(f"{srq_url(ani)}?from=roster", data)

    assert response.status_code == 200
    assert response.context["case"] == ani
    assert not Screening.objects.exists()


# --- Follow-up visits ---------------------------------------------------------------------


def follow_up_url(case, month=1):
    return f"/cases/{case.pk}/follow-ups/{month}/"


def follow_up_data(**overrides):
    data = {"visited_on": days_ago(0), "summary": "Usaha warung mulai berjalan."}
    data.update(overrides)
    return data


def test_recording_the_first_month_visit_leads_to_what_to_do_at_that_visit(
    client, case_a, case_worker_a
):
    client.force_login(case_worker_a)

    response = client.post(follow_up_url(case_a), follow_up_data())

    assert response.status_code == 302
    assert response.url == follow_up_url(case_a)
    visit = case_a.follow_ups.get(month=1)
    assert (visit.visited_on.isoformat(), visit.recorded_by) == (days_ago(0), case_worker_a)
    page = client.get(response.url)
    [srq] = page.context["tasks"]
    assert srq["url"] == f"{srq_url(case_a)}?follow_up={visit.pk}"


def test_a_repeat_srq20_is_linked_to_its_visit_and_the_case_shows_the_change(
    client, case_a, case_worker_a, health_worker_a
):
    services.record_questionnaire(
        case=case_a, instrument=SRQ20, answers=srq_answers(range(1, 10)), by=health_worker_a
    )
    client.force_login(case_worker_a)
    visit_page = client.post(follow_up_url(case_a), follow_up_data()).url
    visit = case_a.follow_ups.get(month=1)
    form_url = client.get(visit_page).context["tasks"][0]["url"]

    assert client.get(form_url).context["follow_up"] == visit
    response = client.post(form_url, srq_data(yes=[1, 3, 5, 20]))

    assert response.status_code == 302
    assert response.url == visit_page
    repeat = Screening.objects.latest("pk")
    assert (repeat.score, repeat.follow_up) == (4, visit)
    page = client.get(case_a.get_absolute_url())
    change = page.context["srq_change"]
    assert (change["first"].score, change["latest"].score, change["difference"]) == (9, 4, -5)
    html = page.content.decode()
    assert "SRQ-20: 9 pada" in html
    assert "sekarang 4" in html
    assert "membaik" in html


def test_the_same_visit_month_twice_is_refused(client, case_a, case_worker_a):
    client.force_login(case_worker_a)
    client.post(follow_up_url(case_a), follow_up_data())

    response = client.post(follow_up_url(case_a), follow_up_data(summary="Lagi"))

    assert response.status_code == 302
    [(level, _text)] = messages_of(response)[-1:]
    assert level == "warning"
    visit = case_a.follow_ups.get(month=1)
    assert visit.summary == "Usaha warung mulai berjalan."
    assert case_a.follow_ups.exclude(visited_on=None).count() == 1


def test_a_visit_in_the_future_is_refused(client, case_a, case_worker_a):
    client.force_login(case_worker_a)

    response = client.post(follow_up_url(case_a), follow_up_data(visited_on=days_ago(-3)))

    assert response.status_code == 200
    assert "visited_on" in response.context["form"].errors
    assert not case_a.follow_ups.exclude(visited_on=None).exists()


def test_health_worker_cannot_record_a_visit(client, case_a, health_worker_a):
    client.force_login(health_worker_a)

    response = client.post(follow_up_url(case_a), follow_up_data())

    assert response.status_code == 403
    assert not FollowUp.objects.exclude(visited_on=None).exists()


def test_case_worker_of_another_office_cannot_record_a_visit(client, case_a, case_worker_b):
    client.force_login(case_worker_b)

    response = client.post(follow_up_url(case_a), follow_up_data())

    assert response.status_code == 404
    assert not FollowUp.objects.exclude(visited_on=None).exists()


def test_a_visit_of_another_case_cannot_be_borrowed_by_the_srq20(
    client, program_a, case_a, case_worker_a
):
    other = enrol(program_a, case_worker_a, full_name="Ani Rahayu")
    visit = services.record_follow_up(
        follow_up=other.follow_ups.get(month=1),
        visited_on=datetime.date.fromisoformat(days_ago(0)),
        summary="",
        by=case_worker_a,
    )
    client.force_login(case_worker_a)

    response = client.post(f"{srq_url(case_a)}?follow_up={visit.pk}", srq_data())

    assert response.status_code == 404
    assert not Screening.objects.exists()


def test_a_malformed_visit_id_is_not_found(client, case_a, case_worker_a):
    client.force_login(case_worker_a)

    response = client.get(f"{srq_url(case_a)}?follow_up=abc")

    assert response.status_code == 404


# --- The case page ------------------------------------------------------------------------


def screen_at_visits(case, months, by):
    """The visit of each month recorded, each with its repeat SRQ-20 and a physical screening."""
    for month in months:
        visit = services.record_follow_up(
            follow_up=case.follow_ups.get(month=month),
            visited_on=case.intake_date,
            summary=f"Kunjungan bulan ke-{month}",
            by=by,
        )
        services.record_questionnaire(
            case=case, instrument=SRQ20, answers=srq_answers(yes=[1, 2]), by=by, follow_up=visit
        )
        Screening.objects.create(
            case=case,
            kind=Screening.PHYSICAL,
            follow_up=visit,
            recorded_by=by,
            systolic_1=150,
            diastolic_1=95,
            blood_pressure_class="grade_1",
        )


# Session, user; the unread notifications; the case with its participant, program and
# worker, in the access check's query; the problems; the latest period abroad; the
# screenings with their visits; the office; the open alerts; the history; the schedule's
# visits; the plan; the notes; the outcome measures; the referrals (none here): the same
# however many screenings and visits the case has.
# And the access log's row for the read.
CASE_PAGE_QUERIES = 16


@pytest.mark.parametrize("months", [[1], [1, 3, 6, 12]], ids=["one-visit", "four-visits"])
def test_case_page_query_count_does_not_grow_with_the_screenings(
    client, case_a, case_worker_a, django_assert_num_queries, months
):
    screen_at_visits(case_a, months, case_worker_a)
    client.force_login(case_worker_a)

    with django_assert_num_queries(CASE_PAGE_QUERIES):
        response = client.get(case_a.get_absolute_url())

    assert response.status_code == 200
    assert len(response.context["screenings"]) == 2 * len(months)
    html = response.content.decode()
    assert f"Kunjungan bulan ke-{months[-1]}" in html
    assert html.count('data-state="done"') == len(months)
