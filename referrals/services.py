"""Referral writes: draft, send (with consent or a recorded override), move, confirm."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import NotificationKind, User
from accounts.notifications import notify, who_may_open
from accounts.workflow import IllegalMove
from cases.models import PlanItem
from participants.documents import download_name
from participants.models import ConsentPurpose, consent_summary

from . import access, sharing
from .models import RESPONSE_TIME, Referral, ReferralStatus, ReferralTransition, Satisfaction

ROMAN_MONTHS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]

# Under the bell: the letter number and the service, never a person.
NEW_REFERRAL_TEXT = gettext_lazy("New referral %(number)s for your agency: %(service)s")
SENT_BACK_TEXT = gettext_lazy("Referral %(number)s was sent back to your agency: %(service)s")
STATUS_TEXT = gettext_lazy("Referral %(number)s (%(service)s) is now: %(status)s")
OUTCOME_TEXT = gettext_lazy(
    "Referral %(number)s (%(service)s) is completed: outcome to confirm with the returnee"
)


class ReferralChanged(IllegalMove):
    """Somebody else moved the referral first: the page showed an old state."""


@transaction.atomic
def create_referral(
    *,
    case,
    agency,
    service,
    reason,
    urgency,
    by,
    household_member=None,
    shared_chronology="",
    plan_item=None,
) -> Referral:
    """A draft; it may fulfil one of the case's plan items, which a draft leaves as it is."""
    if plan_item is not None and plan_item.case_id != case.pk:
        raise IllegalMove(_("This plan item belongs to another case."))
    referral = Referral.objects.create(
        case=case,
        agency=agency,
        service=service,
        reason=reason,
        urgency=urgency,
        household_member=household_member,
        shared_chronology=shared_chronology,
        plan_item=plan_item,
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
    referral.shared_snapshot = sharing.snapshot(referral)
    now = timezone.now()
    referral.sent_at = now
    referral.due_at = now + RESPONSE_TIME[referral.urgency]
    referral.number = (
        f"{referral.pk:05d}/RUJ/{referral.case.program.office_id}/"
        f"{ROMAN_MONTHS[now.month - 1]}/{now.year}"
    )
    move = _move(referral, ReferralStatus.SENT, by, note=override_reason.strip())
    referral.save()
    referral.refresh_from_db()
    _tell_of_move(referral, move)
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
        # Handed over again: as the record stands now.
        referral.shared_snapshot = sharing.snapshot(referral)
    move = _move(referral, to, by, note=(note or decline_reason or outcome).strip())
    referral.save()
    referral.refresh_from_db()
    _tell_of_move(referral, move)
    transaction.on_commit(lambda: notify_sender(referral))
    return referral


@transaction.atomic
def confirm_with_returnee(
    *, referral, by, received=None, satisfaction="", feedback_note=""
) -> Referral:
    """The case worker records that the returnee confirmed the agency's outcome, with
    their feedback: was the service received (None: not asked), were they satisfied,
    what they said. Recorded once; a second confirmation changes nothing."""
    if not access.can_confirm_with_returnee(by):
        raise IllegalMove(_("The case worker records the returnee's confirmation."))
    if satisfaction and satisfaction not in Satisfaction.values:
        raise IllegalMove(_("Choose how satisfied the returnee is from the list."))
    referral = _locked(referral, referral.version, by)
    if referral.status != ReferralStatus.COMPLETED:
        raise IllegalMove(_("Only a completed referral is confirmed with the returnee."))
    if referral.returnee_confirmed_at is None:
        referral.returnee_confirmed_at = timezone.now()
        referral.feedback_received = received
        referral.feedback_satisfaction = satisfaction
        referral.feedback_note = feedback_note.strip()
        referral.save(
            update_fields=[
                "returnee_confirmed_at",
                "feedback_received",
                "feedback_satisfaction",
                "feedback_note",
            ]
        )
    return referral


# What a referral in each status says of the plan item it fulfils. Asking an agency
# puts the item in progress; its completion is the item done. A decline stays in
# progress because the coordinator still reviews it (sends it back or closes it). A
# referral that ends without the service (unable, cancelled) puts the item back to
# planned, so that it shows as still to do, unless another referral is still at work
# on it. A draft asks nothing of anyone yet, so it leaves the item alone.
PLAN_ITEM_STATUS_FOR = {
    ReferralStatus.DRAFT: None,
    ReferralStatus.SENT: PlanItem.Status.IN_PROGRESS,
    ReferralStatus.ACCEPTED: PlanItem.Status.IN_PROGRESS,
    ReferralStatus.IN_PROGRESS: PlanItem.Status.IN_PROGRESS,
    ReferralStatus.DECLINED: PlanItem.Status.IN_PROGRESS,
    ReferralStatus.COMPLETED: PlanItem.Status.DONE,
    ReferralStatus.UNABLE: PlanItem.Status.PLANNED,
    ReferralStatus.CANCELLED: PlanItem.Status.PLANNED,
}
# The referrals still at work on their item: they keep it in progress.
AT_WORK = [s for s, item in PLAN_ITEM_STATUS_FOR.items() if item == PlanItem.Status.IN_PROGRESS]
# Plan items that may still be fulfilled by a referral.
PLAN_ITEM_CLOSED = [PlanItem.Status.DONE, PlanItem.Status.CANCELLED]


def _update_plan_item(item_id, *, referral, target):
    """Move the plan item `referral` fulfils towards `target`, the table's word for it.

    Going back to planned only undoes an item in progress, and not while another
    referral is at work on it. An item done or cancelled (by hand, or done by another
    referral) stays so, except that a completed referral marks it done.
    """
    if item_id is None or target is None:
        return
    # Locked first, so that two referrals ending at once both see the other's end.
    item = PlanItem.objects.select_for_update().get(pk=item_id)
    if target == PlanItem.Status.PLANNED:
        if item.status != PlanItem.Status.IN_PROGRESS:
            return
        others = item.referrals.exclude(pk=referral.pk).filter(status__in=AT_WORK)
        if others.exists():
            return
    elif item.status in PLAN_ITEM_CLOSED and target != PlanItem.Status.DONE:
        return
    if item.status != target:
        item.status = target
        item.save(update_fields=["status"])


@transaction.atomic
def link_plan_item(*, referral, plan_item, by) -> Referral:
    """Say which of the case's plan items the referral fulfils (None: none).

    The item newly linked follows the referral's status as if it had just moved there
    (a referral that ended without the service changes nothing); the item it leaves goes
    back to planned, as if the referral had been cancelled, if it was at work on it.
    """
    if not access.can_follow_office_referrals(by):
        raise IllegalMove(_("Only the office's staff link a referral to the plan."))
    referral = _locked(referral, referral.version, by)
    if not referral.case.is_open:
        raise IllegalMove(_("The case is closed: its plan no longer changes."))
    if plan_item is not None:
        if plan_item.case_id != referral.case_id:
            raise IllegalMove(_("This plan item belongs to another case."))
        if plan_item.status in PLAN_ITEM_CLOSED and plan_item.pk != referral.plan_item_id:
            raise IllegalMove(_("This plan item is done or cancelled already."))
    new_id = plan_item.pk if plan_item is not None else None
    if new_id == referral.plan_item_id:
        return referral
    if referral.status in AT_WORK:
        _update_plan_item(referral.plan_item_id, referral=referral, target=PlanItem.Status.PLANNED)
    target = PLAN_ITEM_STATUS_FOR[referral.status]
    if target != PlanItem.Status.PLANNED:
        _update_plan_item(new_id, referral=referral, target=target)
    referral.plan_item_id = new_id
    referral.save(update_fields=["plan_item"])
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
    if to == ReferralStatus.DECLINED:
        referral.declined_at = move.at
    # A draft asked nothing of the agency: cancelling it leaves its plan item alone.
    if referral.status != ReferralStatus.DRAFT or to == ReferralStatus.SENT:
        _update_plan_item(referral.plan_item_id, referral=referral, target=PLAN_ITEM_STATUS_FOR[to])
    referral.status = to
    referral.version = F("version") + 1
    return move


def _tell_of_move(referral, move):
    """Notify of a move those who may open the referral, never the person who made it.

    Sent (or sent back): the agency's officers. Anything else: whoever wrote it and the
    case worker, the case worker asked to confirm a completed one with the returnee; a
    cancellation of a referral the agency had received tells its officers too.
    """
    event = f"referral:{referral.pk}:move:{move.pk}"
    url = referral.get_absolute_url()
    params = {
        "number": referral.number or f"#{referral.pk}",
        "service": referral.service,
        "status": ReferralStatus(move.to_status).label,
    }

    def tell(people, kind, message):
        people = [person for person in people if person is not None and person.pk != move.by_id]
        notify(
            who_may_open(people, Referral.objects, referral.pk),
            kind=kind,
            event=event,
            url=url,
            message=message,
            params=params,
        )

    def officers():
        return User.objects.filter(agency_id=referral.agency_id, is_active=True)

    if move.to_status == ReferralStatus.SENT:
        sent_back = move.from_status == ReferralStatus.DECLINED
        tell(
            officers(),
            NotificationKind.NEW_REFERRAL,
            SENT_BACK_TEXT if sent_back else NEW_REFERRAL_TEXT,
        )
        return
    case_worker = referral.case.case_worker
    if move.to_status == ReferralStatus.COMPLETED:
        tell([case_worker], NotificationKind.OUTCOME_WAITING, OUTCOME_TEXT)
        tell(
            [p for p in [referral.created_by] if p != case_worker],
            NotificationKind.REFERRAL_STATUS,
            STATUS_TEXT,
        )
        return
    followers = [referral.created_by, case_worker]
    if move.to_status == ReferralStatus.CANCELLED and referral.sent_at is not None:
        followers += officers()
    tell(followers, NotificationKind.REFERRAL_STATUS, STATUS_TEXT)


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
