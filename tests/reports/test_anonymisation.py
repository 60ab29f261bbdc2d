"""Anonymising a record: two people decide it; afterwards the person's identity and free
text are in no table, live or history, while every figure stays the same and no history
row is lost. The app role still cannot change a history table except through the
owner's function."""

import dataclasses
import datetime

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, models, transaction
from django.db.utils import ProgrammingError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLog, Role
from cases.models import Alert, Case, CaseNote, FollowUp, PlanItem, Screening
from participants.models import Consent, Document, HouseholdMember, MigrationEpisode, Participant
from referrals import services as referral_services
from referrals.models import Referral, ReferralStatus, Service, Urgency
from reports import anonymisation, figures, outcome_report, retention
from reports.models import Anonymisation
from tests.cases.conftest import enrol, make_program
from tests.factories import UserFactory, load_reference_data, valid_nik

BORN = datetime.date(1990, 8, 17)
NIK = valid_nik(BORN, "F", 4242)
KK = "3603331708900099"
PHONE = "081398765432"
PASSPORT = "C7654321"
MEMBER_NIK = valid_nik(datetime.date(2012, 3, 9), "M", 4343)
# Every value that names the person or tells her story; none is in the other records.
SECRETS = (
    "Siti Aminah",
    NIK,
    KK,
    PHONE,
    PASSPORT,
    "Gang Melati Nomor Tujuh",
    "Kampung Cibeber Hilir",
    "disekap majikan selama dua bulan",
    "Ahmad Fauzi Ramadhan",
    MEMBER_NIK,
    "Rahmat Hidayatullah",
    "ktp-siti-aminah.pdf",
    "fotokopi KTP milik Siti",
    "Tuan Abdullah Al-Rashid",
    "PT Sinar Jaya Abadi",
    "Catatan rahasia tentang Riyadh",
    "pusing setiap malam",
    "bekas luka di lengan",
    "sudah dibawa ke puskesmas",
    "modal usaha menjahit",
    "usaha jahit di rumah",
    "kunjungan ke rumah ibunya",
    "bantuan sosial untuk anaknya",
    "sudah diterima keluarga",
    "kembali bekerja di Serang",
    "senang dibantu petugas",
    str(BORN),
)


def years_ago(years):
    return retention.years_before(timezone.now(), years)


@pytest.fixture
def second_coordinator_a(office_a):
    return UserFactory(username="koordinator_a2", role=Role.COORDINATOR, office=office_a)


@pytest.fixture
def coordinator_b(office_b):
    return UserFactory(username="koordinator_b", role=Role.COORDINATOR, office=office_b)


@pytest.fixture
def world(
    settings, tmp_path, office_a, regions, coordinator_a, case_worker_a, dinsos, dinsos_officer
):
    """Siti Aminah, whose case closed six years ago, written into every part of the record;
    and two others in the same program, whose records stay as they are."""
    settings.MEDIA_ROOT = tmp_path
    load_reference_data()  # the service catalogue, if a test before emptied the tables
    program = make_program(office_a, coordinator_a, regions["district"], name="Kegiatan Purna")
    case = enrol(
        program,
        case_worker_a,
        full_name="Siti Aminah",
        sex="F",
        birth_date=BORN,
        nik=NIK,
        kk_number=KK,
        phone=PHONE,
        passport_number=PASSPORT,
        address="Gang Melati Nomor Tujuh",
        birth_place="Kampung Cibeber Hilir",
        narrative="Ia disekap majikan selama dua bulan.",
        episode__destination_country="SA",
    )
    others = [
        enrol(program, case_worker_a, full_name=name, sex=sex, episode__destination_country="MY")
        for name, sex in (("Dewi Lestari", "F"), ("Budi Santoso", "M"))
    ]
    person = case.participant
    # A second history row of the participant: an edit.
    person.marital_status = Participant.MaritalStatus.MARRIED
    person.save()
    MigrationEpisode.objects.create(
        participant=person,
        destination_country="SA",
        employer="Tuan Abdullah Al-Rashid",
        p3mi_agency="PT Sinar Jaya Abadi",
        arrival_date=datetime.date(2019, 6, 1),
        return_type="deported",
    )
    member = HouseholdMember.objects.create(
        participant=person,
        relationship=HouseholdMember.Relationship.CHILD,
        full_name="Ahmad Fauzi Ramadhan",
        nik=MEMBER_NIK,
        sex="M",
        birth_date=datetime.date(2012, 3, 9),
        needs="bantuan sosial untuk anaknya",
    )
    document = Document.objects.create(
        participant=person,
        type=Document.Type.KTP_COPY,
        description="fotokopi KTP milik Siti",
        file=ContentFile(b"%PDF-1.4 ktp", name="ktp.pdf"),
        original_name="ktp-siti-aminah.pdf",
        content_type="application/pdf",
        size=12,
        uploaded_by=case_worker_a,
    )
    Consent.objects.create(
        participant=person,
        given_by=Consent.GivenBy.FAMILY,
        giver_name="Rahmat Hidayatullah",
        purposes=["rehabilitation", "share_dinsos"],
        method=Consent.Method.SIGNED_FORM,
        evidence=document,
        given_at=datetime.date(2019, 7, 1),
        recorded_by=case_worker_a,
    )
    CaseNote.objects.create(case=case, text="Catatan rahasia tentang Riyadh.", author=case_worker_a)
    screening = Screening.objects.create(
        case=case,
        kind=Screening.Kind.SRQ20,
        score=9,
        band="positive",
        decision="sudah dibawa ke puskesmas",
        complaints="pusing setiap malam",
        findings="bekas luka di lengan",
        recorded_by=case_worker_a,
    )
    Alert.objects.create(
        case=case,
        screening=screening,
        code=Alert.Code.choices[0][0],
        action_taken="sudah dibawa ke puskesmas",
        resolved_by=case_worker_a,
        resolved_at=timezone.now(),
    )
    PlanItem.objects.create(
        case=case,
        dimension=PlanItem.Dimension.choices[0][0],
        intervention="modal usaha menjahit",
        notes="usaha jahit di rumah",
        created_by=case_worker_a,
    )
    visit = FollowUp.objects.filter(case=case, month=1).get()
    FollowUp.objects.filter(pk=visit.pk).update(
        visited_on=datetime.date(2019, 9, 1),
        summary="kunjungan ke rumah ibunya",
        recorded_by=case_worker_a,
        recorded_at=timezone.now(),
    )
    referral = referral_services.create_referral(
        case=case,
        agency=dinsos,
        service=Service.objects.filter(agency_type=dinsos.type).first(),
        reason="bantuan sosial untuk anaknya",
        urgency=Urgency.NORMAL,
        household_member=member,
        by=case_worker_a,
    )
    referral = referral_services.send_referral(
        referral=referral,
        by=coordinator_a,
        version=referral.version,
        override_reason="bantuan sosial untuk anaknya",
    )
    for to, written in (
        (ReferralStatus.ACCEPTED, {"note": "sudah diterima keluarga"}),
        (ReferralStatus.IN_PROGRESS, {}),
        (ReferralStatus.COMPLETED, {"outcome": "sudah diterima keluarga"}),
    ):
        referral = referral_services.move_referral(
            referral=referral, to=to, by=dinsos_officer, version=referral.version, **written
        )
    Referral.objects.filter(pk=referral.pk).update(feedback_note="senang dibantu petugas")
    for closing in [case, *others]:
        closing.refresh_from_db()
        closing.status = Case.Status.CLOSED
        closing.close_reason = Case.CloseReason.GOALS_MET
        closing.closed_at = years_ago(6)
        closing.outcome_summary = (
            "kembali bekerja di Serang" if closing == case else "Selesai dengan baik."
        )
        closing.returnee_view = "senang dibantu petugas" if closing == case else "Baik."
        closing.save()
    return {"program": program, "case": case, "person": person, "document": document}


def tables():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        return [row[0] for row in cursor.fetchall()]


def found(value):
    """The tables (but the access log) in which some row holds `value` as text."""
    hits = []
    with connection.cursor() as cursor:
        for table in tables():
            if table == AccessLog._meta.db_table:
                continue
            name = connection.ops.quote_name(table)
            cursor.execute(f"SELECT count(*) FROM {name} t WHERE t::text ILIKE %s", [f"%{value}%"])  # noqa: S608
            if cursor.fetchone()[0]:
                hits.append(table)
    return hits


def history_rows():
    """(table, pgh_id) of every history row."""
    rows = set()
    with connection.cursor() as cursor:
        for table in tables():
            if not table.endswith("event"):
                continue
            cursor.execute(f"SELECT pgh_id FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows |= {(table, pgh_id) for (pgh_id,) in cursor.fetchall()}
    return rows


def program_figures(program):
    counted = figures.program_figures(program)
    shown = dataclasses.asdict(counted)
    for name in ("roster", "alerts", "charts", "agencies", "agency_total"):
        shown.pop(name)
    shown["alerts"] = [(alert.pk, alert.code) for alert in counted.alerts]
    shown["agencies"] = counted.agencies
    shown["agency_total"] = counted.agency_total
    shown["ages"] = sorted((case.pk, case.age) for case in counted.roster)
    return shown


def home_figures(user):
    return {
        "agencies": figures.referrals_by_agency(Referral.objects.visible_to(user)),
        "problems": figures.problem_counts(Participant.objects.visible_to(user).active()),
        "trend": figures.monthly_cases(Case.objects.visible_to(user)),
        "stages": list(Case.objects.visible_to(user).values_list("status", flat=True)),
    }


def outcomes(program, user):
    report = outcome_report.outcome_report(program, user)
    return repr(report)


def post(client, user, name, participant, **data):
    client.force_login(user)
    return client.post(reverse(name, args=[participant.pk]), data)


def anonymise(client, world, proposer, confirmer, django_capture_on_commit_callbacks):
    person = world["person"]
    post(client, proposer, "reports:anonymise_propose", person, reason="Masa simpan habis.")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, confirmer, "reports:anonymise_confirm", person)
    assert response.status_code == 302
    person.refresh_from_db()
    return person


@pytest.mark.django_db
def test_after_confirmation_the_person_is_in_no_table_and_every_figure_is_the_same(
    client, world, coordinator_a, second_coordinator_a, django_capture_on_commit_callbacks
):
    program, person = world["program"], world["person"]
    assert [value for value in SECRETS if not found(value)] == [], "all there before"
    before = (
        program_figures(program),
        home_figures(coordinator_a),
        outcomes(program, coordinator_a),
    )
    history = history_rows()
    stored = world["document"].file.name
    assert world["document"].file.storage.exists(stored)

    person = anonymise(
        client, world, coordinator_a, second_coordinator_a, django_capture_on_commit_callbacks
    )

    assert person.anonymised_at is not None
    assert person.anonymised_by == second_coordinator_a
    assert person.full_name.startswith("Anonim ")
    assert person.birth_date.year == BORN.year
    assert person.sex == "F"
    left = {value: found(value) for value in SECRETS}
    assert {value: hits for value, hits in left.items() if hits} == {}
    after = (
        program_figures(program),
        home_figures(coordinator_a),
        outcomes(program, coordinator_a),
    )
    assert after == before
    # Every history row is still there: who changed what and when stays.
    assert history <= history_rows()
    # The stored file is gone; the document row keeps its type and date.
    assert not world["document"].file.storage.exists(stored)
    document = Document.objects.get(pk=world["document"].pk)
    assert (document.type, document.file.name) == (Document.Type.KTP_COPY, "")
    assert (
        MigrationEpisode.objects.filter(participant=person, destination_country="SA").count() == 2
    )
    proposal = Anonymisation.objects.get(participant=person)
    assert (proposal.proposed_by, proposal.confirmed_by) == (coordinator_a, second_coordinator_a)
    logged = AccessLog.objects.get(action=AccessLog.Action.ANONYMISE)
    assert (logged.user, logged.object_id) == (second_coordinator_a, str(person.pk))


@pytest.mark.django_db
def test_the_label_is_random_and_the_record_matches_nobody(
    client, world, coordinator_a, second_coordinator_a, django_capture_on_commit_callbacks
):
    person = anonymise(
        client, world, coordinator_a, second_coordinator_a, django_capture_on_commit_callbacks
    )

    assert person.full_name != anonymisation.random_label()
    assert (person.name_key, person.name_fragments, person.phone_key) == ("", [], "")


@pytest.mark.django_db
def test_one_coordinator_cannot_both_propose_and_confirm(client, world, coordinator_a, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the message as its msgid
    person = world["person"]
    post(client, coordinator_a, "reports:anonymise_propose", person, reason="Masa simpan habis.")

    response = post(client, coordinator_a, "reports:anonymise_confirm", person)

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Siti Aminah"
    assert person.anonymised_at is None
    assert Anonymisation.objects.pending().filter(participant=person).count() == 1
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("different coordinator" in m for m in messages)


@pytest.mark.django_db
def test_the_database_refuses_a_proposal_confirmed_by_its_proposer(world, coordinator_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Anonymisation.objects.create(
            participant=world["person"],
            reason="Masa simpan habis.",
            proposed_by=coordinator_a,
            confirmed_by=coordinator_a,
            confirmed_at=timezone.now(),
        )


@pytest.mark.django_db
def test_until_confirmed_nothing_changes_and_either_may_cancel(
    client, world, coordinator_a, second_coordinator_a
):
    person = world["person"]
    post(client, coordinator_a, "reports:anonymise_propose", person, reason="Masa simpan habis.")
    assert found("Siti Aminah")

    post(client, second_coordinator_a, "reports:anonymise_cancel", person)

    proposal = Anonymisation.objects.get(participant=person)
    assert proposal.cancelled_by == second_coordinator_a
    assert proposal.confirmed_at is None
    person.refresh_from_db()
    assert (person.full_name, person.nik, person.anonymised_at) == ("Siti Aminah", NIK, None)
    # Cancelled, it can no longer be confirmed.
    post(client, second_coordinator_a, "reports:anonymise_confirm", person)
    person.refresh_from_db()
    assert person.anonymised_at is None


@pytest.mark.django_db
def test_a_proposal_needs_a_reason(client, world, coordinator_a):
    response = post(client, coordinator_a, "reports:anonymise_propose", world["person"], reason=" ")

    assert response.status_code == 302
    assert not Anonymisation.objects.exists()


@pytest.mark.django_db
def test_a_person_with_an_open_case_cannot_be_proposed(
    client, office_a, coordinator_a, regions, case_worker_a
):
    program = make_program(office_a, coordinator_a, regions["district"])
    case = enrol(program, case_worker_a, full_name="Wati Open")

    post(client, coordinator_a, "reports:anonymise_propose", case.participant, reason="Salah.")

    assert not Anonymisation.objects.exists()


@pytest.mark.django_db
def test_another_offices_coordinator_gets_404(client, world, coordinator_a, coordinator_b):
    person = world["person"]
    post(client, coordinator_a, "reports:anonymise_propose", person, reason="Masa simpan habis.")

    for name in (
        "reports:anonymise_propose",
        "reports:anonymise_confirm",
        "reports:anonymise_cancel",
    ):
        assert post(client, coordinator_b, name, person, reason="x").status_code == 404
    person.refresh_from_db()
    assert person.anonymised_at is None
    assert Anonymisation.objects.pending().count() == 1


@pytest.mark.django_db
def test_the_administrator_may_confirm(
    client, world, coordinator_a, admin_user, django_capture_on_commit_callbacks
):
    person = anonymise(client, world, coordinator_a, admin_user, django_capture_on_commit_callbacks)

    assert person.anonymised_by == admin_user


@pytest.mark.django_db
def test_the_app_role_cannot_update_history_tables_but_may_call_the_function(world):
    event_table = apps.get_model("participants", "ParticipantEvent")._meta.db_table
    person = world["person"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == "purna_app"
        with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
            cursor.execute(f"UPDATE {event_table} SET full_name = 'x'")  # noqa: S608
        changed = anonymisation.blank_history(event_table, [person.pk], ["nik", "phone"])
        assert changed == 2
        cursor.execute(
            f"SELECT count(*) FROM {event_table} WHERE pgh_obj_id = %s AND full_name = %s",  # noqa: S608
            [person.pk, "Siti Aminah"],
        )
        assert cursor.fetchone()[0] == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("table", "columns", "message"),
    [
        ("participants_participant", ["nik"], "not a history table"),
        ("accounts_accesslog", ["detail"], "not a history table"),
        ("participants_participantevent", ["pgh_label"], "may not be blanked"),
        ("participants_participantevent", ["pgh_obj_id"], "may not be blanked"),
        ("participants_participantevent", ["no_such_column"], "has no column"),
        ("participants_participantevent", ["sex"], None),
    ],
)
def test_the_function_refuses_what_is_not_a_history_column(world, table, columns, message):
    if message is None:
        # A required text column is set to '' and nothing else: sex is a code, allowed.
        assert anonymisation.blank_history(table, [world["person"].pk], columns) == 2
        return
    with pytest.raises(ProgrammingError, match=message), transaction.atomic():
        anonymisation.blank_history(table, [world["person"].pk], columns)


@pytest.mark.django_db
def test_the_retention_page_lists_who_is_due_and_why(client, world, coordinator_a, office_a):
    other = Participant.objects.exclude(pk=world["person"].pk).filter(office=office_a).first()
    client.force_login(coordinator_a)

    response = client.get(reverse("reports:retention"))

    assert response.status_code == 200
    rows = {due.participant.pk: due for due in response.context["rows"]}
    due = rows[world["person"].pk]
    assert due.rule == retention.CLOSED_CASE
    assert due.due_since.date() == retention.years_after(years_ago(6), 5).date()
    assert other.pk in rows
    assert "pusing" not in response.content.decode()
    assert AccessLog.objects.filter(action=AccessLog.Action.VIEW, detail="retention").exists()


@pytest.mark.django_db
def test_the_rules_and_their_clocks(office_a, regions, coordinator_a, case_worker_a, settings):
    settings.RETENTION_YEARS = {"closed_case": 5, "archived": 1, "never_enrolled": 2}
    program = make_program(office_a, coordinator_a, regions["district"])
    recent, old = (enrol(program, case_worker_a, full_name=n) for n in ("Baru Tutup", "Lama Tutup"))
    for case, years in ((recent, 4), (old, 6)):
        Case.objects.filter(pk=case.pk).update(
            status="closed", close_reason="moved", closed_at=years_ago(years)
        )
    from tests.factories import ParticipantFactory

    never = ParticipantFactory(office=office_a, created_by=case_worker_a)
    Participant.objects.filter(pk=never.pk).update(created_at=years_ago(3))
    new = ParticipantFactory(office=office_a, created_by=case_worker_a)
    archived = ParticipantFactory(office=office_a, created_by=case_worker_a)
    Participant.objects.filter(pk=archived.pk).update(
        archived_at=years_ago(2), archived_by=coordinator_a
    )

    due = {row.participant.pk: row.rule for row in retention.due_list(Participant.objects.all())}

    assert due == {
        old.participant.pk: retention.CLOSED_CASE,
        never.pk: retention.NEVER_ENROLLED,
        archived.pk: retention.ARCHIVED,
    }
    assert new.pk not in due


def test_a_coarse_birth_date_keeps_the_year_and_every_age_counted():
    days = [datetime.date(2025, 11, 5), datetime.date(2026, 3, 1)]

    coarse = anonymisation.coarse_birth_date(BORN, days)

    assert coarse.year == BORN.year
    assert [anonymisation._age(coarse, on) for on in days] == [
        anonymisation._age(BORN, on) for on in days
    ]
    assert coarse == datetime.date(1990, 3, 2)


TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.FileField)


def _reaches_participant(model, depth=0):
    if model is Participant:
        return True
    if depth == 3:
        return False
    return any(
        field.many_to_one and _reaches_participant(field.related_model, depth + 1)
        for field in model._meta.concrete_fields
        if field.related_model not in (None, model)
        and field.related_model._meta.app_label in ("participants", "cases", "referrals")
    )


def test_every_text_field_about_a_person_is_blanked_or_kept_for_a_reason():
    """A new model or field that holds text about the person must be decided here."""
    import pghistory.models

    parts = {part.model.lower(): set(part.fields) for part in anonymisation.PARTS}
    kept = {label.lower(): set(fields) for label, fields in anonymisation.KEPT.items()}
    undecided = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if issubclass(model, pghistory.models.Event) or label in anonymisation.LEFT_TO_THEIR_OWNER:
            continue
        if not _reaches_participant(model):
            continue
        for field in model._meta.concrete_fields:
            is_text = isinstance(field, TEXT_FIELDS) or getattr(field, "base_field", None)
            if is_text and field.name not in parts.get(label, set()) | kept.get(label, set()):
                undecided.append(f"{label}.{field.name}")
    assert undecided == []


@pytest.mark.django_db
def test_a_merge_cancels_a_waiting_proposal_and_refuses_an_anonymised_record(
    world, office_a, coordinator_a, second_coordinator_a, case_worker_a, rf
):
    from accounts.workflow import IllegalMove
    from participants import merging
    from tests.factories import ParticipantFactory

    def twins():
        return [
            ParticipantFactory(office=office_a, created_by=case_worker_a, full_name=name)
            for name in ("Rina Kembar", "Rina Kembar S")
        ]

    kept, gone = twins()
    anonymisation.propose(participant=gone, reason="Salah daftar.", by=coordinator_a)
    merging.merge_participants(
        survivor=Participant.objects.get(pk=kept.pk),
        merged=Participant.objects.get(pk=gone.pk),
        chosen={},
        reason="Orang yang sama.",
        by=coordinator_a,
    )
    proposal = Anonymisation.objects.get()
    assert (proposal.cancelled_by, proposal.confirmed_at) == (coordinator_a, None)

    kept, gone = twins()
    proposal = anonymisation.propose(participant=gone, reason="Salah daftar.", by=coordinator_a)
    request = rf.post("/")
    request.user = second_coordinator_a
    anonymisation.confirm(anonymisation=proposal, by=second_coordinator_a, request=request)
    with pytest.raises(IllegalMove):
        merging.merge_participants(
            survivor=Participant.objects.get(pk=kept.pk),
            merged=Participant.objects.get(pk=gone.pk),
            chosen={},
            reason="Orang yang sama.",
            by=coordinator_a,
        )
    assert Participant.objects.get(pk=gone.pk).merged_into is None


@pytest.mark.django_db
def test_the_retention_page_makes_as_many_queries_for_many_rows_as_for_few(
    client, office_a, coordinator_a, case_worker_a
):
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ParticipantFactory

    def add(count):
        for _ in range(count):
            person = ParticipantFactory(office=office_a, created_by=case_worker_a)
            Participant.objects.filter(pk=person.pk).update(created_at=years_ago(3))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("reports:retention"))
        assert response.status_code == 200
        return len(captured), len(response.context["rows"])

    client.force_login(coordinator_a)
    add(2)
    few, shown = queries()
    add(5)
    many, more = queries()

    assert (shown, more) == (2, 7)
    assert many == few


@pytest.mark.django_db
def test_an_erasure_granted_makes_the_record_due_at_once(office_a, case_worker_a, coordinator_a):
    from rights import services as rights_services
    from rights.models import Kind, Outcome
    from tests.factories import ParticipantFactory
    from tests.rights.conftest import register

    person = ParticipantFactory(office=office_a, created_by=case_worker_a)
    people = Participant.objects.filter(pk=person.pk)
    asked = register(person, coordinator_a, kind=Kind.ERASURE, details="Hapus data saya.")
    assert retention.due_list(people) == []  # asked is not granted

    rights_services.start_review(data_request=asked, by=coordinator_a)
    answered = rights_services.answer_request(
        data_request=asked, outcome=Outcome.GRANTED, answer="Data akan dihapus.", by=coordinator_a
    )

    [due] = retention.due_list(people)
    assert due.rule == retention.ERASURE
    assert due.due_since == answered.answered_at


def test_an_anonymised_record_is_not_written_to_again(
    client, rf, world, coordinator_a, second_coordinator_a, case_worker_a
):
    person = world["person"]
    proposal = anonymisation.propose(
        participant=person, reason="Masa simpan habis.", by=coordinator_a
    )
    request = rf.post("/")
    request.user = second_coordinator_a
    anonymisation.confirm(anonymisation=proposal, by=second_coordinator_a, request=request)
    client.force_login(case_worker_a)

    assert client.get(person.get_absolute_url()).status_code == 200
    assert client.get(reverse("participants:edit", args=[person.pk])).status_code == 403
    response = client.post(reverse("participants:edit", args=[person.pk]), {"full_name": "Siti"})
    assert response.status_code == 403
    assert Participant.objects.get(pk=person.pk).full_name.startswith("Anonim")
