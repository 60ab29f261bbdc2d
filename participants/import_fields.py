"""Form fields and a ModelForm mixin that make checking a large import fast.

An import runs the registration form once per row, for up to ten thousand rows. The
stock fields query the database (ModelChoiceField) or deep-copy their choices with
every form (ChoiceField); ModelForm validation queries each constraint and foreign
key. The classes here keep the same rules and messages but answer from what the
import preloaded. They lean on a few private Django form APIs, each pinned by
tests/participants/test_import_django_apis.py so that a Django upgrade that changes
one fails there, by name.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from django.utils.choices import normalize_choices


class PreloadedChoiceField(forms.Field):
    """ModelChoiceField's rule and message, answered from what the import loaded."""

    # Private Django API (ModelChoiceField's message table), pinned by
    # tests/participants/test_import_django_apis.py.
    default_error_messages = {
        "invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]
    }

    def __init__(self, *, lookup=None, **kwargs):
        super().__init__(**kwargs)
        self.lookup = lookup

    def to_python(self, value):
        if value in self.empty_values:
            return None
        found = self.lookup(str(value))
        if found is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return found


class PreloadedMultipleChoiceField(forms.Field):
    """ModelMultipleChoiceField's rules and messages, answered from a preloaded dict."""

    # Private Django API (ModelMultipleChoiceField's message table), pinned by
    # tests/participants/test_import_django_apis.py.
    default_error_messages = forms.ModelMultipleChoiceField.default_error_messages
    widget = forms.SelectMultiple

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.objects = {}

    def clean(self, value):
        if not value:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if not isinstance(value, list | tuple):
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        found = []
        for pk in value:
            if not str(pk).isdigit():
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
            if str(pk) not in self.objects:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
            found.append(self.objects[str(pk)])
        self.run_validators(found)
        return found


class CodeChoiceField(forms.TypedChoiceField):
    """A choice field that checks membership in a set of codes.

    The same rule and message as the ChoiceField it stands for, but without the list
    of choices that Django deep-copies (and normalises, twice) with every form.
    """

    def __init__(self, *, codes=(), **kwargs):
        super().__init__(**kwargs)
        self.codes = frozenset(str(code) for code in codes)

    # Overrides ChoiceField's choices property, which ChoiceField.__init__ sets: a
    # private Django API pinned by tests/participants/test_import_django_apis.py.
    @property
    def choices(self):
        return [(code, code) for code in sorted(self.codes)]

    @choices.setter
    def choices(self, value):
        # normalize_choices: a private Django API pinned by
        # tests/participants/test_import_django_apis.py.
        self.codes = frozenset(str(code) for code, _label in normalize_choices(value))

    # ChoiceField.validate asks valid_value: a private Django API pinned by
    # tests/participants/test_import_django_apis.py.
    def valid_value(self, value):
        return str(value) in self.codes

    def __deepcopy__(self, memo):
        # Field.__deepcopy__, skipping ChoiceField's copy of the choices: a private
        # Django API pinned by tests/participants/test_import_django_apis.py.
        return forms.Field.__deepcopy__(self, memo)  # the codes are immutable: shared

    @classmethod
    def standing_for(cls, field):
        return cls(
            codes=[code for code, _label in field.choices if code != ""],
            coerce=getattr(field, "coerce", lambda value: value),
            empty_value=getattr(field, "empty_value", ""),
            required=field.required,
            label=field.label,
            initial=field.initial,
            validators=field.validators,
            widget=forms.TextInput,  # never rendered; a select would copy its choices too
        )


def with_light_choice_fields(form_class):
    """Swap the class's choice fields for CodeChoiceFields: the same checks, made faster."""
    # Relies on model fields with choices becoming exactly a (Typed)ChoiceField and on
    # every form deep-copying base_fields: pinned by
    # tests/participants/test_import_django_apis.py.
    for name, form_field in form_class.base_fields.items():
        if type(form_field) in (forms.ChoiceField, forms.TypedChoiceField):
            form_class.base_fields[name] = CodeChoiceField.standing_for(form_field)
    return form_class


class ConstraintsCheckedInBulkMixin:
    """ModelForm validation without its per-row queries.

    Model validation asks the database about each check and unique constraint and
    about each foreign key. In an import every constraint is also a form rule or one
    of the bulk checks (duplicate NIKs), the village was found among the preloaded
    regions, and the database enforces all of it again when the rows are written.
    """

    # BaseModelForm._post_clean, less the unique, constraint and village checks. It
    # and everything it calls below (_get_validation_exclusions, construct_instance,
    # _meta.fields/exclude, _update_errors) are private Django APIs pinned by
    # tests/participants/test_import_django_apis.py.
    def _post_clean(self):
        exclude = self._get_validation_exclusions() | {"village"}
        try:
            self.instance = construct_instance(
                self, self.instance, self._meta.fields, self._meta.exclude
            )
        except ValidationError as error:
            self._update_errors(error)
        try:
            self.instance.full_clean(
                exclude=exclude, validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            self._update_errors(error)
