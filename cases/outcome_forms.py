from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.forms import DateInput, not_in_future

from . import outcomes


def _field_name(question):
    return f"item_{question.number}"


class OutcomeMeasureForm(forms.Form):
    """The outcome measure's questions, one tap each, grouped by dimension.

    Any question may be left unanswered; a dimension with too few answers to be scored
    is an error that names it (`outcomes.score` decides what is too few).
    """

    taken_on = forms.DateField(
        label=_("Date of the measure"),
        widget=DateInput(),
        initial=timezone.localdate,
        validators=[not_in_future],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimension_errors = {}
        for question in outcomes.QUESTIONS:
            choices = [(str(value), str(answer)) for value, answer in enumerate(question.answers)]
            self.fields[_field_name(question)] = forms.TypedChoiceField(
                label=f"{question.number}. {question.text}",
                # Lets a slip be undone: a chosen radio button cannot be unchosen.
                choices=[*choices, ("", _("Not answered"))],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "tap-choice"}),
            )

    def clean(self):
        cleaned = super().clean()
        if any(_field_name(question) in self.errors for question in outcomes.QUESTIONS):
            return cleaned
        try:
            outcomes.score(self.answers())
        except outcomes.IncompleteMeasure as error:
            for dimension in error.dimensions:
                message = _("%(dimension)s: answer at least %(count)s of its questions.") % {
                    "dimension": outcomes.DIMENSION_NAMES[dimension],
                    "count": outcomes.MIN_ANSWERED,
                }
                self.dimension_errors[dimension] = [message]
                self.add_error(None, message)
        return cleaned

    def answers(self):
        """{question number: 0-3, or None when not answered}."""
        return {
            question.number: self.cleaned_data.get(_field_name(question))
            for question in outcomes.QUESTIONS
        }

    @property
    def dimensions(self):
        """Each dimension's name, its questions' bound fields and its errors, in order."""
        return [
            {
                "code": dimension,
                "name": outcomes.DIMENSION_NAMES[dimension],
                "fields": [self[_field_name(q)] for q in outcomes.questions_of(dimension)],
                "errors": self.dimension_errors.get(dimension, []),
            }
            for dimension in outcomes.DIMENSIONS
        ]
