from django.contrib import admin

from .models import Problem


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    """The reference list of problems: administrators add entries and retire old ones."""

    list_display = ["name", "name_en", "code", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "name_en", "code"]
    ordering = ["position", "name"]

    def has_delete_permission(self, request, obj=None):
        # Retire with is_active instead: past records keep pointing at the entry.
        return False
