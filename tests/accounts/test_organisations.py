import pytest
from django.db import IntegrityError, ProgrammingError, transaction

from accounts.models import AccessLog, Role, User


def test_agency_officer_must_belong_to_an_agency_and_no_office(office_a, dinsos):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="x", full_name="X", role=Role.AGENCY_OFFICER, office=office_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(
            username="y", full_name="Y", role=Role.AGENCY_OFFICER, agency=dinsos, office=office_a
        )

    officer = User.objects.create(
        username="z", full_name="Z", role=Role.AGENCY_OFFICER, agency=dinsos
    )
    assert officer.organisation == dinsos


@pytest.mark.parametrize(
    "role", [Role.COORDINATOR, Role.CASE_WORKER, Role.HEALTH_WORKER, Role.AUDITOR]
)
def test_office_staff_must_belong_to_an_office(db, role):
    with pytest.raises(IntegrityError):
        User.objects.create(username="x", full_name="X", role=role)


def test_an_unknown_role_is_refused_by_the_database(office_a):
    with pytest.raises(IntegrityError):
        User.objects.create(username="x", full_name="X", role="superhero", office=office_a)


def test_createsuperuser_makes_an_administrator(db):
    admin = User.objects.create_superuser("root", password="Sandi-Kuat-2026!", full_name="Root")

    assert admin.role == Role.ADMIN
    assert admin.is_staff and admin.is_superuser


def test_the_access_log_cannot_be_changed_or_deleted(rf, case_worker_a):
    request = rf.get("/")
    request.user = case_worker_a
    entry = AccessLog.record(request, AccessLog.Action.VIEW, obj=case_worker_a.office)

    # The app's database role has no right to change or delete log rows (and a trigger
    # refuses it to roles that have: tests/config/test_database_roles.py).
    with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(detail="edited")
    with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).delete()

    entry.refresh_from_db()
    assert entry.object_type == "accounts.office"
    assert entry.username == "petugas_a"


def test_changes_to_users_are_kept_in_history(case_worker_a):
    case_worker_a.full_name = "Nama Baru"
    case_worker_a.save(update_fields=["full_name"])

    events = case_worker_a.events.order_by("pgh_id")
    assert [event.pgh_label for event in events] == ["insert", "update"]
    assert events.last().full_name == "Nama Baru"
    assert not hasattr(events.last(), "password")
