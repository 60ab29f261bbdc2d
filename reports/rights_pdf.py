"""The answer to a person's access request: everything Purna holds on them, as a PDF.

In plain words, section by section: identity, household, periods abroad, problems,
consents, cases with their screenings, plan, follow-up visits and referrals, the
documents held (their names, never their contents), and with whom the record was
shared and when: each referral's agency and the sections its sharing rule sends,
and every entry of the access log about the person, their cases or their referrals.
"""

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AccessLog
from cases.models import Case, PlanItem, Screening
from participants.models import ConsentPurpose
from referrals import sharing
from referrals.models import Referral, ReferralTransition
from rights import access as rights_access
from rights.models import Kind

from .pdf import pdf_response, report_context

SECTION_WORDS = {
    sharing.IDENTITY: gettext_lazy("identity (name, NIK, sex, date of birth, address, phone)"),
    sharing.CIVIL: gettext_lazy("civil registration (KK number and registration problems)"),
    sharing.HOUSEHOLD: gettext_lazy("the family"),
    sharing.SOCIOECONOMIC: gettext_lazy("health and employment insurance, welfare data"),
    sharing.WORK_HISTORY: gettext_lazy("periods abroad and education"),
    sharing.SCREENING: gettext_lazy("health screening results"),
    sharing.CHRONOLOGY: gettext_lazy("the chronology of what happened, as written for the agency"),
}
SECTION_ORDER = list(SECTION_WORDS)

PARTICIPANT = "participants.participant"
CASE = "cases.case"
REFERRAL = "referrals.referral"


def sections_in_words(agency_type) -> list[str]:
    sections = sharing.sections_for(agency_type)
    return [str(SECTION_WORDS[s]) for s in SECTION_ORDER if s in sections]


def shares_of(referrals) -> list[dict]:
    """Each referral that was sent: to which agency, when, and what its rule shares."""
    return [
        {
            "agency": referral.agency,
            "sent_at": referral.sent_at,
            "service": referral.service,
            "number": referral.number,
            "sections": sections_in_words(referral.agency.type),
            "chronology_shared": bool(referral.shared_chronology),
        }
        for referral in referrals
        if referral.sent_at is not None
    ]


def access_entries(participant, cases, referrals) -> list[dict]:
    """Who opened, revealed, downloaded or exported the record, its cases or referrals."""
    case_names = {str(case.pk): case.program.name for case in cases}
    referral_names = {
        str(referral.pk): f"{referral.number or referral.pk} ({referral.agency})"
        for referral in referrals
    }
    about = (
        Q(object_type=PARTICIPANT, object_id=str(participant.pk))
        | Q(object_type=CASE, object_id__in=list(case_names))
        | Q(object_type=REFERRAL, object_id__in=list(referral_names))
    )
    rows = []
    logged = AccessLog.objects.filter(about).select_related("user__office", "user__agency")
    for entry in logged.order_by("at", "pk"):
        if entry.object_type == PARTICIPANT:
            what = _("The person's record")
        elif entry.object_type == CASE:
            what = _("Case in %(program)s") % {"program": case_names[entry.object_id]}
        else:
            what = _("Referral %(referral)s") % {"referral": referral_names[entry.object_id]}
        user = entry.user
        rows.append(
            {
                "at": entry.at,
                "action": entry.get_action_display(),
                "what": what,
                "who": str(user) if user else entry.username,
                "role": user.get_role_display() if user else "",
                "organisation": (user.organisation or "") if user else "",
            }
        )
    return rows


def consent_rows(consents) -> list[dict]:
    return [
        {
            "consent": consent,
            "purposes": [str(ConsentPurpose(p).label) for p in consent.purposes],
        }
        for consent in consents
    ]


def data_request_pdf(request, pk):
    """Everything held on the person who asked to see it; the download is logged."""
    data_request = rights_access.get_request_for(request.user, pk)
    if data_request.kind != Kind.ACCESS:
        raise Http404
    participant = data_request.participant
    participant = (
        type(participant)
        .objects.select_related("office", "village__parent__parent")
        .prefetch_related(
            "episodes", "problems", "household", "consents", "documents", "data_requests"
        )
        .get(pk=participant.pk)
    )
    referrals_of_case = Referral.objects.select_related("service", "agency").prefetch_related(
        Prefetch("transitions", queryset=ReferralTransition.objects.order_by("at", "pk"))
    )
    cases = list(
        Case.objects.filter(participant=participant)
        .select_related("program")
        .prefetch_related(
            Prefetch("screenings", queryset=Screening.objects.order_by("screened_on", "pk")),
            "screenings__alerts",
            Prefetch("plan_items", queryset=PlanItem.objects.select_related("responsible_agency")),
            Prefetch("referrals", queryset=referrals_of_case.order_by("created_at", "pk")),
            "follow_ups",
        )
        .order_by("opened_at", "pk")
    )
    referrals = [referral for case in cases for referral in case.referrals.all()]
    ctx = {
        "participant": participant,
        "data_request": data_request,
        "cases": cases,
        "consents": consent_rows(participant.consents.all()),
        "shares": shares_of(referrals),
        "accesses": access_entries(participant, cases, referrals),
    }
    ctx = report_context(ctx, user=request.user, office=participant.office)
    return pdf_response(
        request,
        "reports/data_request.html",
        ctx,
        filename=f"data-pribadi-{participant.registration_number}.pdf",
        obj=participant,
    )
