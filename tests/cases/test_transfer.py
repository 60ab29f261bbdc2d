"""A participant transferred to another office leaves no open case behind in the old one."""

from cases.models import Case
from participants.services import transfer_participant

from .conftest import enrol


def test_a_transfer_closes_the_open_cases_of_the_old_office_with_the_reason_transferred(
    program_a, case_worker_a, coordinator_a, office_b
):
    case = enrol(program_a, case_worker_a, full_name="Siti Aminah", sex="F")

    transfer_participant(
        participant=case.participant, to_office=office_b, reason="Pindah ke Bogor", by=coordinator_a
    )

    case.refresh_from_db()
    assert (case.status, case.close_reason) == (Case.Status.CLOSED, Case.CloseReason.TRANSFERRED)
    change = case.status_changes.order_by("pk").last()
    assert (change.to_status, change.changed_by) == (Case.Status.CLOSED, coordinator_a)
    assert "Pindah ke Bogor" in change.reason
    assert case.participant.office == office_b
