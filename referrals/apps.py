from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        import datetime

        from accounts import navigation, schedule
        from participants.signals import consent_changed

        from . import access, panels, receivers, reminders

        consent_changed.connect(receivers.follow_consent, dispatch_uid="referrals.follow_consent")

        schedule.daily(
            "referral_reminders",
            at=datetime.time(7, 0),
            task=reminders.send_referral_reminders,
        )

        navigation.add(
            _("Referrals"), "referrals:list", visible_to=access.can_open_referrals, order=30
        )
        panels.register()
