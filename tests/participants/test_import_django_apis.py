"""The private Django form APIs that the fast import fields and mixin rely on.

participants/import_fields.py (and _form_issues in participants/import_rows.py)
call, override or copy parts of Django's forms that are not documented. Each test
pins one of them, so that a Django upgrade that changes it fails here, saying what
to fix, instead of silently making imports slow or wrong.
"""

import inspect

import pytest
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.forms import BaseForm
from django.forms.models import (
    BaseModelForm,
    ModelFormOptions,
    construct_instance,
    modelform_factory,
)
from django.utils import translation
from django.utils.choices import normalize_choices

from participants.forms import MigrationEpisodeForm, ParticipantForm
from participants.import_fields import (
    CodeChoiceField,
    ConstraintsCheckedInBulkMixin,
    PreloadedChoiceField,
    PreloadedMultipleChoiceField,
)
from participants.import_rows import ImportEpisodeForm, ImportParticipantForm
from participants.models import MigrationEpisode

pytestmark = pytest.mark.django_db

FIELDS = "participants/import_fields.py"
MIXIN = f"ConstraintsCheckedInBulkMixin._post_clean in {FIELDS}"


def parameters(function):
    return list(inspect.signature(function).parameters)


def episode_form(data, fields=("occupation", "sector")):
    return modelform_factory(MigrationEpisode, fields=list(fields))(data)


# --- CodeChoiceField -------------------------------------------------------------------


def test_field_deepcopy_copies_the_widget_and_shares_the_codes():
    fix = f"CodeChoiceField.__deepcopy__ in {FIELDS} calls forms.Field.__deepcopy__(self, memo)"
    assert callable(getattr(forms.Field, "__deepcopy__", None)), f"{fix}: it is gone"
    assert parameters(forms.Field.__deepcopy__) == ["self", "memo"], f"{fix}: signature changed"
    field = CodeChoiceField(codes=["MY", "SG"])

    copied = forms.Field.__deepcopy__(field, {})

    assert type(copied) is CodeChoiceField, f"{fix}: it no longer returns a copy of the field"
    assert copied is not field
    assert copied.widget is not field.widget, f"{fix}: the widget is no longer copied"
    assert copied.error_messages is not field.error_messages, f"{fix}: messages are shared"
    assert copied.validators is not field.validators, f"{fix}: validators are shared"
    assert copied.codes is field.codes, f"{fix}: attributes are no longer shared (copy.copy)"


def test_every_form_deep_copies_its_base_fields_so_code_fields_are_copied_cheaply():
    fix = (
        f"with_light_choice_fields and CodeChoiceField.__deepcopy__ in {FIELDS} assume "
        "BaseForm.__init__ deep-copies base_fields into self.fields"
    )

    class CountryForm(forms.Form):
        country = CodeChoiceField(codes=["MY"])

    form = CountryForm({"country": "MY"})

    assert form.fields["country"] is not CountryForm.base_fields["country"], fix
    assert type(form.fields["country"]) is CodeChoiceField, fix
    assert form.fields["country"].codes is CountryForm.base_fields["country"].codes, fix


def test_choice_field_keeps_its_choices_only_through_the_property_code_choice_field_overrides():
    fix = (
        f"CodeChoiceField.choices in {FIELDS} overrides ChoiceField's choices property, "
        "which ChoiceField.__init__ assigns"
    )
    assert isinstance(vars(forms.ChoiceField).get("choices"), property), f"{fix}: not a property"
    assert vars(forms.ChoiceField)["choices"].fset is not None, f"{fix}: it has no setter"
    assigned = []

    class Recording(CodeChoiceField):
        @CodeChoiceField.choices.setter
        def choices(self, value):
            assigned.append(value)
            CodeChoiceField.choices.fset(self, value)

    field = Recording(codes=["MY"])

    assert assigned == [()], f"{fix}: __init__ no longer assigns self.choices"
    assert not hasattr(field, "_choices"), f"{fix}: Django now stores choices elsewhere too"
    field.choices = [("SG", "Singapore")]
    assert field.codes == {"SG"}
    assert field.choices == [("SG", "SG")]


def test_choice_field_validate_asks_valid_value_which_code_choice_field_overrides():
    fix = f"CodeChoiceField.valid_value in {FIELDS} overrides ChoiceField.valid_value(value)"
    assert callable(getattr(forms.ChoiceField, "valid_value", None)), f"{fix}: it is gone"
    assert parameters(forms.ChoiceField.valid_value) == ["self", "value"], (
        f"{fix}: signature changed"
    )
    field = CodeChoiceField(codes=["MY"], required=False)

    assert field.clean("MY") == "MY"
    assert field.clean("") == ""
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        field.clean("XX")
    assert refused.value.code == "invalid_choice", f"{fix}: validate no longer asks valid_value"
    with translation.override("en"):
        messages = list(refused.value)
    assert messages == ["Select a valid choice. XX is not one of the available choices."], (
        f"{fix}: ChoiceField's invalid_choice message or params changed"
    )


def test_normalize_choices_turns_choices_into_value_label_pairs():
    fix = (
        f"CodeChoiceField.choices's setter in {FIELDS} uses django.utils.choices.normalize_choices"
    )
    assert parameters(normalize_choices)[0] == "value", f"{fix}: signature changed"

    assert list(normalize_choices([("MY", "Malaysia")])) == [("MY", "Malaysia")], fix
    assert list(normalize_choices({"MY": "Malaysia"})) == [("MY", "Malaysia")], fix
    assert list(normalize_choices(MigrationEpisode.Sector)) == MigrationEpisode.Sector.choices, fix
    assert list(normalize_choices(())) == [], fix


def test_model_fields_with_choices_become_plain_typed_choice_fields_that_are_swapped():
    fix = (
        f"with_light_choice_fields in {FIELDS} swaps fields whose type is exactly "
        "ChoiceField or TypedChoiceField"
    )

    assert type(episode_form({}).base_fields["sector"]) is forms.TypedChoiceField, (
        f"{fix}: a model field with choices now gives another form field class"
    )
    for form_class in (ImportParticipantForm, ImportEpisodeForm):
        swapped = [f for f in form_class.base_fields.values() if type(f) is CodeChoiceField]
        left = [
            name
            for name, f in form_class.base_fields.items()
            if type(f) in (forms.ChoiceField, forms.TypedChoiceField)
        ]
        assert swapped, f"{fix}: nothing was swapped in {form_class.__name__}"
        assert not left, f"{fix}: {form_class.__name__} still has {left}"


def test_field_empty_values_still_hold_none_and_the_empty_string():
    fix = f"PreloadedChoiceField.to_python in {FIELDS} reads Field.empty_values"
    field = PreloadedChoiceField()

    for empty in (None, "", [], (), {}):
        assert empty in field.empty_values, f"{fix}: {empty!r} is no longer empty"


def test_model_choice_fields_still_have_the_messages_the_preloaded_fields_reuse():
    fix = (
        f"PreloadedChoiceField and PreloadedMultipleChoiceField in {FIELDS} reuse "
        "ModelChoiceField's and ModelMultipleChoiceField's default_error_messages"
    )
    single = forms.ModelChoiceField.default_error_messages
    multiple = forms.ModelMultipleChoiceField.default_error_messages

    assert "invalid_choice" in single, fix
    assert {"invalid_list", "invalid_choice", "invalid_pk_value"} <= set(multiple), fix
    assert "%(value)s" in str(multiple["invalid_choice"]), f"{fix}: the value param changed"
    assert "%(pk)s" in str(multiple["invalid_pk_value"]), f"{fix}: the pk param changed"
    assert "required" in PreloadedMultipleChoiceField().error_messages, (
        f"{fix}: Field no longer merges its own messages in"
    )


# --- ConstraintsCheckedInBulkMixin ------------------------------------------------------


def test_djangos_post_clean_still_makes_the_calls_that_the_mixin_copies():
    fix = (
        f"{MIXIN} is a copy of BaseModelForm._post_clean without the unique, constraint "
        "and foreign key checks; Django's changed: read it and bring ours in line"
    )
    assert parameters(BaseModelForm._post_clean) == ["self"], fix

    names = set(BaseModelForm._post_clean.__code__.co_names)

    assert names == {
        "_meta",
        "_get_validation_exclusions",
        "fields",
        "items",
        "isinstance",
        "InlineForeignKeyField",
        "add",
        "construct_instance",
        "instance",
        "exclude",
        "ValidationError",
        "_update_errors",
        "full_clean",
        "_validate_unique",
        "validate_unique",
    }, f"{fix} (names it uses now: {sorted(names)})"


def test_full_clean_calls_the_post_clean_hook_that_the_mixin_overrides():
    fix = f"{MIXIN} relies on BaseForm.full_clean calling self._post_clean()"
    assert "_post_clean" in BaseForm.full_clean.__code__.co_names, fix
    calls = []

    class Recording(ConstraintsCheckedInBulkMixin, MigrationEpisodeForm):
        def _post_clean(self):
            calls.append(self)
            super()._post_clean()

    form = Recording({"destination_country": "MY", "sector": "nope"})

    assert not form.is_valid()
    assert calls == [form], fix
    assert "sector" in form.errors


def test_validation_exclusions_are_a_set_including_fields_left_off_the_form():
    fix = (
        f"{MIXIN} calls self._get_validation_exclusions() and adds to it with | {{...}}, "
        "so it must take no arguments and return a set"
    )
    assert callable(getattr(BaseModelForm, "_get_validation_exclusions", None)), f"{fix}: gone"
    assert parameters(BaseModelForm._get_validation_exclusions) == ["self"], (
        f"{fix}: signature changed"
    )
    form = episode_form({"occupation": "Asisten rumah tangga", "sector": "informal"})
    assert form.is_valid(), form.errors

    exclusions = form._get_validation_exclusions()

    assert isinstance(exclusions, set), f"{fix}: it returns {type(exclusions).__name__}"
    assert {"participant", "destination_country"} <= exclusions, (
        f"{fix}: fields left off the form are no longer excluded"
    )
    assert "occupation" not in exclusions, f"{fix}: a field on the form is excluded"


def test_construct_instance_copies_cleaned_data_onto_the_instance():
    fix = f"{MIXIN} calls construct_instance(form, instance, fields, exclude)"
    assert parameters(construct_instance) == ["form", "instance", "fields", "exclude"], (
        f"{fix}: signature changed"
    )
    form = episode_form({"occupation": "Asisten rumah tangga", "sector": "informal"})
    assert form.is_valid(), form.errors
    episode = MigrationEpisode()

    built = construct_instance(form, episode, ["occupation", "sector"], None)

    assert built is episode, f"{fix}: it no longer returns the instance it was given"
    assert (episode.occupation, episode.sector) == ("Asisten rumah tangga", "informal"), fix
    left_alone = construct_instance(form, MigrationEpisode(), None, ["occupation"])
    assert left_alone.occupation == "", f"{fix}: exclude is no longer honoured"
    assert left_alone.sector == "informal", fix


def test_model_form_meta_still_holds_the_fields_and_exclude_of_the_form():
    fix = f"{MIXIN} passes self._meta.fields and self._meta.exclude to construct_instance"
    form = MigrationEpisodeForm()

    assert isinstance(form._meta, ModelFormOptions), fix
    assert form._meta.fields == MigrationEpisodeForm.Meta.fields, fix
    assert form._meta.exclude is None, fix
    assert ParticipantForm._meta.fields == ParticipantForm.Meta.fields, fix


def test_update_errors_puts_a_model_error_on_the_named_field():
    fix = f"{MIXIN} hands model validation errors to self._update_errors(error)"
    assert callable(getattr(BaseModelForm, "_update_errors", None)), f"{fix}: it is gone"
    assert parameters(BaseModelForm._update_errors) == ["self", "errors"], (
        f"{fix}: signature changed"
    )
    form = episode_form({"occupation": "Asisten rumah tangga", "sector": "informal"})
    assert form.is_valid(), form.errors

    form._update_errors(ValidationError({"occupation": ValidationError("Bad.", code="bad")}))
    form._update_errors(ValidationError("Bad row.", code="row"))

    assert form.errors["occupation"] == ["Bad."], f"{fix}: the error is not on its field"
    assert "occupation" not in form.cleaned_data, f"{fix}: the bad value stays cleaned"
    assert form.errors[NON_FIELD_ERRORS] == ["Bad row."], f"{fix}: a row error went missing"
    assert [e.code for e in form.errors.as_data()["occupation"]] == ["bad"], fix


# --- Reading errors (participants/import_rows.py) ---------------------------------------


def test_iterating_a_validation_error_gives_its_messages_with_params_filled_in():
    fix = "_form_issues in participants/import_rows.py iterates each ValidationError for text"
    with translation.override("en"):
        form = episode_form({"sector": "nope"})
        assert not form.is_valid()
        [error] = form.errors.as_data()["sector"]
        messages = list(error)

    assert isinstance(error, ValidationError), fix
    assert error.code == "invalid_choice", fix
    assert messages == ["Select a valid choice. nope is not one of the available choices."], (
        f"{fix}: it no longer yields one message with its params filled in"
    )
    assert list(ValidationError("Row %(row)s.", params={"row": 3})) == ["Row 3."], fix
