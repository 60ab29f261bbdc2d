"""The forms with which a coordinator adds and changes the people of the office."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import access
from .models import Office, Role, User, nip_validator


class NipField(forms.CharField):
    """A NIP as people write it, "19870314 201012 1 002": spaces and dots are dropped."""

    def __init__(self, **kwargs):
        # Room for the spaces of the written form; the digits are checked after.
        kwargs["max_length"] = 30
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(" ", "").replace(".", "")

    def validate(self, value):
        super().validate(value)
        if value:
            nip_validator(value)


class PersonForm(forms.ModelForm):
    """A person of the office or an officer of a partner agency, as a coordinator sees them."""

    class Meta:
        model = User
        fields = ["full_name", "username", "email", "phone", "nip", "role", "office", "agency"]
        field_classes = {"nip": NipField}
        help_texts = {
            "username": _("What they type to log in: letters, digits and @/./+/-/_ only."),
            "email": _("The invitation, password resets and alerts go here."),
        }

    def __init__(self, *args, manager, **kwargs):
        super().__init__(*args, **kwargs)
        self.manager = manager
        self.fields["full_name"].required = True
        self.fields["email"].required = True
        self.fields["role"].choices = [("", "---------")] + [
            (value, label)
            for value, label in Role.choices
            if value in access.ROLES_GIVEN_BY_MANAGERS
        ]
        self.fields["agency"].queryset = access.agencies_for(manager).order_by("name")
        self.fields["agency"].help_text = _("Only for agency officers.")
        if access.sees_every_office(manager):
            self.fields["office"].queryset = Office.objects.order_by("name")
            self.fields["office"].help_text = _("For everyone but agency officers.")
        else:
            del self.fields["office"]
        if self.instance.pk:
            # The login name stays what the person has learnt to type.
            del self.fields["username"]

    def clean(self):
        cleaned = super().clean()
        role, agency = cleaned.get("role"), cleaned.get("agency")
        office = cleaned.get("office") if "office" in self.fields else self.manager.office
        if role == Role.AGENCY_OFFICER:
            if agency is None:
                self.add_error("agency", _("Choose the agency this officer works for."))
            office = None
        elif role:
            if "office" in self.fields and office is None:
                self.add_error("office", _("Choose the office this person works for."))
            agency = None
        # The office and agency follow from the role; set before the model's own checks.
        cleaned["office"], cleaned["agency"] = office, agency
        self.instance.office, self.instance.agency = office, agency
        return cleaned
