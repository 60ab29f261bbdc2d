"""The access log says in words what each entry is about: the kind of object by its name
(never `participants.possibleduplicate`), and the detail in the reader's language."""

import pytest
from django.conf import settings
from django.utils import translation

from accounts.models import AccessLog
from participants.duplicates import PossibleDuplicate
from participants.models import Participant
from reports.audit import detail_in_words, kind_in_words
from tests.factories import ParticipantFactory


def in_language(language, function, *args):
    with translation.override(language):
        return str(function(*args))


@pytest.mark.parametrize(
    ("language", "label", "expected"),
    [
        ("id", "participants.participant", "Peserta"),
        ("en", "participants.participant", "Participant"),
        ("en", "participants.possibleduplicate", "Possible duplicate"),
        ("en", "cases.case", "Case"),
        # A kind no model has any more is shown as it was written.
        ("en", "gone.model", "gone.model"),
        ("en", "no-dot", "no-dot"),
    ],
)
def test_the_kind_of_object_is_named_by_its_model(language, label, expected):
    assert in_language(language, kind_in_words, label) == expected


@pytest.mark.parametrize(
    ("detail", "expected"),
    [
        ("home page", "home page"),
        ("screening srq20", "screening SRQ-20 (Self-Reporting Questionnaire)"),
        ("screening zz9", "screening zz9"),
        ("outcome measure month_6", "outcome measure At 6 months"),
        ("follow-up visit 3", "follow-up visit at month 3"),
        ("compare participants 2 and 27", "comparison of participants #2 and #27"),
        ("access log", "access log"),
        ("access log action=view", "access log action=view"),
        (
            "Laporan.pdf (with the appendix of participant names)",
            "Laporan.pdf (with the appendix of participant names)",
        ),
        # A search, a file name, a reason typed by a person: as they are.
        ("q=siti status=open", "q=siti status=open"),
        ("Peserta meminta salinan KTP.", "Peserta meminta salinan KTP."),
        ("", ""),
    ],
)
def test_a_detail_of_a_known_form_is_said_in_words(detail, expected):
    assert in_language("en", detail_in_words, detail) == expected


def test_a_detail_names_the_instrument_in_indonesian():
    assert in_language("id", detail_in_words, "screening srq20").endswith(
        "SRQ-20 (Kuesioner Laporan Diri)"
    )


def test_a_detail_is_said_in_indonesian():
    assert in_language("id", detail_in_words, "home page") == "beranda"
    assert in_language("id", detail_in_words, "compare participants 2 and 27") == (
        "perbandingan peserta #2 dan #27"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "viewed", "kind", "compared"),
    [
        ("en", "Viewed", "Possible duplicate", "comparison of participants #{} and #{}"),
        ("id", "Dilihat", "Kemungkinan duplikat", "perbandingan peserta #{} dan #{}"),
    ],
)
def test_the_log_names_an_entry_about_a_kind_it_has_no_words_for(
    client, coordinator_a, case_worker_a, office_a, language, viewed, kind, compared
):
    first = ParticipantFactory(office=office_a, created_by=case_worker_a)
    second = ParticipantFactory(office=office_a, created_by=case_worker_a)
    pair = PossibleDuplicate.objects.create(first=first, second=second, score=90, reasons=["name"])
    AccessLog.objects.create(
        user=case_worker_a,
        username=case_worker_a.username,
        action=AccessLog.Action.VIEW,
        object_type=PossibleDuplicate._meta.label_lower,
        object_id=str(pair.pk),
        detail=f"compare participants {first.pk} and {second.pk}",
        path=f"/participants/duplicates/{pair.pk}/",
    )
    client.force_login(coordinator_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    page = client.get("/audit/").content.decode()

    assert f"{viewed}: {kind} #{pair.pk}" in page
    assert compared.format(first.pk, second.pk) in page
    assert "participants.possibleduplicate" not in page
    assert Participant._meta.label_lower not in page
