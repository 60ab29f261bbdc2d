from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from accounts import navigation

        from . import access, panels

        navigation.add(
            _("Referrals"), "referrals:list", visible_to=access.can_open_referrals, order=30
        )
        panels.register()
