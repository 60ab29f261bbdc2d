import pytest

from accounts.models import Role
from cases import services
from cases.models import Program
from tests.factories import ParticipantFactory, UserFactory


@pytest.fixture
def case(office_a, coordinator_a, case_worker_a, regions):
    program = Program.objects.create(
        office=office_a,
        name="Kegiatan uji",
        venue="Aula",
        district=regions["district"],
        start_date="2025-11-05",
        end_date="2025-11-06",
        created_by=coordinator_a,
    )
    participant = ParticipantFactory(office=office_a)
    (case,) = services.enrol_participants(
        program=program, participants=[participant], by=coordinator_a
    )
    return case


def test_coordinator_assigns_a_case_worker_of_the_office(client, coordinator_a, case, office_a):
    other = UserFactory(role=Role.CASE_WORKER, office=office_a, username="petugas_lain")
    client.force_login(coordinator_a)

    response = client.post(f"/cases/{case.pk}/assign/", {"case_worker": other.pk})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.case_worker == other


def test_a_case_worker_of_another_office_cannot_be_assigned(
    client, coordinator_a, case, case_worker_b
):
    client.force_login(coordinator_a)

    client.post(f"/cases/{case.pk}/assign/", {"case_worker": case_worker_b.pk})

    case.refresh_from_db()
    assert case.case_worker is None


def test_a_case_worker_cannot_reassign_cases(client, case_worker_a, case):
    client.force_login(case_worker_a)

    response = client.post(f"/cases/{case.pk}/assign/", {"case_worker": case_worker_a.pk})

    assert response.status_code == 403


@pytest.mark.parametrize("outsider", ["case_worker_b", "dinsos_officer", "auditor_a"])
def test_outsiders_cannot_reach_the_assignment(client, request, case, outsider):
    client.force_login(request.getfixturevalue(outsider))

    assert client.post(f"/cases/{case.pk}/assign/", {"case_worker": 1}).status_code == 404
