"""The world of the permission matrix: the same kinds of rows in two offices.

Office A is the users' own office; office B is another. A referral of office A goes to
Dinas Sosial, the agency officer's own; a referral of office B goes to Dinas Kesehatan.
Every kind of object a URL can name exists once in each office, so each URL can be
asked for "own" and for "other".
"""

import datetime

from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.utils import timezone

from accounts.models import Agency, Notification, Role
from cases.instruments import SRQ20
from cases.models import Alert, PlanItem
from cases.services import record_questionnaire
from participants import merging
from participants.duplicates import PossibleDuplicate
from participants.models import (
    Consent,
    ConsentPurpose,
    Document,
    HouseholdMember,
    ImportJob,
    Participant,
)
from referrals import services as referral_services
from referrals.models import Referral, ReferralStatus, Service, Urgency
from reports import program_report
from reports.models import ReportJob
from rights import services as rights_services
from rights.models import Channel, Kind
from tests.cases.conftest import enrol, make_program
from tests.cases.helpers import srq_answers
from tests.factories import (
    AgencyFactory,
    OfficeFactory,
    ParticipantFactory,
    UserFactory,
    banten_regions,
    load_reference_data,
)

ROLES = {
    "anonymous": None,
    "case_worker": Role.CASE_WORKER,
    "coordinator": Role.COORDINATOR,
    "health_worker": Role.HEALTH_WORKER,
    "auditor": Role.AUDITOR,
    "agency_officer": Role.AGENCY_OFFICER,
    "admin": Role.ADMIN,
}
OWN, OTHER = "own", "other"


class Scope:
    """The objects of one office: what the URLs of that scope name."""

    def __init__(self, office, agency, staff, colleague, regions, tag):
        self.office = office
        program = make_program(office, staff, regions["district"], name=f"Kegiatan {tag}")
        case = enrol(program, staff, full_name=f"Siti Aminah {tag}", sex="F")
        participant = case.participant
        record_questionnaire(case=case, instrument=SRQ20, answers=srq_answers(yes=[17]), by=staff)
        consent = Consent.objects.create(
            participant=participant,
            decision=Consent.Decision.GIVEN,
            given_by=Consent.GivenBy.PARTICIPANT,
            purposes=[
                ConsentPurpose.REHABILITATION,
                ConsentPurpose.SHARE_DINSOS,
                ConsentPurpose.SHARE_DINKES,
            ],
            method=Consent.Method.SIGNED_FORM,
            given_at=datetime.date(2025, 11, 5),
            recorded_by=staff,
        )
        member = HouseholdMember.objects.create(
            participant=participant,
            relationship=HouseholdMember.Relationship.SPOUSE,
            full_name=f"Ahmad Fauzi {tag}",
            sex="M",
        )
        document = Document(
            participant=participant,
            type=Document.Type.HEALTH_LETTER,
            original_name="surat.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=staff,
        )
        document.file.save("surat.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
        plan_item = PlanItem.objects.create(
            case=case,
            dimension=PlanItem.Dimension.values[0],
            intervention="Pelatihan usaha",
            created_by=staff,
        )
        service = Service.objects.filter(agency_type=agency.type).order_by("pk").first()
        referral = referral_services.create_referral(
            case=case,
            agency=agency,
            service=service,
            reason="Keluarga tidak punya penghasilan sejak kepulangan.",
            urgency=Urgency.NORMAL,
            by=staff,
        )
        referral = referral_services.send_referral(
            referral=referral, by=staff, version=referral.version
        )
        # Completed by the agency, with its evidence, waiting for the returnee's word.
        referral.outcome_evidence.save("bukti.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        Referral.objects.filter(pk=referral.pk).update(
            status=ReferralStatus.COMPLETED,
            accepted_at=timezone.now(),
            completed_at=timezone.now(),
            outcome="Layanan diberikan.",
            outcome_evidence=referral.outcome_evidence.name,
            outcome_evidence_name="bukti.pdf",
            outcome_evidence_type="application/pdf",
        )
        first, second = sorted(
            (
                ParticipantFactory(office=office, created_by=staff, full_name=f"Dewi {tag}"),
                ParticipantFactory(office=office, created_by=staff, full_name=f"Dewi S {tag}"),
            ),
            key=lambda p: p.pk,
        )
        pair = PossibleDuplicate.objects.create(
            first=first, second=second, score=90, reasons=["name"]
        )
        kept = ParticipantFactory(office=office, created_by=staff, full_name=f"Rina {tag}")
        gone = ParticipantFactory(office=office, created_by=staff, full_name=f"Rina S {tag}")
        merge = merging.merge_participants(
            survivor=Participant.objects.get(pk=kept.pk),
            merged=Participant.objects.get(pk=gone.pk),
            chosen={},
            reason="Orang yang sama, terdaftar dua kali.",
            by=colleague,
        )
        # Checked, with one row of two to fix: its rows with problems can be downloaded.
        import_job = ImportJob.objects.create(
            office=office,
            original_name="peserta.xlsx",
            status=ImportJob.Status.VALIDATED,
            total_rows=2,
            error_rows=1,
            problem_rows={
                "header": ["Nama lengkap", "Tanggal lahir"],
                "delimiter": ",",
                "rows": [{"row": 3, "cells": ["Siti", "31-02-1990"], "problems": ["Baris 3"]}],
            },
            created_by=staff,
        )
        report_job = ReportJob.objects.create(office=office, program=program, created_by=colleague)
        program_report.run_job(report_job.pk)
        # A request of the person to see their data, received by the office's coordinator.
        data_request = rights_services.register_request(
            participant=participant,
            kind=Kind.ACCESS,
            channel=Channel.IN_PERSON,
            identity_checked="KTP asli dilihat",
            details="Ingin melihat semua data yang disimpan.",
            by=colleague,
        )
        self.kwargs = {
            "participant": participant.pk,
            "data_request": data_request.pk,
            "case": case.pk,
            "program": program.pk,
            "referral": referral.pk,
            "alert": Alert.objects.get(case=case).pk,
            "consent": consent.pk,
            "member": member.pk,
            "episode": participant.episodes.get().pk,
            "document": document.pk,
            "plan_item": plan_item.pk,
            "pair": pair.pk,
            "merge": merge.pk,
            "import_job": import_job.pk,
            "report_job": report_job.pk,
            "office": office.pk,
            "agency": agency.pk,
            "person": UserFactory(role=Role.CASE_WORKER, office=office).pk,
        }


class World:
    def __init__(self, mail_dir):
        if not Service.objects.exists():
            # Emptied by a browser test that ran before this module.
            load_reference_data()
        regions = banten_regions()
        office_a = OfficeFactory(name="BP3MI Banten", province=regions["province"])
        office_b = OfficeFactory(name="BP3MI Jawa Barat", province=regions["province"])
        dinsos = AgencyFactory(
            name="Dinas Sosial Kabupaten Tangerang",
            type=Agency.Type.DINSOS,
            regency=regions["regency"],
        )
        dinkes = AgencyFactory(
            name="Dinas Kesehatan Kabupaten Tangerang",
            type=Agency.Type.DINKES,
            regency=regions["regency"],
        )
        self.users = {
            "case_worker": UserFactory(role=Role.CASE_WORKER, office=office_a),
            "coordinator": UserFactory(role=Role.COORDINATOR, office=office_a),
            "health_worker": UserFactory(role=Role.HEALTH_WORKER, office=office_a),
            "auditor": UserFactory(role=Role.AUDITOR, office=office_a),
            "agency_officer": UserFactory(role=Role.AGENCY_OFFICER, agency=dinsos, office=None),
            "admin": UserFactory(
                role=Role.ADMIN, office=office_a, is_staff=True, is_superuser=True
            ),
        }
        users = self.users
        case_worker_b = UserFactory(role=Role.CASE_WORKER, office=office_b)
        coordinator_b = UserFactory(role=Role.COORDINATOR, office=office_b)
        self.scopes = {
            OWN: Scope(office_a, dinsos, users["case_worker"], users["coordinator"], regions, "A"),
            OTHER: Scope(office_b, dinkes, case_worker_b, coordinator_b, regions, "B"),
        }
        # Each user's own notification; another user's is "other" to everyone.
        self.notifications = {
            name: Notification.objects.create(
                user=user, kind="referral_status", text="Rujukan berubah.", url="/", event=name
            ).pk
            for name, user in [*users.items(), ("other", case_worker_b)]
        }
        EmailMessage("Undangan", "Silakan masuk.", to=["petugas@example.org"]).send()
        self.mail_file = sorted(path.name for path in mail_dir.iterdir())[0]
        self.cookies = {}  # the session cookie of each role, logged in once

    def user(self, role):
        return self.users.get(role)

    def value(self, key, role, scope):
        if key == "notification":
            own = self.notifications.get(role, self.notifications["case_worker"])
            return own if scope == OWN else self.notifications["other"]
        return self.scopes[scope].kwargs[key]
