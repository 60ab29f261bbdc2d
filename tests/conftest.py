"""The test world: two BP3MI offices, two agencies and a user of each role.

Office A is the one under test; office B's case worker is the outsider.
"""

import pytest

from accounts.models import Agency, Role
from config.database_roles import use_role
from tests.factories import AgencyFactory, OfficeFactory, UserFactory, banten_regions


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    # The test databases are created, migrated and dropped by the owner role...
    use_role("owner")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    # ...and the tests run as the app's role, as the web server does.
    use_role("app")
    yield
    use_role("owner")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Argon2 is deliberately slow; the tests of hashing itself use it explicitly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The cache is a database table (settings.CACHES): each test's rollback, or the flush
# after a transactional test, empties it, so every test starts cold and query counts do
# not depend on the tests before it.


@pytest.fixture
def regions(db):
    return banten_regions()


@pytest.fixture
def office_a(regions):
    return OfficeFactory(name="BP3MI Banten", province=regions["province"])


@pytest.fixture
def office_b(regions):
    return OfficeFactory(name="BP3MI Jawa Barat", province=regions["province"])


@pytest.fixture
def dinsos(regions):
    return AgencyFactory(
        name="Dinas Sosial Kabupaten Tangerang", type=Agency.Type.DINSOS, regency=regions["regency"]
    )


@pytest.fixture
def dinkes(regions):
    return AgencyFactory(
        name="Dinas Kesehatan Kabupaten Tangerang",
        type=Agency.Type.DINKES,
        regency=regions["regency"],
    )


@pytest.fixture
def case_worker_a(office_a):
    return UserFactory(username="petugas_a", role=Role.CASE_WORKER, office=office_a)


@pytest.fixture
def coordinator_a(office_a):
    return UserFactory(username="koordinator_a", role=Role.COORDINATOR, office=office_a)


@pytest.fixture
def health_worker_a(office_a):
    return UserFactory(username="nakes_a", role=Role.HEALTH_WORKER, office=office_a)


@pytest.fixture
def auditor_a(office_a):
    return UserFactory(username="auditor_a", role=Role.AUDITOR, office=office_a)


@pytest.fixture
def case_worker_b(office_b):
    return UserFactory(username="petugas_b", role=Role.CASE_WORKER, office=office_b)


@pytest.fixture
def dinsos_officer(dinsos):
    return UserFactory(
        username="dinsos_officer", role=Role.AGENCY_OFFICER, agency=dinsos, office=None
    )


@pytest.fixture
def dinkes_officer(dinkes):
    return UserFactory(
        username="dinkes_officer", role=Role.AGENCY_OFFICER, agency=dinkes, office=None
    )


@pytest.fixture
def admin_user(office_a):
    return UserFactory(
        username="admin_a", role=Role.ADMIN, office=office_a, is_staff=True, is_superuser=True
    )
