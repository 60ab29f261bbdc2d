import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.utils import timezone

from accounts import demo
from accounts.models import Agency, Office, Role, User
from tests.factories import banten_regions


def seed_demo():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def regions(db, settings):
    settings.DEBUG = True  # pytest-django runs with DEBUG off; seed_demo is for development
    return banten_regions()


def test_seed_demo_creates_one_user_per_role_in_the_demo_office_and_agencies(regions):
    output = seed_demo()

    assert set(User.objects.values_list("username", flat=True)) == set(demo.USERS)
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    office = Office.objects.get()
    assert office.name == "BP3MI Banten"
    assert set(Agency.objects.values_list("type", "regency")) == {
        (Agency.Type.DINKES, "36.03"),
        (Agency.Type.DINSOS, "36.03"),
        (Agency.Type.DISDUKCAPIL, "36.03"),
        (Agency.Type.DISNAKERTRANS, "36.03"),
    }
    assert User.objects.get(username="dinsos").agency.type == Agency.Type.DINSOS
    assert User.objects.get(username="petugas").office == office
    assert User.objects.get(username="koordinator").check_password(demo.demo_password())
    for username in demo.USERS:
        assert username in output
    assert demo.demo_password() in output


def test_seed_demo_twice_changes_nothing_and_keeps_changed_passwords(regions):
    seed_demo()
    petugas = User.objects.get(username="petugas")
    petugas.set_password("Sandi-Pribadi-2026!")
    petugas.save()

    seed_demo()

    assert User.objects.count() == len(demo.USERS)
    assert Office.objects.count() == 1
    assert Agency.objects.count() == 4
    assert User.objects.get(username="petugas").check_password("Sandi-Pribadi-2026!")


def test_seed_demo_uses_the_demo_password_from_the_environment(regions, settings):
    settings.DEMO_PASSWORD = "pelatihan-banten-2026"

    seed_demo()

    assert User.objects.get(username="auditor").check_password("pelatihan-banten-2026")


def test_seed_demo_refuses_to_run_in_production(regions, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.exists()


def test_seed_demo_registers_the_twenty_mekar_baru_returnees_once(regions):
    from participants import nik
    from participants.demo import RETURNEES, recent_returnees
    from participants.models import Participant, PossibleDuplicate

    seed_demo()
    seed_demo()

    # The twenty returnees, the running program's six, and Nurhayati registered a second
    # time as "Noer Hayati". A name may come back in both lists: a person is also her birth date.
    def registered_from(rows):
        people = Q(pk__in=[])
        for name, _sex, born, *_rest in rows:
            people |= Q(full_name=name, birth_date=datetime.date.fromisoformat(born))
        return Participant.objects.filter(people)

    twice = Participant.objects.get(full_name="Noer Hayati")
    participants = registered_from(RETURNEES)
    assert participants.count() == 20
    running = recent_returnees(timezone.localdate())
    assert registered_from(running).count() == len(running) == 6
    assert Participant.objects.exclude(pk=twice.pk).count() == 20 + 6
    pair = PossibleDuplicate.objects.get()
    assert {pair.first.full_name, pair.second.full_name} == {"Nurhayati", "Noer Hayati"}
    assert pair.decision == PossibleDuplicate.Decision.OPEN
    with_nik = [p for p in participants if p.nik]
    assert all(p.nik.startswith("360333") for p in with_nik)
    for participant in with_nik:
        parsed = nik.parse(participant.nik)
        assert (parsed.birth_date, parsed.sex) == (participant.birth_date, participant.sex)
    assert 0 < participants.filter(nik="").count() < 20
    assert all(p.village_id.startswith("36.03.33.") for p in participants)
    problems = set(participants.values_list("problems__code", flat=True))
    assert {"physical_abuse", "sexual_violence", "work_accident", "legal_problems"} <= problems
    assert {"unpaid_wages", "physical_illness", "mental_illness"} <= problems
    assert all(p.consents.exists() and p.episodes.exists() for p in participants)
    assert participants.filter(household__isnull=False).distinct().count() >= 5
