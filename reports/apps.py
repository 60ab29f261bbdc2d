from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from accounts import navigation

        from . import access, panels

        panels.register()
        navigation.add(
            _("Reports"), "reports:exports", visible_to=access.can_export_aggregates, order=40
        )
        navigation.add(_("Audit"), "audit:log", visible_to=access.can_read_audit, order=45)
