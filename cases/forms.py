from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, User
from participants.forms import DateInput, not_in_future
from regions.models import Region

from . import access, physical
from .models import Case, CaseNote, HelpRating, PlanItem, Program, Screening


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = [
            "name",
            "venue",
            "district",
            "start_date",
            "end_date",
            "partner_agencies",
            "description",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "partner_agencies": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = Region.objects.filter(
            level=Region.Level.DISTRICT, parent__parent_id=office.province_id
        ).order_by("name")
        self.fields["district"].label_from_instance = lambda region: region.name
        self.fields["partner_agencies"].queryset = Agency.objects.filter(
            is_active=True, regency__parent_id=office.province_id
        ).order_by("name")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day cannot be before the first day."))
        return cleaned


class AssignForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["case_worker"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_worker"].queryset = User.objects.filter(
            office_id=self.instance.program.office_id,
            role__in=access.CASELOAD_HOLDERS,
            is_active=True,
        ).order_by("full_name")


class CaseStatusForm(forms.Form):
    to = forms.ChoiceField(label=_("Move to"), choices=Case.Status.choices)
    close_reason = forms.ChoiceField(
        label=_("Reason for closing"),
        choices=[("", "---------"), *Case.CloseReason.choices],
        required=False,
    )
    # Asked only when closing: what came of the year, and the returnee's own word on it.
    outcome_summary = forms.CharField(
        label=_("Outcome of the case"),
        help_text=_("What came of the year: work or income, family, health, services reached."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    returnee_view = forms.CharField(
        label=_("The returnee's view of the help received"),
        help_text=_("In their own words, as far as possible."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    returnee_rating = forms.ChoiceField(
        label=_("How helpful the returnee found it"),
        choices=[("", "---------"), *HelpRating.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    CLOSING_FIELDS = ("close_reason", "outcome_summary", "returnee_view", "returnee_rating")

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = case.allowed_moves()
        self.fields["to"].choices = [(value, Case.Status(value).label) for value in allowed]

    @property
    def closing_fields(self):
        return [self[name] for name in self.CLOSING_FIELDS]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("to") == Case.Status.CLOSED:
            if not cleaned.get("close_reason"):
                self.add_error("close_reason", _("Choose why the case closes."))
            if not cleaned.get("outcome_summary", "").strip():
                self.add_error("outcome_summary", _("Write the outcome of the case."))
            if not cleaned.get("returnee_rating"):
                self.add_error(
                    "returnee_rating",
                    _("Choose how helpful the returnee found it, or that it could not be asked."),
                )
        return cleaned


class QuestionnaireForm(forms.Form):
    """One required choice per item of an instrument, answerable with one tap each."""

    decision = forms.CharField(
        label=Screening._meta.get_field("decision").verbose_name,
        help_text=Screening._meta.get_field("decision").help_text,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        choices = [(str(choice.value), str(choice.label)) for choice in instrument.choices]
        for item in instrument.items:
            self.fields[f"item_{item.number}"] = forms.TypedChoiceField(
                label=f"{item.number}. {item.text}",
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "tap-choice"}),
                error_messages={"required": _("Answer this question.")},
            )
        self.order_fields([*(f"item_{item.number}" for item in instrument.items), "decision"])

    @property
    def item_fields(self):
        return [self[f"item_{item.number}"] for item in self.instrument.items]

    def answers(self):
        return {
            item.number: self.cleaned_data[f"item_{item.number}"] for item in self.instrument.items
        }


def _plausible(name):
    low, high = physical.PLAUSIBLE[name]
    return [MinValueValidator(low), MaxValueValidator(high)]


class PhysicalScreeningForm(forms.ModelForm):
    class Meta:
        model = Screening
        fields = [
            "screened_on",
            "height_cm",
            "weight_kg",
            "systolic_1",
            "diastolic_1",
            "systolic_2",
            "diastolic_2",
            "glucose_mg_dl",
            "glucose_sample",
            "glucose_fasting",
            "waist_cm",
            "complaints",
            "findings",
            "icd10",
            "decision",
        ]
        widgets = {
            "screened_on": DateInput(),
            "complaints": forms.Textarea(attrs={"rows": 2}),
            "findings": forms.Textarea(attrs={"rows": 2}),
            "decision": forms.Textarea(attrs={"rows": 2}),
        }

    RANGES = {
        "height_cm": "height_cm",
        "weight_kg": "weight_kg",
        "systolic_1": "systolic",
        "systolic_2": "systolic",
        "diastolic_1": "diastolic",
        "diastolic_2": "diastolic",
        "glucose_mg_dl": "glucose_mg_dl",
        "waist_cm": "waist_cm",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["screened_on"].validators.append(not_in_future)
        for name, range_name in self.RANGES.items():
            self.fields[name].validators.extend(_plausible(range_name))
            self.fields[name].widget.attrs["inputmode"] = "decimal"

    def clean(self):
        cleaned = super().clean()
        for number in ("1", "2"):
            systolic, diastolic = (
                cleaned.get(f"systolic_{number}"),
                cleaned.get(f"diastolic_{number}"),
            )
            if (systolic is None) != (diastolic is None):
                self.add_error(
                    f"diastolic_{number}", _("Give both the systolic and the diastolic pressure.")
                )
            elif systolic is not None:
                try:
                    physical.check_blood_pressure(systolic, diastolic)
                except ValidationError as error:
                    self.add_error(f"systolic_{number}", error)
        if (cleaned.get("height_cm") is None) != (cleaned.get("weight_kg") is None):
            self.add_error("weight_kg", _("Give both height and weight to compute the BMI."))
        if cleaned.get("glucose_mg_dl") and not cleaned.get("glucose_sample"):
            self.add_error("glucose_sample", _("Say how the blood was taken."))
        measured = [name for name in self.RANGES if cleaned.get(name) is not None]
        if not measured and not cleaned.get("complaints") and not cleaned.get("findings"):
            raise ValidationError(_("Record at least one measurement or finding."))
        return cleaned


class AlertActionForm(forms.Form):
    action_taken = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class PlanItemForm(forms.ModelForm):
    class Meta:
        model = PlanItem
        fields = ["dimension", "intervention", "responsible_agency", "due_date", "status", "notes"]
        widgets = {"due_date": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_agency"].queryset = Agency.objects.filter(is_active=True).order_by(
            "name"
        )


class CaseNoteForm(forms.ModelForm):
    class Meta:
        model = CaseNote
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class FollowUpVisitForm(forms.Form):
    """The day a scheduled visit was made and what was found."""

    visited_on = forms.DateField(
        label=_("Visited on"),
        widget=DateInput(),
        validators=[not_in_future],
    )
    summary = forms.CharField(
        label=_("What was found at the visit"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Write what was found at the visit.")},
    )

    def __init__(self, *args, follow_up, **kwargs):
        super().__init__(*args, **kwargs)
        self.follow_up = follow_up
        self.fields["visited_on"].initial = timezone.localdate()

    def clean_visited_on(self):
        visited_on = self.cleaned_data["visited_on"]
        intake_date = self.follow_up.case.intake_date
        if visited_on < intake_date:
            raise ValidationError(
                _("The visit cannot be before the intake (%(date)s).")
                % {"date": date_format(intake_date, "j F Y")},
                code="before_intake",
            )
        return visited_on


class IntakeDateForm(forms.Form):
    """A correction of the day of intake, with the reason kept in the case's notes."""

    intake_date = forms.DateField(
        label=_("Intake date"), widget=DateInput(), validators=[not_in_future]
    )
    reason = forms.CharField(
        label=_("Why it changes"),
        max_length=500,
        error_messages={"required": _("Say why the intake date changes.")},
    )

    def __init__(self, *args, case, **kwargs):
        kwargs.setdefault("initial", {"intake_date": case.intake_date})
        # It shares the case page with the move form, which has a "reason" too.
        kwargs.setdefault("auto_id", "id_intake_%s")
        super().__init__(*args, **kwargs)
        self.case = case

    def clean_intake_date(self):
        intake_date = self.cleaned_data["intake_date"]
        # A visit already made cannot come before the day the case began.
        first_visit = (
            self.case.follow_ups.exclude(visited_on__isnull=True)
            .order_by("visited_on")
            .values_list("visited_on", flat=True)
            .first()
        )
        if first_visit is not None and intake_date > first_visit:
            raise ValidationError(
                _("The intake cannot be after a visit already made (%(date)s).")
                % {"date": date_format(first_visit, "j F Y")},
                code="after_visit",
            )
        return intake_date
