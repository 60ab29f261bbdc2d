from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from accounts import navigation
        from participants.signals import merge_undone, participant_transferred, participants_merged

        from . import access, panels, receivers

        participant_transferred.connect(
            receivers.close_cases_left_behind, dispatch_uid="cases.close_cases_left_behind"
        )
        participants_merged.connect(
            receivers.fold_duplicate_cases, dispatch_uid="cases.fold_duplicate_cases"
        )
        merge_undone.connect(
            receivers.unfold_duplicate_cases, dispatch_uid="cases.unfold_duplicate_cases"
        )

        navigation.add(_("Programs"), "cases:programs", visible_to=access.can_open_cases, order=20)
        panels.register()
