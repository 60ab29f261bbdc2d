from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Participants")

    def ready(self):
        from accounts import navigation

        from . import access

        navigation.add(
            _("Participants"),
            "participants:list",
            visible_to=access.can_open_participants,
            order=10,
        )
