from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, AgencyType
from cases.models import PlanItem
from participants.documents import validate_upload

from .models import Referral, Satisfaction, Service
from .sharing import receives_chronology

NOT_AN_OPEN_ITEM = _("Choose one of this case's plan items that is neither done nor cancelled.")


def open_plan_items(case):
    """The case's plan items a referral may still fulfil: neither done nor cancelled."""
    return case.plan_items.exclude(
        status__in=[PlanItem.Status.DONE, PlanItem.Status.CANCELLED]
    ).order_by("due_date", "pk")


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = [
            "plan_item",
            "agency",
            "service",
            "household_member",
            "reason",
            "urgency",
            "shared_chronology",
        ]
        widgets = {
            "reason": forms.Textarea(attrs={"rows": 3}),
            "shared_chronology": forms.Textarea(attrs={"rows": 4}),
            "urgency": forms.RadioSelect,
        }

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        province = case.program.office.province_id
        self.fields["agency"].queryset = Agency.objects.filter(
            is_active=True, regency__parent_id=province
        ).order_by("name")
        self.fields["service"].queryset = Service.objects.filter(is_active=True).order_by(
            "agency_type", "name"
        )
        # Picking an agency fetches the services of its type and whether it may receive
        # the chronology (`referral_agency_fields`); without JavaScript all stay listed.
        self.fields["agency"].widget.attrs.update(
            {
                "hx-get": reverse("referrals:agency_fields", args=[case.pk]),
                "hx-target": "#field-service",
                "hx-swap": "outerHTML",
            }
        )
        # A service chosen while the list was on its way stays chosen if still offered.
        self.fields["service"].widget.attrs["data-keep-choice"] = ""
        self.fields["service"].label_from_instance = lambda service: (
            f"{AgencyType(service.agency_type).label}: {service}"
        )
        self.fields["household_member"].queryset = case.participant.household.all()
        self.fields["household_member"].required = False
        self.fields["urgency"].choices = Referral._meta.get_field("urgency").choices
        self.fields["plan_item"].queryset = open_plan_items(case)
        self.fields["plan_item"].required = False
        self.fields["plan_item"].label = _("Fulfils plan item")
        self.fields["plan_item"].empty_label = _("None")
        self.fields["plan_item"].error_messages["invalid_choice"] = NOT_AN_OPEN_ITEM
        agency = self.chosen_agency()
        if agency is not None and not self.is_bound:
            # A form not yet sent lists only what the chosen agency offers. A sent one
            # keeps every service, so that a mismatch is named by `clean`.
            self.fields["service"].queryset = self.fields["service"].queryset.filter(
                agency_type=agency.type
            )
        # The chronology is offered only where the agency may receive it; it stays on
        # a sent form that has one, so that `clean` says why it cannot go.
        self.shows_chronology = (
            agency is None
            or receives_chronology(agency.type)
            or bool(self["shared_chronology"].value())
        )

    def chosen_agency(self):
        """The agency chosen so far (sent or given as a starting value), or None."""
        if not hasattr(self, "_chosen_agency"):
            pk = str(self["agency"].value() or "")
            self._chosen_agency = (
                self.fields["agency"].queryset.filter(pk=pk).first() if pk.isdigit() else None
            )
        return self._chosen_agency

    def clean(self):
        cleaned = super().clean()
        agency, service = cleaned.get("agency"), cleaned.get("service")
        if agency and service and service.agency_type != agency.type:
            self.add_error("service", _("This agency does not offer this service."))
        if agency and not receives_chronology(agency.type) and cleaned.get("shared_chronology"):
            self.add_error(
                "shared_chronology",
                _("Only UPTD PPA receives a chronology; leave this empty for this agency."),
            )
        return cleaned


class MoveForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    decline_reason = forms.CharField(
        label=_("Reason for declining"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    outcome = forms.CharField(
        label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    evidence = forms.FileField(
        label=_("Evidence (optional)"), required=False, help_text=_("PDF, JPEG or PNG.")
    )

    def clean_evidence(self):
        uploaded = self.cleaned_data.get("evidence")
        self.evidence_type = self.evidence_extension = None
        if uploaded:
            self.evidence_type, self.evidence_extension = validate_upload(uploaded)
        return uploaded


class SendForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    override_reason = forms.CharField(
        label=_("Reason to send without consent (coordinator)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def clean_override_reason(self):
        value = self.cleaned_data["override_reason"]
        if len(value) > 2000:
            raise ValidationError(_("Keep the reason under 2,000 characters."))
        return value


class PlanItemLinkForm(forms.Form):
    """Which of the case's plan items an existing referral fulfils."""

    plan_item = forms.ModelChoiceField(
        label=_("Fulfils plan item"),
        queryset=PlanItem.objects.none(),
        required=False,
        empty_label=_("None"),
        error_messages={"invalid_choice": NOT_AN_OPEN_ITEM},
    )

    def __init__(self, *args, referral, **kwargs):
        kwargs.setdefault("initial", {"plan_item": referral.plan_item_id})
        super().__init__(*args, **kwargs)
        items = open_plan_items(referral.case)
        if referral.plan_item_id:
            # The item it fulfils stays a choice once done, so the form shows it.
            items = items | referral.case.plan_items.filter(pk=referral.plan_item_id)
        self.fields["plan_item"].queryset = items


class ConfirmForm(forms.Form):
    """The returnee confirms the outcome; the case worker asks what they thought of it."""

    RECEIVED = {"yes": True, "no": False, "": None}

    received = forms.ChoiceField(
        label=_("Did the returnee receive the service?"),
        choices=[("yes", _("Yes")), ("no", _("No")), ("", _("Not asked"))],
        widget=forms.RadioSelect,
        required=False,
        initial="",
    )
    satisfaction = forms.ChoiceField(
        label=_("Is the returnee satisfied with the service?"),
        choices=[("", _("Not asked")), *Satisfaction.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("What the returnee said"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text=_("The agency sees this feedback on its service: write only what is about it."),
    )

    def clean_received(self):
        return self.RECEIVED[self.cleaned_data["received"]]
