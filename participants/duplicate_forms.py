"""The forms of the possible-duplicates pages: merge two records, or tell them apart."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import merging
from .models import Participant

# A field whose value only means something with another one: its default follows that
# field's (a reason for having no NIK goes with the record whose NIK is kept).
FOLLOWS = {"nik_missing_reason": "nik"}


def _value(participant, name):
    field = Participant._meta.get_field(name)
    value = getattr(participant, field.attname)
    return sorted(value) if isinstance(value, list) else value


def _blank(value):
    return value in ("", None, [])


class MergeForm(forms.Form):
    """Which record is kept and, for each field where they differ, whose value.

    The choices name the records by pk (the page shows them side by side); `chosen`
    turns them into "survivor" / "merged" for the service. The older record is the
    suggested survivor and its values the defaults, but a value it lacks comes from the
    other record, so that a NIK or a phone is not lost by default. The records' times
    of change as the page showed them come back hidden: a record changed in between
    is compared again, not merged blind.
    """

    keep = forms.TypedChoiceField(label=_("Record kept"), coerce=int, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Why are they the same person?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: the same KTP, registered again at the second event."),
    )
    first_seen = forms.CharField(widget=forms.HiddenInput)
    second_seen = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, first, second, **kwargs):
        super().__init__(*args, **kwargs)
        # Left the older record, the suggested survivor.
        older, newer = sorted((first, second), key=lambda p: (p.created_at, p.pk))
        self.left, self.right = older, newer
        records = [(older.pk, older.registration_number), (newer.pk, newer.registration_number)]
        self.fields["keep"].choices = records
        self.fields["keep"].initial = older.pk
        self.fields["first_seen"].initial = older.updated_at.isoformat()
        self.fields["second_seen"].initial = newer.updated_at.isoformat()
        self.differing = [
            name for name in merging.MERGEABLE_FIELDS if _value(older, name) != _value(newer, name)
        ]
        defaults = {}
        for name in self.differing:
            blank_left = _blank(_value(older, name))
            defaults[name] = (
                newer.pk if blank_left and not _blank(_value(newer, name)) else older.pk
            )
        for name in self.differing:
            leader = FOLLOWS.get(name)
            initial = defaults[leader] if leader in defaults else defaults[name]
            self.fields[f"value_{name}"] = forms.TypedChoiceField(
                label=capfirst(Participant._meta.get_field(name).verbose_name),
                choices=records,
                coerce=int,
                initial=initial,
                widget=forms.RadioSelect,
            )

    def clean(self):
        cleaned = super().clean()
        seen = (cleaned.get("first_seen"), cleaned.get("second_seen"))
        now = (self.left.updated_at.isoformat(), self.right.updated_at.isoformat())
        if seen != now:
            raise forms.ValidationError(
                _(
                    "One of the records was changed after this page was opened. "
                    "Compare them again before merging."
                ),
                code="changed",
            )
        return cleaned

    @property
    def survivor(self):
        return self.left if self.cleaned_data["keep"] == self.left.pk else self.right

    @property
    def merged(self):
        return self.right if self.survivor is self.left else self.left

    @property
    def chosen(self):
        """{field: "survivor" | "merged"} for the fields where the records differ."""
        keep = self.cleaned_data["keep"]
        return {
            name: merging.SURVIVOR if self.cleaned_data[f"value_{name}"] == keep else merging.MERGED
            for name in self.differing
        }

    def value_field(self, name):
        return self[f"value_{name}"]


class DifferentPeopleForm(forms.Form):
    note = forms.CharField(
        label=_("Why are they different people?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: another mother's name on the KK, born in another village."),
    )
