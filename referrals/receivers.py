"""The referrals' part in writes of lower apps (see participants/signals.py)."""

from django.utils.translation import gettext_lazy as _

from accounts.models import NotificationKind, User
from accounts.notifications import notify, who_may_open
from participants.models import Consent, ConsentPurpose

from .models import Referral, ReferralStatus

# Referrals the agency is still working on: its officers and the case worker are told.
STILL_OPEN = {ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS}
STOPPED_TEXT = _(
    "Consent to share was withdrawn for referral %(number)s: the person's data is no longer "
    "shown to the agency."
)
RESTORED_TEXT = _(
    "Consent to share was given again for referral %(number)s: the agency sees what it was "
    "handed once more."
)


def stopped_on(consents, purpose):
    """The day sharing for `purpose` stopped, if the person's latest decision stops it.

    The latest consent that names the purpose decides, as in `consent_summary`: withdrawn
    (from its withdrawal day) or refused (from the day of the refusal) stops it.
    """
    naming = [consent for consent in consents if purpose in consent.purposes]
    if not naming:
        return None
    latest = max(naming, key=lambda consent: (consent.given_at, consent.recorded_at, consent.pk))
    if latest.withdrawn_at is not None:
        return latest.withdrawn_at
    if latest.decision == Consent.Decision.REFUSED:
        return latest.given_at
    return None


def follow_consent(sender, *, participant, consent, by, **kwargs):
    """Stop or restore what each sent referral of the person shares, and say so."""
    consents = list(participant.consents.all())
    referrals = (
        Referral.objects.filter(case__participant=participant, sent_at__isnull=False)
        .select_related("agency", "case__case_worker", "created_by")
        .order_by("pk")
    )
    for referral in referrals:
        purpose = ConsentPurpose.for_agency_type(referral.agency.type)
        stopped = stopped_on(consents, purpose) if purpose else None
        if stopped == referral.sharing_stopped_on:
            continue
        Referral.objects.filter(pk=referral.pk).update(sharing_stopped_on=stopped)
        if referral.status not in STILL_OPEN:
            continue
        officers = User.objects.filter(agency_id=referral.agency_id, is_active=True)
        people = [*officers, referral.case.case_worker, referral.created_by]
        notify(
            who_may_open(
                [p for p in people if p is not None and p.pk != by.pk],
                Referral.objects,
                referral.pk,
            ),
            kind=NotificationKind.CONSENT_CHANGED,
            event=f"referral:{referral.pk}:consent:{consent.pk}:{'stop' if stopped else 'restore'}",
            url=referral.get_absolute_url(),
            message=STOPPED_TEXT if stopped else RESTORED_TEXT,
            params={"number": referral.number or f"#{referral.pk}"},
        )
