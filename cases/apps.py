from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from accounts import navigation

        from . import access

        navigation.add(_("Programs"), "cases:programs", visible_to=access.can_open_cases, order=20)
