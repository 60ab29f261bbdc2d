from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from .models import AccessLog, Agency, Office, User
from .organisations import OFFICE_FIELDS, validate_logo


class OfficeAdminForm(forms.ModelForm):
    """The admin site checks a logo as the office form does: a PNG or JPEG, not too large."""

    class Meta:
        model = Office
        fields = OFFICE_FIELDS

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and logo is not self.initial.get("logo"):
            logo.name = f"logo{validate_logo(logo)}"
        return logo


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    form = OfficeAdminForm
    list_display = ["name", "province", "phone", "email"]
    search_fields = ["name"]
    raw_id_fields = ["province"]
    list_select_related = ["province"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "regency", "is_active"]
    list_filter = ["type", "is_active"]
    search_fields = ["name"]
    raw_id_fields = ["regency"]
    list_select_related = ["regency"]


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["username", "full_name", "role", "office", "agency"]


class UserEditForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ["username", "full_name", "role", "office", "agency", "is_active", "last_login"]
    list_filter = ["role", "is_active", "office", "agency"]
    search_fields = ["username", "full_name", "email"]
    ordering = ["username"]
    list_select_related = ["office", "agency"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "email", "phone", "nip"]}),
        (_("Role and organisation"), {"fields": ["role", "office", "agency"]}),
        (
            _("Access"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "full_name",
                    "role",
                    "office",
                    "agency",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["username", "object_id", "path"]
    date_hierarchy = "at"
    ordering = ["-at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
