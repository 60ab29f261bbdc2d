from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RightsConfig(AppConfig):
    name = "rights"
    verbose_name = _("Requests about personal data")

    def ready(self):
        from accounts import navigation

        from . import access, panels

        navigation.add(
            pgettext_lazy("menu", "Requests"),
            "rights:list",
            visible_to=access.can_handle_requests,
            order=40,
        )
        panels.register()
