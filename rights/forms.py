from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Participant

from .models import REFUSING, DataRequest, Outcome, RefusalGround, RequestedBy

NOT_FOUND = _("No person with this registration number in your office.")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DataRequestForm(forms.ModelForm):
    """A request as it was received: who asked, how, what proof of identity was seen."""

    registration_number = forms.CharField(
        label=_("Registration no. of the person"),
        max_length=30,
        help_text=_("As on the person's page, for example PMI-25-00042."),
    )

    class Meta:
        model = DataRequest
        fields = [
            "kind",
            "requested_by",
            "requester_name",
            "channel",
            "identity_checked",
            "details",
            "received_at",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "requested_by": forms.RadioSelect,
            "details": forms.Textarea(attrs={"rows": 4}),
            "received_at": DateTimeInput(),
        }

    def __init__(self, *args, user, participant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.participant = participant
        if participant is not None:
            # Registered from the person's page: the person is known.
            del self.fields["registration_number"]
        # One of the rights is always asked for: no empty choice among the buttons.
        self.fields["kind"].choices = DataRequest.Kind.choices
        self.fields["identity_checked"].error_messages["required"] = _(
            "Write what proof of identity was seen."
        )
        self.fields["received_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["received_at"].help_text = _(
            "When the request reached the office; the 72 hours to answer count from here."
        )
        if not self.is_bound:
            self.initial["received_at"] = timezone.localtime().replace(second=0, microsecond=0)

    def clean_registration_number(self):
        number = self.cleaned_data["registration_number"].strip().upper()
        self.participant = (
            Participant.objects.visible_to(self.user)
            .not_merged()
            .filter(registration_number=number)
            .first()
        )
        if self.participant is None:
            raise ValidationError(NOT_FOUND)
        return number

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value > timezone.now():
            raise ValidationError(_("A request cannot be received in the future."))
        return value

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("requested_by") not in (None, "", RequestedBy.PERSON)
            and not (cleaned.get("requester_name") or "").strip()
        ):
            self.add_error("requester_name", _("Write the name of who asked for the person."))
        return cleaned


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Review note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    refusal_ground = forms.ChoiceField(
        label=_("Grounds for refusing all or part"),
        choices=[("", "---------"), *RefusalGround.choices],
        required=False,
    )
    refusal_explanation = forms.CharField(
        label=_("The grounds explained"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Which part is refused and why, as it was told to the person."),
    )
    answer = forms.CharField(
        label=_("What the person was told"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") in REFUSING:
            if not cleaned.get("refusal_ground"):
                self.add_error(
                    "refusal_ground",
                    _("Choose the grounds for refusing all or part of the request."),
                )
            if not cleaned.get("refusal_explanation", "").strip():
                self.add_error("refusal_explanation", _("Explain the grounds for refusing."))
        return cleaned
