from django.contrib import admin

from .models import Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    """The service catalogue: administrators add services and retire old ones."""

    list_display = ["name", "name_en", "agency_type", "code", "is_active"]
    list_filter = ["agency_type", "is_active"]
    search_fields = ["name", "name_en", "code"]

    def has_delete_permission(self, request, obj=None):
        return False
