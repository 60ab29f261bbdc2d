"""Writes of a person's requests about their data: register, review, answer."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.workflow import IllegalMove

from .models import REFUSING, DataRequest, RequestedBy, Status


@transaction.atomic
def register_request(
    *,
    participant,
    kind,
    channel,
    identity_checked,
    details,
    by,
    requested_by=RequestedBy.PERSON,
    requester_name="",
    received_at=None,
) -> DataRequest:
    """A request received now, or earlier (never later); due 72 hours after receipt."""
    now = timezone.now()
    received_at = received_at or now
    if received_at > now:
        raise IllegalMove(_("A request cannot be received in the future."))
    return DataRequest.objects.create(
        participant=participant,
        kind=kind,
        requested_by=requested_by,
        requester_name=requester_name if requested_by != RequestedBy.PERSON else "",
        channel=channel,
        identity_checked=identity_checked,
        details=details,
        received_at=received_at,
        registered_by=by,
        registered_at=now,
    )


def _locked(data_request):
    return DataRequest.objects.select_for_update().get(pk=data_request.pk)


@transaction.atomic
def start_review(*, data_request, by, note="") -> DataRequest:
    data_request = _locked(data_request)
    data_request.check_move(Status.IN_REVIEW, by)
    data_request.status = Status.IN_REVIEW
    data_request.review_note = note
    data_request.reviewed_at = timezone.now()
    data_request.save(update_fields=["status", "review_note", "reviewed_at"])
    return data_request


@transaction.atomic
def answer_request(
    *, data_request, outcome, answer, by, refusal_ground="", refusal_explanation=""
) -> DataRequest:
    """The answer given to the person; refusing some or all of it needs its grounds."""
    data_request = _locked(data_request)
    data_request.check_move(Status.ANSWERED, by)
    if not answer.strip():
        raise IllegalMove(_("Write what the person was told."))
    if outcome in REFUSING and not (refusal_ground and refusal_explanation.strip()):
        raise IllegalMove(_("Refusing all or part of a request needs its grounds, explained."))
    if outcome not in REFUSING:
        refusal_ground, refusal_explanation = "", ""
    data_request.status = Status.ANSWERED
    data_request.outcome = outcome
    data_request.answer = answer
    data_request.refusal_ground = refusal_ground
    data_request.refusal_explanation = refusal_explanation
    data_request.answered_at = timezone.now()
    data_request.answered_by = by
    data_request.save(
        update_fields=[
            "status",
            "outcome",
            "answer",
            "refusal_ground",
            "refusal_explanation",
            "answered_at",
            "answered_by",
        ]
    )
    return data_request
