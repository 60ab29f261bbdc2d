from django.contrib import admin

from .models import ImportJob, Problem


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    """The reference list of problems: administrators add entries and retire old ones."""

    list_display = ["name", "name_en", "code", "position", "is_active", "clinical"]
    list_editable = ["position", "is_active", "clinical"]
    list_filter = ["is_active", "clinical"]
    search_fields = ["name", "name_en", "code"]
    ordering = ["position", "name"]

    def has_delete_permission(self, request, obj=None):
        # Retire with is_active instead: past records keep pointing at the entry.
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Participant imports, to follow up one that failed or waits for the worker; read-only."""

    list_display = [
        "original_name",
        "office",
        "status",
        "total_rows",
        "error_rows",
        "imported_count",
        "created_by",
        "created_at",
    ]
    list_filter = ["status", "office"]
    list_select_related = ["office", "created_by"]
    search_fields = ["original_name"]
    ordering = ["-created_at"]
    # The uploaded file and the problems found hold personal data: the job page shows them.
    exclude = ["file", "issues"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
