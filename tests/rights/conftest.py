"""The requests' corner of the test world: a person of office A, one of office B."""

import datetime

import pytest
from django.utils import timezone, translation

from rights import services
from rights.models import Channel, Kind
from tests.factories import ParticipantFactory, UserFactory

HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def english_pages(client, settings):
    """The pages in English, the msgids, whatever the translations say."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def coordinator(coordinator_a):
    return coordinator_a


@pytest.fixture
def person_a(office_a, case_worker_a):
    return ParticipantFactory(office=office_a, created_by=case_worker_a, full_name="Siti Aminah")


@pytest.fixture
def person_b(office_b, case_worker_b):
    return ParticipantFactory(office=office_b, created_by=case_worker_b, full_name="Nur Halimah")


@pytest.fixture
def coordinator_b(office_b):
    return UserFactory(username="koordinator_b", role="coordinator", office=office_b)


def register(participant, by, *, kind=Kind.ACCESS, received_at=None, **fields):
    fields.setdefault("channel", Channel.IN_PERSON)
    fields.setdefault("identity_checked", "KTP asli dilihat")
    fields.setdefault("details", "Ingin melihat semua data yang disimpan tentang saya.")
    return services.register_request(
        participant=participant,
        kind=kind,
        received_at=received_at or timezone.now(),
        by=by,
        **fields,
    )


def errors(form, field):
    """The form's messages for `field`, in English (the msgids)."""
    with translation.override("en"):
        return [str(message) for message in form.errors[field]]
