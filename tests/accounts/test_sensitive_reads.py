"""Every page that shows a returnee's data leaves one VIEW row in the access log.

The URLs come from the resolver: a new view fails here until it wears
`@reads_person_data` or is declared free of person data below, with the reason.
Whole NIK and KK numbers show only behind the logged reveal.
"""

import pytest
from django.urls import resolve, reverse

from accounts.access_log import is_logged_read
from accounts.models import AccessLog, Agency, Role
from cases.models import Case, OutcomeMeasure, Program
from participants.models import HouseholdMember, Participant
from referrals import services as referral_services
from referrals import sharing
from referrals.models import Referral, Service, Urgency
from tests.cases.conftest import enrol, make_program
from tests.config.test_login_required import all_url_paths
from tests.factories import AgencyFactory, UserFactory, consent_to_dinsos

# Views that show no person data, each with the reason. Writes (POST only) answer with
# a redirect or a fragment of what was just written; downloads and reveals write their
# own DOWNLOAD, EXPORT or REVEAL row.
NO_PERSON_DATA = {
    "healthz": "the health check",
    "service_worker": "the script that keeps pages on the phone",
    "offline": "the page shown for a page never opened without a signal",
    "set_language": "a write: the user's language",
    "login": "the login form",
    "logout": "logging out",
    "two_factor_verify": "the one-time code form",
    "two_factor_setup": "the user's own authenticator",
    "two_factor_off": "a write: the user's own authenticator",
    "password_change": "the user's own password",
    "password_change_done": "a confirmation",
    "password_reset": "the forgotten-password form",
    "password_reset_done": "a confirmation",
    "password_reset_confirm": "the new-password form",
    "password_reset_complete": "a confirmation",
    "profile": "the user's own profile",
    "mailbox": "development mail: notifications name no returnee",
    "mailbox_message": "development mail: notifications name no returnee",
    "users": "staff accounts, not returnees",
    "user_new": "staff accounts, not returnees",
    "user": "staff accounts, not returnees",
    "user_edit": "staff accounts, not returnees",
    "user_invite": "a write: a staff invitation",
    "user_deactivate": "a write: a staff account",
    "user_reactivate": "a write: a staff account",
    "invitation": "the invited person's own password form",
    "agencies": "offices and agencies",
    "agency_new": "offices and agencies",
    "agency_edit": "offices and agencies",
    "office_new": "offices and agencies",
    "office_edit": "offices and agencies",
    "notifications": "notifications name no returnee and no health detail",
    "notification_open": "a redirect to the notification's page",
    "notifications_read_all": "a write: marks notifications read",
    "regions:chain": "the region pickers",
    "participants:new": "an empty registration form (look-alikes show only after a POST)",
    "participants:reveal_nik": "a POST that writes its own REVEAL row",
    "participants:archive": "a write",
    "participants:restore": "a write",
    "participants:transfer": "the name and number beside a choice of office",
    "participants:duplicate_different": "a write",
    "participants:merge_undo": "a write",
    "participants:household_new": "an empty form under the person's name",
    "participants:episode_new": "an empty form under the person's name",
    "participants:consent_new": "an empty form under the person's name",
    "participants:consent_withdraw": "a date form under the person's name",
    "participants:document_upload": "an empty form under the person's name",
    "participants:document": "a download that writes its own DOWNLOAD row",
    "participants:import": "the upload form",
    "participants:import_template": "an empty spreadsheet",
    "participants:import_commit": "a write",
    "participants:import_problems": "a download that writes its own DOWNLOAD row",
    "reports:anonymise_propose": "a write",
    "reports:anonymise_confirm": "a write",
    "reports:anonymise_cancel": "a write",
    "cases:programs": "programs and their counts, no person",
    "cases:program_new": "a program form",
    "cases:program_edit": "a program form",
    "cases:case_move": "a write",
    "cases:case_assign": "a write",
    "cases:plan_item_new": "an empty form under the person's name",
    "cases:note_add": "a write",
    "cases:intake_date": "a date form under the person's name",
    "cases:alert_resolve": "a write",
    "referrals:evidence": "a download that writes its own DOWNLOAD row",
    "referrals:reveal_nik": "a POST that writes its own REVEAL row",
    "referrals:send": "a write",
    "referrals:move": "a write",
    "referrals:confirm": "a write",
    "referrals:plan_item": "a write",
    "referrals:agency_fields": "the services of an agency type and an empty field, no person",
    "reports:exports": "the list of exports",
    "reports:export_by_district": "counts, no names; writes its own EXPORT row",
    "reports:export_referrals_by_agency": "counts, no names; writes its own EXPORT row",
    "reports:export_by_problem": "counts, no names; writes its own EXPORT row",
    "reports:export_participants": "a write: queues the export for the worker",
    "reports:participant": "a PDF that writes its own DOWNLOAD row",
    "reports:consent_form": "a PDF that writes its own DOWNLOAD row",
    "reports:program": "a write: a PDF (DOWNLOAD row) or a background job",
    "reports:program_outcomes": "counts, no names",
    "reports:program_outcomes_pdf": "counts, no names",
    "reports:job": "a job's progress and who asked for it, no returnee",
    "reports:job_download": "a download that writes its own DOWNLOAD (or EXPORT) row",
    "reports:referral_letter": "a PDF for the agency that writes its own DOWNLOAD row",
    "reports:data_request_pdf": "a PDF for the person that writes its own DOWNLOAD row",
    "rights:new": "an empty form: the person is named by their registration number",
    "rights:review": "a write",
    "rights:answer": "a write (the form again, with its errors, under the request)",
    "audit:log": "the access log: who opened which record, not the record",
    "audit:export": "the access log as a file; writes its own EXPORT row",
}
# The administration site holds reference lists, offices and staff accounts.
SKIPPED_NAMESPACES = ("admin:",)


def url_views():
    """(URL name, view) for every URL pattern of the site."""
    views = {}
    for path in all_url_paths():
        match = resolve(path)
        if not match.view_name.startswith(SKIPPED_NAMESPACES):
            views[match.view_name] = match.func
    return views


def test_every_view_is_logged_or_declared_free_of_person_data():
    views = url_views()
    undecided = sorted(
        name
        for name, view in views.items()
        if not is_logged_read(view) and name not in NO_PERSON_DATA
    )
    both = sorted(
        name for name, view in views.items() if is_logged_read(view) and name in NO_PERSON_DATA
    )

    assert undecided == [], "decorate with @reads_person_data or declare free: " + ", ".join(
        undecided
    )
    assert both == [], "logged and declared free at once: " + ", ".join(both)
    assert set(NO_PERSON_DATA) <= set(views), "declared but gone: " + ", ".join(
        sorted(set(NO_PERSON_DATA) - set(views))
    )


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "tasks",
        "participants:list",
        "participants:detail",
        "participants:edit",
        "participants:household_edit",
        "participants:episode_edit",
        "participants:duplicates",
        "participants:duplicate_compare",
        "cases:program",
        "cases:program_enrol",
        "cases:case",
        "cases:follow_up_record",
        "cases:outcome_new",
        "referrals:list",
        "referrals:detail",
        "referrals:new",
        "rights:list",
        "rights:new_for",
        "rights:detail",
    ],
)
def test_the_pages_showing_person_data_are_logged(name):
    assert is_logged_read(url_views()[name])


# The behaviour: one row for an allowed reader, none for a 404.


@pytest.fixture
def world(office_a, coordinator_a, case_worker_a, dinsos, regions):
    program = make_program(office_a, coordinator_a, regions["district"], name="Kegiatan Mekar Baru")
    case = enrol(
        program, case_worker_a, full_name="Siti Aminah", sex="F", kk_number="3603330101250001"
    )
    participant = case.participant
    member = HouseholdMember.objects.create(
        participant=participant,
        relationship=HouseholdMember.Relationship.CHILD,
        full_name="Budi",
        nik="3603330101100002",
    )
    consent_to_dinsos(participant, case_worker_a)
    referral = referral_services.create_referral(
        case=case,
        agency=dinsos,
        service=Service.objects.get(code="social_rehabilitation"),
        reason="Keluarga tidak punya penghasilan sejak kepulangan.",
        urgency=Urgency.NORMAL,
        household_member=member,
        by=case_worker_a,
    )
    referral = referral_services.send_referral(
        referral=referral, by=case_worker_a, version=referral.version
    )
    return {
        "program": program,
        "case": case,
        "participant": participant,
        "member": member,
        "episode": participant.latest_episode,
        "referral": referral,
    }


def reads():
    """The log's entries but the logins of the test's users."""
    return AccessLog.objects.exclude(action=AccessLog.Action.LOGIN)


def label(model):
    return model._meta.label_lower


PAGES = {
    "participant page": (
        lambda w: reverse("participants:detail", args=[w["participant"].pk]),
        Participant,
        "participant",
    ),
    "participant edit form": (
        lambda w: reverse("participants:edit", args=[w["participant"].pk]),
        Participant,
        "participant",
    ),
    "family member form": (
        lambda w: reverse(
            "participants:household_edit", args=[w["participant"].pk, w["member"].pk]
        ),
        Participant,
        "participant",
    ),
    "period abroad form": (
        lambda w: reverse("participants:episode_edit", args=[w["participant"].pk, w["episode"].pk]),
        Participant,
        "participant",
    ),
    "case page": (lambda w: reverse("cases:case", args=[w["case"].pk]), Case, "case"),
    "follow-up visit": (
        lambda w: reverse("cases:follow_up_record", args=[w["case"].pk, 1]),
        Case,
        "case",
    ),
    "outcome form": (
        lambda w: reverse("cases:outcome_new", args=[w["case"].pk, OutcomeMeasure.Occasion.INTAKE]),
        Case,
        "case",
    ),
    "program roster": (
        lambda w: reverse("cases:program", args=[w["program"].pk]),
        Program,
        "program",
    ),
    "referral page": (
        lambda w: reverse("referrals:detail", args=[w["referral"].pk]),
        Referral,
        "referral",
    ),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_page_read_by_its_case_worker_writes_one_view_row(client, world, case_worker_a, page):
    url, model, key = PAGES[page]
    client.force_login(case_worker_a)

    response = client.get(url(world))

    assert response.status_code == 200
    [entry] = AccessLog.objects.filter(action=AccessLog.Action.VIEW)
    assert entry.user == case_worker_a
    assert (entry.object_type, entry.object_id) == (label(model), str(world[key].pk))
    assert entry.path == url(world)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_page_out_of_reach_is_a_404_and_writes_no_row(client, world, case_worker_b, page):
    url, _model, _key = PAGES[page]
    client.force_login(case_worker_b)

    response = client.get(url(world))

    assert response.status_code == 404
    assert not reads().exists()


def test_a_post_writes_no_view_row(client, world, case_worker_a):
    client.force_login(case_worker_a)
    url = reverse("participants:episode_edit", args=[world["participant"].pk, world["episode"].pk])

    response = client.post(url, {})

    assert response.status_code == 200  # the form again, with its errors
    assert not AccessLog.objects.filter(action=AccessLog.Action.VIEW).exists()


def test_a_redirect_writes_no_view_row(client, world, case_worker_a):
    client.force_login(case_worker_a)

    response = client.get(reverse("cases:follow_up_record", args=[world["case"].pk, 7]))

    assert response.status_code == 302
    assert not reads().exists()


def test_the_agency_officer_reading_the_referral_writes_one_view_row(client, world, dinsos_officer):
    client.force_login(dinsos_officer)

    response = client.get(reverse("referrals:detail", args=[world["referral"].pk]))

    assert response.status_code == 200
    [entry] = reads()
    assert (entry.user, entry.action) == (dinsos_officer, AccessLog.Action.VIEW)
    assert (entry.object_type, entry.object_id) == (label(Referral), str(world["referral"].pk))


def test_another_agency_reading_the_referral_gets_a_404_and_no_row(client, world, dinkes_officer):
    client.force_login(dinkes_officer)

    response = client.get(reverse("referrals:detail", args=[world["referral"].pk]))

    assert response.status_code == 404
    assert not reads().exists()


def test_a_search_writes_one_row_with_the_query_and_a_typed_nik_masked(
    client, world, case_worker_a
):
    client.force_login(case_worker_a)
    nik = world["participant"].nik

    response = client.get(reverse("participants:list"), {"q": nik, "page": "1"})

    assert response.status_code == 200
    [entry] = reads()
    assert (entry.user, entry.action, entry.object_id) == (case_worker_a, AccessLog.Action.VIEW, "")
    assert entry.detail == f"q={world['participant'].nik_masked}"
    assert nik not in entry.detail


def test_the_list_for_someone_who_opens_no_participant_writes_no_row(client, world, dinsos_officer):
    client.force_login(dinsos_officer)

    response = client.get(reverse("participants:list"), {"q": "Siti"})

    assert response.status_code == 404
    assert not reads().exists()


def test_the_work_list_writes_one_row(client, world, case_worker_a):
    client.force_login(case_worker_a)

    response = client.get(reverse("tasks"))

    assert response.status_code == 200
    [entry] = reads()
    assert (entry.user, entry.action, entry.detail) == (
        case_worker_a,
        AccessLog.Action.VIEW,
        "work list",
    )


# Whole NIK and KK numbers only behind the logged reveal.


def test_the_referral_page_masks_every_number_for_the_office_and_the_agency(
    client, world, case_worker_a, dinsos_officer
):
    participant, member = world["participant"], world["member"]
    for user in (case_worker_a, dinsos_officer):
        client.force_login(user)

        page = client.get(reverse("referrals:detail", args=[world["referral"].pk])).content.decode()

        assert participant.nik not in page and participant.nik_masked in page
        assert member.nik not in page and member.nik_masked in page
        assert participant.kk_number not in page
        assert reverse("referrals:reveal_nik", args=[world["referral"].pk]) in page
        # The button is a form that htmx posts: no inline script or handler.
        numbers = page.split('id="shared-numbers"', 1)[1].split("</dl>", 1)[0]
        assert "hx-post" in numbers and "<script" not in numbers and "onclick" not in numbers


def test_the_agency_officer_reveals_the_numbers_the_referral_shares_and_it_is_logged(
    client, world, dinsos_officer
):
    participant, member, referral = world["participant"], world["member"], world["referral"]
    client.force_login(dinsos_officer)

    response = client.post(
        reverse("referrals:reveal_nik", args=[referral.pk]), HTTP_HX_REQUEST="true"
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert participant.nik in page and member.nik in page
    # Dinas Sosial's sharing rule has no civil registration: the KK stays out.
    assert participant.kk_number not in page and participant.kk_masked not in page
    [entry] = reads()
    assert (entry.user, entry.action) == (dinsos_officer, AccessLog.Action.REVEAL)
    assert (entry.object_type, entry.object_id) == (label(Participant), str(participant.pk))
    assert entry.detail == f"referral {referral.pk}"


def test_the_reveal_works_without_javascript(client, world, case_worker_a):
    client.force_login(case_worker_a)

    response = client.post(reverse("referrals:reveal_nik", args=[world["referral"].pk]))

    assert response.status_code == 200
    assert world["participant"].nik in response.content.decode()
    assert reads().get().action == AccessLog.Action.REVEAL


def test_a_reveal_by_another_agency_is_a_404_and_writes_nothing(client, world, dinkes_officer):
    client.force_login(dinkes_officer)

    response = client.post(reverse("referrals:reveal_nik", args=[world["referral"].pk]))

    assert response.status_code == 404
    assert not reads().exists()


def test_an_agency_whose_sharing_has_no_nik_gets_a_404(client, world, monkeypatch, dinsos_officer):
    monkeypatch.setitem(sharing.SHARING, Agency.Type.DINSOS, {sharing.HOUSEHOLD})
    client.force_login(dinsos_officer)

    response = client.post(reverse("referrals:reveal_nik", args=[world["referral"].pk]))

    assert response.status_code == 404
    assert not reads().exists()


def test_a_health_worker_cannot_reveal_from_a_referral(client, world, health_worker_a):
    client.force_login(health_worker_a)

    response = client.post(reverse("referrals:reveal_nik", args=[world["referral"].pk]))

    assert response.status_code == 404
    assert not reads().exists()


def test_disdukcapil_sees_the_kk_masked_and_reveals_it(
    client, world, regions, case_worker_a, coordinator_a
):
    disdukcapil = AgencyFactory(
        name="Disdukcapil Kabupaten Tangerang",
        type=Agency.Type.DISDUKCAPIL,
        regency=regions["regency"],
    )
    officer = UserFactory(role=Role.AGENCY_OFFICER, agency=disdukcapil, office=None)
    referral = referral_services.create_referral(
        case=world["case"],
        agency=disdukcapil,
        service=Service.objects.filter(agency_type=Agency.Type.DISDUKCAPIL).first(),
        reason="Belum punya KTP elektronik.",
        urgency=Urgency.NORMAL,
        by=case_worker_a,
    )
    referral = referral_services.send_referral(
        referral=referral, by=coordinator_a, version=referral.version, override_reason="Darurat"
    )
    participant = world["participant"]
    client.force_login(officer)

    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    revealed = client.post(reverse("referrals:reveal_nik", args=[referral.pk])).content.decode()

    assert participant.kk_masked in page and participant.kk_number not in page
    assert participant.kk_number in revealed


def test_opening_the_family_member_form_is_a_logged_reveal(client, world, case_worker_a):
    participant, member = world["participant"], world["member"]
    client.force_login(case_worker_a)

    response = client.get(reverse("participants:household_edit", args=[participant.pk, member.pk]))

    assert response.status_code == 200
    assert member.nik in response.content.decode()
    reveal = AccessLog.objects.get(action=AccessLog.Action.REVEAL)
    assert (reveal.user, reveal.object_id) == (case_worker_a, str(participant.pk))
    assert reveal.detail == f"family member {member.pk} edit form"
