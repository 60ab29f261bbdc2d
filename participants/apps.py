from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Participants")

    def ready(self):
        from accounts import navigation

        from . import access, duplicate_views
        from .pages import PARTICIPANT_PAGE

        navigation.add(
            _("Participants"),
            "participants:list",
            visible_to=access.can_open_participants,
            order=10,
        )
        navigation.add(
            _("Possible duplicates"),
            "participants:duplicates",
            visible_to=access.can_merge,
            order=15,
        )
        # Before "who has seen this record" (reports, 90): what this record absorbed.
        PARTICIPANT_PAGE.add(
            "participants/merge_panel.html", duplicate_views.merged_records_panel, order=80
        )
