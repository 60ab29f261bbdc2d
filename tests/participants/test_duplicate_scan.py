"""`manage.py find_duplicates`: the nightly look for people registered twice."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from participants.models import PossibleDuplicate

from .helpers import make_participant

pytestmark = pytest.mark.django_db

BORN = datetime.date(1991, 7, 2)


def find_duplicates():
    out = io.StringIO()
    call_command("find_duplicates", stdout=out)
    return out.getvalue()


def test_a_person_registered_twice_becomes_one_open_pair_with_its_reasons(office_a, case_worker_a):
    first = make_participant(office_a, case_worker_a, full_name="Nurhayati", birth_date=BORN)
    again = make_participant(
        office_a, case_worker_a, full_name="Noer Hayati", birth_date=BORN, nik=""
    )
    make_participant(office_a, case_worker_a, full_name="Budi Santoso", sex="M")

    output = find_duplicates()

    pair = PossibleDuplicate.objects.get()
    assert (pair.first, pair.second) == (first, again)
    assert pair.decision == PossibleDuplicate.Decision.OPEN
    assert pair.reasons[:2] == ["name_similar", "birth_same"]
    assert f"{office_a.name}: 1 new possible duplicates" in output


def test_running_it_again_keeps_a_decided_pair_as_decided(office_a, case_worker_a, coordinator_a):
    make_participant(office_a, case_worker_a, full_name="Sri Wahyuni", birth_date=BORN)
    make_participant(office_a, case_worker_a, full_name="Sri Wahyuni", birth_date=BORN, nik="")
    find_duplicates()
    PossibleDuplicate.objects.update(
        decision=PossibleDuplicate.Decision.DIFFERENT,
        decided_by=coordinator_a,
        decided_at=timezone.now(),
        note="Dua orang: lain ayah",
    )

    output = find_duplicates()

    pair = PossibleDuplicate.objects.get()
    assert pair.decision == PossibleDuplicate.Decision.DIFFERENT
    assert f"{office_a.name}: 0 new possible duplicates" in output


def test_records_of_two_offices_are_never_paired(office_a, office_b, case_worker_a, case_worker_b):
    make_participant(office_a, case_worker_a, full_name="Sri Wahyuni", birth_date=BORN)
    make_participant(office_b, case_worker_b, full_name="Sri Wahyuni", birth_date=BORN, nik="")

    find_duplicates()

    assert not PossibleDuplicate.objects.exists()
