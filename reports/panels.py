"""The reports' buttons on the participant, program and referral pages."""

from cases.pages import PROGRAM_ACTIONS
from participants.pages import PARTICIPANT_ACTIONS
from referrals.models import ReferralStatus
from referrals.pages import REFERRAL_ACTIONS

from . import access


def participant_report_button(request, participant):
    """Everyone who opens the participant's page may download its report."""
    return {"participant": participant}


def program_report_button(request, program):
    if not access.can_make_program_reports(request.user):
        return None
    return {"program": program}


def referral_letter_link(request, referral):
    """The letter exists once the referral is sent."""
    if referral.status == ReferralStatus.DRAFT:
        return None
    return {"referral": referral}


def register():
    PARTICIPANT_ACTIONS.add("reports/participant_button.html", participant_report_button)
    PROGRAM_ACTIONS.add("reports/program_button.html", program_report_button)
    REFERRAL_ACTIONS.add("reports/letter_link.html", referral_letter_link)
