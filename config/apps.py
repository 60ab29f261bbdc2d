from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class PurnaAdminConfig(AdminConfig):
    default_site = "config.admin.PurnaAdminSite"


class PurnaConfig(AppConfig):
    """The project itself: its management commands (migrate and flush as the owner role)."""

    name = "config"
    label = "purna"

    def ready(self):
        from . import checks  # noqa: F401 (registers the checks)
