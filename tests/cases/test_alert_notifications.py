"""Under the bell: alerts raised and handled, and cases given to a case worker."""

import pytest
from django.db import transaction

from accounts.models import Notification, NotificationKind, Role
from cases import services
from cases.instruments import SRQ20
from cases.models import Case
from tests.factories import ParticipantFactory, UserFactory

from .helpers import srq_answers

ACTION = "Psikolog mendampingi; keluarga diberi tahu."


def told(user):
    return list(Notification.objects.filter(user=user).order_by("pk"))


def kinds(user):
    return [notification.kind for notification in told(user)]


def raise_alert(case, by):
    screening = services.record_questionnaire(
        case=case, instrument=SRQ20, answers=srq_answers(yes=[17]), by=by
    )
    [alert] = screening.alerts.all()
    return alert


@pytest.fixture
def coordinator_b(office_b):
    return UserFactory(username="koordinator_b", role=Role.COORDINATOR, office=office_b)


@pytest.fixture
def everybody(
    coordinator_a,
    case_worker_a,
    health_worker_a,
    auditor_a,
    case_worker_b,
    coordinator_b,
    dinsos_officer,
    admin_user,
):
    return {
        "coordinator_a": coordinator_a,
        "case_worker_a": case_worker_a,
        "health_worker_a": health_worker_a,
        "auditor_a": auditor_a,
        "case_worker_b": case_worker_b,
        "coordinator_b": coordinator_b,
        "dinsos_officer": dinsos_officer,
        "admin_user": admin_user,
    }


@pytest.fixture
def alert(everybody, case_a, health_worker_a):
    return raise_alert(case_a, health_worker_a)


def test_a_case_enrolled_by_its_own_case_worker_tells_nobody(case_a):
    assert Notification.objects.count() == 0


def test_a_raised_alert_tells_the_office_coordinators_and_the_case_worker_once(
    everybody, alert, case_a
):
    told_whom = {name for name, user in everybody.items() if told(user)}

    assert told_whom == {"coordinator_a", "case_worker_a"}
    for name in told_whom:
        [notification] = told(everybody[name])
        assert notification.kind == NotificationKind.ALERT_RAISED
        assert notification.url == f"/cases/{case_a.pk}/"
        assert notification.event == f"alert:{alert.pk}:raised"
    assert Notification.objects.count() == 2


def test_the_alert_text_gives_the_kind_and_registration_number_not_the_name(alert, case_a):
    participant = case_a.participant
    for text in Notification.objects.values_list("text", flat=True):
        assert participant.registration_number in text
        assert "Risiko bunuh diri" in text
        assert participant.full_name not in text
        assert "Siti" not in text


def test_an_english_reader_gets_the_alert_in_english(case_a, coordinator_a, health_worker_a):
    coordinator_a.language = "en"
    coordinator_a.save(update_fields=["language"])

    raise_alert(case_a, health_worker_a)

    [notification] = told(coordinator_a)
    assert notification.text == (
        f"Alert needs action: Suicide risk, participant {case_a.participant.registration_number}"
    )


def test_a_second_alert_tells_again(alert, case_a, health_worker_a, coordinator_a):
    raise_alert(case_a, health_worker_a)

    assert kinds(coordinator_a) == [NotificationKind.ALERT_RAISED] * 2


def test_handling_the_alert_tells_the_others_but_not_the_one_who_handled_it(
    everybody, alert, coordinator_a, case_worker_a
):
    services.resolve_alert(alert=alert, by=coordinator_a, action_taken=ACTION)

    assert kinds(case_worker_a) == [NotificationKind.ALERT_RAISED, NotificationKind.ALERT_HANDLED]
    assert kinds(coordinator_a) == [NotificationKind.ALERT_RAISED]
    assert told(case_worker_a)[-1].event == f"alert:{alert.pk}:handled"
    assert Notification.objects.count() == 3


def test_handling_an_alert_already_handled_tells_nobody_again(alert, coordinator_a, case_worker_a):
    services.resolve_alert(alert=alert, by=case_worker_a, action_taken=ACTION)
    services.resolve_alert(alert=alert, by=case_worker_a, action_taken="Lagi.")

    assert kinds(coordinator_a) == [NotificationKind.ALERT_RAISED, NotificationKind.ALERT_HANDLED]
    assert kinds(case_worker_a) == [NotificationKind.ALERT_RAISED]


def test_a_case_worker_of_another_office_hears_nothing_of_the_alert(
    case_a, case_worker_b, health_worker_a, coordinator_a
):
    Case.objects.filter(pk=case_a.pk).update(case_worker=case_worker_b)
    case_a.refresh_from_db()

    alert = raise_alert(case_a, health_worker_a)
    services.resolve_alert(alert=alert, by=coordinator_a, action_taken=ACTION)

    assert told(case_worker_b) == []


def test_a_rolled_back_screening_leaves_no_notification(case_a, coordinator_a, health_worker_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        raise_alert(case_a, health_worker_a)
        raise RuntimeError("the write after it failed")

    assert Notification.objects.count() == 0


# --- Assignment ---------------------------------------------------------------------------


@pytest.fixture
def unassigned(program_a, coordinator_a):
    participant = ParticipantFactory(office=program_a.office, full_name="Dewi Lestari")
    [case] = services.enrol_participants(
        program=program_a, participants=[participant], by=coordinator_a
    )
    assert case.case_worker is None
    return case


@pytest.fixture
def other_worker(office_a):
    return UserFactory(username="petugas_lain", role=Role.CASE_WORKER, office=office_a)


def test_assigning_a_case_tells_the_new_case_worker(
    client, coordinator_a, unassigned, case_worker_a
):
    client.force_login(coordinator_a)

    response = client.post(f"/cases/{unassigned.pk}/assign/", {"case_worker": case_worker_a.pk})

    assert response.status_code == 302
    [notification] = told(case_worker_a)
    assert notification.kind == NotificationKind.ASSIGNED
    assert notification.url == f"/cases/{unassigned.pk}/"
    assert unassigned.participant.registration_number in notification.text
    assert "Dewi" not in notification.text
    assert told(coordinator_a) == []


def test_a_refused_assignment_tells_nobody(client, coordinator_a, unassigned, case_worker_b):
    client.force_login(coordinator_a)

    client.post(f"/cases/{unassigned.pk}/assign/", {"case_worker": case_worker_b.pk})

    assert Notification.objects.count() == 0


def test_assigning_oneself_tells_nobody(unassigned, case_worker_a):
    services.assign_case(case=unassigned, case_worker=case_worker_a, by=case_worker_a)

    assert Notification.objects.count() == 0
    unassigned.refresh_from_db()
    assert unassigned.case_worker == case_worker_a


def test_assigning_the_same_case_worker_again_tells_nothing_new(
    unassigned, coordinator_a, case_worker_a
):
    services.assign_case(case=unassigned, case_worker=case_worker_a, by=coordinator_a)
    services.assign_case(case=unassigned, case_worker=case_worker_a, by=coordinator_a)

    assert kinds(case_worker_a) == [NotificationKind.ASSIGNED]


def test_each_assignment_back_to_a_case_worker_tells_them_again(
    unassigned, coordinator_a, case_worker_a, other_worker
):
    for worker in (case_worker_a, other_worker, case_worker_a):
        services.assign_case(case=unassigned, case_worker=worker, by=coordinator_a)

    assert kinds(case_worker_a) == [NotificationKind.ASSIGNED] * 2
    assert kinds(other_worker) == [NotificationKind.ASSIGNED]


def test_removing_the_case_worker_tells_nobody(unassigned, coordinator_a, case_worker_a):
    services.assign_case(case=unassigned, case_worker=case_worker_a, by=coordinator_a)

    services.assign_case(case=unassigned, case_worker=None, by=coordinator_a)

    unassigned.refresh_from_db()
    assert unassigned.case_worker is None
    assert Notification.objects.count() == 1


def test_enrolling_for_another_case_worker_tells_them_of_each_case(
    program_a, coordinator_a, case_worker_a
):
    people = [ParticipantFactory(office=program_a.office) for _ in range(2)]

    cases = services.enrol_participants(
        program=program_a, participants=people, by=coordinator_a, case_worker=case_worker_a
    )

    assert sorted(n.url for n in told(case_worker_a)) == sorted(c.get_absolute_url() for c in cases)
    assert set(kinds(case_worker_a)) == {NotificationKind.ASSIGNED}


def test_enrolling_for_oneself_tells_nobody(program_a, case_worker_a):
    services.enrol_participants(
        program=program_a,
        participants=[ParticipantFactory(office=program_a.office)],
        by=case_worker_a,
        case_worker=case_worker_a,
    )

    assert Notification.objects.count() == 0
