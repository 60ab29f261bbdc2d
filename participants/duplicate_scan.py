"""Looking through an office's records for people registered twice.

Registration and the import compare each new person before saving; this finds the
pairs that came in another way (records edited later, data from before the matcher)
and keeps them as open PossibleDuplicate rows for the coordinator's list. Pairs a
person has decided stay as decided.
"""

from django.db import transaction
from django.utils import timezone

from . import matching
from .models import Participant, PossibleDuplicate

BATCH = 500


def scan_office(office, *, progress=None) -> int:
    """Find the office's possible duplicates; returns how many new pairs were found."""
    records = Participant.objects.filter(office=office).active()
    ids = list(records.order_by("pk").values_list("pk", flat=True))
    found = 0
    for start in range(0, len(ids), BATCH):
        batch = records.filter(pk__in=ids[start : start + BATCH])
        people = {p.pk: matching.Person.of(p) for p in batch}
        candidates = matching.match_many(people, among=records)
        found += _keep_pairs(candidates)
        if progress:
            progress(min(start + BATCH, len(ids)), len(ids))
    return found


@transaction.atomic
def _keep_pairs(candidates) -> int:
    pairs = {}
    for pk, found in candidates.items():
        for candidate in found:
            key = tuple(sorted((pk, candidate.participant_id)))
            if key not in pairs or pairs[key].score < candidate.score:
                pairs[key] = candidate
    now = timezone.now()
    made = PossibleDuplicate.objects.bulk_create(
        [
            PossibleDuplicate(
                first_id=first,
                second_id=second,
                score=max(candidate.score, 0),
                reasons=candidate.reason_codes,
                found_at=now,
            )
            for (first, second), candidate in pairs.items()
        ],
        ignore_conflicts=True,  # a pair found before keeps its row and its decision
    )
    # bulk_create with ignore_conflicts does not say which rows were new: count them.
    return PossibleDuplicate.objects.filter(found_at=now).count() if made else 0
