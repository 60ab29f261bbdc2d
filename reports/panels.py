"""The reports' buttons on the participant, program and referral pages, and the
participant page's "who has seen this record"."""

from cases.pages import PROGRAM_ACTIONS
from participants.pages import PARTICIPANT_ACTIONS, PARTICIPANT_PAGE
from referrals.models import ReferralStatus
from referrals.pages import REFERRAL_ACTIONS

from . import access, audit


def participant_report_button(request, participant):
    """Everyone who opens the participant's page may download its report."""
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
    PROGRAM_ACTIONS.add("reports/program_button.html", program_report_button)
    PROGRAM_ACTIONS.add("reports/outcome_report_button.html", outcome_report_button)
    REFERRAL_ACTIONS.add("reports/letter_link.html", referral_letter_link)
    PARTICIPANT_PAGE.add("reports/seen_by_panel.html", participant_seen_by, order=90)
