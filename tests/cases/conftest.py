"""The cases' corner of the test world: a program and a case in office A, and in office B."""

import datetime

import pytest

from cases import services
from cases.models import Program
from tests.factories import ParticipantFactory

EVENT_DAY = datetime.date(2025, 11, 5)


def make_program(office, by, district, **fields):
    fields.setdefault("name", f"Rehabilitasi PMI Purna {office.name}")
    fields.setdefault("venue", "Aula Kecamatan Mekar Baru")
    fields.setdefault("start_date", EVENT_DAY)
    fields.setdefault("end_date", EVENT_DAY + datetime.timedelta(days=1))
    return Program.objects.create(office=office, district=district, created_by=by, **fields)


def enrol(program, by, **participant_fields):
    """A participant of the program's office, enrolled: their intake case."""
    participant = ParticipantFactory(office=program.office, created_by=by, **participant_fields)
    [case] = services.enrol_participants(program=program, participants=[participant], by=by)
    return case


@pytest.fixture
def program_a(office_a, coordinator_a, regions):
    """Office A's event in Mekar Baru (district 36.03.33)."""
    return make_program(office_a, coordinator_a, regions["district"], name="Kegiatan Mekar Baru")


@pytest.fixture
def case_a(program_a, case_worker_a):
    """Siti Aminah's intake case in office A's program, run by case_worker_a."""
    return enrol(program_a, case_worker_a, full_name="Siti Aminah", sex="F")


@pytest.fixture
def program_b(office_b, case_worker_b, regions):
    return make_program(office_b, case_worker_b, regions["district"], name="Kegiatan Kantor B")


@pytest.fixture
def case_b(program_b, case_worker_b):
    """A case of office B, out of reach of office A's staff."""
    return enrol(program_b, case_worker_b, full_name="Nur Halimah", sex="F")
