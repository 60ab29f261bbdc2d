"""Every status machine has the same shape: a transitions map on the model over its own
statuses, roles that exist, requirements that name real fields, and one domain error."""

import pytest

from accounts.models import Role
from accounts.workflow import SYSTEM, IllegalMove, Move
from cases.models import Case
from participants.models import ImportJob
from referrals.models import Referral
from reports.models import ReportJob

MACHINES = [Case, Referral, ImportJob, ReportJob]


@pytest.mark.parametrize("model", MACHINES, ids=lambda model: model.__name__)
def test_the_transitions_map_is_made_of_real_statuses_roles_and_fields(model):
    statuses = {value for value, _label in model._meta.get_field("status").choices}
    fields = {field.name for field in model._meta.get_fields()} | {"note"}

    assert model.TRANSITIONS
    for (source, target), move in model.TRANSITIONS.items():
        assert isinstance(move, Move)
        assert {source, target} <= statuses, (source, target)
        assert source != target
        assert move.by <= set(Role.values)
        assert move.needs in fields | {""}, move.needs


@pytest.mark.parametrize("model", [ImportJob, ReportJob], ids=lambda model: model.__name__)
def test_only_the_system_moves_a_job_along_and_nobody_moves_it_back_once_finished(model):
    finished = {model.Status.FAILED, *([model.Status.COMMITTED] if model is ImportJob else [])}
    finished |= {model.Status.DONE} if model is ReportJob else set()

    assert not [pair for pair in model.TRANSITIONS if pair[0] in finished]
    people_moves = [pair for pair, move in model.TRANSITIONS.items() if move.by != SYSTEM]
    assert people_moves == ([("validated", "committing")] if model is ImportJob else [])


def test_a_move_outside_the_map_is_refused_with_the_one_domain_error():
    job = ReportJob(status=ReportJob.Status.DONE)

    with pytest.raises(IllegalMove):
        job.check_move(ReportJob.Status.RUNNING)
    assert job.allowed_moves() == []
    assert ReportJob(status=ReportJob.Status.QUEUED).allowed_moves() == ["running"]
