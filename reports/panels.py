"""The reports' buttons on the participant, program and referral pages, and the
participant page's "who has seen this record"."""

from cases.pages import PROGRAM_ACTIONS
from participants import access as participant_access
from participants.pages import CONSENT_ACTIONS, PARTICIPANT_ACTIONS, PARTICIPANT_PAGE
from referrals.models import ReferralStatus
from referrals.pages import REFERRAL_ACTIONS
from rights.models import Kind as DataRequestKind
from rights.pages import DATA_REQUEST_ACTIONS

from . import access, audit


def participant_report_button(request, participant):
    """Everyone who opens the participant's page may download its report."""
    return {"participant": participant}


def consent_form_button(request, participant):
    """Whoever records consents prints the form the returnee fills in by hand."""
    if not participant_access.can_edit(request.user):
        return None
    return {"participant": participant}


def program_report_button(request, program):
    if not access.can_make_program_reports(request.user):
        return None
    return {"program": program}


def outcome_report_button(request, program):
    if not access.can_read_outcome_reports(request.user):
        return None
    return {"program": program}


def referral_letter_link(request, referral):
    """The letter exists once the referral is sent."""
    if referral.status == ReferralStatus.DRAFT:
        return None
    return {"referral": referral}


def data_request_pdf_link(request, data_request):
    """An access request is answered with everything held on the person, as a PDF."""
    if data_request.kind != DataRequestKind.ACCESS:
        return None
    return {"data_request": data_request}


def participant_seen_by(request, participant):
    """The latest access-log entries on the record, for those who read the audit."""
    if not access.can_read_audit(request.user):
        return None
    return {
        "participant": participant,
        "rows": audit.latest_about(participant, user=request.user),
    }


def register():
    PARTICIPANT_ACTIONS.add("reports/participant_button.html", participant_report_button)
    CONSENT_ACTIONS.add("reports/consent_form_button.html", consent_form_button)
    PROGRAM_ACTIONS.add("reports/program_button.html", program_report_button)
    PROGRAM_ACTIONS.add("reports/outcome_report_button.html", outcome_report_button)
    REFERRAL_ACTIONS.add("reports/letter_link.html", referral_letter_link)
    DATA_REQUEST_ACTIONS.add("reports/data_request_link.html", data_request_pdf_link)
    PARTICIPANT_PAGE.add("reports/seen_by_panel.html", participant_seen_by, order=90)
