"""Records of one person registered twice: the pairs found, what was decided, the merges."""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import sees_every_office


class PossibleDuplicateQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Pairs of the user's office (both records in it); every pair for the administrator."""
        from . import access

        if sees_every_office(user):
            return self
        if not access.can_merge(user):
            return self.none()
        return self.filter(first__office_id=user.office_id, second__office_id=user.office_id)

    def undecided(self):
        return self.filter(decision=PossibleDuplicate.Decision.OPEN)

    def pair(self, a, b):
        first, second = sorted((a.pk, b.pk))
        return self.filter(first_id=first, second_id=second)


@pghistory.track()
class PossibleDuplicate(models.Model):
    """Two records the matcher found alike, and what a person decided about them.

    The pair is stored with the lower id first, once. "Different people" keeps who
    decided and why, and the pair never comes back; "merged" points at the merge.
    """

    class Decision(models.TextChoices):
        OPEN = "open", _("Not decided")
        DIFFERENT = "different", _("Different people")
        MERGED = "merged", _("Merged")

    first = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    second = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    reasons = ArrayField(models.CharField(max_length=30), verbose_name=_("reasons"))
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("why"), blank=True)

    objects = PossibleDuplicateQuerySet.as_manager()

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            models.CheckConstraint(
                condition=Q(first__lt=F("second")), name="duplicate_pair_ordered"
            ),
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_pair_once"),
            models.CheckConstraint(
                condition=Q(decision="open")
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="duplicate_decision_has_author",
            ),
            models.CheckConstraint(
                condition=~Q(decision="different") | ~Q(note=""),
                name="duplicate_different_has_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["-score", "first"],
                name="duplicate_open_by_score",
                condition=Q(decision="open"),
            ),
            models.Index(fields=["second"], name="duplicate_second"),
        ]

    def __str__(self):
        return f"{self.first_id} ~ {self.second_id} ({self.score})"

    def other(self, participant):
        return self.second if participant.pk == self.first_id else self.first


@pghistory.track()
class ParticipantMerge(models.Model):
    """One record merged into another: what was chosen, what moved, and whether undone.

    `survivor_before` and `merged_before` keep both records' fields as they were, and
    `moved` the ids of every row that moved ({"app_label.model": [ids]}), so that the
    merge can be undone exactly while nothing new was written since.
    """

    survivor = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("kept record"),
        on_delete=models.PROTECT,
        related_name="merges_kept",
    )
    merged = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("merged record"),
        on_delete=models.PROTECT,
        related_name="merges_absorbed",
    )
    reason = models.TextField(_("why"), blank=True)
    chosen = models.JSONField(_("values chosen"), default=dict)
    survivor_before = models.JSONField(default=dict)
    merged_before = models.JSONField(default=dict)
    moved = models.JSONField(_("rows moved"), default=dict)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("merged at"), default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant merge")
        verbose_name_plural = _("participant merges")
        constraints = [
            models.CheckConstraint(
                condition=~Q(survivor=F("merged")), name="merge_two_different_records"
            ),
            models.CheckConstraint(
                condition=Q(undone_at__isnull=True) | Q(undone_by__isnull=False),
                name="merge_undo_has_author",
            ),
        ]

    def __str__(self):
        return f"{self.merged_id} -> {self.survivor_id}"

    @property
    def is_undone(self):
        return self.undone_at is not None
