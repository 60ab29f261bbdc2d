"""Referral writes: draft, send (with consent or a recorded override), move, confirm."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.workflow import IllegalMove
from participants.documents import download_name
from participants.models import ConsentPurpose, consent_summary

from . import access
from .models import RESPONSE_TIME, Referral, ReferralStatus, ReferralTransition

ROMAN_MONTHS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


class ReferralChanged(IllegalMove):
    """Somebody else moved the referral first: the page showed an old state."""


@transaction.atomic
def create_referral(
    *, case, agency, service, reason, urgency, by, household_member=None, shared_chronology=""
) -> Referral:
    referral = Referral.objects.create(
        case=case,
        agency=agency,
        service=service,
        reason=reason,
        urgency=urgency,
        household_member=household_member,
        shared_chronology=shared_chronology,
        created_by=by,
    )
    ReferralTransition.objects.create(
        referral=referral, from_status="", to_status=ReferralStatus.DRAFT, by=by
    )
    return referral


def covering_consent(referral):
    """The consent in force that covers sharing with this agency's type, if any."""
    purpose = ConsentPurpose.for_agency_type(referral.agency.type)
    consents = list(referral.case.participant.consents.all())
    if purpose is None or consent_summary(consents).get(purpose) != "given":
        return None
    in_force = [c for c in consents if c.is_in_force and purpose in c.purposes]
    return max(in_force, key=lambda c: (c.given_at, c.recorded_at))


@transaction.atomic
def send_referral(*, referral, by, version, override_reason="") -> Referral:
    """Send a draft: it needs a consent covering the agency, or a coordinator's override."""
    referral = _locked(referral, version, by)
    referral.check_move(ReferralStatus.SENT, by)
    consent = covering_consent(referral)
    if consent is None:
        if not access.can_send_without_consent(by):
            raise IllegalMove(
                _(
                    "No consent covers sharing with this agency. Record the consent, or ask "
                    "the coordinator to send it with a recorded reason."
                )
            )
        if not override_reason.strip():
            raise IllegalMove(_("Sending without consent needs the reason written down."))
        referral.consent_override_reason = override_reason.strip()
        referral.consent_override_by = by
    referral.consent = consent
    now = timezone.now()
    referral.sent_at = now
    referral.due_at = now + RESPONSE_TIME[referral.urgency]
    referral.number = (
        f"{referral.pk:05d}/RUJ/{referral.case.program.office_id}/"
        f"{ROMAN_MONTHS[now.month - 1]}/{now.year}"
    )
    _move(referral, ReferralStatus.SENT, by, note=override_reason.strip())
    referral.save()
    referral.refresh_from_db()
    transaction.on_commit(lambda: notify_agency(referral))
    return referral


@transaction.atomic
def move_referral(
    *, referral, to, by, version, note="", decline_reason="", outcome="", evidence=None
) -> Referral:
    """Any move after sending. Exactly one of two people acting at once wins."""
    referral = _locked(referral, version, by)
    if referral.status == ReferralStatus.DRAFT and to == ReferralStatus.SENT:
        raise IllegalMove(_("A draft is sent with its consent check: use Send."))
    needs = referral.check_move(to, by).needs
    written = {"note": note, "decline_reason": decline_reason, "outcome": outcome}
    if needs and not written[needs].strip():
        raise IllegalMove(
            {
                "decline_reason": _("Declining needs a reason."),
                "outcome": _("Completing needs the outcome."),
                "note": _("Write a note for this move."),
            }[needs]
        )
    if to == ReferralStatus.DECLINED:
        referral.decline_reason = decline_reason.strip()
    if to == ReferralStatus.COMPLETED:
        referral.outcome = outcome.strip()
        if evidence is not None:
            uploaded, content_type, extension = evidence
            referral.outcome_evidence = uploaded
            referral.outcome_evidence_name = download_name(uploaded.name, extension)
            referral.outcome_evidence_type = content_type
    if (referral.status, to) == (ReferralStatus.DECLINED, ReferralStatus.SENT):
        # Sent back: the agency gets a fresh deadline, and consent must still hold.
        if covering_consent(referral) is None and not referral.consent_override_reason:
            raise IllegalMove(_("The consent no longer covers this agency."))
        referral.decline_reason = ""
        referral.due_at = timezone.now() + RESPONSE_TIME[referral.urgency]
    _move(referral, to, by, note=(note or decline_reason or outcome).strip())
    referral.save()
    referral.refresh_from_db()
    transaction.on_commit(lambda: notify_sender(referral))
    return referral


@transaction.atomic
def confirm_with_returnee(*, referral, by) -> Referral:
    """The case worker records that the returnee confirmed the agency's outcome."""
    if not access.can_confirm_with_returnee(by):
        raise IllegalMove(_("The case worker records the returnee's confirmation."))
    referral = _locked(referral, referral.version, by)
    if referral.status != ReferralStatus.COMPLETED:
        raise IllegalMove(_("Only a completed referral is confirmed with the returnee."))
    if referral.returnee_confirmed_at is None:
        referral.returnee_confirmed_at = timezone.now()
        referral.save(update_fields=["returnee_confirmed_at"])
    return referral


def _locked(referral, version, by):
    """The referral, row-locked, if `by` may see it and it is still at `version`."""
    try:
        locked = (
            Referral.objects.visible_to(by)
            .select_for_update(of=("self",))
            .select_related("agency", "case")
            .get(pk=referral.pk)
        )
    except Referral.DoesNotExist:
        raise IllegalMove(_("This referral is not yours to move.")) from None
    if locked.version != version:
        raise ReferralChanged(
            _("Somebody changed this referral a moment ago; it is now %(status)s.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _move(referral, to, by, note):
    move = ReferralTransition.objects.create(
        referral=referral, from_status=referral.status, to_status=to, note=note, by=by
    )
    if to == ReferralStatus.ACCEPTED and referral.accepted_at is None:
        referral.accepted_at = move.at
    if to == ReferralStatus.COMPLETED:
        referral.completed_at = move.at
    referral.status = to
    referral.version = F("version") + 1


def notify_agency(referral):
    recipients = list(
        User.objects.filter(agency=referral.agency, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    _mail(referral, recipients, "referrals/email_new.txt")


def notify_sender(referral):
    people = {referral.created_by, referral.case.case_worker} - {None}
    _mail(referral, [p.email for p in people if p.email], "referrals/email_status.txt")


def _mail(referral, recipients, template):
    if not recipients:
        return
    link = settings.SITE_URL + reverse("referrals:detail", args=[referral.pk])
    # Emails carry no personal detail: the link leads to the page behind a login.
    body = render_to_string(template, {"referral": referral, "link": link})
    subject, _blank, message = body.partition("\n\n")
    send_mail(subject.strip(), message.strip(), None, recipients)
