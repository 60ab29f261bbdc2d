from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import Office
from regions.forms import RegionChainMixin
from regions.models import Region

from . import matching
from . import nik as nik_rules
from .access import can_read_narrative
from .countries import country_choices
from .documents import validate_upload
from .models import (
    Consent,
    ConsentPurpose,
    Document,
    HouseholdMember,
    MigrationEpisode,
    Participant,
    Problem,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def not_in_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(_("This date is in the future."), code="future")


class NikFieldMixin:
    """Clean `nik` with the NIK rules: each broken rule is an error saying which part."""

    def prepare_nik_field(self):
        # People type the groups with spaces or dots: accept the longer text, keep 16 digits.
        field = self.fields["nik"]
        field.max_length = 24
        field.validators = []
        field.widget.attrs.update(
            {"maxlength": "24", "inputmode": "numeric", "autocomplete": "off"}
        )

    def clean_nik(self):
        raw = self.cleaned_data.get("nik") or ""
        if not raw.strip():
            self.parsed_nik = None
            return ""
        self.parsed_nik = nik_rules.parse(raw)
        return self.parsed_nik.number


def duplicate_nik_message(existing, *, visible):
    """Refuse a NIK registered before, pointing at the record when the user may see it."""
    if visible:
        return format_html(
            '{} <a href="{}">{} ({})</a>.',
            _("This NIK is already registered:"),
            existing.get_absolute_url(),
            existing.full_name,
            existing.registration_number,
        )
    if existing.office_id is None:  # the office was not loaded with the record
        return _(
            "This NIK is already registered by another office, as %(number)s. Ask the "
            "coordinator to have the record transferred rather than registering it twice."
        ) % {"number": existing.registration_number}
    # Naming the office is not sensitive, and says whom to ask.
    return _(
        "This NIK is already registered by %(office)s, as %(number)s. Ask the coordinator "
        "of %(office)s to transfer it to your office (the “%(action)s” button on its page) "
        "rather than registering it twice."
    ) % {
        "office": existing.office,
        "number": existing.registration_number,
        "action": _("Transfer"),
    }


class ParticipantForm(NikFieldMixin, RegionChainMixin, forms.ModelForm):
    """Registration and edit of a participant's record.

    NIK rules that fail block saving. Things that real records do have (a NIK
    region missing from the table, a birth date or sex that disagrees with the
    NIK) are warnings, which the officer must acknowledge with `confirm_warnings`
    before the form saves.

    A new registration is compared with the office's records first (participants.
    matching): registered people who could be this person are `candidates`, shown
    side by side; the form saves only once the officer has seen every one of them
    (`distinct_from`) and said why this is a different person (`distinct_reason`).
    """

    confirm_warnings = forms.BooleanField(
        label=_("I have checked the warnings above and want to save anyway"), required=False
    )
    distinct_from = forms.CharField(widget=forms.HiddenInput, required=False)
    distinct_reason = forms.CharField(
        label=_("Why is this a different person?"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: another date of birth on her KTP, another husband's name."),
    )

    class Meta:
        model = Participant
        fields = [
            "full_name",
            "nik",
            "nik_missing_reason",
            "kk_number",
            "sex",
            "birth_date",
            "birth_place",
            "phone",
            "passport_number",
            "address",
            "village",
            "marital_status",
            "education",
            "religion",
            "civil_status_issues",
            "jkn_segment",
            "jkn_status",
            "bpjs_tk_status",
            "dtsen_decile",
            "problems",
            "narrative",
        ]
        widgets = {
            "birth_date": DateInput(),
            "address": forms.Textarea(attrs={"rows": 2}),
            "narrative": forms.Textarea(attrs={"rows": 5}),
            "sex": forms.RadioSelect,
            "problems": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.parsed_nik = None
        self.warnings = []
        self.candidates = []
        self.prepare_nik_field()
        self.fields["nik"].widget.attrs["placeholder"] = "3603xxxxxxxxxxxx"
        self.fields["nik"].help_text = _(
            "16 digits from the KTP or KK. Leave empty if the returnee has none: "
            "the record is then flagged for a Disdukcapil referral."
        )
        self.fields["kk_number"].widget.attrs["inputmode"] = "numeric"
        self.fields["phone"].widget.input_type = "tel"
        self.fields["birth_date"].validators.append(not_in_future)
        self.fields["civil_status_issues"] = forms.MultipleChoiceField(
            label=capfirst(Participant._meta.get_field("civil_status_issues").verbose_name),
            choices=Participant.CivilStatusIssue.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        self.fields["problems"].queryset = Problem.objects.filter(is_active=True)
        self.fields["sex"].choices = Participant._meta.get_field("sex").choices
        if not can_read_narrative(user):
            del self.fields["narrative"]
        self.setup_region_chain(village=self.instance.village if self.instance.pk else None)
        self.order_fields(["full_name", "nik", "nik_missing_reason", "kk_number", "sex"])

    def clean_kk_number(self):
        return nik_rules.normalise(self.cleaned_data.get("kk_number") or "")

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("nik")
        if number:
            self._check_duplicate_nik(number)
        if not self.errors:
            self.warnings = self._warnings(cleaned)
            if self.warnings and not cleaned.get("confirm_warnings"):
                self.add_error(
                    "confirm_warnings",
                    _("Check the warnings, then tick this box to save."),
                )
        if not self.errors and self.instance.pk is None:
            self.candidates = self._candidates(self._person(cleaned))
            self._check_told_apart(cleaned)
        return cleaned

    @property
    def candidate_ids(self):
        return ",".join(str(candidate.participant_id) for candidate in self.candidates)

    def _person(self, cleaned):
        village = cleaned.get("village")
        return matching.Person(
            full_name=cleaned.get("full_name") or "",
            birth_date=cleaned.get("birth_date"),
            nik=cleaned.get("nik") or "",
            kk_number=cleaned.get("kk_number") or "",
            phone=cleaned.get("phone") or "",
            passport_number=cleaned.get("passport_number") or "",
            village_id=getattr(village, "pk", village) or "",
            sex=cleaned.get("sex") or "",
        )

    def _check_told_apart(self, cleaned):
        if not self.candidates:
            return
        seen = set((cleaned.get("distinct_from") or "").split(","))
        if any(str(candidate.participant_id) not in seen for candidate in self.candidates):
            self.add_error(
                None,
                ValidationError(
                    _(
                        "This may be someone already registered. Compare the records below: "
                        "open the record if it is the same person, or say why it is a "
                        "different person."
                    ),
                    code="possible_duplicate",
                ),
            )
        elif not (cleaned.get("distinct_reason") or "").strip():
            self.add_error(
                "distinct_reason",
                ValidationError(
                    _("Say why this is a different person, or open the record if it is the same."),
                    code="required",
                ),
            )

    def _check_duplicate_nik(self, number):
        existing = (
            Participant.objects.filter(nik=number)
            .exclude(pk=self.instance.pk)
            .select_related("office")
            .first()
        )
        if existing is None:
            return
        visible = Participant.objects.visible_to(self.user).filter(pk=existing.pk).exists()
        message = duplicate_nik_message(existing, visible=visible)
        self.add_error("nik", ValidationError(message, code="duplicate_nik"))

    def _warnings(self, cleaned):
        found = []
        if self.parsed_nik is not None:
            found += nik_rules.warnings_for(
                self.parsed_nik,
                birth_date=cleaned.get("birth_date"),
                sex=cleaned.get("sex"),
                known_district=self._is_known_district(self.parsed_nik.district_code),
            )
        return found

    # The look-ups below are methods so that the import can answer them for all its
    # rows at once instead of with queries per row.

    def _is_known_district(self, code):
        return Region.objects.filter(code=code).exists()

    def _candidates(self, person):
        return matching.find_candidates(person, among=matching.candidates_among(self.user))


class MigrationEpisodeForm(forms.ModelForm):
    class Meta:
        model = MigrationEpisode
        fields = [
            "destination_country",
            "occupation",
            "sector",
            "placement_scheme",
            "employer",
            "p3mi_agency",
            "departure_date",
            "arrival_date",
            "return_type",
            "siskop2mi_id",
        ]
        widgets = {"departure_date": DateInput(), "arrival_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination_country"] = forms.ChoiceField(
            label=capfirst(MigrationEpisode._meta.get_field("destination_country").verbose_name),
            choices=country_choices,
        )
        for name in ("departure_date", "arrival_date"):
            self.fields[name].validators.append(not_in_future)

    def clean(self):
        cleaned = super().clean()
        departure, arrival = cleaned.get("departure_date"), cleaned.get("arrival_date")
        if departure and arrival and arrival < departure:
            self.add_error(
                "arrival_date", _("The arrival date cannot be before the departure date.")
            )
        return cleaned


class HouseholdMemberForm(NikFieldMixin, forms.ModelForm):
    class Meta:
        model = HouseholdMember
        fields = [
            "relationship",
            "full_name",
            "nik",
            "sex",
            "birth_date",
            "school_status",
            "needs",
        ]
        widgets = {"birth_date": DateInput(), "needs": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepare_nik_field()
        self.fields["birth_date"].validators.append(not_in_future)


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["type", "description", "file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png"
        self.fields["file"].help_text = _("PDF, JPEG or PNG.")

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        self.content_type, self.extension = validate_upload(uploaded)
        return uploaded


class ConsentForm(forms.ModelForm):
    evidence_file = forms.FileField(
        label=_("Signed form or statement (scan or photo)"),
        required=False,
        help_text=_("PDF, JPEG or PNG. Required for a refusal."),
    )

    class Meta:
        model = Consent
        fields = ["decision", "given_by", "giver_name", "purposes", "method", "given_at"]
        widgets = {"given_at": DateInput(), "decision": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purposes"] = forms.MultipleChoiceField(
            label=_("Purposes"),
            choices=ConsentPurpose.choices,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["decision"].choices = Consent.Decision.choices
        self.fields["given_at"].validators.append(not_in_future)
        self.fields["given_at"].initial = timezone.localdate
        self.fields["evidence_file"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png"
        self.evidence_content_type = self.evidence_extension = None

    def clean_evidence_file(self):
        uploaded = self.cleaned_data.get("evidence_file")
        if uploaded:
            self.evidence_content_type, self.evidence_extension = validate_upload(uploaded)
        return uploaded

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("given_by") in (Consent.GivenBy.FAMILY, Consent.GivenBy.GUARDIAN)
            and not (cleaned.get("giver_name") or "").strip()
        ):
            self.add_error("giver_name", _("Name the family member or guardian."))
        if cleaned.get("decision") == Consent.Decision.REFUSED and not cleaned.get("evidence_file"):
            self.add_error(
                "evidence_file", _("A refusal is recorded with the signed refusal statement.")
            )
        return cleaned


class WithdrawConsentForm(forms.Form):
    withdrawn_at = forms.DateField(
        label=_("Withdrawn on"), widget=DateInput(), validators=[not_in_future]
    )

    def __init__(self, *args, consent, **kwargs):
        super().__init__(*args, **kwargs)
        self.consent = consent

    def clean_withdrawn_at(self):
        value = self.cleaned_data["withdrawn_at"]
        if value < self.consent.given_at:
            raise ValidationError(_("The withdrawal cannot be before the consent was given."))
        return value


class ArchiveForm(forms.Form):
    archive_reason = forms.CharField(label=_("Reason"), max_length=200)


class TransferForm(forms.Form):
    to_office = forms.ModelChoiceField(label=_("New office"), queryset=Office.objects.none())
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Both offices read it, for example: moved to live with family in Bogor."),
    )

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_office"].queryset = Office.objects.exclude(
            pk=participant.office_id
        ).order_by("name")
