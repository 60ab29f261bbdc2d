from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        import datetime

        from django.contrib.auth.signals import (
            user_logged_in,
            user_logged_out,
            user_login_failed,
        )

        from . import idle_sessions, navigation, schedule, signals, tasks, two_factor

        navigation.register()
        schedule.daily(
            "discard_submission_keys", at=datetime.time(2, 30), task=tasks.discard_submission_keys
        )

        user_logged_in.connect(signals.log_login, dispatch_uid="accounts.log_login")
        user_logged_in.connect(idle_sessions.remember_login, dispatch_uid="accounts.idle_sessions")
        user_logged_in.connect(
            two_factor.remember_what_is_owed, dispatch_uid="accounts.two_factor_pending"
        )
        user_logged_out.connect(signals.log_logout, dispatch_uid="accounts.log_logout")
        user_login_failed.connect(
            signals.log_login_failed, dispatch_uid="accounts.log_login_failed"
        )
