"""Writes that span several models."""

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AccessLog
from accounts.workflow import IllegalMove

from .documents import download_name
from .models import Consent, Document, Participant, ParticipantTransfer, PossibleDuplicate
from .signals import consent_changed, participant_transferred


@transaction.atomic
def register_participant(*, participant_form, episode_form, office, by) -> Participant:
    """Save a new participant with their latest migration episode."""
    participant = participant_form.save(commit=False)
    participant.office = office
    participant.created_by = by
    participant.save()
    participant_form.save_m2m()
    episode = episode_form.save(commit=False)
    episode.participant = participant
    episode.save()
    record_told_apart(
        participant=participant,
        candidates=participant_form.candidates,
        note=participant_form.cleaned_data.get("distinct_reason", ""),
        by=by,
    )
    return participant


def record_told_apart(*, participant, candidates, note, by) -> None:
    """Keep that `by` saw these candidates and said `participant` is someone else, and why:
    the pairs are decided and never offered as possible duplicates again."""
    now = timezone.now()
    PossibleDuplicate.objects.bulk_create(
        [
            PossibleDuplicate(
                first_id=min(participant.pk, candidate.participant_id),
                second_id=max(participant.pk, candidate.participant_id),
                score=max(candidate.score, 0),
                reasons=candidate.reason_codes,
                decision=PossibleDuplicate.Decision.DIFFERENT,
                decided_by=by,
                decided_at=now,
                note=note.strip(),
            )
            for candidate in candidates
        ]
    )


def lock_unmerged(participant) -> Participant:
    """Lock the record for a write to it or beside it, inside the caller's transaction.

    A merge may have made the record a tombstone since the page was read: the lock
    waits for the merge to finish, and then, like every write to a merged record, it is
    a 404. Otherwise the write would land on the tombstone, out of sight (a family
    member, a document), or bring it back to life (the edit form saves the whole row).
    """
    current = Participant.objects.select_for_update().get(pk=participant.pk)
    if current.is_merged:
        raise Http404
    return current


@transaction.atomic
def update_participant(*, participant_form, episode_form) -> Participant:
    lock_unmerged(participant_form.instance)
    participant = participant_form.save()
    episode = episode_form.save(commit=False)
    episode.participant = participant
    episode.save()
    return participant


@transaction.atomic
def archive_participant(*, participant, by, reason) -> None:
    participant.archived_at = timezone.now()
    participant.archived_by = by
    participant.archive_reason = reason
    participant.save(update_fields=["archived_at", "archived_by", "archive_reason", "updated_at"])


@transaction.atomic
def restore_participant(*, participant) -> None:
    participant.archived_at = None
    participant.archived_by = None
    participant.archive_reason = ""
    participant.save(update_fields=["archived_at", "archived_by", "archive_reason", "updated_at"])


@transaction.atomic
def transfer_participant(*, participant, to_office, reason, by) -> ParticipantTransfer:
    """Move a participant's record to another office and keep who, when and why.

    The household, periods abroad, consents and documents hang off the participant and
    follow it. Higher apps move or close what they own from `participant_transferred`,
    sent inside this transaction: if a receiver raises, nothing is written. Raises
    IllegalMove, writing nothing, for an archived record, the same office or no reason.
    """
    # The row lock makes two people moving (or archiving) one record take turns.
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    reason = reason.strip()
    if participant.is_archived:
        raise IllegalMove(_("An archived record cannot be transferred. Make it active first."))
    if participant.office_id == to_office.pk:
        raise IllegalMove(_("The record is already at %(office)s.") % {"office": to_office})
    if not reason:
        raise IllegalMove(_("Give a reason for the transfer."))
    transfer = ParticipantTransfer.objects.create(
        participant=participant,
        from_office_id=participant.office_id,
        to_office=to_office,
        reason=reason,
        by=by,
    )
    participant.office = to_office
    participant.save(update_fields=["office", "updated_at"])
    participant_transferred.send(
        sender=Participant, participant=participant, transfer=transfer, by=by
    )
    return transfer


@transaction.atomic
def add_document(
    *, participant, uploaded, type, description="", content_type, extension, by
) -> Document:
    lock_unmerged(participant)
    return Document.objects.create(
        participant=participant,
        type=type,
        description=description,
        file=uploaded,
        original_name=download_name(uploaded.name, extension),
        content_type=content_type,
        size=uploaded.size,
        uploaded_by=by,
    )


@transaction.atomic
def record_consent(*, participant, consent_form, by) -> Consent:
    """Save a consent or refusal, with its signed evidence when one is uploaded."""
    lock_unmerged(participant)
    consent = consent_form.save(commit=False)
    consent.participant = participant
    consent.recorded_by = by
    uploaded = consent_form.cleaned_data.get("evidence_file")
    if uploaded:
        consent.evidence = add_document(
            participant=participant,
            uploaded=uploaded,
            type=(
                Document.Type.REFUSAL_STATEMENT
                if consent.decision == Consent.Decision.REFUSED
                else Document.Type.CONSENT_FORM
            ),
            content_type=consent_form.evidence_content_type,
            extension=consent_form.evidence_extension,
            by=by,
        )
    consent.save()
    consent_changed.send(sender=Consent, participant=participant, consent=consent, by=by)
    return consent


@transaction.atomic
def withdraw_consent(*, consent, withdrawn_at, by) -> Consent:
    """Withdraw a consent from that day: what it covered is no longer shared."""
    lock_unmerged(consent.participant)
    consent.withdrawn_at = withdrawn_at
    consent.save(update_fields=["withdrawn_at"])
    consent_changed.send(sender=Consent, participant=consent.participant, consent=consent, by=by)
    return consent


def reveal_identity_numbers(request, *, participant, reason="nik") -> None:
    """Leave a trace that this user saw the whole NIK and KK number."""
    AccessLog.record(request, AccessLog.Action.REVEAL, obj=participant, detail=reason)
