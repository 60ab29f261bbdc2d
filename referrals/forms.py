from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, AgencyType
from participants.documents import validate_upload

from .models import Referral, Service


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["agency", "service", "household_member", "reason", "urgency", "shared_chronology"]
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
        self.fields["service"].label_from_instance = lambda service: (
            f"{AgencyType(service.agency_type).label}: {service}"
        )
        self.fields["household_member"].queryset = case.participant.household.all()
        self.fields["household_member"].required = False
        self.fields["urgency"].choices = Referral._meta.get_field("urgency").choices

    def clean(self):
        cleaned = super().clean()
        agency, service = cleaned.get("agency"), cleaned.get("service")
        if agency and service and service.agency_type != agency.type:
            self.add_error("service", _("This agency does not offer this service."))
        if agency and agency.type != AgencyType.UPTD_PPA and cleaned.get("shared_chronology"):
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
